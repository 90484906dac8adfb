"""CSV and XLSX exports of the filtered organisation and people lists."""

from dataclasses import asdict

from engage import audit
from engage.dates import now_utc, to_london
from engage.exports import csv_response, xlsx_response
from engage.extensions import db
from engage.stakeholders import queries

ORGANISATION_HEADER = [
    "ID",
    "Name",
    "Type",
    "Part of",
    "Places",
    "Topics",
    "Seldom-heard groups",
    "Influence",
    "Interest",
    "Quadrant",
    "Relationship owner",
    "Website",
    "Address",
    "Postcode",
    "Notes",
]
PEOPLE_HEADER = [
    "ID",
    "Name",
    "Role or job title",
    "Organisations",
    "Email",
    "Phone",
    "Postcode",
    "Preferred contact",
    "Communication needs",
    "May be contacted",
    "Lawful basis",
    "Places",
    "Topics",
    "Seldom-heard groups",
    "Influence",
    "Interest",
    "Quadrant",
    "Relationship owner",
    "Notes",
]


def _names(items):
    return "; ".join(i.name for i in items)


def record_export(actor, what, fmt, flt):
    """Log the export (who, what, which filters; no content) in the audit log."""
    used = sorted(k for k, v in asdict(flt).items() if v and k != "sort")
    audit.record(actor, "export", None, [f"format:{fmt}", *(f"filter:{k}" for k in used)], object_type=what)


def _stream(query):
    return db.session.execute(query.execution_options(yield_per=500)).scalars()


def organisation_rows(flt):
    """Yield one row per organisation matching the filter."""
    for o in _stream(queries.organisations_query(flt)):
        yield [
            o.id,
            o.name,
            o.kind.label,
            o.parent.name if o.parent else "",
            _names(o.places),
            _names(o.topics),
            _names(o.groups),
            o.influence,
            o.interest,
            o.quadrant.label if o.quadrant else "",
            o.owner.name if o.owner else "",
            o.website,
            o.address,
            o.postcode,
            o.notes,
        ]


def people_rows(flt):
    """Yield one row per person matching the filter."""
    for p in _stream(queries.people_query(flt)):
        consent = p.current_consent
        yield [
            p.id,
            p.name,
            p.job_title,
            _names(p.organisations),
            p.email,
            p.phone,
            p.postcode,
            p.preferred_channel.label if p.preferred_channel else "",
            "; ".join(p.communication_need_labels),
            "Yes" if p.is_contactable else "No",
            consent.lawful_basis.label if consent and consent.lawful_basis else "",
            _names(p.places),
            _names(p.topics),
            _names(p.groups),
            p.influence,
            p.interest,
            p.quadrant.label if p.quadrant else "",
            p.owner.name if p.owner else "",
            p.notes,
        ]


def _filename(what, fmt):
    return f"engage-{what}-{to_london(now_utc()):%Y-%m-%d}.{fmt}"


def organisations(flt, fmt):
    """Return the download response for organisations."""
    if fmt == "xlsx":
        return xlsx_response(
            _filename("organisations", fmt), "Organisations", ORGANISATION_HEADER, organisation_rows(flt)
        )
    return csv_response(_filename("organisations", fmt), ORGANISATION_HEADER, organisation_rows(flt))


def people(flt, fmt):
    """Return the download response for people."""
    if fmt == "xlsx":
        return xlsx_response(_filename("people", fmt), "People", PEOPLE_HEADER, people_rows(flt))
    return csv_response(_filename("people", fmt), PEOPLE_HEADER, people_rows(flt))
