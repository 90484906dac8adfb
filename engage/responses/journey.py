"""The survey's page order for one resident: show-if conditions, skipped pages, and checking a whole draft."""

from engage.responses.forms import clean_answer
from engage.surveys.models import QuestionKind


class DraftIncomplete(Exception):
    """The draft misses an answer or holds a bad one; ``page`` is the first page to fix (1-based)."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page


def is_shown(question, answers):
    """Whether ``question`` is shown, given the answers so far (show-if on an earlier question)."""
    if question.show_if_question_id is None:
        return True
    answer = answers.get(str(question.show_if_question_id))
    if isinstance(answer, list):
        return question.show_if_value in answer
    return answer is not None and answer == question.show_if_value


def visible_questions(page, answers):
    return [q for q in page.questions if is_shown(q, answers)]


def next_page_number(survey, after, answers):
    """The number of the first page after ``after`` with a question to show, or None at the end."""
    for number, page in enumerate(survey.pages, start=1):
        if number > after and visible_questions(page, answers):
            return number
    return None


def previous_page_number(survey, before, answers):
    for number in range(before - 1, 0, -1):
        if visible_questions(survey.pages[number - 1], answers):
            return number
    return None


def resume_page_number(survey, draft):
    """Where a resident carries on: the first page after those done, or None when all are done."""
    return next_page_number(survey, draft.furthest_page, draft.answers or {})


def validate_all(survey, answers):
    """Check every answer against the survey as it is now; return the clean answers of shown questions.

    :raises DraftIncomplete: naming the first page with a missing or bad answer.
    """
    clean = {}
    for number, page in enumerate(survey.pages, start=1):
        for question in page.questions:
            if not is_shown(question, clean):
                continue
            raw = answers.get(str(question.id))
            if question.kind == QuestionKind.date and isinstance(raw, str):
                year, month, day = (raw.split("-") + ["", "", ""])[:3]
                raw = (day, month, year)
            if question.kind == QuestionKind.multiple_choice and raw is not None and not isinstance(raw, list):
                raw = [raw]
            value, error = clean_answer(question, raw)
            if error:
                raise DraftIncomplete(number)
            if value is not None:
                clean[str(question.id)] = value
    return clean
