"""Writes to the stakeholder map, each with its audit entry. The caller commits."""

from sqlalchemy import select

from engage import audit
from engage.extensions import db
from engage.records.services import relink
from engage.stakeholders.models import (
    ConsentAction,
    ConsentRecord,
    GroupMember,
    Membership,
    Organisation,
    Person,
    ProgrammeGroup,
    SeldomHeardGroup,
)

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "parent_id",
    "website",
    "address",
    "postcode",
    "notes",
    "influence",
    "interest",
    "owner_id",
)
PERSON_FIELDS = (
    "name",
    "job_title",
    "email",
    "phone",
    "postcode",
    "preferred_channel",
    "communication_needs",
    "interpreter_language",
    "communication_notes",
    "notes",
    "influence",
    "interest",
    "owner_id",
)
LINK_FIELDS = ("places", "topics", "groups")


class StakeholderRuleError(ValueError):
    """A change the map's rules refuse; the message is for the user."""


def _assign(obj, fields, values):
    """Set the given fields and links on ``obj``; return the names of every field that changed.

    Column changes are read from the session before any flush can clear them.
    """
    # Loading a link collection would autoflush the column changes and wipe their history, so
    # the audit entry would name only the links. Equal values are not set: an expired attribute
    # set to its own value would count as a change.
    changed = []
    with db.session.no_autoflush:
        for key in fields:
            if key in values and getattr(obj, key) != values[key]:
                setattr(obj, key, values[key])
                changed.append(key)
        for key in LINK_FIELDS:
            if key in values:
                current = getattr(obj, key)
                if {o.id for o in current} != {o.id for o in values[key]}:
                    setattr(obj, key, list(values[key]))
                    changed.append(key)
    return sorted(changed)


def _set_fields(values, fields):
    return sorted(k for k in (*fields, *LINK_FIELDS) if values.get(k) not in (None, "", [], ()))


def create_organisation(*, actor, **values):
    """Add an organisation to the map."""
    organisation = Organisation()
    _assign(organisation, ORGANISATION_FIELDS, values)
    db.session.add(organisation)
    audit.record(actor, "create", organisation, _set_fields(values, ORGANISATION_FIELDS))
    return organisation


def update_organisation(organisation, *, actor, **values):
    """Change an organisation; refuses to make it its own ancestor."""
    parent_id = values.get("parent_id")
    node = db.session.get(Organisation, parent_id) if parent_id else None
    while node is not None:
        if node.id == organisation.id:
            raise StakeholderRuleError("An organisation cannot belong to itself or to one of its own members")
        node = node.parent
    changed = _assign(organisation, ORGANISATION_FIELDS, values)
    if changed:
        audit.record(actor, "update", organisation, changed)
    db.session.flush()
    return changed


def delete_organisation(organisation, *, actor):
    """Delete an organisation nobody belongs to and nothing sits under.

    :raises StakeholderRuleError: if people or organisations are still linked to it.
    """
    if organisation.memberships or organisation.children:
        raise StakeholderRuleError(
            "People or organisations are still linked to this organisation. "
            "Merge it into another organisation instead, which keeps every link."
        )
    relink("organisations", organisation, None, actor=actor)
    audit.record(actor, "delete", organisation)
    db.session.delete(organisation)
    db.session.flush()


def create_person(*, actor, **values):
    """Add a person to the map."""
    person = Person()
    _assign(person, PERSON_FIELDS, values)
    db.session.add(person)
    audit.record(actor, "create", person, _set_fields(values, PERSON_FIELDS))
    return person


def update_person(person, *, actor, **values):
    """Change a person's details."""
    changed = _assign(person, PERSON_FIELDS, values)
    if changed:
        audit.record(actor, "update", person, changed)
    db.session.flush()
    return changed


def record_consent(person, *, actor, action, effective_on, lawful_basis=None, source=""):
    """Append a consent event (never edit one) and update whether the person may be contacted."""
    record = ConsentRecord(
        person=person,
        action=action,
        lawful_basis=lawful_basis if action == ConsentAction.given else None,
        effective_on=effective_on,
        source=source.strip(),
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    person.is_contactable = action == ConsentAction.given
    audit.record(actor, "create", record, ["action", "effective_on", "lawful_basis", "source"])
    audit.record(actor, "update", person, ["is_contactable"])
    db.session.flush()
    db.session.refresh(person, ["consents"])
    return record


def add_membership(person, organisation, *, actor, role=""):
    """Link a person to an organisation (or change their role there)."""
    membership = db.session.get(Membership, (person.id, organisation.id))
    if membership is None:
        membership = Membership(person=person, organisation=organisation, role=role.strip())
        db.session.add(membership)
        audit.record(
            actor,
            "create",
            membership,
            ["organisation_id", "person_id", "role"],
            object_id=f"{person.id}:{organisation.id}",
        )
    elif membership.role != role.strip():
        membership.role = role.strip()
        audit.record(actor, "update", membership, ["role"], object_id=f"{person.id}:{organisation.id}")
    db.session.flush()
    return membership


def remove_membership(membership, *, actor):
    """Unlink a person from an organisation."""
    audit.record(actor, "delete", membership, object_id=f"{membership.person_id}:{membership.organisation_id}")
    db.session.delete(membership)
    db.session.flush()


def _move_membership(membership, person, organisation, *, actor):
    """Link ``person`` to ``organisation`` in place of ``membership``, which is removed.

    A role the kept record already has there wins; a blank one is filled from the duplicate.
    """
    existing = db.session.get(Membership, (person.id, organisation.id))
    role = existing.role if existing is not None and existing.role else membership.role
    add_membership(person, organisation, actor=actor, role=role)
    # Taken out of both loaded lists (delete-orphan then deletes it), so deleting the duplicate
    # later does not try to delete the same row a second time.
    membership.person.memberships.remove(membership)
    if membership in membership.organisation.memberships:
        membership.organisation.memberships.remove(membership)


def _union(keep, remove, key):
    merged = {o.id: o for o in getattr(keep, key)}
    merged.update({o.id: o for o in getattr(remove, key)})
    setattr(keep, key, sorted(merged.values(), key=lambda o: o.name))


def _fill_blanks(keep, remove, fields):
    filled = []
    for key in fields:
        if getattr(keep, key) in (None, "", []) and getattr(remove, key) not in (None, "", []):
            setattr(keep, key, getattr(remove, key))
            filled.append(key)
    return filled


def merge_organisations(keep, remove, *, actor):
    """Merge ``remove`` into ``keep``: every person, member organisation, link and engagement record moves across.

    Blank fields of ``keep`` are filled from ``remove``; then ``remove`` is deleted. The audit
    log records both sides, so the trail of the removed record survives.
    """
    if keep.id == remove.id:
        raise StakeholderRuleError("Choose two different organisations to merge")
    filled = _fill_blanks(keep, remove, ORGANISATION_FIELDS)
    for membership in list(remove.memberships):
        _move_membership(membership, membership.person, keep, actor=actor)
    if keep.parent_id == remove.id:
        # The kept record sat under the duplicate: it takes the duplicate's place in the tree.
        keep.parent = remove.parent
    for child in list(remove.children):
        # Through the relationship, so the duplicate's loaded list no longer holds the child:
        # deleting the duplicate would otherwise set the child's parent_id back to NULL.
        child.parent = keep
    for key in LINK_FIELDS:
        _union(keep, remove, key)
    relink("organisations", remove, keep, actor=actor)
    db.session.flush()
    audit.record(actor, "merge", keep, sorted({*filled, "memberships", *LINK_FIELDS}))
    audit.record(actor, "merged_into", remove, [f"organisation:{keep.id}"])
    db.session.delete(remove)
    db.session.flush()
    return keep


def merge_people(keep, remove, *, actor):
    """Merge ``remove`` into ``keep``: memberships, consent history, group seats, links and the
    engagement records naming ``remove`` move across."""
    if keep.id == remove.id:
        raise StakeholderRuleError("Choose two different people to merge")
    filled = _fill_blanks(keep, remove, PERSON_FIELDS)
    keep.communication_needs = sorted({*keep.communication_needs, *remove.communication_needs})
    for membership in list(remove.memberships):
        _move_membership(membership, keep, membership.organisation, actor=actor)
    for record in list(remove.consents):
        record.person = keep
    seats = db.session.scalars(select(GroupMember).where(GroupMember.person_id == remove.id)).all()
    for seat in seats:
        if db.session.get(GroupMember, (seat.group_id, keep.id)) is None:
            db.session.add(
                GroupMember(
                    group_id=seat.group_id,
                    person_id=keep.id,
                    is_resident_representative=seat.is_resident_representative,
                )
            )
        db.session.delete(seat)
    for key in LINK_FIELDS:
        _union(keep, remove, key)
    relink("people", remove, keep, actor=actor)
    db.session.flush()
    db.session.refresh(keep, ["consents"])
    latest = keep.current_consent
    keep.is_contactable = latest is not None and latest.action == ConsentAction.given
    audit.record(
        actor, "merge", keep, sorted({*filled, "communication_needs", "consents", "memberships", *LINK_FIELDS})
    )
    audit.record(actor, "merged_into", remove, [f"person:{keep.id}"])
    db.session.delete(remove)
    db.session.flush()
    return keep


def create_programme_group(*, actor, name, purpose="", place_id=None):
    """Add a board or programme group."""
    group = ProgrammeGroup(name=name.strip(), purpose=purpose.strip(), place_id=place_id)
    db.session.add(group)
    audit.record(actor, "create", group, ["name", "place_id", "purpose"])
    return group


def update_programme_group(group, *, actor, name, purpose, place_id):
    """Rename or describe a programme group."""
    group.name, group.purpose, group.place_id = name.strip(), purpose.strip(), place_id
    changed = audit.changed_fields(group)
    if changed:
        audit.record(actor, "update", group, changed)
    db.session.flush()
    return changed


def add_group_member(group, person, *, actor, is_resident_representative=False):
    """Seat a person on a group, or change whether they sit as a resident representative."""
    seat = db.session.get(GroupMember, (group.id, person.id))
    if seat is None:
        seat = GroupMember(group=group, person=person, is_resident_representative=is_resident_representative)
        db.session.add(seat)
        audit.record(
            actor, "create", seat, ["is_resident_representative", "person_id"], object_id=f"{group.id}:{person.id}"
        )
    elif seat.is_resident_representative != is_resident_representative:
        seat.is_resident_representative = is_resident_representative
        audit.record(actor, "update", seat, ["is_resident_representative"], object_id=f"{group.id}:{person.id}")
    db.session.flush()
    return seat


def remove_group_member(seat, *, actor):
    """Take a person off a group."""
    audit.record(actor, "delete", seat, object_id=f"{seat.group_id}:{seat.person_id}")
    db.session.delete(seat)
    db.session.flush()


def create_seldom_heard_group(*, actor, name, description=""):
    """Add a seldom-heard group to the configurable list."""
    group = SeldomHeardGroup(name=name.strip(), description=description.strip())
    db.session.add(group)
    audit.record(actor, "create", group, ["description", "name"] if description else ["name"])
    return group


def update_seldom_heard_group(group, *, actor, name, description, is_archived):
    """Rename, describe, archive or restore a seldom-heard group."""
    group.name, group.description, group.is_archived = name.strip(), description.strip(), is_archived
    changed = audit.changed_fields(group)
    if changed:
        audit.record(actor, "update", group, changed)
    db.session.flush()
    return changed


def start_import(*, actor, kind, filename, headers, rows, mapping):
    """Keep an uploaded table until the officer confirms it; clear batches older than a day."""
    import secrets
    from datetime import timedelta

    from engage.dates import now_utc
    from engage.stakeholders.models import ImportBatch

    stale = db.session.scalars(select(ImportBatch).where(ImportBatch.created_at < now_utc() - timedelta(days=1)))
    for old in stale:
        db.session.delete(old)
    batch = ImportBatch(
        token=secrets.token_urlsafe(32),
        kind=kind,
        filename=filename[:255],
        created_by_id=actor.id,
        headers=headers,
        rows=rows,
        mapping=mapping,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def set_import_mapping(batch, mapping):
    """Record which column feeds which field."""
    batch.mapping = mapping
    batch.is_mapped = True
    db.session.flush()


def finish_import(batch, counts, *, actor):
    """Log the import's outcome (counts only) and drop the uploaded rows."""
    audit.record(actor, "import", batch, [f"{k}:{v}" for k, v in sorted(counts.items())], object_type=batch.kind)
    db.session.delete(batch)
    db.session.flush()
