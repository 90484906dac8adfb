"""Reads for the officers' side of responses: the filtered list, counts, answers as keyed, code tables."""

from collections import Counter, defaultdict

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from engage.analysis.models import ResponseCode, ResponseKeying, ResponseScan
from engage.dates import london_day_bounds
from engage.extensions import db
from engage.pagination import paginate
from engage.responses.models import AnalysisStatus, Answer, EqualityAnswer, Response
from engage.surveys.models import QuestionKind

PER_PAGE = 25
#: Question kinds officers code into themes.
CODABLE = (QuestionKind.short_text, QuestionKind.long_text)


def response_in(consultation_id, response_id):
    """The response if it belongs to this consultation, else None (never another consultation's)."""
    response = db.session.get(Response, response_id)
    if response is None or response.consultation_id != consultation_id:
        return None
    return response


def counts(consultation_id):
    """Counted responses (duplicates left out), duplicates, and how many are unread / read / coded."""
    rows = db.session.execute(
        select(Response.duplicate, Response.analysis_status, func.count(Response.id))
        .where(Response.consultation_id == consultation_id)
        .group_by(Response.duplicate, Response.analysis_status)
    ).all()
    result = {"counted": 0, "duplicates": 0, "late": 0, **{s.value: 0 for s in AnalysisStatus}}
    for duplicate, status, number in rows:
        if duplicate:
            result["duplicates"] += number
        else:
            result["counted"] += number
            result[AnalysisStatus(status).value] += number
    result["late"] = db.session.scalar(
        select(func.count(Response.id)).where(
            Response.consultation_id == consultation_id, Response.late.is_(True), Response.duplicate.is_(False)
        )
    )
    analysed = result["read"] + result["coded"]
    result["analysed"] = analysed
    result["percent_analysed"] = round(100 * analysed / result["counted"]) if result["counted"] else None
    return result


def unread_count(consultation_id):
    """Counted (not duplicate) responses nobody has opened yet."""
    return db.session.scalar(
        select(func.count(Response.id)).where(
            Response.consultation_id == consultation_id,
            Response.duplicate.is_(False),
            Response.analysis_status == AnalysisStatus.unread,
        )
    )


def _answer_condition(flt, questions_by_id):
    """The condition for "answered question Q with option/value V"."""
    if flt.get("option_id"):
        return exists().where(Answer.response_id == Response.id, Answer.option_id == flt["option_id"])
    question = questions_by_id.get(flt.get("question_id"))
    value = (flt.get("value") or "").strip()
    if question is None:
        return None
    base = [Answer.response_id == Response.id, Answer.question_id == question.id]
    if not value:
        return exists().where(*base)
    if question.kind in (QuestionKind.number, QuestionKind.rating):
        try:
            number = int(value.replace(",", ""))
        except ValueError:
            return Response.id.is_(None)
        return exists().where(*base, Answer.number == number)
    if question.kind == QuestionKind.yes_no:
        return exists().where(*base, Answer.text == value.lower())
    pattern = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return exists().where(*base, Answer.text.ilike(pattern, escape="\\"))


def filter_conditions(consultation_id, flt, questions_by_id):
    """SQL conditions for the list filters (``flt`` is the filter form's ``values()``)."""
    conditions = [Response.consultation_id == consultation_id]
    if flt.get("channel"):
        conditions.append(Response.channel == flt["channel"])
    if flt.get("respondent_type"):
        conditions.append(Response.respondent_type == flt["respondent_type"])
    if flt.get("status"):
        conditions.append(Response.analysis_status == flt["status"])
    duplicate = flt.get("duplicate")
    if duplicate == "duplicate":
        conditions.append(Response.duplicate.is_(True))
    elif duplicate == "counted":
        conditions.append(Response.duplicate.is_(False))
    elif duplicate == "flagged":
        conditions.append(Response.flagged.is_(True))
    if flt.get("late"):
        conditions.append(Response.late.is_(True))
    # The date received: the received date of an offline response, the London day of an online one.
    if flt.get("date_from"):
        start, _end = london_day_bounds(flt["date_from"])
        conditions.append(
            or_(
                Response.received_on >= flt["date_from"],
                and_(Response.received_on.is_(None), Response.submitted_at >= start),
            )
        )
    if flt.get("date_to"):
        _start, end = london_day_bounds(flt["date_to"])
        conditions.append(
            or_(
                Response.received_on <= flt["date_to"],
                and_(Response.received_on.is_(None), Response.submitted_at <= end),
            )
        )
    if flt.get("theme_id"):
        conditions.append(
            exists().where(ResponseCode.response_id == Response.id, ResponseCode.theme_id == flt["theme_id"])
        )
    answer = _answer_condition(flt, questions_by_id)
    if answer is not None:
        conditions.append(answer)
    return conditions


def responses_page(consultation_id, flt, questions_by_id, page):
    """One count-capped page of the consultation's responses matching ``flt``, newest first."""
    base = select(Response).order_by(Response.submitted_at.desc(), Response.id.desc())
    return paginate(base, filter_conditions(consultation_id, flt, questions_by_id), Response.id, page, PER_PAGE)


def response_full(response_id):
    """A response with its answers, questions, options, codes and scans loaded."""
    response = db.session.scalar(
        select(Response)
        .where(Response.id == response_id)
        .options(selectinload(Response.answers).selectinload(Answer.option), selectinload(Response.entered_by))
    )
    return response


def codes_of(response_id):
    """The response's codes, oldest first, with their themes and answers."""
    return db.session.scalars(
        select(ResponseCode)
        .where(ResponseCode.response_id == response_id)
        .options(selectinload(ResponseCode.theme), selectinload(ResponseCode.answer))
        .order_by(ResponseCode.id)
    ).all()


def scans_of(response_id):
    """The scans or copies kept with a response."""
    return db.session.scalars(
        select(ResponseScan).where(ResponseScan.response_id == response_id).order_by(ResponseScan.id)
    ).all()


def keyings_of(response_id):
    """Second keyings of a response, oldest first."""
    return db.session.scalars(
        select(ResponseKeying).where(ResponseKeying.response_id == response_id).order_by(ResponseKeying.id)
    ).all()


def stored_answers(response):
    """The response's answers (equality ones too) as the journey's drafts keep them: id -> value."""
    values = {}
    rows = [(a, False) for a in response.answers] + [
        (a, True) for a in db.session.scalars(select(EqualityAnswer).where(EqualityAnswer.response_id == response.id))
    ]
    for answer, _equality in rows:
        key = str(answer.question_id)
        kind = answer.question.kind
        if kind == QuestionKind.multiple_choice:
            values.setdefault(key, []).append(str(answer.option_id))
        elif kind in (QuestionKind.single_choice, QuestionKind.likert):
            values[key] = str(answer.option_id)
        elif kind in (QuestionKind.number, QuestionKind.rating):
            values[key] = str(answer.number)
        else:
            values[key] = answer.text
    return values


def code_table(consultation_id, survey):
    """Per written question: each theme with the number of (counted) responses coded to it, and quotes.

    :return: a list of dicts: question, answered (responses answering it), rows [(theme, count, percent)],
        quotes [ResponseCode].
    """
    questions = [q for page in survey.pages if not page.is_equality for q in page.questions if q.kind in CODABLE]
    if not questions:
        return []
    ids = [q.id for q in questions]
    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.question_id.in_(ids), Response.duplicate.is_(False), Answer.text != "")
            .group_by(Answer.question_id)
        ).all()
    )
    codes = db.session.scalars(
        select(ResponseCode)
        .join(Response, Response.id == ResponseCode.response_id)
        .where(
            ResponseCode.question_id.in_(ids),
            Response.consultation_id == consultation_id,
            Response.duplicate.is_(False),
        )
        .options(selectinload(ResponseCode.theme), selectinload(ResponseCode.answer))
        .order_by(ResponseCode.id)
    ).all()
    per_question = defaultdict(lambda: defaultdict(set))
    themes = {}
    quotes = defaultdict(list)
    for code in codes:
        per_question[code.question_id][code.theme_id].add(code.response_id)
        themes[code.theme_id] = code.theme
        if code.is_quote:
            quotes[code.question_id].append(code)
    tables = []
    for question in questions:
        total = answered.get(question.id, 0)
        counter = Counter({theme_id: len(rs) for theme_id, rs in per_question[question.id].items()})
        rows = [
            (themes[theme_id], number, round(100 * number / total) if total else 0)
            for theme_id, number in sorted(counter.items(), key=lambda item: (-item[1], themes[item[0]].title))
        ]
        tables.append({"question": question, "answered": total, "rows": rows, "quotes": quotes[question.id]})
    return tables
