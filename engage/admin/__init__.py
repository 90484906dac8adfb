"""Administration: users, places, topics and the audit log (views and forms only)."""
