"""Consultation campaigns: lifecycle, London dates, documents, ways to respond, alternative formats."""
