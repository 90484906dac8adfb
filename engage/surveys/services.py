"""Writes to surveys: pages, questions, options and the equality section, each with its audit entry.

Answers point at questions and options by id. Once a survey has responses, a change that would orphan
answers (deleting an answered question, option or page, changing a question's type) or ask earlier
respondents something they could not have answered (a new required question) raises SurveyError, whose
message is for the officer. Wording fixes stay allowed. The caller commits.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.extensions import db
from engage.responses.models import Answer, EqualityAnswer, Response
from engage.surveys import cache as _cache  # noqa: F401  (its flush hook moves a survey's stamp on every edit)
from engage.surveys import equality
from engage.surveys.models import (
    LIKERT_LABELS,
    RATING_DEFAULT,
    YES_NO,
    Question,
    QuestionKind,
    QuestionOption,
    Survey,
    SurveyPage,
)

#: Most options a choice question may have (the ethnic group question, the longest standard one, has 20).
MAX_OPTIONS = 40


class SurveyError(ValueError):
    """A change the survey's rules do not allow; the message is for the officer."""


def short(text, length=60):
    """A question's wording cut down for messages and lists."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def default_privacy_notice(consultation):
    """The privacy notice a new survey starts with, for the officer to adapt."""
    contact = consultation.contact_name or "the engagement team"
    return (
        "We use your answers only to understand what people think of these proposals and to report what we "
        "heard. We do not publish your name or contact details unless you tell us we may. We keep your "
        "response until the decision on these proposals has been made and reported, and then delete it. "
        f"To see, correct or delete your response, contact {contact}."
    )


# Reads the rules need -----------------------------------------------------------------------------


def load_tree(survey):
    """Load the survey's pages, questions and options in three queries (the builder shows them all)."""
    return db.session.scalars(
        select(Survey)
        .where(Survey.id == survey.id)
        .options(selectinload(Survey.pages).selectinload(SurveyPage.questions).selectinload(Question.options))
    ).one()


def has_responses(survey):
    """Return True once anyone has responded to the survey's consultation (by any channel)."""
    if db.session.scalar(select(Response.id).where(Response.consultation_id == survey.consultation_id).limit(1)):
        return True
    question_ids = select(Question.id).join(SurveyPage).where(SurveyPage.survey_id == survey.id)
    return any(
        db.session.scalar(select(model.id).where(model.question_id.in_(question_ids)).limit(1)) is not None
        for model in (Answer, EqualityAnswer)
    )


def answer_counts(survey):
    """Return {question id: number of responses that answered it} for the survey's questions."""
    question_ids = select(Question.id).join(SurveyPage).where(SurveyPage.survey_id == survey.id)
    counts = {}
    for model in (Answer, EqualityAnswer):
        rows = db.session.execute(
            select(model.question_id, func.count(func.distinct(model.response_id)))
            .where(model.question_id.in_(question_ids))
            .group_by(model.question_id)
        )
        for question_id, count in rows:
            counts[question_id] = counts.get(question_id, 0) + count
    return counts


def _option_answer_count(option):
    return sum(
        db.session.scalar(select(func.count()).select_from(model).where(model.option_id == option.id))
        for model in (Answer, EqualityAnswer)
    )


def _question_answer_count(question):
    return sum(
        db.session.scalar(select(func.count(func.distinct(model.response_id))).where(model.question_id == question.id))
        for model in (Answer, EqualityAnswer)
    )


def dependents(question):
    """The questions shown or hidden by ``question``'s answer."""
    if question.id is None:
        return []
    return db.session.scalars(select(Question).where(Question.show_if_question_id == question.id)).all()


def condition_choices(page):
    """Every (value, label) a question on ``page`` may be shown by: answers to earlier pages' questions.

    The value is ``"<question id>:<answer>"``, the answer an option id or "yes"/"no".
    """
    pairs = []
    for earlier in page.survey.pages:
        if earlier.position >= page.position or earlier.is_equality:
            continue
        for question in earlier.questions:
            if not question.kind.can_be_condition:
                continue
            verb = "includes" if question.kind == QuestionKind.multiple_choice else "is"
            answers = [(str(o.id), o.label) for o in question.options] if question.kind.has_options else list(YES_NO)
            for value, label in answers:
                pairs.append(
                    (f"{question.id}:{value}", f"Page {earlier.position}: “{short(question.text)}” {verb} “{label}”")
                )
    return pairs


def condition_problem(page, condition, value):
    """Say why ``condition`` answered ``value`` cannot decide whether a question on ``page`` shows, or None."""
    if condition is None:
        return None
    if condition.page.survey_id != page.survey_id:
        return "Choose a question from this survey"
    if condition.page.is_equality:
        return "Equality monitoring answers cannot decide which questions are shown"
    if not condition.kind.can_be_condition:
        return "Only a choice, Likert or yes or no question can decide whether another question is shown"
    if condition.page.position >= page.position:
        return (
            "A question can only depend on a question on an earlier page: residents answer one page at a "
            "time, so the answer must be known before the page is shown"
        )
    allowed = {str(o.id) for o in condition.options} if condition.kind.has_options else {key for key, _ in YES_NO}
    if value not in allowed:
        return "Choose the answer that shows this question"
    return None


def _check_order(page_position, question_page):
    """Raise SurveyError if a condition would no longer come on an earlier page than its question.

    :param page_position: page id -> position after the change.
    :param question_page: question id -> page id after the change, for the questions that move.
    """

    def page_of(question):
        return question_page.get(question.id, question.page_id)

    survey_ids = {p.survey_id for p in db.session.scalars(select(SurveyPage).where(SurveyPage.id.in_(page_position)))}
    conditional = db.session.scalars(
        select(Question)
        .join(SurveyPage, Question.page_id == SurveyPage.id)
        .where(SurveyPage.survey_id.in_(survey_ids), Question.show_if_question_id.is_not(None))
    ).all()
    for question in conditional:
        condition = question.show_if_question
        if page_position[page_of(condition)] >= page_position[page_of(question)]:
            raise SurveyError(
                f"“{short(question.text)}” is shown only after an answer to “{short(condition.text)}”, so it "
                "must stay on a later page than that question. Change or remove its show-if condition first."
            )


def _renumber_pages(survey, pages):
    # Two steps: the (survey, position) pair is unique and PostgreSQL checks it row by row.
    for index, page in enumerate(pages, start=1):
        page.position = -index
    db.session.flush()
    for index, page in enumerate(pages, start=1):
        page.position = index
    db.session.flush()
    db.session.expire(survey, ["pages"])


def _renumber_questions(page, questions):
    for index, question in enumerate(questions, start=1):
        question.position = index
    db.session.flush()
    db.session.expire(page, ["questions"])


# Survey -------------------------------------------------------------------------------------------


def create_survey(consultation, *, actor):
    """Give a consultation its online survey, with a first page and a starting privacy notice.

    :raises SurveyError: if it has one already.
    """
    if consultation.survey is not None:
        raise SurveyError("This consultation already has a survey")
    survey = Survey(consultation=consultation, introduction="", privacy_notice=default_privacy_notice(consultation))
    db.session.add(survey)
    audit.record(actor, "create", survey, ["consultation_id", "introduction", "privacy_notice"])
    add_page(survey, actor=actor, title="Your views")
    if not consultation.has_online_survey:
        consultation.has_online_survey = True
        audit.record(actor, "update", consultation, ["has_online_survey"])
    db.session.flush()
    return survey


def update_survey(survey, *, actor, introduction, privacy_notice):
    """Change the introduction and privacy notice; a new privacy wording gets a new version number."""
    changed = []
    if survey.introduction != introduction:
        survey.introduction = introduction
        changed.append("introduction")
    if survey.privacy_notice != privacy_notice:
        survey.privacy_notice = privacy_notice
        survey.privacy_version = (survey.privacy_version or 1) + 1
        changed += ["privacy_notice", "privacy_version"]
    if changed:
        audit.record(actor, "update", survey, changed)
    db.session.flush()
    return changed


# Pages --------------------------------------------------------------------------------------------


def add_page(survey, *, actor, title):
    """Add a page at the end, before the equality monitoring section if there is one."""
    pages = list(survey.pages)
    page = SurveyPage(survey=survey, title=title, position=len(pages) + 1)
    if pages and pages[-1].is_equality:
        pages.insert(len(pages) - 1, page)
    else:
        pages.append(page)
    db.session.add(page)
    _renumber_pages(survey, pages)
    audit.record(actor, "create", page, ["position", "survey_id", "title"])
    return page


def rename_page(page, *, actor, title):
    """Change a page's title (allowed at any time: it is wording)."""
    if page.title != title:
        page.title = title
        audit.record(actor, "update", page, ["title"])
    db.session.flush()


def move_page(page, *, actor, direction):
    """Move a page one place up or down.

    :raises SurveyError: at the start or end, or if a show-if condition would come after its question.
    """
    pages = list(page.survey.pages)
    index = pages.index(page)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(pages):
        raise SurveyError(f"This page is already the {'first' if direction == 'up' else 'last'} page")
    pages[index], pages[other] = pages[other], pages[index]
    _check_order({p.id: position for position, p in enumerate(pages, start=1)}, {})
    _renumber_pages(page.survey, pages)
    audit.record(actor, "update", page, ["position"])


def delete_page(page, *, actor):
    """Delete a page and its questions.

    :raises SurveyError: if any of its questions has answers, or a question elsewhere depends on one of them.
    """
    counts = answer_counts(page.survey)
    answered = [q for q in page.questions if counts.get(q.id)]
    if answered:
        raise SurveyError(
            f"This page cannot be deleted: “{short(answered[0].text)}” has been answered "
            f"{_times(counts[answered[0].id])}, and deleting the page would lose those answers. You can reword "
            "its questions or move unanswered ones elsewhere."
        )
    on_page = {q.id for q in page.questions}
    for question in page.questions:
        for dependent in dependents(question):
            if dependent.id not in on_page:
                raise SurveyError(
                    f"This page cannot be deleted: “{short(dependent.text)}” is shown only after an answer to "
                    f"“{short(question.text)}” on this page. Change or remove that show-if condition first."
                )
    survey = page.survey
    audit.record(actor, "delete", page)
    pages = [p for p in survey.pages if p is not page]
    db.session.delete(page)
    db.session.flush()
    _renumber_pages(survey, pages)


def _times(count):
    return "once" if count == 1 else f"{count:,} times"


# Questions ----------------------------------------------------------------------------------------


def _option_problem(kind, labels):
    if not kind.has_options:
        return None
    if kind == QuestionKind.likert and len(labels) != len(LIKERT_LABELS):
        return "A Likert scale has five points: give it five labels, one per line"
    if len(labels) < 2:
        return f"A {kind.label.lower()} question needs at least two options"
    if len(labels) > MAX_OPTIONS:
        return f"A question can have at most {MAX_OPTIONS} options"
    if len({label.casefold() for label in labels}) != len(labels):
        return "Each option must be different"
    return None


def _check_values(kind, min_value, max_value):
    if kind == QuestionKind.number and None not in (min_value, max_value) and min_value > max_value:
        raise SurveyError("The lowest number allowed must not be more than the highest")
    if kind == QuestionKind.rating and min_value is not None and max_value is not None and min_value >= max_value:
        raise SurveyError("The top of the rating scale must be higher than the bottom")


def add_question(
    page,
    *,
    actor,
    kind,
    text,
    help_text="",
    required=False,
    options=(),
    min_value=None,
    max_value=None,
    show_if_question=None,
    show_if_value="",
):
    """Add a question at the end of a page.

    :param options: the option labels of a choice or Likert question, in order.
    :raises SurveyError: on the equality page; a required question once the survey has responses;
        too few options; a show-if condition that is not on an earlier page.
    """
    kind = QuestionKind(kind)
    if page.is_equality:
        raise SurveyError(
            "The equality monitoring page holds the standard questions only: add your question to another page"
        )
    if required and has_responses(page.survey):
        raise SurveyError(
            "This survey already has responses, and the people who responded could not have answered a new "
            "required question. Add it as an optional question instead."
        )
    options = list(options) if kind.has_options else []
    problem = _option_problem(kind, options) or condition_problem(page, show_if_question, show_if_value)
    if problem:
        raise SurveyError(problem)
    _check_values(kind, min_value, max_value)
    question = Question(
        page=page,
        position=len(page.questions) + 1,
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        min_value=min_value if kind in (QuestionKind.number, QuestionKind.rating) else None,
        max_value=max_value if kind in (QuestionKind.number, QuestionKind.rating) else None,
        show_if_question=show_if_question,
        show_if_value=show_if_value if show_if_question else "",
        options=[QuestionOption(position=i, label=label) for i, label in enumerate(options, start=1)],
    )
    db.session.add(question)
    fields = ["kind", "page_id", "position", "required", "text"]
    fields += ["help_text"] * bool(help_text) + ["options"] * bool(options)
    fields += ["min_value"] * (question.min_value is not None) + ["max_value"] * (question.max_value is not None)
    fields += ["show_if_question_id", "show_if_value"] * bool(show_if_question)
    audit.record(actor, "create", question, fields)
    return question


def update_question(
    question,
    *,
    actor,
    kind,
    text,
    help_text,
    required,
    min_value=None,
    max_value=None,
    show_if_question=None,
    show_if_value="",
    option_labels=None,
    remove_option_ids=(),
    new_options=(),
):
    """Change a question. Wording (question, help, option labels) can always change.

    :param option_labels: option id -> new label. :param remove_option_ids: options to delete.
    :param new_options: labels to add at the end.
    :raises SurveyError: when the change would orphan answers (a new type or a removed answered option
        once there are responses), make an existing question required after responses, change a rating
        scale people have used, or break a show-if condition.
    """
    kind = QuestionKind(kind)
    survey = question.page.survey
    responded = has_responses(survey)
    if question.page.is_equality:
        # The standard questions keep their type and answers (rewording is fine) and stay optional.
        kind, required, remove_option_ids, new_options = question.kind, False, (), ()
    if kind != question.kind:
        if responded:
            raise SurveyError(
                "This survey already has responses, so a question's type cannot change: the answers people "
                "gave would no longer fit it. Add a new question instead."
            )
        if dependents(question):
            raise SurveyError(
                f"“{short(dependents(question)[0].text)}” is shown only after an answer to this question, so its "
                "type cannot change. Change or remove that show-if condition first."
            )
    if required and not question.required and responded:
        raise SurveyError(
            "This survey already has responses, and the people who responded may have left this question "
            "blank. It cannot become required; it stays optional."
        )
    new_scale = (
        min_value if min_value is not None else RATING_DEFAULT[0],
        max_value if max_value is not None else RATING_DEFAULT[1],
    )
    if (
        kind == question.kind == QuestionKind.rating
        and new_scale != question.scale
        and _question_answer_count(question)
    ):
        raise SurveyError(
            "People have already answered on this rating scale, so it cannot change: their ratings would "
            "no longer compare. Add a new question instead."
        )
    _check_values(kind, min_value, max_value)
    problem = condition_problem(question.page, show_if_question, show_if_value)
    if problem:
        raise SurveyError(problem)

    option_labels = option_labels or {}
    remove = set(remove_option_ids) if kind.has_options else {o.id for o in question.options}
    kept = [o for o in question.options if o.id not in remove]
    labels = [option_labels.get(o.id, o.label) for o in kept] + list(new_options if kind.has_options else ())
    problem = _option_problem(kind, labels)
    if problem:
        raise SurveyError(problem)
    waiting = {d.show_if_value: d for d in dependents(question)}
    for option in question.options:
        if option.id not in remove:
            continue
        used = _option_answer_count(option)
        if used:
            raise SurveyError(
                f"The option “{short(option.label)}” has been chosen {_times(used)}: removing it would lose "
                "those answers. You can reword it instead."
            )
        if str(option.id) in waiting:
            raise SurveyError(
                f"“{short(waiting[str(option.id)].text)}” is shown only when “{short(option.label)}” is chosen, "
                "so that option cannot be removed. Change or remove that show-if condition first."
            )

    changed = []
    values = {
        "kind": kind,
        "text": text,
        "help_text": help_text,
        "required": required,
        "min_value": min_value if kind in (QuestionKind.number, QuestionKind.rating) else None,
        "max_value": max_value if kind in (QuestionKind.number, QuestionKind.rating) else None,
        "show_if_question_id": show_if_question.id if show_if_question else None,
        "show_if_value": show_if_value if show_if_question else "",
    }
    for key, value in values.items():
        if getattr(question, key) != value:
            setattr(question, key, value)
            changed.append(key)
    options_changed = False
    for option in list(question.options):
        if option.id in remove:
            question.options.remove(option)
            options_changed = True
        elif option.id in option_labels and option.label != option_labels[option.id]:
            option.label = option_labels[option.id]
            options_changed = True
    for label in new_options if kind.has_options else ():
        question.options.append(QuestionOption(label=label, position=0))
        options_changed = True
    for position, option in enumerate(question.options, start=1):
        option.position = position
    if options_changed:
        changed.append("options")
    if changed:
        audit.record(actor, "update", question, changed)
    db.session.flush()
    return changed


def likert_options():
    """The labels a new Likert question starts with."""
    return list(LIKERT_LABELS)


def move_question(question, *, actor, direction=None, to_page=None):
    """Move a question up or down within its page, or to the end of another page.

    :raises SurveyError: at the top or bottom of a page; into or out of the equality section; or when the
        question would come on or before the page of its show-if condition, or on or after the page of a
        question that depends on it.
    """
    page = question.page
    if to_page is None:
        questions = list(page.questions)
        index = questions.index(question)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(questions):
            raise SurveyError(
                f"This question is already the {'first' if direction == 'up' else 'last'} one on its page"
            )
        questions[index], questions[other] = questions[other], questions[index]
        _renumber_questions(page, questions)
        audit.record(actor, "update", question, ["position"])
        return
    if to_page.survey_id != page.survey_id:
        raise SurveyError("Choose a page of this survey")
    if to_page.id == page.id:
        raise SurveyError("The question is already on that page")
    if to_page.is_equality or page.is_equality:
        raise SurveyError("Questions cannot move into or out of the equality monitoring section")
    condition = question.show_if_question
    if condition is not None and condition.page.position >= to_page.position:
        raise SurveyError(
            f"This question is shown only after an answer to “{short(condition.text)}” on page "
            f"{condition.page.position}, so it must be on a later page than that. Change or remove its "
            "show-if condition first."
        )
    for dependent in dependents(question):
        if dependent.page.position <= to_page.position:
            raise SurveyError(
                f"“{short(dependent.text)}” on page {dependent.page.position} is shown only after an answer to "
                "this question, so this question must stay on an earlier page than it. Change or remove that "
                "show-if condition first."
            )
    remaining = [q for q in page.questions if q is not question]
    question.page = to_page
    question.position = len(to_page.questions) + 1
    db.session.flush()
    _renumber_questions(page, remaining)
    db.session.expire(to_page, ["questions"])
    audit.record(actor, "update", question, ["page_id", "position"])


def delete_question(question, *, actor):
    """Delete a question and its options.

    :raises SurveyError: if it has answers, or another question is shown by its answer.
    """
    used = _question_answer_count(question)
    if used:
        raise SurveyError(
            f"“{short(question.text)}” has been answered {_times(used)}: deleting it would lose those answers. "
            "You can reword it instead."
        )
    blocking = dependents(question)
    if blocking:
        raise SurveyError(
            f"“{short(blocking[0].text)}” is shown only after an answer to this question. Change or remove that "
            "show-if condition first."
        )
    page = question.page
    audit.record(actor, "delete", question)
    remaining = [q for q in page.questions if q is not question]
    db.session.delete(question)
    db.session.flush()
    _renumber_questions(page, remaining)


# The equality monitoring section -------------------------------------------------------------------


def equality_page(survey):
    """The survey's equality monitoring page, or None."""
    return next((p for p in survey.pages if p.is_equality), None)


def add_equality_section(survey, *, actor):
    """Add the standard equality monitoring page at the end: every question optional, "Prefer not to say".

    :raises SurveyError: if the survey has one already.
    """
    if equality_page(survey) is not None:
        raise SurveyError(
            "This survey already has the equality monitoring section. You can reword its questions, "
            "or delete questions nobody has answered."
        )
    page = SurveyPage(survey=survey, title=equality.PAGE_TITLE, is_equality=True, position=len(survey.pages) + 1)
    db.session.add(page)
    audit.record(actor, "create", page, ["is_equality", "position", "survey_id", "title"])
    for position, (key, kind, text, help_text, labels) in enumerate(equality.QUESTIONS, start=1):
        options = [QuestionOption(position=i, label=label) for i, label in enumerate(labels, start=1)]
        if kind.has_options:
            options.append(
                QuestionOption(position=len(options) + 1, label=equality.PREFER_NOT_TO_SAY, is_exclusive=True)
            )
        question = Question(
            page=page,
            position=position,
            kind=kind,
            text=text,
            help_text=help_text,
            required=False,
            equality_key=key,
            options=options,
        )
        db.session.add(question)
        audit.record(actor, "create", question, ["equality_key", "kind", "options", "page_id", "position", "text"])
    db.session.flush()
    db.session.expire(survey, ["pages"])
    return page
