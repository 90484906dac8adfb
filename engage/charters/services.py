"""Writes to charters, each with its audit entry (field names only). The caller commits.

Versions are append-only: saving adds a CharterVersion with a copy of every section, and a save
that starts from a version that is no longer the latest is refused (SaveConflict), never merged.
"""

import secrets

from sqlalchemy.exc import IntegrityError

from engage import audit
from engage.charters.models import (
    Charter,
    CharterAdoption,
    CharterApproval,
    CharterComment,
    CharterStage,
    CharterVersion,
    CharterVersionSection,
    Moderation,
)
from engage.dates import now_utc
from engage.extensions import db

DETAIL_FIELDS = ("title", "slug", "purpose", "owner_id")


class TransitionError(ValueError):
    """A change the charter's stage does not allow; the message is for the person acting."""


class SaveConflict(Exception):
    """Someone saved a newer version since the one an edit started from.

    :ivar base: the version number the edit started from.
    """

    def __init__(self, base):
        super().__init__(f"version {base} is no longer the latest")
        self.base = base


def new_section_key():
    """A random stable key for a new section."""
    return secrets.token_hex(8)


def _apply_details(charter, values):
    changed = []
    for key in DETAIL_FIELDS:
        if key in values and getattr(charter, key) != values[key]:
            setattr(charter, key, values[key])
            changed.append(key)
    if "places" in values and {p.id for p in charter.places} != {p.id for p in values["places"]}:
        charter.places = list(values["places"])
        changed.append("places")
    return changed


def create_charter(*, actor, heading, body, **values):
    """Create a charter in drafting with version 1 holding its first section."""
    charter = Charter(stage=CharterStage.drafting)
    db.session.add(charter)
    changed = _apply_details(charter, values)
    audit.record(actor, "create", charter, changed)
    _add_version(charter, actor, [{"key": None, "heading": heading, "body": body}], "First draft")
    return charter


def update_details(charter, *, actor, **values):
    """Change a charter's title, address, purpose, owner or places (not versioned: the text is)."""
    changed = _apply_details(charter, values)
    if changed:
        audit.record(actor, "update", charter, changed)
    db.session.flush()
    return changed


def _add_version(charter, actor, sections, summary, restored_from=None):
    number = charter.latest.number + 1 if charter.latest else 1
    version = CharterVersion(
        charter=charter,
        number=number,
        author_id=getattr(actor, "id", None),
        summary=summary,
        restored_from=restored_from,
        created_at=now_utc(),
    )
    for position, section in enumerate(sections, start=1):
        version.sections.append(
            CharterVersionSection(
                key=section["key"] or new_section_key(),
                position=position,
                heading=section["heading"],
                body=section["body"],
            )
        )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another save took this number between our check and our insert.
        raise SaveConflict(number - 1) from error
    audit.record(
        actor, "create", version, ["number", "sections", "summary"] + (["restored_from"] if restored_from else [])
    )
    return version


def _same_text(version, sections):
    return [(s.key, s.heading, s.body) for s in version.sections] == [
        (s["key"], s["heading"], s["body"]) for s in sections
    ]


def save_version(charter, *, actor, base_number, sections, summary):
    """Save the charter's sections as a new version.

    :param base_number: the version the editor started from.
    :param sections: dicts of ``key`` (None for a new section), ``heading`` and ``body``, in order.
    :raises SaveConflict: if ``base_number`` is no longer the latest version.
    :raises TransitionError: if the charter is not being drafted, or nothing changed.
    """
    if charter.stage != CharterStage.drafting:
        raise TransitionError("The charter can be edited only while drafting: return it to drafting first")
    latest = charter.latest
    if latest is not None and base_number != latest.number:
        raise SaveConflict(base_number)
    if latest is not None and _same_text(latest, sections):
        raise TransitionError(f"Nothing has changed since version {latest.number}, so no new version was saved")
    return _add_version(charter, actor, sections, summary)


def restore_version(charter, *, actor, number):
    """Save a copy of version ``number`` as the newest version (history is kept, never rewound)."""
    if charter.stage != CharterStage.drafting:
        raise TransitionError("A version can be restored only while drafting: return the charter to drafting first")
    old = charter.version(number)
    if old is None:
        raise TransitionError(f"There is no version {number}")
    if old is charter.latest:
        raise TransitionError(f"Version {number} is already the latest")
    sections = [{"key": s.key, "heading": s.heading, "body": s.body} for s in old.sections]
    return _add_version(charter, actor, sections, f"Restored version {number}", restored_from=number)


# Comments ------------------------------------------------------------------------------------


def _check_section(version, section_key):
    if version is None or version.section(section_key) is None:
        raise TransitionError(
            "That section is no longer in the charter: reload the page and comment on it as it is now"
        )


def add_comment(charter, *, actor, version, section_key, body):
    """Add a staff comment on a section of ``version``.

    :raises TransitionError: if the section is not in that version or in the latest one, or the charter is adopted.
    """
    if charter.stage == CharterStage.adopted:
        raise TransitionError("The charter has been adopted: return it to drafting to discuss changes")
    _check_section(version, section_key)
    _check_section(charter.latest, section_key)
    comment = CharterComment(
        charter=charter, version=version, section_key=section_key, author_id=actor.id, body=body, created_at=now_utc()
    )
    db.session.add(comment)
    audit.record(actor, "create", comment, ["body", "section_key", "version_id"])
    return comment


def add_reply(parent, *, actor, body):
    """Reply to a comment (replies sit under the comment they answer, one level deep)."""
    root = parent.parent or parent
    reply = CharterComment(
        charter_id=root.charter_id,
        version_id=root.version_id,
        section_key=root.section_key,
        parent=root,
        author_id=actor.id,
        body=body,
        created_at=now_utc(),
    )
    db.session.add(reply)
    audit.record(actor, "create", reply, ["body", "parent_id"])
    return reply


def add_resident_comment(charter, *, version, section_key, body, name="", email=""):
    """Store a resident's comment, held for moderation. The audit entry names the fields given, never values.

    :raises TransitionError: after the closing time, or if the section is gone.
    """
    if not charter.accepting_resident_comments:
        raise TransitionError("Comments on this draft have closed, so we could not accept yours")
    _check_section(version, section_key)
    _check_section(charter.latest, section_key)
    comment = CharterComment(
        charter=charter,
        version=version,
        section_key=section_key,
        body=body,
        resident_name=name,
        resident_email=email,
        moderation=Moderation.pending,
        created_at=now_utc(),
    )
    db.session.add(comment)
    given = ["body", "section_key", "version_id"] + [
        k for k, v in (("resident_name", name), ("resident_email", email)) if v
    ]
    audit.record(None, "create", comment, given)
    return comment


def set_resolved(comment, *, actor, resolved):
    """Mark a comment thread resolved, or open it again."""
    if bool(comment.resolved_at) == resolved:
        return
    comment.resolved_at = now_utc() if resolved else None
    comment.resolved_by_id = actor.id if resolved else None
    audit.record(actor, "update", comment, ["resolved_at", "resolved_by_id"])
    db.session.flush()


def moderate(comment, *, actor, approve):
    """Approve or reject a resident's comment waiting for moderation.

    :raises TransitionError: if it was moderated already (two officers acting at once).
    """
    if comment.moderation != Moderation.pending:
        raise TransitionError("This comment has already been moderated")
    comment.moderation = Moderation.approved if approve else Moderation.rejected
    comment.moderated_by_id = actor.id
    comment.moderated_at = now_utc()
    audit.record(actor, "update", comment, ["moderated_at", "moderated_by_id", "moderation"])
    db.session.flush()


# Workflow ------------------------------------------------------------------------------------


def _set_stage(charter, stage, actor, extra=()):
    charter.stage = stage
    audit.record(actor, "update", charter, ["stage", *extra])
    db.session.flush()


def open_for_comment(charter, *, actor, closes_at):
    """Open the latest draft for residents' comments until ``closes_at``.

    :raises TransitionError: unless drafting, with a closing time in the future.
    """
    if charter.stage != CharterStage.drafting:
        raise TransitionError("Only a charter being drafted can be opened for comment")
    now = now_utc()
    if closes_at <= now:
        raise TransitionError("The closing date and time must be in the future")
    charter.comments_open_at = now
    charter.comments_close_at = closes_at
    _set_stage(charter, CharterStage.open_for_comment, actor, ["comments_close_at", "comments_open_at"])


def send_for_approval(charter, *, actor):
    """Close comments (if open) and send the latest version for approval."""
    if charter.stage not in (CharterStage.drafting, CharterStage.open_for_comment):
        raise TransitionError("Only a draft, or one open for comment, can be sent for approval")
    extra = []
    if charter.stage == CharterStage.open_for_comment and charter.accepting_resident_comments:
        # Closing early: residents are told it has closed from now.
        charter.comments_close_at = now_utc()
        extra.append("comments_close_at")
    _set_stage(charter, CharterStage.awaiting_approval, actor, extra)


def return_to_drafting(charter, *, actor):
    """Take the charter back to drafting to change its text (comments close; an adopted version stays public)."""
    if charter.stage == CharterStage.drafting:
        raise TransitionError("The charter is already being drafted")
    extra = []
    if charter.accepting_resident_comments:
        charter.comments_close_at = now_utc()
        extra.append("comments_close_at")
    _set_stage(charter, CharterStage.drafting, actor, extra)


def record_approval(charter, *, actor, body_name, note=""):
    """Record that ``body_name`` approved the latest version.

    :raises TransitionError: unless the charter is awaiting approval.
    """
    if charter.stage != CharterStage.awaiting_approval:
        raise TransitionError("Approval can be recorded only while the charter is awaiting approval")
    approval = CharterApproval(
        charter=charter,
        version=charter.latest,
        body_name=body_name,
        note=note,
        approved_by_id=actor.id,
        approved_at=now_utc(),
    )
    db.session.add(approval)
    audit.record(actor, "create", approval, ["body_name", "version_id"] + (["note"] if note else []))
    return approval


def adopt(charter, *, actor):
    """Adopt the latest version, which must have at least one approval; it becomes the public charter.

    :raises TransitionError: unless awaiting approval with an approval of the latest version.
    """
    if charter.stage != CharterStage.awaiting_approval:
        raise TransitionError("Only a charter awaiting approval can be adopted")
    version = charter.latest
    if not charter.approvals_of(version):
        raise TransitionError(f"Record who approved version {version.number} before adopting it")
    adoption = CharterAdoption(charter=charter, version=version, adopted_by_id=actor.id, adopted_at=now_utc())
    db.session.add(adoption)
    audit.record(actor, "create", adoption, ["version_id"])
    _set_stage(charter, CharterStage.adopted, actor)
    return adoption
