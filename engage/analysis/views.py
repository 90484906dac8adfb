"""Officers' pages for a consultation's responses: key in offline ones, list and read, duplicates, coding.

Reading needs CONSULTATIONS_READ; every change needs CONSULTATIONS_MANAGE. Equality monitoring
answers are special category data: they are never shown one response at a time here.
"""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_login import current_user
from sqlalchemy import select

from engage import storage
from engage.analysis import queries, services
from engage.analysis.forms import (
    CodeChangeForm,
    CodeForm,
    DeadlineRulesForm,
    DuplicateForm,
    OfflineResponseForm,
    RespondentDetailsForm,
    ResponseFilterForm,
    StatusForm,
    UnreadReasonForm,
    all_questions,
    answer_errors,
    build_answers_form,
    condition_text,
    validate_answers,
)
from engage.analysis.models import ResponseCode
from engage.consultations.models import Consultation, ConsultationStatus
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, can, requires
from engage.records.attachments import ACCEPT, content_disposition
from engage.responses import queries as response_queries
from engage.responses.models import AnalysisStatus, Answer, ResponseChannel
from engage.surveys.models import YES_NO, QuestionKind
from engage.themes.models import Theme
from engage.validators import as_id

bp = Blueprint("analysis", __name__, url_prefix="/consultations/manage/<int:consultation_id>/responses")

COULD_NOT_STORE = "The file could not be stored just now. Try again, or key in the response without it."
NOT_VISIBLE = "This response is not part of this consultation, or you cannot see it."


@bp.app_template_global()
def response_analysis(consultation_id):
    """Counts and the percentage analysed, for the officer consultation page."""
    return queries.counts(consultation_id)


def _consultation(consultation_id):
    return db.get_or_404(Consultation, consultation_id)


def _stop(template, status, **context):
    abort(make_response(render_template(f"analysis/{template}.html", **context), status))


def _response(consultation, response_id):
    """The response, only if it is this consultation's; otherwise a clear page (404)."""
    response = queries.response_in(consultation.id, response_id)
    if response is None:
        _stop("not_visible", 404, consultation=consultation, message=NOT_VISIBLE)
    return response


def _themes():
    """The repository's themes, shared with coding: every theme, by title."""
    return db.session.scalars(select(Theme).order_by(Theme.title)).all()


def _keying_survey(consultation):
    """The survey to key into, or a clear page when there is none or the consultation has not opened."""
    status = 400 if request.method == "POST" else 200
    if consultation.status in (ConsultationStatus.draft, ConsultationStatus.scheduled):
        _stop("cannot_key", status, consultation=consultation, reason="not_open")
    survey = response_queries.survey_for(consultation.id)
    if not response_queries.has_questions(survey):
        _stop("cannot_key", status, consultation=consultation, reason="no_survey")
    return survey


def _conditions(survey):
    by_id = {q.id: q for q in all_questions(survey)}
    return {q.id: condition_text(q, by_id) for q in by_id.values() if q.show_if_question_id}


def _answer_label(question, value):
    """An answer as people read it (for comparisons); None when unanswered."""
    if value is None or value == []:
        return None
    options = {str(o.id): o.label for o in question.options}
    if question.kind == QuestionKind.multiple_choice:
        return ", ".join(options.get(v, v) for v in value)
    if question.kind in (QuestionKind.single_choice, QuestionKind.likert):
        return options.get(value, value)
    if question.kind == QuestionKind.yes_no:
        return dict(YES_NO).get(value, value)
    return str(value)


# List, read ----------------------------------------------------------------------------------


@bp.get("")
@requires(Permission.CONSULTATIONS_READ)
def index(consultation_id):
    """Every response of the consultation, filtered, a page at a time, with the analysis counts."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    form = ResponseFilterForm(request.args).setup(survey, _themes())
    form.validate()
    questions_by_id = {q.id: q for q in all_questions(survey)} if survey else {}
    page = request.args.get("page", 1, type=int)
    results = queries.responses_page(consultation.id, form.values(), questions_by_id, max(page, 1))
    return render_template(
        "analysis/index.html",
        consultation=consultation,
        survey=survey,
        filter_form=form,
        page=results,
        counts=queries.counts(consultation.id),
    )


def _comparisons(survey, response, keyings):
    """For each second keying: rows (label, first, second, differs), equality answers never shown."""
    if not keyings or survey is None:
        return []
    first = queries.stored_answers(response)
    first_details = {
        "respondent_type": response.respondent_type.value,
        "organisation_name": response.organisation_name,
        "name": response.name,
        "email": response.email,
        "publish_consent": response.publish_consent.value,
    }
    labels = {
        "respondent_type": "Responding as",
        "organisation_name": "Organisation",
        "name": "Name",
        "email": "Email address",
        "publish_consent": "Can we publish the response?",
    }
    comparisons = []
    for keying in keyings:
        rows = []
        for key, label in labels.items():
            a, b = first_details.get(key) or "", (keying.details or {}).get(key) or ""
            rows.append({"label": label, "first": a, "second": b, "differs": a != b, "hidden": False})
        for page in survey.pages:
            for question in page.questions:
                key = str(question.id)
                a, b = first.get(key), (keying.answers or {}).get(key)
                if isinstance(a, list):
                    a = sorted(a)
                if isinstance(b, list):
                    b = sorted(b)
                rows.append(
                    {
                        "label": question.text,
                        "first": _answer_label(question, a),
                        "second": _answer_label(question, b),
                        "differs": a != b,
                        "hidden": page.is_equality,
                    }
                )
        comparisons.append({"keying": keying, "rows": rows, "differences": sum(r["differs"] for r in rows)})
    return comparisons


@bp.get("/<int:response_id>")
@requires(Permission.CONSULTATIONS_READ)
def detail(consultation_id, response_id):
    """One response in full (equality answers only in aggregate, elsewhere). Opening it marks it read."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    if services.mark_read(response, actor=current_user):
        db.session.commit()
    response = queries.response_full(response.id)
    survey = response_queries.survey_for(consultation.id)
    codes = queries.codes_of(response.id)
    codes_by_answer = {}
    for code in codes:
        codes_by_answer.setdefault(code.answer_id, []).append(code)
    grouped = []
    for answer in response.answers:
        if grouped and grouped[-1]["question"].id == answer.question_id:
            grouped[-1]["answers"].append(answer)
        else:
            grouped.append({"question": answer.question, "answers": [answer]})
    return render_template(
        "analysis/detail.html",
        consultation=consultation,
        response=response,
        grouped=grouped,
        codes_by_answer=codes_by_answer,
        codable=queries.CODABLE,
        scans=queries.scans_of(response.id),
        comparisons=_comparisons(survey, response, queries.keyings_of(response.id)),
        has_equality=bool(response.equality_answers),
        status_form=StatusForm(data={"status": response.analysis_status.value}),
        action_form=ConfirmForm(formdata=None),
        change_form=CodeChangeForm(formdata=None),
        manage=can(current_user, Permission.CONSULTATIONS_MANAGE),
    )


@bp.get("/<int:response_id>/scan")
@requires(Permission.CONSULTATIONS_MANAGE)
def scan(consultation_id, response_id):
    """The scan or copy of an offline response."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    scans = queries.scans_of(response.id)
    if not scans:
        abort(404)
    item = scans[-1]
    try:
        fh = storage.get_storage().open(item.storage_key)
    except storage.StorageError:
        abort(503)
    sent = FlaskResponse(storage.iter_file(fh), mimetype=item.content_type, direct_passthrough=True)
    sent.content_length = item.size
    sent.headers["Content-Disposition"] = content_disposition(item.filename, inline=item.is_inline)
    sent.headers["X-Content-Type-Options"] = "nosniff"
    sent.headers["Cache-Control"] = "no-store"
    return sent


# Keying in -----------------------------------------------------------------------------------


def _keying_page(consultation, survey, form, answers_form, *, heading, button, response=None):
    order = ("channel", "received_on", "respondent_type", "organisation_name", "name", "email", "publish_consent")
    fields = sorted(form, key=lambda f: order.index(f.name) if f.name in order else len(order))
    errors = [(f.id, message) for f in fields if f.errors for message in f.errors]
    errors += answer_errors(answers_form)
    status = 400 if errors or request.method == "POST" else 200
    return render_template(
        "analysis/key.html",
        consultation=consultation,
        survey=survey,
        form=form,
        answers_form=answers_form,
        errors=errors,
        conditions=_conditions(survey),
        heading=heading,
        button=button,
        response=response,
        accept=ACCEPT,
        closes_on=services.closing_date(consultation),
    ), status


def _store_keyed(consultation, survey, form, answers):
    """Store a keyed-in response (and its scan) and commit; the redirect, or None when the file store failed."""
    try:
        with storage.batch() as batch:
            response = services.key_response(
                consultation,
                survey,
                actor=current_user,
                details=form.details(),
                answers=answers,
                checked=form.checked,
                batch=batch,
            )
            reference, late, response_id = response.reference, response.late, response.id
            db.session.commit()
    except storage.StorageError:
        db.session.rollback()
        form.scan.errors = [COULD_NOT_STORE]
        return None
    flash(f"Response {reference} keyed in.", "success")
    if late:
        flash(
            "This response was received after the closing date "
            f"({services.closing_date(consultation):%-d %B %Y}). It is kept and marked late.",
            "warning",
        )
    return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response_id))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def key(consultation_id):
    """Key in a response that came by post, email, phone or at an event, on the survey's own questions."""
    consultation = _consultation(consultation_id)
    survey = _keying_survey(consultation)
    form = OfflineResponseForm()
    posted = request.method == "POST"
    answers_form = build_answers_form(survey, formdata=request.form if posted else None)
    if posted:
        details_ok = form.validate_on_submit()
        answers = validate_answers(survey, answers_form)
        if details_ok and answers is not None:
            stored = _store_keyed(consultation, survey, form, answers)
            if stored is not None:
                return stored
    return _keying_page(
        consultation, survey, form, answers_form, heading="Key in a response", button="Save the response"
    )


@bp.route("/<int:response_id>/second-keying", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def second_keying(consultation_id, response_id):
    """A second officer keys the same paper response again; the differences show on the response."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    status = 400 if request.method == "POST" else 200
    if response.channel == ResponseChannel.online or response.entered_by_id is None:
        return render_template(
            "analysis/cannot_key.html", consultation=consultation, reason="online", response=response
        ), status
    if response.entered_by_id == current_user.id:
        return render_template(
            "analysis/cannot_key.html", consultation=consultation, reason="same_officer", response=response
        ), status
    survey = _keying_survey(consultation)
    form = RespondentDetailsForm()
    posted = request.method == "POST"
    answers_form = build_answers_form(survey, formdata=request.form if posted else None)
    if posted:
        details_ok = form.validate_on_submit()
        answers = validate_answers(survey, answers_form)
        if details_ok and answers is not None:
            keying = services.add_second_keying(response, actor=current_user, details=form.details(), answers=answers)
            db.session.commit()
            (comparison,) = _comparisons(survey, response, [keying])
            differences = comparison["differences"]
            if differences:
                flash(
                    f"Second keying saved: {differences} differences from the first. They are highlighted below.",
                    "warning",
                )
            else:
                flash("Second keying saved: it matches the first keying exactly.", "success")
            return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response.id) + "#keyings")
    return _keying_page(
        consultation,
        survey,
        form,
        answers_form,
        heading=f"Key response {response.reference} a second time",
        button="Save the second keying",
        response=response,
    )


# Duplicates and status -----------------------------------------------------------------------


@bp.route("/<int:response_id>/duplicate", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def duplicate(consultation_id, response_id):
    """Mark a response as a duplicate, with the reason: it is kept, but left out of the counts."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    form = DuplicateForm(data={"reason": response.duplicate_reason})
    if form.validate_on_submit():
        services.mark_duplicate(response, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash(f"Response {response.reference} marked as a duplicate. It is kept but not counted.", "success")
        return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "analysis/form.html",
        consultation=consultation,
        form=form,
        heading=f"Mark response {response.reference} as a duplicate",
        button="Mark as duplicate",
        back_url=url_for(".detail", consultation_id=consultation.id, response_id=response.id),
    ), status


@bp.post("/<int:response_id>/not-duplicate")
@requires(Permission.CONSULTATIONS_MANAGE)
def not_duplicate(consultation_id, response_id):
    """Count a response marked as a duplicate again."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    if ConfirmForm().validate_on_submit():
        services.unmark_duplicate(response, actor=current_user)
        db.session.commit()
        flash(f"Response {response.reference} is no longer marked as a duplicate, and is counted again.", "success")
    return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response.id))


@bp.post("/<int:response_id>/status")
@requires(Permission.CONSULTATIONS_MANAGE)
def status(consultation_id, response_id):
    """Set a response's analysis status by hand (unread, read, coded)."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    form = StatusForm()
    if form.validate_on_submit():
        services.set_status(response, AnalysisStatus(form.status.data), actor=current_user)
        db.session.commit()
        flash(f"Marked as {AnalysisStatus(form.status.data).label.lower()}.", "success")
    else:
        flash("Select an analysis status.", "error")
    return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response.id))


# Coding --------------------------------------------------------------------------------------


@bp.route("/<int:response_id>/code", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def code(consultation_id, response_id):
    """Code a written answer of this response (``?answer=<id>``), or a passage of it, to a theme."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    answer_id = request.args.get("answer", type=int)
    answer = db.session.get(Answer, answer_id) if answer_id else None
    if answer is None or answer.response_id != response.id:
        _stop(
            "not_visible",
            404,
            consultation=consultation,
            message="That answer is not part of this response: choose a written answer on the response's page.",
            response=response,
        )
    if answer.question.kind not in queries.CODABLE:
        _stop(
            "not_visible",
            400,
            consultation=consultation,
            message="Only written answers are coded into themes; closed questions are counted instead.",
            response=response,
        )
    themes = _themes()
    form = CodeForm().setup(themes)
    if form.validate_on_submit():
        theme = db.session.get(Theme, int(form.theme.data))
        try:
            services.code_answer(
                response,
                answer,
                theme,
                actor=current_user,
                passage=form.passage.data or "",
                start=form.start.data,
                end=form.end.data,
                is_quote=form.is_quote.data,
            )
        except services.CodingError as error:
            db.session.rollback()
            form.passage.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Coded to “{theme.title}”.", "success")
            return redirect(url_for(".detail", consultation_id=consultation.id, response_id=response.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "analysis/code.html",
        consultation=consultation,
        response=response,
        answer=answer,
        form=form,
        themes=themes,
    ), status


@bp.post("/<int:response_id>/codes/change")
@requires(Permission.CONSULTATIONS_MANAGE)
def change_code(consultation_id, response_id):
    """Pick a coded passage as a quote, unpick it, or remove the code."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    form = CodeChangeForm()
    back = url_for(".detail", consultation_id=consultation.id, response_id=response.id)
    code_id = as_id(form.code.data)
    if not form.validate_on_submit() or code_id is None:
        flash("Choose a code to change.", "error")
        return redirect(back)
    item = db.session.get(ResponseCode, code_id)
    if item is None or item.response_id != response.id:
        flash("That code is not part of this response.", "error")
        return redirect(back)
    action = form.action.data
    if action in ("quote", "unquote"):
        services.set_quote(item, action == "quote", actor=current_user)
        message = "Picked as a quote." if action == "quote" else "No longer a quote."
    elif action == "delete":
        services.remove_code(item, response, actor=current_user)
        message = "Code removed."
    else:
        flash("Choose a code to change.", "error")
        return redirect(back)
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.get("/themes")
@requires(Permission.CONSULTATIONS_READ)
def themes(consultation_id):
    """The code frequency table of each written question, and the quotes picked."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    tables = queries.code_table(consultation.id, survey) if survey else []
    return render_template(
        "analysis/themes.html", consultation=consultation, tables=tables, counts=queries.counts(consultation.id)
    )


# Consultation settings -----------------------------------------------------------------------


@bp.route("/deadline-rules", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def deadline_rules(consultation_id):
    """State how each channel's deadline is applied (for example "postmarked by the closing date")."""
    consultation = _consultation(consultation_id)
    form = DeadlineRulesForm(obj=consultation)
    if form.validate_on_submit():
        services.set_deadline_rules(consultation, actor=current_user, rules=form.deadline_rules.data or "")
        db.session.commit()
        flash("Deadline rules saved.", "success")
        return redirect(url_for("consultations.manage_detail", consultation_id=consultation.id) + "#responses")
    status = 400 if form.is_submitted() else 200
    return render_template(
        "analysis/form.html",
        consultation=consultation,
        form=form,
        heading="Deadline rules for each way of responding",
        button="Save deadline rules",
        back_url=url_for("consultations.manage_detail", consultation_id=consultation.id),
    ), status


@bp.route("/unread-reason", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def unread_reason(consultation_id):
    """Record why the outcome may be published while some responses are still unread."""
    consultation = _consultation(consultation_id)
    form = UnreadReasonForm(data={"reason": consultation.unread_outcome_reason})
    if form.validate_on_submit():
        services.set_unread_reason(consultation, actor=current_user, reason=form.reason.data)
        db.session.commit()
        flash("Reason recorded. It is shown on the consultation.", "success")
        return redirect(url_for("consultations.manage_detail", consultation_id=consultation.id) + "#responses")
    status = 400 if form.is_submitted() else 200
    return render_template(
        "analysis/form.html",
        consultation=consultation,
        form=form,
        heading="Publishing the outcome before every response is read",
        intro=f"{queries.unread_count(consultation.id):,} counted responses are still unread.",
        button="Record the reason",
        back_url=url_for("consultations.manage_detail", consultation_id=consultation.id),
    ), status
