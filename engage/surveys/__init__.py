"""Consultation surveys: pages of questions, show-if conditions, the equality monitoring section."""
