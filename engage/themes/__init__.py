"""Themes: evidence gathered across engagement records, and what was done about it ("you said, we did")."""
