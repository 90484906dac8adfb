"""Theme pages for staff, attaching evidence from records, and the public "You said, we did" page."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage import charts
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, requires
from engage.records import redaction
from engage.records.models import RecordQuote
from engage.records.views import load_readable
from engage.text import render_markdown
from engage.themes import queries, services
from engage.themes.forms import RecordEvidenceForm, ThemeEvidenceForm, ThemeForm
from engage.themes.models import Theme, ThemeEvidence

bp = Blueprint("themes", __name__)

#: How much of a record's "what we heard" a theme page shows for whole-record evidence.
EXCERPT = 280


def _excerpt(text):
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "\u2026"


def staff_excerpt(user, item):
    """A theme page's text for one evidence item: the quote or the start of what was heard, as ``user`` may see it."""
    text = item.quote.text if item.quote is not None else item.record.what_we_heard
    return _excerpt(redaction.for_reader(user, item.record, text))


def public_summary(item):
    """What residents see of one evidence item: the quote or first paragraph heard, identifying passages removed."""
    if item.quote is not None:
        return redaction.redact(item.quote.text)
    first = redaction.redact(item.record.what_we_heard).strip().split("\n\n")[0]
    return render_markdown(first)


@bp.get("/themes/")
@requires(Permission.THEMES_READ)
def index():
    """List every theme with whether its response is published and how much evidence the user can see."""
    return render_template("themes/index.html", themes=queries.themes_overview(current_user))


@bp.route("/themes/new", methods=["GET", "POST"])
@requires(Permission.THEMES_MANAGE)
def new():
    """Create a theme."""
    form = ThemeForm()
    if form.validate_on_submit():
        theme = services.create_theme(actor=current_user, **form.values())
        db.session.commit()
        flash("Theme created. Add evidence to it from record pages or below.", "success")
        return redirect(url_for(".detail", theme_id=theme.id))
    return render_template("themes/form.html", form=form, theme=None)


def _detail(theme, status=200, **forms):
    evidence = queries.visible_evidence(theme, current_user)
    summary = queries.summarise(evidence)
    context = {
        "theme": theme,
        "evidence": evidence,
        "summary": summary,
        "month_chart": charts.column_chart(
            summary["by_month"], chart_id="evidence-by-month", title=f"Evidence for {theme.title} by month"
        ),
        "place_chart": charts.bar_chart(
            summary["by_place"], chart_id="evidence-by-place", title=f"Evidence for {theme.title} by place"
        ),
        "topic_chart": charts.bar_chart(
            summary["by_topic"], chart_id="evidence-by-topic", title=f"Evidence for {theme.title} by topic"
        ),
        "month_label": charts.month_label,
        "excerpt": staff_excerpt,
        "evidence_form": ThemeEvidenceForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        **forms,
    }
    if forms:
        context["form"] = next(iter(forms.values()))
    return render_template("themes/detail.html", **context), status


@bp.get("/themes/<int:theme_id>")
@requires(Permission.THEMES_READ)
def detail(theme_id):
    """Show a theme: its evidence (from records the user may read) over time, by place and topic, and what was done."""
    return _detail(db.get_or_404(Theme, theme_id))


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@requires(Permission.THEMES_MANAGE)
def edit(theme_id):
    """Edit a theme's title, description and "we did" response."""
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(theme=theme)
    if form.validate_on_submit():
        services.update_theme(theme, actor=current_user, **form.values())
        db.session.commit()
        flash("Theme updated.", "success")
        return redirect(url_for(".detail", theme_id=theme.id))
    return render_template("themes/form.html", form=form, theme=theme)


def _change_publication(theme_id, change, done):
    theme = db.get_or_404(Theme, theme_id)
    if ConfirmForm().validate_on_submit():
        try:
            change(theme, actor=current_user)
        except ValueError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for(".detail", theme_id=theme_id))


@bp.post("/themes/<int:theme_id>/publish")
@requires(Permission.THEMES_MANAGE)
def publish(theme_id):
    """Publish the theme's response on "You said, we did"."""
    return _change_publication(
        theme_id, services.publish_response, "Response published on \u201cYou said, we did\u201d."
    )


@bp.post("/themes/<int:theme_id>/unpublish")
@requires(Permission.THEMES_MANAGE)
def unpublish(theme_id):
    """Take the theme's response off "You said, we did"."""
    return _change_publication(
        theme_id, services.unpublish_response, "Response taken off \u201cYou said, we did\u201d."
    )


@bp.post("/themes/<int:theme_id>/evidence")
@requires(Permission.THEMES_MANAGE)
def add_evidence(theme_id):
    """Attach a whole record, by its number, to the theme."""
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeEvidenceForm()
    if not form.validate_on_submit():
        return _detail(theme, 400, evidence_form=form)
    record = load_readable(int(form.record.data))
    try:
        services.add_evidence(theme, record, actor=current_user, note=form.note.data or "")
    except ValueError as error:
        db.session.rollback()
        form.record.errors.append(str(error))
        return _detail(theme, 400, evidence_form=form)
    db.session.commit()
    flash("Record added as evidence.", "success")
    return redirect(url_for(".detail", theme_id=theme.id) + "#evidence")


@bp.post("/records/<int:record_id>/themes")
@requires(Permission.THEMES_MANAGE)
def add_record_evidence(record_id):
    """From a record page: attach the record, or one of its quotes, to a theme."""
    from engage.records.views import _detail as record_page

    record = load_readable(record_id)
    form = RecordEvidenceForm()
    if not form.validate_on_submit():
        return record_page(record, 400, evidence_form=form)
    quote = None
    if form.quote_id.data:
        quote = db.session.get(RecordQuote, int(form.quote_id.data))
        if quote is None or quote.record_id != record.id:
            abort(404)
    theme = db.session.get(Theme, form.theme_id.data)
    try:
        services.add_evidence(theme, record, actor=current_user, quote=quote, note=form.note.data or "")
    except ValueError as error:
        db.session.rollback()
        form.theme_id.errors.append(str(error))
        return record_page(record, 400, evidence_form=form)
    db.session.commit()
    flash(f"{'Quote' if quote else 'Record'} added to \u201c{theme.title}\u201d.", "success")
    return redirect(url_for("records.detail", record_id=record.id) + "#themes")


@bp.post("/themes/<int:theme_id>/evidence/<int:evidence_id>/remove")
@requires(Permission.THEMES_MANAGE)
def remove_evidence(theme_id, evidence_id):
    """Detach one piece of evidence from the theme."""
    evidence = db.get_or_404(ThemeEvidence, evidence_id)
    if evidence.theme_id != theme_id:
        abort(404)
    load_readable(evidence.record_id)
    if ConfirmForm().validate_on_submit():
        services.remove_evidence(evidence, actor=current_user)
        db.session.commit()
        flash("Evidence removed from the theme.", "success")
    return redirect(url_for(".detail", theme_id=theme_id) + "#evidence")


@bp.get("/you-said-we-did")
@requires(PUBLIC)
def you_said_we_did():
    """The public page: what people said (from public records only) and what the partnership did."""
    return render_template("themes/you_said_we_did.html", themes=queries.published_themes(), summary=public_summary)
