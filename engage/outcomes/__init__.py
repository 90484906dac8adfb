"""The outcome of a consultation: a summary and, per theme, what people said and what was decided."""
