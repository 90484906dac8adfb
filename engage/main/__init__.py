"""Public pages that belong to no single domain: home, dashboard, health check, statements."""
