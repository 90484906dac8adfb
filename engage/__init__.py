"""Engage: stakeholder engagement and public consultation for health and care partnerships."""

import os

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, select_autoescape

from engage.jinja import Environment

NHSUK_FRONTEND_VERSION = "10.6.1"


def create_app(config_name_or_object=None):
    """Build the app: config, extensions, blueprints, error pages, commands, then checks.

    :param config_name_or_object: ``"development"``, ``"testing"``, ``"production"`` or a
        config class/object. Defaults to ``ENGAGE_CONFIG`` from the environment, else development.
    """
    # NHS.UK CSS asks for /assets/images/...; serving our static folder at /assets fits it.
    app = Flask(__name__, static_url_path="/assets", instance_relative_config=False)
    app.jinja_environment = Environment
    configure(app, config_name_or_object)
    app.jinja_options = {
        **app.jinja_options,
        # The NHS.UK macros are .jinja files, which Flask would not autoescape: escape them too,
        # and anything else we have not named, so a resident's text can never become markup.
        "autoescape": select_autoescape(
            enabled_extensions=("html", "htm", "xml", "xhtml", "svg", "jinja"), default_for_string=True, default=True
        ),
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [
                FileSystemLoader(os.path.join(app.root_path, "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
    }
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_shellcontext(app)
    return app


def configure(app, config_name_or_object):
    """Load the config and refuse to start with an unsafe one."""
    from config import CONFIGS

    target = config_name_or_object or os.environ.get("ENGAGE_CONFIG", "development")
    if isinstance(target, str):
        if target not in CONFIGS:
            raise RuntimeError(f"Unknown config {target!r}; choose one of {sorted(CONFIGS)}")
        target = CONFIGS[target]
    app.config.from_object(target)
    if hasattr(target, "init_secret_key") and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = target.init_secret_key()
    validate_config(app)


def validate_config(app):
    """Refuse to run production without a real secret key."""
    key = app.config.get("SECRET_KEY") or ""
    if app.config.get("ENV_NAME") == "production" and len(key) < 32:
        raise RuntimeError("SECRET_KEY must be set to a random value of at least 32 characters in production")
    if not key:
        raise RuntimeError("SECRET_KEY is not set")


def register_extensions(app):
    """Bind the extensions and the per-connection database settings."""
    from engage import mail, security, storage
    from engage.db import configure_engine
    from engage.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    storage.init_app(app)
    mail.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app)
    import_all_models()
    from engage import search

    search.init_app(app)


def import_all_models():
    """Import every model module so metadata (and autogenerate) sees every table."""
    from engage import (
        audit,  # noqa: F401
        search,  # noqa: F401, I001  (attaches the search index DDL to the records table)
    )
    from engage.accounts import models as accounts_models  # noqa: F401
    from engage.analysis import models as analysis_models  # noqa: F401
    from engage.charters import models as charters_models  # noqa: F401
    from engage.consultations import models as consultation_models  # noqa: F401
    from engage.outcomes import models as outcomes_models  # noqa: F401
    from engage.publishing import models as publishing_models  # noqa: F401
    from engage.records import models as records_models  # noqa: F401
    from engage.records import rules as records_rules  # noqa: F401  (registers object-level rules)
    from engage.reference import models as reference_models  # noqa: F401
    from engage.responses import export_models  # noqa: F401
    from engage.responses import models as responses_models  # noqa: F401
    from engage.stakeholders import models as stakeholder_models  # noqa: F401
    from engage.surveys import models as surveys_models  # noqa: F401
    from engage.themes import models as themes_models  # noqa: F401


def register_blueprints(app):
    """Import and register every blueprint (ids in their URLs capped by engage.db.IdConverter)."""
    from engage.db import IdConverter

    app.url_map.converters["int"] = IdConverter
    from engage.accounts.views import bp as accounts_bp
    from engage.admin.views import bp as admin_bp
    from engage.consultations.views import bp as consultations_bp
    from engage.main.views import bp as main_bp
    from engage.records.views import bp as records_bp
    from engage.responses.views import bp as responses_bp
    from engage.stakeholders.views import bp as stakeholders_bp
    from engage.surveys.views import bp as surveys_bp
    from engage.themes.views import bp as themes_bp

    for bp in (main_bp, accounts_bp, admin_bp, stakeholders_bp, records_bp, themes_bp, consultations_bp, responses_bp):
        app.register_blueprint(bp)
    app.register_blueprint(surveys_bp)
    from engage.charters.views import bp as charters_bp

    app.register_blueprint(charters_bp)
    from engage.analysis.views import bp as analysis_bp

    app.register_blueprint(analysis_bp)
    from engage.analysis.breakdown_views import bp as breakdowns_bp

    app.register_blueprint(breakdowns_bp)
    from engage.responses.export_views import bp as response_exports_bp

    app.register_blueprint(response_exports_bp)
    from engage.dataprotection.views import bp as dataprotection_bp

    app.register_blueprint(dataprotection_bp)
    from engage.outcomes.views import bp as outcomes_bp
    from engage.publishing.views import bp as publishing_bp

    app.register_blueprint(outcomes_bp)
    app.register_blueprint(publishing_bp)
    from engage import api

    api.init_app(app)


def register_errorhandlers(app):
    """Friendly HTML error pages, JSON problem bodies under /api/."""
    from engage import errors

    errors.init_app(app)


def register_template_helpers(app):
    """Globals and filters shared by every template."""
    from engage import templating

    templating.init_app(app)


def register_commands(app):
    """Register the ``flask`` CLI groups."""
    from engage import cli

    cli.init_app(app)


def register_shellcontext(app):
    """Make the database and main models available in ``flask shell``."""

    def shell_context():
        from engage.accounts.models import User
        from engage.audit import AuditEntry
        from engage.extensions import db
        from engage.reference.models import Place, Topic

        return {"db": db, "User": User, "AuditEntry": AuditEntry, "Place": Place, "Topic": Topic}

    app.shell_context_processor(shell_context)
