"""``flask retention apply``: remove respondents' personal details once they are no longer needed."""

import click
from flask.cli import AppGroup

from engage.extensions import db

retention_cli = AppGroup("retention", help="Keep respondents' personal details only as long as the policy says.")


@retention_cli.command("apply")
def retention_apply():
    """Remove names, emails, full postcodes and identifying answers from responses past their retention date.

    The date is RESPONSE_RETENTION_DAYS after the consultation's outcome was published. Safe to run
    from cron as often as wanted: a second run finds nothing left to remove. Prints counts only.
    """
    from engage.dataprotection.retention import apply_retention

    summary = apply_retention()
    db.session.commit()
    click.echo(summary.text())
