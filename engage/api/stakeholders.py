"""/api/v1/organisations and /api/v1/people: the stakeholder map, read by staff and kept by officers."""

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.api.core import ID, QUERY, keyset_page, reads, unprocessable, validated_form, writes
from engage.api.schemas import (
    OrganisationIn,
    OrganisationPage,
    OrganisationSchema,
    PersonIn,
    PersonPage,
    PersonSchema,
    StakeholderListArgs,
)
from engage.extensions import db
from engage.permissions import Permission, requires
from engage.stakeholders import queries, services
from engage.stakeholders.forms import OrganisationForm, PersonForm, StakeholderFilterForm
from engage.stakeholders.models import Membership, Organisation, Person

bp = Blueprint("api_stakeholders", __name__, url_prefix="/api/v1", description="Organisations and people")

FILTERS = ("q", "kind", "place", "topic", "group", "quadrant", "influence", "interest")


def _named(objects):
    return [{"id": o.id, "name": o.name} for o in objects]


def _common(obj):
    return {
        "id": obj.id,
        "name": obj.name,
        "postcode": obj.postcode,
        "notes": obj.notes or "",
        "influence": obj.influence,
        "interest": obj.interest,
        "owner_id": obj.owner_id,
        "places": _named(obj.places),
        "topics": _named(obj.topics),
        "groups": _named(obj.groups),
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
    }


def organisation_out(org):
    """An organisation as the API shows it."""
    return {
        **_common(org),
        "kind": org.kind.value,
        "parent_id": org.parent_id,
        "website": org.website,
        "address": org.address,
    }


def person_out(person):
    """A person as the API shows it (the same details staff see on the person's page)."""
    return {
        **_common(person),
        "job_title": person.job_title,
        "email": person.email,
        "phone": person.phone,
        "preferred_channel": person.preferred_channel.value if person.preferred_channel else None,
        "communication_needs": list(person.communication_needs or []),
        "interpreter_language": person.interpreter_language,
        "communication_notes": person.communication_notes,
        "is_contactable": person.is_contactable,
        "memberships": [{"organisation": _named([m.organisation])[0], "role": m.role} for m in person.memberships],
    }


def stakeholder_filter(args):
    """The StakeholderFilter the list pages would build from the same parameters (sorted by name)."""
    from werkzeug.datastructures import MultiDict

    raw = MultiDict({name: str(args[name]) for name in FILTERS if args.get(name) not in (None, "")})
    return StakeholderFilterForm(formdata=raw, meta={"csrf": False}).to_filter()


def _page(model, out, args, options):
    query = (
        select(model)
        .where(*queries.conditions(model, stakeholder_filter(args)))
        .options(*options)
        .order_by(model.name, model.id)
    )
    page = keyset_page(query, (model.name, model.id), args, (str, int), lambda o: (o.name, o.id))
    page["items"] = [out(o) for o in page["items"]]
    return page


_ORG_LINKS = (selectinload(Organisation.places), selectinload(Organisation.topics), selectinload(Organisation.groups))
_PERSON_LINKS = (
    selectinload(Person.places),
    selectinload(Person.topics),
    selectinload(Person.groups),
    selectinload(Person.memberships).selectinload(Membership.organisation),
)


@bp.route("/organisations", methods=["GET"])
@requires(Permission.STAKEHOLDERS_READ)
@bp.arguments(StakeholderListArgs, **QUERY)
@reads(bp, OrganisationPage, pages=True)
def list_organisations(args):
    """List organisations by name, with the filters of the organisations page."""
    return _page(Organisation, organisation_out, args, _ORG_LINKS)


@bp.route(f"/organisations/<{ID}:organisation_id>", methods=["GET"])
@requires(Permission.STAKEHOLDERS_READ)
@reads(bp, OrganisationSchema)
def get_organisation(organisation_id):
    """Read one organisation."""
    return organisation_out(db.get_or_404(Organisation, organisation_id))


def _organisation_form_data(payload):
    data = dict(payload)
    parent_id = data.pop("parent_id", None)
    data["parent"] = f"#{parent_id}" if parent_id else ""
    data["owner_id"] = data.get("owner_id") or 0
    return data


def _current_organisation(org):
    return {
        "name": org.name,
        "kind": org.kind.value,
        "parent_id": org.parent_id,
        "website": org.website,
        "address": org.address,
        "postcode": org.postcode,
        "notes": org.notes or "",
        "influence": org.influence,
        "interest": org.interest,
        "owner_id": org.owner_id,
        "places": [p.id for p in org.places],
        "topics": [t.id for t in org.topics],
        "groups": [g.id for g in org.groups],
    }


@bp.route("/organisations", methods=["POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
@bp.arguments(OrganisationIn)
@writes(bp, OrganisationSchema)
def create_organisation(payload):
    """Add an organisation, checked by the same rules as the page's form. Audited as the token's user."""
    form = validated_form(OrganisationForm, _organisation_form_data(payload))
    organisation = services.create_organisation(actor=current_user, **form.values())
    db.session.commit()
    return organisation_out(organisation)


@bp.route(f"/organisations/<{ID}:organisation_id>", methods=["PATCH"])
@requires(Permission.STAKEHOLDERS_MANAGE)
@bp.arguments(OrganisationIn(partial=True))
@writes(bp, OrganisationSchema, status=200)
def update_organisation(payload, organisation_id):
    """Change the fields sent; the others keep their values. The page's form rules apply to the result."""
    organisation = db.get_or_404(Organisation, organisation_id)
    merged = {**_current_organisation(organisation), **payload}
    form = validated_form(OrganisationForm, _organisation_form_data(merged), obj=organisation)
    try:
        services.update_organisation(organisation, actor=current_user, **form.values())
    except services.StakeholderRuleError as error:
        db.session.rollback()
        unprocessable({"parent_id": [str(error)]})
    db.session.commit()
    return organisation_out(organisation)


@bp.route("/people", methods=["GET"])
@requires(Permission.STAKEHOLDERS_READ)
@bp.arguments(StakeholderListArgs, **QUERY)
@reads(bp, PersonPage, pages=True)
def list_people(args):
    """List people by name, with the filters of the people page."""
    return _page(Person, person_out, args, _PERSON_LINKS)


@bp.route(f"/people/<{ID}:person_id>", methods=["GET"])
@requires(Permission.STAKEHOLDERS_READ)
@reads(bp, PersonSchema)
def get_person(person_id):
    """Read one person."""
    return person_out(db.get_or_404(Person, person_id))


def _current_person(person):
    return {
        "name": person.name,
        "job_title": person.job_title,
        "email": person.email,
        "phone": person.phone,
        "postcode": person.postcode,
        "preferred_channel": person.preferred_channel.value if person.preferred_channel else None,
        "communication_needs": list(person.communication_needs or []),
        "interpreter_language": person.interpreter_language,
        "communication_notes": person.communication_notes,
        "notes": person.notes or "",
        "influence": person.influence,
        "interest": person.interest,
        "owner_id": person.owner_id,
        "places": [p.id for p in person.places],
        "topics": [t.id for t in person.topics],
        "groups": [g.id for g in person.groups],
    }


def _person_form_data(payload):
    data = dict(payload)
    data["owner_id"] = data.get("owner_id") or 0
    return data


@bp.route("/people", methods=["POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
@bp.arguments(PersonIn)
@writes(bp, PersonSchema)
def create_person(payload):
    """Add a person, checked by the same rules as the page's form. Audited as the token's user."""
    form = validated_form(PersonForm, _person_form_data(payload))
    person = services.create_person(actor=current_user, **form.values())
    db.session.commit()
    return person_out(person)


@bp.route(f"/people/<{ID}:person_id>", methods=["PATCH"])
@requires(Permission.STAKEHOLDERS_MANAGE)
@bp.arguments(PersonIn(partial=True))
@writes(bp, PersonSchema, status=200)
def update_person(payload, person_id):
    """Change the fields sent; the others keep their values. The page's form rules apply to the result."""
    person = db.get_or_404(Person, person_id)
    merged = {**_current_person(person), **payload}
    form = validated_form(PersonForm, _person_form_data(merged), obj=person)
    services.update_person(person, actor=current_user, **form.values())
    db.session.commit()
    return person_out(person)
