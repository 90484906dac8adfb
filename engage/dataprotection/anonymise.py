"""Removing respondents' personal details from responses while keeping their answers.

Used by retention (every response of a consultation past its retention date) and by erasure after a
subject access request (the responses given with one email address). Each step only touches rows
that still hold something, so running it again changes nothing and counts zero.
"""

from dataclasses import dataclass, fields

from sqlalchemy import bindparam, delete, or_, select, update

from engage.analysis.models import ResponseScan
from engage.extensions import db
from engage.responses.models import Answer, Response
from engage.storage import delete_quietly
from engage.surveys.models import Question, QuestionKind

#: What a text answer an officer marked as identifying becomes.
REMOVED_TEXT = "[Removed: it identified someone]"


@dataclass
class Counts:
    """How many rows each step changed (no content, ever)."""

    responses: int = 0
    postcodes: int = 0
    identifying_answers: int = 0
    scans: int = 0

    def add(self, other):
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def total(self):
        return sum(getattr(self, f.name) for f in fields(self))

    def as_fields(self, prefix):
        """Audit log "fields": the counts as ``prefix:name=n`` (numbers only, never values)."""
        return [f"{prefix}:{f.name}={getattr(self, f.name)}" for f in fields(self)]


def postcode_district(postcode):
    """The outward code of a normalised postcode: "ME14 1XX" -> "ME14"."""
    return (postcode or "").strip().split(" ", 1)[0].upper()


def anonymise_responses(response_ids):
    """Remove names, emails, network hashes, full postcodes and identifying text from these responses.

    :param response_ids: a select of Response.id (or a list of ids).
    Organisation names are kept: they name organisations, not people. Answers are kept. Scans of
    paper responses go, files and all: a letter carries its writer's name and address, and its
    answers were keyed in. The files are deleted at once (a failed commit then leaves rows whose
    file is gone, which the next run removes), so nothing personal outlives the run.
    """
    counts = Counts()
    counts.responses = db.session.execute(
        update(Response)
        .where(
            Response.id.in_(response_ids), or_(Response.name != "", Response.email != "", Response.network_hash != "")
        )
        .values(name="", email="", network_hash=""),
        execution_options={"synchronize_session": False},
    ).rowcount
    postcodes = db.session.execute(
        select(Answer.id, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Answer.response_id.in_(response_ids),
            Question.kind == QuestionKind.postcode,
            Answer.text.like("% %"),
        )
    ).all()
    if postcodes:
        db.session.execute(
            update(Answer.__table__)
            .where(Answer.__table__.c.id == bindparam("answer_id"))
            .values(text=bindparam("district")),
            [{"answer_id": answer_id, "district": postcode_district(text)} for answer_id, text in postcodes],
        )
    counts.postcodes = len(postcodes)
    counts.identifying_answers = db.session.execute(
        update(Answer)
        .where(Answer.response_id.in_(response_ids), Answer.identifying.is_(True), Answer.text != REMOVED_TEXT)
        .values(text=REMOVED_TEXT),
        execution_options={"synchronize_session": False},
    ).rowcount
    scan_keys = db.session.scalars(
        select(ResponseScan.storage_key).where(ResponseScan.response_id.in_(response_ids))
    ).all()
    if scan_keys:
        db.session.execute(
            delete(ResponseScan).where(ResponseScan.storage_key.in_(scan_keys)),
            execution_options={"synchronize_session": False},
        )
        delete_quietly(scan_keys)
    counts.scans = len(scan_keys)
    return counts
