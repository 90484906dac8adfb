"""Page and database readers shared by the stakeholder map tests."""

import re

from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.stakeholders.models import ConsentRecord, GroupMember, Membership, Organisation, Person
from tests.pages import main_content, page_title, plain, text_of

FIELD_ERROR_RE = re.compile(
    r'<span class="nhsuk-error-message" id="([^"]+)-error"\s*>\s*'
    r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)</span>',
    re.S,
)
#: The tables the map keeps: a bad request must leave every one of them as it was.
STORED = {
    "organisations": Organisation,
    "people": Person,
    "consent_records": ConsentRecord,
    "memberships": Membership,
    "group_members": GroupMember,
}


def field_errors(response):
    """Return {field id: message} for every error drawn next to a field."""
    return {field_id: plain(message) for field_id, message in FIELD_ERROR_RE.findall(text_of(response))}


def row_counts(db):
    """Return how many rows each stakeholder table holds."""
    db.session.expire_all()
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in STORED.items()}


def audit_entries(db, action=None, object_type=None):
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return db.session.scalars(query).all()


def assert_problem_shown(response, field_id, message_part):
    """The NHS.UK error pattern: summary, a message beside the field, and "Error: " in the title."""
    assert response.status_code in (200, 400)
    assert "There is a problem" in main_content(response)
    assert page_title(response).startswith("Error: ")
    errors = field_errors(response)
    assert field_id in errors, errors
    assert message_part in errors[field_id]
