"""Measures of what states do: UN General Assembly votes, alliances, similarity and ideal points."""
