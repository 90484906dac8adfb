"""The shared repository of engagement records and local experience."""
