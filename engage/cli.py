"""``flask`` command groups: demo content, user administration, search and consultation reminders."""

import click
from flask import current_app
from flask.cli import AppGroup

from engage.extensions import db

demo_cli = AppGroup("demo", help="Demo content for trying Engage out.")
users_cli = AppGroup("users", help="Manage staff accounts.")
search_cli = AppGroup("search", help="The full-text search index of engagement records.")
consultations_cli = AppGroup("consultations", help="Consultation emails: reminders and updates.")
exports_cli = AppGroup("exports", help="Background exports of consultation responses.")


@search_cli.command("rebuild")
def search_rebuild():
    """Rewrite the search index from the records (after a bulk load or a change to what is indexed)."""
    from engage import search

    done = search.rebuild()
    db.session.commit()
    click.echo(f"Search index rebuilt: {done:,} records.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
def demo_load(if_empty):
    """Load the Kent and Medway demo content and demo users (idempotent; never in production)."""
    from engage import demo

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Demo content and demo users are never loaded in production.")
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has content, so demo content was not loaded again.")
    else:
        added = demo.load_demo()
        db.session.commit()
        click.echo("Demo content loaded: " + ", ".join(f"{n} {what} added" for what, n in added.items()))
    if demo.demo_users_exist():
        click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
        for email, _name, role, _org in demo.DEMO_USERS:
            click.echo(f"  {role.label:<20} {email}")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email, name, password):
    """Create an administrator account (for the first sign-in on a new installation)."""
    from engage.accounts import services
    from engage.accounts.passwords import policy_problems
    from engage.permissions import Role

    if services.find_user_by_email(email) is not None:
        raise click.ClickException("A user with this email address already exists.")
    problems = policy_problems(password, email=email, name=name)
    if problems:
        raise click.ClickException(problems[0])
    services.create_user(actor=None, email=email, name=name, role=Role.admin, password=password)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


@users_cli.command("reset-2fa")
@click.option("--email", prompt=True)
def reset_two_factor(email):
    """Turn off a user's two-factor sign-in (lost phone and recovery codes); they set it up again."""
    from engage.accounts import services

    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No user has this email address.")
    if not user.two_factor_enabled:
        raise click.ClickException("This user does not have two-factor sign-in on.")
    services.disable_two_factor(user, actor=None)
    db.session.commit()
    click.echo(f"Two-factor sign-in turned off for {user.email}; their sessions have ended.")


@consultations_cli.command("remind")
def consultations_remind():
    """Email what is due: officers 7 days and 1 day before closing, subscribers when an outcome is published.

    Safe to run from cron as often as wanted: each reminder goes to each recipient once. Prints counts,
    never addresses; exits with status 1 when some could not be sent (they are tried again next run).
    """
    from engage.consultations.reminders import send_reminders

    summary = send_reminders()
    click.echo(summary.text())
    if summary.failed:
        raise SystemExit(1)


@exports_cli.command("sweep")
def exports_sweep():
    """Mark failed the exports whose worker died, and delete export files older than EXPORT_KEEP_DAYS.

    Safe to run from cron as often as wanted. Prints counts only.
    """
    from engage.responses.exports import sweep

    summary = sweep()
    db.session.commit()
    click.echo(summary.text())


def init_app(app):
    """Register the command groups."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(consultations_cli)
    app.cli.add_command(exports_cli)
    from engage.dataprotection.cli import retention_cli

    app.cli.add_command(retention_cli)
    from engage.backup import backup_cli

    app.cli.add_command(backup_cli)
