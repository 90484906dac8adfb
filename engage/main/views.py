"""Home page, staff dashboard, accessibility and privacy statements, and the health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from engage import charts
from engage.consultations import queries as consultation_queries
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.main import queries
from engage.permissions import PUBLIC, Permission, can, requires
from engage.records import queries as records_queries
from engage.responses.models import ResponseChannel

bp = Blueprint("main", __name__)


@bp.get("/")
@requires(PUBLIC)
def index():
    """Show the public home page: what Engage is and the places the partnership covers."""
    return render_template("main/index.html", systems=queries.place_tree())


@bp.get("/dashboard")
@requires(Permission.DASHBOARD_VIEW)
def dashboard():
    """Show a signed-in member of staff their starting page: activity charts, overdue actions, reviews."""
    today = to_london(now_utc()).date()
    activity = queries.activity(current_user, today)
    return render_template(
        "main/dashboard.html",
        activity=activity,
        charts=_activity_charts(activity),
        month_label=charts.month_label,
        overdue=queries.overdue_actions(current_user, today) if can(current_user, Permission.RECORDS_MANAGE) else [],
        to_review=records_queries.review_queue_page(current_user, 1, per_page=5),
        open_flags=records_queries.open_flags(current_user) if can(current_user, Permission.RECORDS_RESOLVE) else [],
        recent=queries.recent_activity_of(current_user),
        systems=queries.place_tree(),
        topics=queries.active_topics(),
        response_counts=(
            consultation_queries.response_counts(now_utc())
            if can(current_user, Permission.CONSULTATIONS_READ)
            else None
        ),
        channels=list(ResponseChannel),
    )


def _activity_charts(activity):
    """The four dashboard charts, each drawn from the same rows its table shows."""
    return {
        "month": charts.column_chart(activity["by_month"], chart_id="activity-by-month", title="Records by month"),
        "place": charts.bar_chart(activity["by_place"], chart_id="activity-by-place", title="Records by place"),
        "topic": charts.bar_chart(activity["by_topic"], chart_id="activity-by-topic", title="Records by topic"),
        "type": charts.bar_chart(activity["by_type"], chart_id="activity-by-type", title="Records by type of activity"),
    }


@bp.get("/accessibility")
@requires(PUBLIC)
def accessibility():
    """Show the accessibility statement the 2018 regulations require."""
    return render_template("main/accessibility.html")


@bp.get("/privacy")
@requires(PUBLIC)
def privacy():
    """Show the privacy notice."""
    return render_template("main/privacy.html")


@bp.get("/healthz")
@requires(PUBLIC)
def healthz():
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
