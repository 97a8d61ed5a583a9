"""The facts layer: the knowledge model, YAML loading and validation, time, the store, as-of queries."""
