"""The rules engine: decision rules of alliances and neutrality arrangements, made executable."""
