"""The journey's rules on their own: show-if conditions, skipped pages, and cleaning each kind of answer."""

from types import SimpleNamespace

import pytest

from engage.responses.forms import clean_answer
from engage.responses.journey import DraftIncomplete, is_shown, validate_all
from engage.surveys.models import QuestionKind
from tests.responses.helpers import make_survey


def _question(kind, **values):
    values.setdefault("required", False)
    values.setdefault("options", [])
    values.setdefault("text", "A question")
    values.setdefault("equality_key", "")
    values.setdefault("min_value", None)
    values.setdefault("max_value", None)
    question = SimpleNamespace(kind=kind, **values)
    question.scale = (question.min_value or 1, question.max_value or 5)
    return question


def test_show_if_on_a_multiple_choice_question_holds_when_that_option_is_among_those_chosen():
    question = SimpleNamespace(show_if_question_id=7, show_if_value="12")
    assert is_shown(question, {"7": ["11", "12"]})
    assert not is_shown(question, {"7": ["11"]})
    assert not is_shown(question, {})
    assert is_shown(SimpleNamespace(show_if_question_id=7, show_if_value="yes"), {"7": "yes"})
    assert not is_shown(SimpleNamespace(show_if_question_id=7, show_if_value="yes"), {"7": "no"})


@pytest.mark.parametrize(
    ("kind", "raw", "values", "expected"),
    [
        (QuestionKind.number, "1,200", {}, "1200"),
        (QuestionKind.number, " 7 ", {"min_value": 0, "max_value": 10}, "7"),
        (QuestionKind.postcode, "me141rf", {}, "ME14 1RF"),
        (QuestionKind.short_text, "tn1", {"equality_key": "postcode_district"}, "TN1"),
        (QuestionKind.short_text, "sw1a", {"equality_key": "postcode_district"}, "SW1A"),
        (QuestionKind.date, ("29", "2", "2024"), {}, "2024-02-29"),
        (QuestionKind.rating, "5", {}, "5"),
        (QuestionKind.short_text, "  ", {}, None),
    ],
)
def test_good_answers_are_stored_in_a_standard_form(kind, raw, values, expected):
    assert clean_answer(_question(kind, **values), raw) == (expected, None)


@pytest.mark.parametrize(
    ("kind", "raw", "values", "message"),
    [
        (QuestionKind.number, "12.5", {}, "whole number"),
        (QuestionKind.number, "11", {"max_value": 10}, "10 or less"),
        (QuestionKind.number, "-1", {"min_value": 0}, "0 or more"),
        (QuestionKind.number, "9" * 14, {}, "smaller number"),
        (QuestionKind.short_text, "ME14 1RF", {"equality_key": "postcode_district"}, "first half of a UK postcode"),
        (QuestionKind.date, ("29", "2", "2025"), {}, "real date"),
        (QuestionKind.date, ("1", "1", "25"), {}, "real date"),
        (QuestionKind.date, ("", "", ""), {"required": True}, "Enter a date"),
        (QuestionKind.rating, "0", {}, "between 1 and 5"),
        (QuestionKind.long_text, "z" * 10_001, {}, "10,000 characters or fewer"),
    ],
)
def test_wrong_answers_get_a_message_naming_the_question(kind, raw, values, message):
    value, error = clean_answer(_question(kind, **values), raw)
    assert value is None and message in error and "A question" in error


def test_a_whole_draft_is_checked_again_and_the_first_page_to_fix_named(app):
    q = make_survey()
    good = {str(q.used.id): str(q.used.options[2].id), str(q.travel.id): [str(q.travel.options[0].id)]}
    clean = validate_all(q.survey, {**good, str(q.why.id): "hidden, so dropped"})
    assert str(q.why.id) not in clean
    with pytest.raises(DraftIncomplete) as problem:
        validate_all(q.survey, {**good, str(q.used.id): str(q.used.options[0].id)})
    assert problem.value.page == 2  # Maidstone shows the required "why" question on page 2
    with pytest.raises(DraftIncomplete) as problem:
        validate_all(q.survey, {str(q.travel.id): [str(q.travel.options[0].id)]})
    assert problem.value.page == 1
