"""allegiance."""
