"""The JSON API under /api/v1/: flask-smorest blueprints over the pages' own queries, services and permissions."""


def init_app(app):
    """Register the API blueprints, token authentication, per-token rate limits and ETags."""
    from flask import g, request

    from engage.api import consultations, core, docs, records, stakeholders, themes
    from engage.extensions import csrf, limiter

    app.config.setdefault("API_RATE_LIMIT", "120/minute;5000/hour")
    api = core.make_api(app)
    app.extensions["engage_api"] = api
    for bp in (stakeholders.bp, records.bp, themes.bp, consultations.bp, consultations.outcomes_bp):
        # Token auth only, never cookies (engage.api.core), so there is nothing for CSRF to protect.
        csrf.exempt(bp)
        limiter.limit(core.rate_limit, key_func=core.rate_limit_key)(bp)
        api.register_blueprint(bp)
    app.register_blueprint(docs.bp)

    @app.before_request
    def api_authentication():
        if request.path.startswith("/api/"):
            core.authenticate()
            core.refuse_unreadable_json()

    @app.after_request
    def api_etags_and_links(response):
        if not request.path.startswith("/api/"):
            return response
        next_link = g.get("api_next_link")
        if next_link:
            response.headers["Link"] = f'<{next_link}>; rel="next"'
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.direct_passthrough:
            # A strong ETag of the body: the same answer for the same data; 304 when the client has it.
            response.add_etag()
            response.make_conditional(request)
        return response
