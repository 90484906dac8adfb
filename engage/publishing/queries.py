"""Reads for publishing responses: the moderation queue, a response as it would be published, the public list."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.dataprotection.anonymise import REMOVED_TEXT
from engage.extensions import db
from engage.pagination import paginate
from engage.publishing.models import ModerationStatus, ResponsePublication, ResponseRedaction
from engage.publishing.redaction import redacted_text
from engage.responses.models import Answer, PublishConsent, RespondentType, Response
from engage.surveys.models import YES_NO, QuestionKind

PER_PAGE = 25
#: Answers that can carry words an officer may need to hide.
REDACTABLE = (QuestionKind.short_text, QuestionKind.long_text)
#: Never published: a postcode points at a home.
NEVER_PUBLISHED = (QuestionKind.postcode,)
PUBLISHABLE_CONSENTS = (PublishConsent.anonymous, PublishConsent.named)


def publication_of(response_id):
    return db.session.scalar(select(ResponsePublication).where(ResponsePublication.response_id == response_id))


def redactions_of(response_id):
    return db.session.scalars(
        select(ResponseRedaction)
        .where(ResponseRedaction.response_id == response_id)
        .options(selectinload(ResponseRedaction.answer), selectinload(ResponseRedaction.redacted_by))
        .order_by(ResponseRedaction.id)
    ).all()


def ranges_by_answer(response_ids):
    """answer id -> [(start, end)] of the redactions of these responses."""
    ranges = {}
    if not response_ids:
        return ranges
    rows = db.session.execute(
        select(ResponseRedaction.answer_id, ResponseRedaction.start_offset, ResponseRedaction.end_offset).where(
            ResponseRedaction.response_id.in_(list(response_ids))
        )
    ).all()
    for answer_id, start, end in rows:
        ranges.setdefault(answer_id, []).append((start, end))
    return ranges


def attribution(response):
    """Who the public page says responded: a name only with the respondent's consent, never an email."""
    organisation = response.respondent_type == RespondentType.organisation
    if response.publish_consent == PublishConsent.named:
        name = (response.organisation_name if organisation else response.name).strip()
        if name:
            return name
    return "An organisation" if organisation else "A resident"


@dataclass(frozen=True)
class PublishedAnswer:
    question: str
    text: str
    redacted: bool


def _answer_value(answer):
    kind = answer.question.kind
    if kind in (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.likert):
        return answer.option.label if answer.option is not None else ""
    if kind == QuestionKind.yes_no:
        return dict(YES_NO).get(answer.text, answer.text)
    if kind in (QuestionKind.number, QuestionKind.rating):
        return "" if answer.number is None else f"{answer.number:,}"
    return answer.text


def published_answers(response, ranges):
    """The response's answers as the public page shows them: redactions applied, postcodes left out,
    multiple choice joined. Equality answers are kept elsewhere and never appear."""
    result = []
    for answer in response.answers:
        question = answer.question
        if question.kind in NEVER_PUBLISHED:
            continue
        # Retention or erasure may have replaced an identifying answer: its old redactions no longer apply.
        answer_ranges = [] if answer.text == REMOVED_TEXT else ranges.get(answer.id, [])
        value = redacted_text(answer.text, answer_ranges) if question.kind in REDACTABLE else _answer_value(answer)
        if not value:
            continue
        if result and result[-1].question == question.text and question.kind == QuestionKind.multiple_choice:
            previous = result[-1]
            result[-1] = PublishedAnswer(previous.question, f"{previous.text}; {value}", previous.redacted)
            continue
        result.append(PublishedAnswer(question.text, value, bool(answer_ranges)))
    return result


def _with_answers(query):
    return query.options(
        selectinload(Response.answers).selectinload(Answer.question),
        selectinload(Response.answers).selectinload(Answer.option),
    )


def published_conditions(consultation_id):
    """Published responses of the consultation. Its id is given on both sides of the join, so the
    database may start from the few publications (ix_response_publications_consultation_status)."""
    return [
        Response.consultation_id == consultation_id,
        ResponsePublication.consultation_id == consultation_id,
        Response.duplicate.is_(False),
        Response.publish_consent.in_(PUBLISHABLE_CONSENTS),
        ResponsePublication.status == ModerationStatus.published,
    ]


def published_count(consultation_id):
    return db.session.scalar(
        select(func.count(Response.id))
        .join(ResponsePublication, ResponsePublication.response_id == Response.id)
        .where(*published_conditions(consultation_id))
    )


def published_page(consultation_id, page):
    """A page of the published responses (oldest first) as [(response, attribution, answers)]."""
    base = _with_answers(
        select(Response)
        .join(ResponsePublication, ResponsePublication.response_id == Response.id)
        .order_by(Response.submitted_at, Response.id)
    )
    results = paginate(base, published_conditions(consultation_id), Response.id, page, PER_PAGE)
    ranges = ranges_by_answer([r.id for r in results.items])
    results.entries = [(r, attribution(r), published_answers(r, ranges)) for r in results.items]
    return results


QUEUE_FILTERS = ("waiting", "published", "rejected", "refused")


def queue_page(consultation_id, state, page):
    """Responses for moderation: ``waiting`` (consented, not decided), ``published``, ``rejected``,
    or ``refused`` (the respondent said no: never publishable)."""
    base = (
        select(Response)
        .outerjoin(ResponsePublication, ResponsePublication.response_id == Response.id)
        .order_by(Response.submitted_at, Response.id)
        .options(selectinload(Response.answers))
    )
    conditions = [Response.consultation_id == consultation_id, Response.duplicate.is_(False)]
    if state == "refused":
        conditions.append(Response.publish_consent == PublishConsent.no)
    else:
        conditions.append(Response.publish_consent.in_(PUBLISHABLE_CONSENTS))
        if state == "published":
            conditions.append(ResponsePublication.status == ModerationStatus.published)
        elif state == "rejected":
            conditions.append(ResponsePublication.status == ModerationStatus.rejected)
        else:
            conditions.append(ResponsePublication.id.is_(None))
    results = paginate(base, conditions, Response.id, page, PER_PAGE)
    statuses = dict(
        db.session.execute(
            select(ResponsePublication.response_id, ResponsePublication.status).where(
                ResponsePublication.response_id.in_([r.id for r in results.items])
            )
        ).all()
    )
    results.entries = [(r, statuses.get(r.id)) for r in results.items]
    return results


def queue_counts(consultation_id):
    """How many counted responses are waiting, published, rejected, and refused (consent "no")."""
    rows = db.session.execute(
        select(Response.publish_consent, ResponsePublication.status, func.count(Response.id))
        .outerjoin(ResponsePublication, ResponsePublication.response_id == Response.id)
        .where(Response.consultation_id == consultation_id, Response.duplicate.is_(False))
        .group_by(Response.publish_consent, ResponsePublication.status)
    ).all()
    counts = dict.fromkeys(QUEUE_FILTERS, 0)
    for consent, status, number in rows:
        if PublishConsent(consent) == PublishConsent.no:
            counts["refused"] += number
        elif status is None:
            counts["waiting"] += number
        else:
            counts[ModerationStatus(status).value] += number
    return counts
