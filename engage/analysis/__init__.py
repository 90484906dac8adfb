"""The officers' side of responses: offline keying, the responses list, analysis status and coding."""
