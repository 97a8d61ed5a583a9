"""Rendering answers for people: plain text (and, later, Markdown and HTML)."""
