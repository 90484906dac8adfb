"""Reference data every part shares: places (system -> place -> neighbourhood) and topics."""
