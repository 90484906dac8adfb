"""The officers' survey builder: introduction and privacy notice, pages, questions, the equality section."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.consultations.models import Consultation
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, requires
from engage.surveys import services
from engage.surveys.forms import ChooseKindForm, MoveForm, PageForm, SurveyForm, question_form
from engage.surveys.models import Question, QuestionKind, SurveyPage

bp = Blueprint("surveys", __name__, url_prefix="/consultations/manage/<int:consultation_id>/survey")


def load_survey(consultation_id):
    """Return the consultation's survey, or 404 (no such consultation, or no survey yet)."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if consultation.survey is None:
        abort(404)
    return consultation.survey


def load_page(consultation_id, page_id):
    """Return a page of the consultation's survey, or 404."""
    page = db.get_or_404(SurveyPage, page_id)
    if page.survey.consultation_id != consultation_id:
        abort(404)
    return page


def load_question(consultation_id, question_id):
    """Return a question of the consultation's survey, or 404."""
    question = db.get_or_404(Question, question_id)
    if question.page.survey.consultation_id != consultation_id:
        abort(404)
    return question


def _builder(consultation_id, anchor=""):
    return redirect(url_for(".edit", consultation_id=consultation_id) + anchor)


def _apply(service, *args, success, **kwargs):
    """Run a service; commit and flash ``success``, or roll back and flash its refusal. True when done."""
    try:
        service(*args, actor=current_user, **kwargs)
    except services.SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def _render(template, status_form, **context):
    status = 400 if status_form.is_submitted() else 200
    return render_template(template, form=status_form, **context), status


@bp.get("")
@requires(Permission.CONSULTATIONS_READ)
def edit(consultation_id):
    """The survey builder: every page and question, with the officer's actions (staff may look)."""
    consultation = db.get_or_404(Consultation, consultation_id)
    survey = consultation.survey
    if survey is not None:
        services.load_tree(survey)
    return render_template(
        "surveys/edit.html",
        consultation=consultation,
        survey=survey,
        counts=services.answer_counts(survey) if survey else {},
        responded=services.has_responses(survey) if survey else False,
        equality_page=services.equality_page(survey) if survey else None,
        action_form=ConfirmForm(formdata=None),
    )


@bp.post("/create")
@requires(Permission.CONSULTATIONS_MANAGE)
def create(consultation_id):
    """Give the consultation an online survey."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if ConfirmForm().validate_on_submit():
        _apply(services.create_survey, consultation, success="Survey created. Add your questions.")
    return _builder(consultation_id)


@bp.route("/settings", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def edit_settings(consultation_id):
    """Edit the introduction and privacy notice."""
    survey = load_survey(consultation_id)
    form = SurveyForm(obj=survey)
    if form.validate_on_submit():
        changed = services.update_survey(
            survey, actor=current_user, introduction=form.introduction.data, privacy_notice=form.privacy_notice.data
        )
        db.session.commit()
        flash(
            f"Privacy notice changed: it is now version {survey.privacy_version}."
            if "privacy_notice" in changed
            else "Introduction and privacy notice saved.",
            "success",
        )
        return _builder(consultation_id)
    return _render("surveys/settings.html", form, survey=survey, consultation=survey.consultation)


@bp.route("/pages/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def add_page(consultation_id):
    """Add a page of questions."""
    survey = load_survey(consultation_id)
    form = PageForm()
    if form.validate_on_submit():
        page = services.add_page(survey, actor=current_user, title=form.title.data)
        db.session.commit()
        flash("Page added.", "success")
        return _builder(consultation_id, f"#page-{page.id}")
    return _render("surveys/page_form.html", form, survey=survey, consultation=survey.consultation, page=None)


@bp.route("/pages/<int:page_id>/edit", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def edit_page(consultation_id, page_id):
    """Rename a page."""
    page = load_page(consultation_id, page_id)
    form = PageForm(obj=page)
    if form.validate_on_submit():
        services.rename_page(page, actor=current_user, title=form.title.data)
        db.session.commit()
        flash("Page renamed.", "success")
        return _builder(consultation_id, f"#page-{page.id}")
    survey = page.survey
    return _render("surveys/page_form.html", form, survey=survey, consultation=survey.consultation, page=page)


@bp.post("/pages/<int:page_id>/move")
@requires(Permission.CONSULTATIONS_MANAGE)
def move_page(consultation_id, page_id):
    """Move a page up or down."""
    page = load_page(consultation_id, page_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data:
        _apply(services.move_page, page, direction=form.direction.data, success="Page moved.")
    elif form.is_submitted():
        flash("Choose to move the page up or down.", "error")
    return _builder(consultation_id, f"#page-{page_id}")


@bp.post("/equality")
@requires(Permission.CONSULTATIONS_MANAGE)
def add_equality(consultation_id):
    """Add the standard equality monitoring section with one click."""
    survey = load_survey(consultation_id)
    if ConfirmForm().validate_on_submit():
        _apply(services.add_equality_section, survey, success="Equality monitoring section added.")
    return _builder(consultation_id)


@bp.route("/pages/<int:page_id>/questions/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def add_question(consultation_id, page_id):
    """Add a question to a page: first choose its type, then fill in the question."""
    page = load_page(consultation_id, page_id)
    context = {"survey": page.survey, "consultation": page.survey.consultation, "page": page, "question": None}
    chooser = ChooseKindForm(request.args)
    if page.is_equality or not chooser.validate():
        if not request.args:  # first visit: nothing chosen yet, so no error to show
            chooser = ChooseKindForm(formdata=None)
        status = 400 if chooser.errors else 200
        return render_template("surveys/choose_kind.html", form=chooser, **context), status
    form = question_form(page, QuestionKind(chooser.kind.data))
    if form.validate_on_submit():
        try:
            question = services.add_question(page, actor=current_user, **form.values())
        except services.SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Question added.", "success")
            return _builder(consultation_id, f"#question-{question.id}")
    return _render("surveys/question_form.html", form, **context)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def edit_question(consultation_id, question_id):
    """Edit a question: wording always; type, options and rules while no answer would be lost."""
    question = load_question(consultation_id, question_id)
    page = question.page
    form = question_form(page, question.kind, question, responded=services.has_responses(page.survey))
    if form.validate_on_submit():
        try:
            services.update_question(question, actor=current_user, **form.values())
        except services.SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("Question saved.", "success")
            return _builder(consultation_id, f"#question-{question.id}")
    context = {"survey": page.survey, "consultation": page.survey.consultation, "page": page, "question": question}
    return _render("surveys/question_form.html", form, **context)


@bp.post("/questions/<int:question_id>/move")
@requires(Permission.CONSULTATIONS_MANAGE)
def move_question(consultation_id, question_id):
    """Move a question up or down its page, or to another page."""
    question = load_question(consultation_id, question_id)
    form = MoveForm()
    if form.validate_on_submit() and (form.direction.data or form.to_page.data):
        to_page = None
        if not form.direction.data:
            to_page = db.session.get(SurveyPage, form.to_page.data)
            if to_page is None or to_page.survey_id != question.page.survey_id:
                flash("Choose a page of this survey.", "error")
                return _builder(consultation_id, f"#question-{question_id}")
        _apply(
            services.move_question,
            question,
            direction=form.direction.data or None,
            to_page=to_page,
            success="Question moved.",
        )
    elif form.is_submitted():
        flash("Choose where to move the question.", "error")
    return _builder(consultation_id, f"#question-{question_id}")


# Deleting is registered last, so the route matrix deletes the sample page only after using it.


@bp.post("/questions/<int:question_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def delete_question(consultation_id, question_id):
    """Delete a question nobody has answered."""
    question = load_question(consultation_id, question_id)
    page_id = question.page_id
    if ConfirmForm().validate_on_submit():
        _apply(services.delete_question, question, success="Question deleted.")
    return _builder(consultation_id, f"#page-{page_id}")


@bp.post("/pages/<int:page_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def delete_page(consultation_id, page_id):
    """Delete a page whose questions nobody has answered."""
    page = load_page(consultation_id, page_id)
    if ConfirmForm().validate_on_submit():
        _apply(services.delete_page, page, success="Page deleted.")
    return _builder(consultation_id)
