"""Responses to consultations: the public survey journey, drafts with resume links, abuse flags."""
