"""Data protection: retention of respondents' personal details and subject access requests."""
