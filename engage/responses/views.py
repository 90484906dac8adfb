"""The public response journey (no account, no JavaScript needed) and the officers' survey preview.

start (privacy notice, consent, individual or organisation, and page 1) -> pages 2..n (show-if,
skipped pages) -> check your answers (with name, email and consent to publish) -> confirmation.
The draft lives on the server; the resident's session holds its random key, and a private resume
link (only its hash stored) brings it back in another browser.
"""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.exc import IntegrityError

from engage.consultations.models import Consultation, ConsultationStatus
from engage.extensions import db, limiter
from engage.mail import send_email
from engage.permissions import PUBLIC, Permission, requires
from engage.responses import journey, queries, services
from engage.responses.forms import ResumeEmailForm, SendResponseForm, StartForm, build_page_form
from engage.responses.models import RespondentType
from engage.surveys.models import YES_NO, QuestionKind

log = logging.getLogger(__name__)

bp = Blueprint("responses", __name__, url_prefix="/consultations")

#: How many times a submission is retried when its random reference is already taken.
REFERENCE_ATTEMPTS = 3


@bp.after_request
def no_store(response):
    """Journey pages hold a resident's answers and private link: never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def response_rate_limit():
    return current_app.config["RESPONSE_RATE_LIMIT"]


def _draft_key_name(consultation):
    return f"response_draft_{consultation.id}"


def _token_key_name(consultation):
    return f"response_resume_{consultation.id}"


def _stop(template, status, **context):
    abort(make_response(render_template(f"responses/{template}.html", **context), status))


def _session_draft_keys():
    """The draft keys this browser's session holds (one per consultation it has started answering)."""
    return [value for name, value in session.items() if name.startswith("response_draft_") and value]


def _journey(slug, *, link=False):
    """The consultation, its survey's structure (read-only) and this browser's draft (or None).

    While the consultation takes online responses; otherwise a clear page.
    """
    consultation, survey, draft = queries.public_with_survey(slug, _session_draft_keys())
    if consultation is None:
        abort(404)
    if consultation.status != ConsultationStatus.open:
        _stop(
            "closed",
            410,
            consultation=consultation,
            submitting=request.method == "POST",
            link=link,
        )
    if not queries.has_questions(survey):
        _stop("no_survey", 200, consultation=consultation)
    if draft is not None and session.get(_draft_key_name(consultation)) != draft.key:
        draft = None
    return consultation, survey, draft


def _draft(consultation, draft):
    """The resident's draft, or a redirect to the start (or to the confirmation if already sent)."""
    if draft is None:
        key = session.get(_draft_key_name(consultation))
        if queries.response_for_key(consultation.id, key) is not None:
            abort(redirect(url_for(".confirmation", slug=consultation.slug)))
        flash("Start your response here. We keep your answers as you go.", "info")
        abort(redirect(url_for(".start", slug=consultation.slug)))
    return draft


def _page_url(slug, number, **args):
    """Page ``number`` of the survey: the first page is the start page, with the privacy notice."""
    if number == 1:
        return url_for(".start", slug=slug, **args)
    return url_for(".page", slug=slug, n=number, **args)


def _carry_on_url(consultation, survey, draft):
    """Where the resident picks up: the first page not yet done, else "check your answers"."""
    number = journey.resume_page_number(survey, draft)
    if number is not None:
        return _page_url(consultation.slug, number)
    return url_for(".check", slug=consultation.slug)


def _next_url(consultation, survey, number, answers):
    """The page after ``number`` with a question to show, else "check your answers"."""
    following = journey.next_page_number(survey, number, answers)
    if following is None:
        return url_for(".check", slug=consultation.slug)
    return _page_url(consultation.slug, following)


def _require_all_pages(consultation, survey, draft):
    number = journey.resume_page_number(survey, draft)
    if number is not None:
        flash("Answer the questions on this page first.", "error")
        abort(redirect(_page_url(consultation.slug, number)))


# The journey -------------------------------------------------------------------------------


@bp.route("/<slug>/respond", methods=["GET", "POST"])
@requires(PUBLIC)
def start(slug):
    """The privacy notice, consent, responding as an individual or for an organisation, and page 1.

    One form, so a one-page survey takes one POST before "check your answers"; the draft is made
    with the first answers, never before the resident agrees to the privacy notice.
    """
    consultation, survey, draft = _journey(slug)
    return _answer_page(consultation, survey, draft, 1)


@bp.route("/<slug>/respond/page/<int:n>", methods=["GET", "POST"])
@requires(PUBLIC)
def page(slug, n):
    """One page of questions. "Continue" checks every answer; "Save and come back later" keeps them."""
    consultation, survey, draft = _journey(slug)
    if n == 1:
        return redirect(_page_url(slug, 1, **request.args), 308)
    return _answer_page(consultation, survey, _draft(consultation, draft), n)


def _answer_page(consultation, survey, draft, n):
    """Show or take page ``n``; page 1 also asks for consent and makes the draft (``draft`` may be None)."""
    slug = consultation.slug
    if not 1 <= n <= len(survey.pages):
        abort(404)
    answers = (draft.answers or {}) if draft is not None else {}
    if draft is not None and (draft.furthest_page or 0) < n - 1:
        flash("Answer the questions on this page first.", "error")
        return redirect(_carry_on_url(consultation, survey, draft))
    returning = request.args.get("return") == "check"
    questions = journey.visible_questions(survey.pages[n - 1], answers)
    if not questions and n > 1:
        return redirect(_next_url(consultation, survey, n, answers))
    saving = request.method == "POST" and request.form.get("action") == "save"
    form = build_page_form(
        questions,
        answers,
        formdata=request.form if request.method == "POST" else None,
        enforce_required=not saving,
        base=StartForm if n == 1 else None,
        data=draft.details if n == 1 and draft is not None else None,
    )
    if request.method == "POST" and form.validate():
        if n == 1:
            if draft is None:
                draft = services.start_draft(consultation, form.details())
            else:
                services.update_details(draft, form.details())
        services.save_page(draft, survey, n, form.answers, completed=not saving)
        key_name, key = _draft_key_name(consultation), draft.key
        if saving:
            token_name = _token_key_name(consultation)
            token = services.keep_for_later(draft, consultation, session.get(token_name))
            db.session.commit()
            session[key_name] = key
            session[token_name] = token
            return redirect(url_for(".saved", slug=slug))
        # Where to go next, read before the commit expires the rows (reloading them costs queries).
        following = url_for(".check", slug=slug) if returning else _next_url(consultation, survey, n, draft.answers)
        db.session.commit()
        session[key_name] = key
        return redirect(following)
    previous = journey.previous_page_number(survey, n, answers)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "responses/start.html" if n == 1 else "responses/page.html",
        consultation=consultation,
        survey=survey,
        survey_page=survey.pages[n - 1],
        number=n,
        form=form,
        back_url=(url_for(".check", slug=slug) if returning else _page_url(slug, previous) if previous else None),
        preview=False,
    ), status


@bp.route("/<slug>/respond/saved", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(response_rate_limit, methods=["POST"])
def saved(slug):
    """Show the private resume link and offer to email it."""
    consultation, survey, draft = _journey(slug)
    draft = _draft(consultation, draft)
    token = session.get(_token_key_name(consultation))
    if not token or draft.resume_token_hash != queries.token_hash(token):
        return redirect(_carry_on_url(consultation, survey, draft))
    link = url_for(".resume", slug=slug, token=token, _external=True)
    form = ResumeEmailForm()
    sent_to = None
    if form.validate_on_submit():
        try:
            send_email(
                form.email.data,
                f"Your link to finish your response: {consultation.title}",
                "resume_link",
                consultation=consultation,
                link=link,
                closes_at=consultation.closes_at,
            )
        except Exception as error:  # noqa: BLE001  (the link is on screen; a mail outage must not lose it)
            # The error's type only: SMTP errors can carry the recipient's address.
            log.warning("could not send a resume link: %s", type(error).__name__)
            form.email.errors.append("We could not send the email just now. Copy the link on this page instead.")
        else:
            sent_to = form.email.data
    status = 400 if form.errors else 200
    return render_template(
        "responses/saved.html",
        consultation=consultation,
        form=form,
        link=link,
        sent_to=sent_to,
        carry_on_url=_carry_on_url(consultation, survey, draft),
    ), status


@bp.get("/<slug>/respond/resume/<token>")
@requires(PUBLIC)
def resume(slug, token):
    """A private resume link: bring the draft back into this browser."""
    consultation, survey, _ = _journey(slug, link=True)
    draft = queries.draft_by_resume_token(token)
    if draft is None or draft.consultation_id != consultation.id:
        return render_template("responses/link_invalid.html", consultation=consultation), 400
    session[_draft_key_name(consultation)] = draft.key
    session[_token_key_name(consultation)] = token
    flash("Welcome back. Your answers so far are saved.", "success")
    return redirect(_carry_on_url(consultation, survey, draft))


def _summary(consultation, survey, draft):
    """The rows of "Check your answers": each shown question with its answer and a change link."""
    answers = draft.answers or {}
    sections = []
    for number, survey_page in enumerate(survey.pages, start=1):
        rows = []
        change = None
        for question in journey.visible_questions(survey_page, answers):
            change = change or _page_url(consultation.slug, number, **{"return": "check"})
            rows.append(
                {
                    "question": question.text,
                    "answer": _answer_text(question, answers.get(str(question.id))),
                    "href": f"{change}#q{question.id}",
                }
            )
        if rows:
            sections.append({"title": survey_page.title, "rows": rows})
    return sections


def _answer_text(question, value):
    if value is None or value == [] or value == "":
        return "Not answered"
    if question.kind in (QuestionKind.single_choice, QuestionKind.likert, QuestionKind.multiple_choice):
        labels = {str(o.id): o.label for o in question.options}
        values = value if isinstance(value, list) else [value]
        return "\n".join(labels.get(v, "") for v in values)
    if question.kind == QuestionKind.yes_no:
        return dict(YES_NO).get(value, value)
    if question.kind == QuestionKind.date:
        from datetime import date

        return f"{date.fromisoformat(value):%-d %B %Y}"
    return str(value)


@bp.route("/<slug>/respond/check", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(response_rate_limit, methods=["POST"])
def check(slug):
    """Check your answers, say whether they may be published, then send: one transaction, the
    deadline checked on the server."""
    consultation, survey, draft = _journey(slug)
    # A response already sent from this browser has no draft left (the same transaction deleted
    # it), so _draft sends a second "Send" to the confirmation.
    draft = _draft(consultation, draft)
    _require_all_pages(consultation, survey, draft)
    form = SendResponseForm(data=draft.details or {})
    if form.validate_on_submit():
        return _submit(consultation, survey, draft, form.details(), honeypot=bool((form.website.data or "").strip()))
    try:
        journey.validate_all(survey, draft.answers or {})
    except journey.DraftIncomplete as problem:
        flash("Check your answers on this page.", "error")
        return redirect(_page_url(slug, problem.page))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "responses/check.html",
        consultation=consultation,
        form=form,
        details=draft.details or {},
        sections=_summary(consultation, survey, draft),
        RespondentType=RespondentType,
    ), status


def _submit(consultation, survey, draft, details, *, honeypot):
    slug = consultation.slug
    key = draft.key
    network = services.network_hash(request.remote_addr, current_app.config["SECRET_KEY"])
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            response = services.submit(consultation, survey, draft, details=details, network=network, honeypot=honeypot)
            receipt = {"email": response.email, "reference": response.reference, "at": response.submitted_at}
            db.session.commit()
            break
        except services.ConsultationClosed:
            db.session.rollback()
            _stop("closed", 410, consultation=consultation, submitting=True, link=False)
        except journey.DraftIncomplete as problem:
            db.session.rollback()
            flash("Check your answers on this page.", "error")
            # Page 0: the draft has no consent to the privacy notice, asked on the first page.
            return redirect(_page_url(slug, problem.page or 1))
        except IntegrityError:
            # Either the same draft was sent twice at once, or (rarely) the reference was taken.
            db.session.rollback()
            if queries.response_for_key(consultation.id, key) is not None:
                return redirect(url_for(".confirmation", slug=slug))
            draft = _draft(consultation, queries.draft_for(consultation.id, session.get(_draft_key_name(consultation))))
    else:
        abort(503)
    if receipt["email"]:
        try:
            send_email(
                receipt["email"],
                f"We have your response: {consultation.title}",
                "response_receipt",
                consultation=consultation,
                reference=receipt["reference"],
                submitted_at=receipt["at"],
            )
        except Exception as error:  # noqa: BLE001  (the response is stored; the reference is on screen)
            log.warning("could not send a response receipt: %s", type(error).__name__)
            flash("We could not send your receipt email. Please keep a note of your reference number.", "warning")
    return redirect(url_for(".confirmation", slug=slug))


@bp.get("/<slug>/respond/confirmation")
@requires(PUBLIC)
def confirmation(slug):
    """The reference number of the response this browser sent."""
    consultation, response = queries.public_with_response(slug, _session_draft_keys())
    if consultation is None:
        abort(404)
    if response is None or response.submission_key != session.get(_draft_key_name(consultation)):
        return redirect(url_for(".start", slug=slug))
    return render_template("responses/confirmation.html", consultation=consultation, response=response)


# Officers ----------------------------------------------------------------------------------


def _condition_text(question, by_id):
    condition = by_id.get(question.show_if_question_id)
    if condition is None:
        return ""
    if condition.kind == QuestionKind.yes_no:
        answer = dict(YES_NO).get(question.show_if_value, question.show_if_value)
    else:
        answer = next((o.label for o in condition.options if str(o.id) == question.show_if_value), "")
    return f"Shown only if the answer to “{condition.text}” is “{answer}”."


@bp.get("/manage/<int:consultation_id>/survey/preview")
@requires(Permission.CONSULTATIONS_READ)
def preview(consultation_id):
    """The survey exactly as residents see it, a page at a time, with every question shown."""
    consultation = db.get_or_404(Consultation, consultation_id)
    survey = queries.survey_for(consultation.id)
    if not queries.has_questions(survey):
        return render_template("responses/preview_empty.html", consultation=consultation)
    n = min(max(request.args.get("page", 1, type=int) or 1, 1), len(survey.pages))
    survey_page = survey.pages[n - 1]
    form = build_page_form(survey_page.questions, {}, formdata=None, meta={"csrf": False})
    by_id = {q.id: q for q in survey.questions}
    conditions = {q.id: _condition_text(q, by_id) for q in survey_page.questions if q.show_if_question_id}
    return render_template(
        "responses/page.html",
        consultation=consultation,
        survey=survey,
        survey_page=survey_page,
        number=n,
        form=form,
        preview=True,
        conditions=conditions,
        previous_url=url_for(".preview", consultation_id=consultation_id, page=n - 1) if n > 1 else None,
        next_url=url_for(".preview", consultation_id=consultation_id, page=n + 1) if n < len(survey.pages) else None,
        back_url=None,
    )
