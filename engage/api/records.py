"""/api/v1/records: the shared repository, through the same search, filters and sensitivity rule as its pages."""

from datetime import date

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import search
from engage.accounts.models import User
from engage.api.core import (
    ID,
    QUERY,
    decode_cursor,
    encode_cursor,
    envelope,
    keyset_page,
    reads,
    validated_form,
    writes,
)
from engage.api.schemas import RecordIn, RecordListArgs, RecordPage, RecordSchema
from engage.extensions import db
from engage.permissions import Permission, Role, can, requires
from engage.records import queries, services
from engage.records.forms import RecordFilterForm, RecordForm
from engage.records.models import EngagementRecord, Sensitivity
from engage.records.redaction import for_reader
from engage.stakeholders.queries import programme_groups

bp = Blueprint("api_records", __name__, url_prefix="/api/v1", description="Engagement records")

#: Filter names the API shares with the records page, passed to its filter form as they are.
FILTERS = ("q", "kind", "place", "topic", "organisation", "sensitivity", "date_from", "date_to")


def _named(objects):
    return [{"id": o.id, "name": o.name} for o in objects]


def record_out(user, record):
    """The record as ``user`` may see it: identifying passages removed for those who may not see them."""
    return {
        "id": record.id,
        "title": record.title,
        "kind": record.kind.value,
        "happened_on": record.happened_on,
        "ended_on": record.ended_on,
        "sensitivity": record.sensitivity.value,
        "residents_reached": record.residents_reached,
        "what_we_heard": for_reader(user, record, record.what_we_heard),
        "outcomes": for_reader(user, record, record.outcomes),
        "quotes": [q.text for q in record.quotes],
        "places": _named(record.places),
        "topics": _named(record.topics),
        "organisations": _named(record.organisations),
        "programme_group_id": record.programme_group_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _with_links(query):
    return query.options(
        selectinload(EngagementRecord.places),
        selectinload(EngagementRecord.topics),
        selectinload(EngagementRecord.organisations),
        selectinload(EngagementRecord.quotes),
    )


def record_filter(args):
    """The RecordFilter the records page would build from the same parameters."""
    raw = {name: args[name] for name in FILTERS if args.get(name) not in (None, "")}
    for name in ("date_from", "date_to"):
        if isinstance(raw.get(name), date):
            raw[name] = raw[name].isoformat()
    form = RecordFilterForm(formdata=_multidict(raw), meta={"csrf": False})
    form.validate()
    return form.to_filter()


def _multidict(raw):
    from werkzeug.datastructures import MultiDict

    return MultiDict({k: str(v) for k, v in raw.items()})


def _searched_page(user, flt, args):
    """A page of a word search: best matches first, as on the search page, paged by the last id seen."""
    ids = search.matching_ids(user, flt)
    start = 0
    if args.get("cursor"):
        (last_id,) = decode_cursor(args["cursor"], (int,))
        start = ids.index(last_id) + 1 if last_id in ids else len(ids)
    limit = args["limit"]
    page_ids = ids[start : start + limit]
    rows = db.session.scalars(_with_links(select(EngagementRecord).where(EngagementRecord.id.in_(page_ids)))).all()
    by_id = {r.id: r for r in rows}
    items = [record_out(user, by_id[i]) for i in page_ids if i in by_id]
    more = start + limit < len(ids)
    return envelope(items, encode_cursor([page_ids[-1]]) if more and page_ids else None, limit)


@bp.route("/records", methods=["GET"])
@requires(Permission.RECORDS_READ)
@bp.arguments(RecordListArgs, **QUERY)
@reads(bp, RecordPage, pages=True)
def list_records(args):
    """List the records you may read, newest first (or best match first with `q`).

    The same search and filters as the records page; restricted records appear only for those who may
    read them there. Follow `next` for more.
    """
    flt = record_filter(args)
    if flt.q and search.parse(flt.q).terms:
        return _searched_page(current_user, flt, args)
    query = _with_links(
        select(EngagementRecord)
        .where(*queries.conditions(current_user, flt))
        .order_by(EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
    )
    page = keyset_page(
        query,
        (EngagementRecord.happened_on, EngagementRecord.id),
        args,
        (date.fromisoformat, int),
        lambda r: (r.happened_on, r.id),
        descending=True,
    )
    page["items"] = [record_out(current_user, r) for r in page["items"]]
    return page


@bp.route(f"/records/<{ID}:record_id>", methods=["GET"])
@requires(Permission.RECORDS_READ)
@reads(bp, RecordSchema)
def get_record(record_id):
    """Read one record. A record you may not read is 404, as on its page; opening a restricted one is audited."""
    record = db.session.get(EngagementRecord, record_id)
    if record is None or not can(current_user, Permission.RECORDS_READ, record):
        abort(404)
    if record.sensitivity == Sensitivity.restricted:
        services.record_viewed(record, actor=current_user)
        db.session.commit()
    return record_out(current_user, record)


def _record_form_data(payload):
    """The records form's field values for a JSON record (ids become the form's '#id' references)."""
    data = {k: v for k, v in payload.items() if k not in ("organisations", "people", "quotes")}
    data["organisations"] = "; ".join(f"#{i}" for i in payload.get("organisations") or [])
    data["people"] = "; ".join(f"#{i}" for i in payload.get("people") or [])
    data["quotes"] = "\n\n".join(q.strip() for q in payload.get("quotes") or [] if q.strip())
    data["programme_group_id"] = payload.get("programme_group_id") or 0
    for name in ("happened_on", "ended_on"):
        if isinstance(data.get(name), date):
            data[name] = data[name].isoformat()
    return data


@bp.route("/records", methods=["POST"])
@requires(Permission.RECORDS_MANAGE)
@bp.arguments(RecordIn)
@writes(bp, RecordSchema)
def create_record(payload):
    """Log an engagement record, checked by the same rules as the page's form. Audited as the token's user."""
    reviewers = db.session.scalars(
        select(User).where(User.role == Role.reviewer, User.is_active).order_by(User.name)
    ).all()
    form = validated_form(
        RecordForm, _record_form_data(payload), reviewers=reviewers, groups=programme_groups(), with_attachments=False
    )
    record = services.create_record(actor=current_user, **form.values())
    db.session.commit()
    return record_out(current_user, record)
