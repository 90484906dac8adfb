"""Publishing responses whose respondents agreed: moderation, redaction with reasons, the public list."""
