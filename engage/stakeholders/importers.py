"""Importing organisations and people from CSV or XLSX: read, map columns, dry run, then apply.

Nothing is written until the officer confirms the dry run, and the apply step runs in the
caller's single transaction, so a failure writes nothing at all.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import func, select

from engage.extensions import db
from engage.reference.models import Place, Topic
from engage.stakeholders import services
from engage.stakeholders.models import ORGANISATION_KIND_LABELS, Organisation, OrganisationKind, Person
from engage.validators import normalise_email, normalise_phone, normalise_postcode

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: rapidfuzz token_sort_ratio at or above which two names in one postcode look like the same stakeholder.
FUZZY_THRESHOLD = 90

#: Target fields per import kind: key -> (label, header names we recognise).
FIELDS = {
    "organisations": {
        "name": ("Name", {"name", "organisation", "organisation name", "org name"}),
        "kind": ("Type", {"type", "kind", "organisation type", "category"}),
        "parent": ("Part of", {"part of", "parent", "parent organisation"}),
        "places": ("Places (separated by ;)", {"places", "place", "area", "areas"}),
        "website": ("Website", {"website", "web", "url"}),
        "address": ("Address", {"address"}),
        "postcode": ("Postcode", {"postcode", "post code", "postal code"}),
        "influence": ("Influence (1-5)", {"influence", "power"}),
        "interest": ("Interest (1-5)", {"interest"}),
        "topics": ("Topics (separated by ;)", {"topics", "topic"}),
        "notes": ("Notes", {"notes", "note", "comments"}),
    },
    "people": {
        "name": ("Full name", {"name", "full name", "person", "contact name"}),
        "job_title": ("Role or job title", {"job title", "role", "title", "position"}),
        "organisation": ("Organisation", {"organisation", "organization", "org", "employer"}),
        "email": ("Email", {"email", "email address", "e-mail"}),
        "phone": ("Phone", {"phone", "telephone", "phone number", "mobile"}),
        "postcode": ("Postcode", {"postcode", "post code"}),
        "places": ("Places (separated by ;)", {"places", "place", "area"}),
        "influence": ("Influence (1-5)", {"influence", "power"}),
        "interest": ("Interest (1-5)", {"interest"}),
        "topics": ("Topics (separated by ;)", {"topics", "topic"}),
        "notes": ("Notes", {"notes", "note", "comments"}),
    },
}
REQUIRED = {"name"}
#: The name columns' lengths: a longer name would pass the dry run and then fail on PostgreSQL.
NAME_LENGTH = {"organisations": 200, "people": 160}


class ImportFileError(ValueError):
    """The file cannot be read; the message is for the officer."""


def read_table(filename, data):
    """Return (headers, rows) from CSV or XLSX bytes, checking the content, not just the name.

    :raises ImportFileError: for a file that is empty, too large, not CSV/XLSX, or not UTF-8.
    """
    if not data:
        raise ImportFileError("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise ImportFileError("The selected file must be smaller than 5 MB")
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        if not name.endswith(".xlsx"):
            raise ImportFileError("The selected file must be a CSV or an Excel .xlsx file")
        return _read_xlsx(data)
    if name.endswith(".xlsx") or not name.endswith(".csv"):
        raise ImportFileError("The selected file must be a CSV or an Excel .xlsx file")
    if b"\x00" in data[:4096]:
        raise ImportFileError("The selected file must be a CSV or an Excel .xlsx file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The CSV file is not in UTF-8. In Excel choose 'Save as' then 'CSV UTF-8', and upload it again"
        ) from error
    rows = list(csv.reader(io.StringIO(text)))
    return _table(rows)


def _read_xlsx(data):
    # openpyxl parses with defusedxml (installed beside it), which refuses XML entity bombs.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError("The Excel file could not be read. Save it again as .xlsx and upload it") from error
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v) for v in row])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return _table(rows)


def _table(rows):
    rows = [r for r in rows if any((c or "").strip() for c in r)]
    if not rows:
        raise ImportFileError("The file has no rows")
    headers = [(h or "").strip() for h in rows[0]]
    if not any(headers):
        raise ImportFileError("The first row must name the columns")
    body = rows[1:]
    if not body:
        raise ImportFileError("The file has column names but no rows of data")
    if len(body) > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
    width = len(headers)
    return headers, [[(c or "").strip() for c in (r + [""] * width)[:width]] for r in body]


def guess_mapping(kind, headers):
    """Map each target field to the column whose header it recognises, or None."""
    lowered = {h.strip().lower(): i for i, h in enumerate(headers)}
    mapping = {}
    for key, (_label, names) in FIELDS[kind].items():
        mapping[key] = next((lowered[n] for n in names if n in lowered), None)
    return mapping


@dataclass
class RowResult:
    """What the dry run decided for one row."""

    number: int
    action: str  # create, update, reject, duplicate
    name: str = ""
    reasons: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    match_id: int | None = None
    match_name: str = ""


def _split(text):
    return [part.strip() for part in (text or "").replace(",", ";").split(";") if part.strip()]


def _lookup(model, names, errors, noun):
    found = []
    for name in names:
        obj = db.session.scalar(select(model).where(func.lower(model.name) == name.lower()))
        if obj is None:
            errors.append(f"Unknown {noun} '{name}'")
        else:
            found.append(obj)
    return found


def _score(text, label, errors):
    if not text:
        return None
    if text in ("1", "2", "3", "4", "5"):
        return int(text)
    errors.append(f"{label} must be a whole number from 1 to 5")
    return None


KIND_BY_TEXT = {
    **{k.value: k for k in OrganisationKind},
    **{label.lower(): kind for kind, label in ORGANISATION_KIND_LABELS.items()},
}


def dry_run(kind, rows, mapping):
    """Decide what each row would do, without writing anything."""
    results, seen = [], {}
    for number, row in enumerate(rows, start=2):

        def cell(key, row=row):
            index = mapping.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        result = RowResult(number=number, action="create", name=cell("name"))
        errors = result.reasons
        values = {"name": cell("name")}
        if not values["name"]:
            errors.append("Missing name")
        elif len(values["name"]) > NAME_LENGTH[kind]:
            errors.append(f"Name is longer than {NAME_LENGTH[kind]} characters")
        postcode = cell("postcode")
        values["postcode"] = normalise_postcode(postcode) if postcode else ""
        if values["postcode"] is None:
            errors.append(f"Bad postcode '{postcode}'")
        values["places"] = _lookup(Place, _split(cell("places")), errors, "place")
        values["topics"] = _lookup(Topic, _split(cell("topics")), errors, "topic")
        values["influence"] = _score(cell("influence"), "Influence", errors)
        values["interest"] = _score(cell("interest"), "Interest", errors)
        values["notes"] = cell("notes")
        (_organisation_row if kind == "organisations" else _person_row)(cell, values, errors, result)
        key = (values.get("email") or values["name"].lower(), values.get("postcode") or "")
        if not errors and key in seen:
            errors.append(f"Duplicate of row {seen[key]} in this file")
        seen.setdefault(key, number)
        if errors:
            result.action = "reject"
        result.values = values
        results.append(result)
    return results


def _organisation_row(cell, values, errors, result):
    kind_text = cell("kind").lower()
    values["kind"] = KIND_BY_TEXT.get(kind_text, OrganisationKind.other if not kind_text else None)
    if values["kind"] is None:
        errors.append(f"Unknown type '{cell('kind')}'")
    website = cell("website")
    if website and not website.lower().startswith(("http://", "https://")):
        website = "https://" + website
    values["website"] = website[:300]
    values["address"] = cell("address")
    parent_name = cell("parent")
    values["parent_id"] = None
    if parent_name:
        parents = _lookup(Organisation, [parent_name], errors, "parent organisation")
        values["parent_id"] = parents[0].id if parents else None
    if errors or not values["name"]:
        return
    same = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == values["name"].lower()))
    if same is not None:
        result.action, result.match_id, result.match_name = "update", same.id, same.name
        return
    _fuzzy(Organisation, values, result)


def _person_row(cell, values, errors, result):
    values["job_title"] = cell("job_title")[:160]
    email = cell("email")
    values["email"] = normalise_email(email) if email else ""
    if values["email"] is None:
        errors.append(f"Bad email '{email}'")
    phone = cell("phone")
    values["phone"] = normalise_phone(phone) if phone else ""
    if values["phone"] is None:
        errors.append(f"Bad phone number '{phone}'")
    organisation = cell("organisation")
    values["organisation_id"] = None
    if organisation:
        found = _lookup(Organisation, [organisation], errors, "organisation")
        values["organisation_id"] = found[0].id if found else None
    if errors or not values["name"]:
        return
    if values["email"]:
        same = db.session.scalar(select(Person).where(Person.email == values["email"]).limit(1))
        if same is not None:
            result.action, result.match_id, result.match_name = "update", same.id, same.name
            return
    _fuzzy(Person, values, result)


def _fuzzy(model, values, result):
    """Flag a likely duplicate: a very similar name in the same postcode."""
    if not values.get("postcode"):
        return
    candidates = db.session.scalars(select(model).where(model.postcode == values["postcode"]).limit(200)).all()
    best, best_score = None, 0
    for candidate in candidates:
        score = fuzz.token_sort_ratio(values["name"].lower(), candidate.name.lower())
        if score > best_score:
            best, best_score = candidate, score
    if best is not None and best_score >= FUZZY_THRESHOLD:
        result.action, result.match_id, result.match_name = "duplicate", best.id, best.name


def summarise(results):
    """Count the dry run's rows by outcome."""
    summary = {"create": 0, "update": 0, "duplicate": 0, "reject": 0}
    for result in results:
        summary[result.action] += 1
    return summary


def apply(kind, results, decisions, *, actor):
    """Write the dry run's creates and updates; ``decisions`` maps a duplicate row to "merge" or "new".

    Returns counts by outcome. The caller commits once, or rolls back on any error.
    """
    counts = {"created": 0, "updated": 0, "rejected": 0}
    model = Organisation if kind == "organisations" else Person
    for result in results:
        if result.action == "reject":
            counts["rejected"] += 1
            continue
        action = result.action
        if action == "duplicate":
            action = "update" if decisions.get(result.number) == "merge" else "create"
        values = dict(result.values)
        organisation_id = values.pop("organisation_id", None)
        if action == "update":
            existing = db.session.get(model, result.match_id)
            # The name is how the row was matched: the record keeps its own spelling, so choosing
            # "same one" for "Benjamin Hal" does not rename "Benjamin Hall".
            changes = {k: v for k, v in values.items() if k != "name" and v not in (None, "", [])}
            for key in ("places", "topics"):
                if key in changes:
                    changes[key] = sorted({*getattr(existing, key), *changes[key]}, key=lambda o: o.name)
            update = services.update_organisation if model is Organisation else services.update_person
            update(existing, actor=actor, **changes)
            obj = existing
            counts["updated"] += 1
        else:
            create = services.create_organisation if model is Organisation else services.create_person
            obj = create(actor=actor, **values)
            counts["created"] += 1
        if organisation_id:
            services.add_membership(obj, db.session.get(Organisation, organisation_id), actor=actor)
    db.session.flush()
    return counts
