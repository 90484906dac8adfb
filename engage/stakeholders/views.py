"""The stakeholder map pages: the grid, organisations, people, consent, merges, programme groups."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, requires
from engage.records import queries as records_queries
from engage.records.models import record_organisations, record_people
from engage.stakeholders import exporters, grid, importers, queries, services
from engage.stakeholders.forms import (
    ConsentForm,
    CoverageForm,
    FindDuplicateForm,
    GroupMemberForm,
    ImportUploadForm,
    MembershipForm,
    MergeForm,
    OrganisationForm,
    PersonForm,
    ProgrammeGroupForm,
    StakeholderFilterForm,
    mapping_form,
    read_mapping,
    resolve_stakeholder,
)
from engage.stakeholders.models import (
    ConsentAction,
    GroupMember,
    ImportBatch,
    LawfulBasis,
    Membership,
    Organisation,
    Person,
)
from engage.stakeholders.models import ProgrammeGroup as Group

bp = Blueprint("stakeholders", __name__, url_prefix="/stakeholders")


def _filter_form():
    form = StakeholderFilterForm(request.args)
    return form, form.to_filter()


def _page_number():
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


# The map -------------------------------------------------------------------------


@bp.get("/", endpoint="map")
@requires(Permission.STAKEHOLDERS_READ)
def stakeholder_map():
    """Show the power/interest grid (SVG and a table), filtered, with gaps in the map."""
    form, flt = _filter_form()
    counts, unscored = queries.grid_counts(flt)
    return render_template(
        "stakeholders/map.html",
        form=form,
        svg=grid.render_svg(counts, flt),
        quadrants=grid.quadrant_totals(counts),
        cells=counts,
        unscored=unscored,
        groups_without_rep=queries.groups_without_resident_representative(),
    )


@bp.get("/coverage")
@requires(Permission.STAKEHOLDERS_READ)
def coverage():
    """List stakeholders not engaged in the last N days, those to manage closely first."""
    form = CoverageForm(request.args)
    form.validate()
    page, last_engaged = queries.not_engaged_page(
        form.model(), form.to_filter(), form.days_or_default(), _page_number()
    )
    return render_template("stakeholders/coverage.html", form=form, page=page, last_engaged=last_engaged)


# Organisations -------------------------------------------------------------------


@bp.get("/organisations")
@requires(Permission.STAKEHOLDERS_READ)
def organisations():
    """List organisations with search, filters, sorting and pages."""
    form, flt = _filter_form()
    page = queries.organisations_page(flt, _page_number())
    return render_template("stakeholders/organisations.html", form=form, page=page)


@bp.get("/organisations/export.<any(csv, xlsx):fmt>")
@requires(Permission.STAKEHOLDERS_EXPORT)
def export_organisations(fmt):
    """Download the filtered organisation list as CSV or XLSX."""
    _form, flt = _filter_form()
    exporters.record_export(current_user, "organisations", fmt, flt)
    db.session.commit()
    return exporters.organisations(flt, fmt)


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def organisation_new():
    """Add an organisation to the map."""
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = services.create_organisation(actor=current_user, **form.values())
        db.session.commit()
        flash(f"Added {organisation.name} to the map.", "success")
        return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template("stakeholders/organisation_form.html", form=form, organisation=None)


@bp.get("/organisations/<int:organisation_id>")
@requires(Permission.STAKEHOLDERS_READ)
def organisation(organisation_id):
    """Show one organisation: details, people, member organisations, quadrant."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "stakeholders/organisation.html",
        organisation=organisation,
        delete_form=ConfirmForm(),
        find_form=FindDuplicateForm(),
        last_engaged=records_queries.last_engaged_on(record_organisations, "organisation_id", organisation.id),
        records=records_queries.records_with(current_user, record_organisations, "organisation_id", organisation.id),
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def organisation_edit(organisation_id):
    """Edit an organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, actor=current_user, **form.values())
        except services.StakeholderRuleError as error:
            db.session.rollback()
            form.parent.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Saved changes to {organisation.name}.", "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template("stakeholders/organisation_form.html", form=form, organisation=organisation)


@bp.post("/organisations/<int:organisation_id>/delete")
@requires(Permission.STAKEHOLDERS_MANAGE)
def organisation_delete(organisation_id):
    """Delete an organisation with nothing linked to it."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_organisation(organisation, actor=current_user)
        except services.StakeholderRuleError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".organisation", organisation_id=organisation_id))
        db.session.commit()
        flash("The organisation has been deleted.", "success")
    return redirect(url_for(".organisations"))


@bp.route("/organisations/<int:organisation_id>/merge", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def organisation_merge(organisation_id):
    """Compare a duplicate with this organisation side by side, then merge it in."""
    keep = db.get_or_404(Organisation, organisation_id)
    return _merge(keep, Organisation, services.merge_organisations, ".organisation", "organisation_id")


# People --------------------------------------------------------------------------


@bp.get("/people")
@requires(Permission.STAKEHOLDERS_READ)
def people():
    """List people with search, filters, sorting and pages."""
    form, flt = _filter_form()
    page = queries.people_page(flt, _page_number())
    return render_template("stakeholders/people.html", form=form, page=page)


@bp.get("/people/export.<any(csv, xlsx):fmt>")
@requires(Permission.STAKEHOLDERS_EXPORT)
def export_people(fmt):
    """Download the filtered list of people as CSV or XLSX."""
    _form, flt = _filter_form()
    exporters.record_export(current_user, "people", fmt, flt)
    db.session.commit()
    return exporters.people(flt, fmt)


@bp.route("/people/new", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_new():
    """Add a person to the map."""
    form = PersonForm()
    if form.validate_on_submit():
        person = services.create_person(actor=current_user, **form.values())
        db.session.commit()
        flash(f"Added {person.name} to the map. Record their consent to be contacted below.", "success")
        return redirect(url_for(".person", person_id=person.id))
    return render_template("stakeholders/person_form.html", form=form, person=None)


@bp.get("/people/<int:person_id>")
@requires(Permission.STAKEHOLDERS_READ)
def person(person_id):
    """Show one person: details, communication needs, organisations, consent history."""
    person = db.get_or_404(Person, person_id)
    return render_template(
        "stakeholders/person.html",
        person=person,
        consent_form=ConsentForm(),
        membership_form=MembershipForm(),
        remove_form=ConfirmForm(),
        find_form=FindDuplicateForm(),
        duplicates=queries.likely_duplicate_people(person),
        LawfulBasis=LawfulBasis,
        **_engagement_of(person),
    )


def _engagement_of(person):
    return {
        "last_engaged": records_queries.last_engaged_on(record_people, "person_id", person.id),
        "records": records_queries.records_with(current_user, record_people, "person_id", person.id),
    }


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_edit(person_id):
    """Edit a person's details."""
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        services.update_person(person, actor=current_user, **form.values())
        db.session.commit()
        flash(f"Saved changes to {person.name}.", "success")
        return redirect(url_for(".person", person_id=person.id))
    return render_template("stakeholders/person_form.html", form=form, person=person)


@bp.post("/people/<int:person_id>/consent")
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_consent(person_id):
    """Record consent given or withdrawn; the history is kept."""
    person = db.get_or_404(Person, person_id)
    form = ConsentForm()
    if form.validate_on_submit():
        action = ConsentAction(form.action.data)
        services.record_consent(
            person,
            actor=current_user,
            action=action,
            effective_on=form.effective_on.data,
            lawful_basis=LawfulBasis(form.lawful_basis.data) if form.lawful_basis.data else None,
            source=form.source.data,
        )
        db.session.commit()
        flash(
            "Consent recorded."
            if action == ConsentAction.given
            else "Withdrawal recorded: they will not be offered for mailings.",
            "success",
        )
        return redirect(url_for(".person", person_id=person.id))
    return _person_with_errors(person, consent_form=form)


@bp.post("/people/<int:person_id>/memberships")
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_add_membership(person_id):
    """Link the person to an organisation."""
    person = db.get_or_404(Person, person_id)
    form = MembershipForm()
    if form.validate_on_submit():
        services.add_membership(person, form.found, actor=current_user, role=form.role.data or "")
        db.session.commit()
        flash(f"{person.name} is now linked to {form.found.name}.", "success")
        return redirect(url_for(".person", person_id=person.id))
    return _person_with_errors(person, membership_form=form)


@bp.post("/people/<int:person_id>/memberships/<int:organisation_id>/delete")
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_remove_membership(person_id, organisation_id):
    """Unlink the person from an organisation."""
    membership = db.get_or_404(Membership, (person_id, organisation_id))
    if ConfirmForm().validate_on_submit():
        services.remove_membership(membership, actor=current_user)
        db.session.commit()
        flash("Link removed.", "success")
    return redirect(url_for(".person", person_id=person_id))


@bp.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def person_merge(person_id):
    """Compare a duplicate with this person side by side, then merge it in."""
    keep = db.get_or_404(Person, person_id)
    return _merge(keep, Person, services.merge_people, ".person", "person_id")


def _person_with_errors(person, **forms):
    context = {
        "person": person,
        "consent_form": ConsentForm(formdata=None),
        "membership_form": MembershipForm(formdata=None),
        "remove_form": ConfirmForm(),
        "find_form": FindDuplicateForm(formdata=None),
        "duplicates": queries.likely_duplicate_people(person),
        "LawfulBasis": LawfulBasis,
        **_engagement_of(person),
        **forms,
    }
    context["form"] = next(iter(forms.values()))
    return render_template("stakeholders/person.html", **context), 400


def _merge(keep, model, merge, detail_endpoint, id_arg):
    find_form = FindDuplicateForm(request.args)
    other, error = (None, None)
    if find_form.other.data:
        other, error = resolve_stakeholder(model, find_form.other.data)
        if other is not None and other.id == keep.id:
            other, error = None, "That is this record. Choose the duplicate to merge into it."
    if error:
        # The GET form is never validated, so its errors are still WTForms' empty tuple.
        find_form.other.errors = [*find_form.other.errors, error]
    form = MergeForm()
    if other is not None and form.validate_on_submit():
        name = other.name
        merge(keep, other, actor=current_user)
        db.session.commit()
        flash(f"Merged {name} into {keep.name}. Every link was kept.", "success")
        return redirect(url_for(detail_endpoint, **{id_arg: keep.id}))
    template = "stakeholders/merge.html"
    status = 400 if error or form.errors else 200
    return render_template(
        template, keep=keep, other=other, find_form=find_form, form=form, model=model.__name__
    ), status


# Programme groups ----------------------------------------------------------------


@bp.get("/groups")
@requires(Permission.STAKEHOLDERS_READ)
def groups():
    """List boards and programme groups, flagging those with no resident representative."""
    return render_template("stakeholders/groups.html", groups=queries.programme_groups())


@bp.route("/groups/new", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def group_new():
    """Add a board or programme group."""
    form = ProgrammeGroupForm()
    if form.validate_on_submit():
        group = services.create_programme_group(
            actor=current_user,
            name=form.name.data,
            purpose=form.purpose.data or "",
            place_id=form.place_id.data or None,
        )
        db.session.commit()
        flash(f"Added {group.name}.", "success")
        return redirect(url_for(".group", group_id=group.id))
    return render_template("stakeholders/group_form.html", form=form, group=None)


@bp.get("/groups/<int:group_id>")
@requires(Permission.STAKEHOLDERS_READ)
def group(group_id):
    """Show a programme group and its members."""
    group = db.get_or_404(Group, group_id)
    return render_template(
        "stakeholders/group.html", group=group, member_form=GroupMemberForm(), remove_form=ConfirmForm()
    )


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def group_edit(group_id):
    """Rename or describe a programme group."""
    group = db.get_or_404(Group, group_id)
    form = ProgrammeGroupForm(group=group)
    if form.validate_on_submit():
        services.update_programme_group(
            group,
            actor=current_user,
            name=form.name.data,
            purpose=form.purpose.data or "",
            place_id=form.place_id.data or None,
        )
        db.session.commit()
        flash(f"Saved changes to {group.name}.", "success")
        return redirect(url_for(".group", group_id=group.id))
    return render_template("stakeholders/group_form.html", form=form, group=group)


@bp.post("/groups/<int:group_id>/members")
@requires(Permission.STAKEHOLDERS_MANAGE)
def group_add_member(group_id):
    """Seat a person from the map on the group."""
    group = db.get_or_404(Group, group_id)
    form = GroupMemberForm()
    if form.validate_on_submit():
        services.add_group_member(
            group, form.found, actor=current_user, is_resident_representative=form.is_resident_representative.data
        )
        db.session.commit()
        flash(f"{form.found.name} now sits on {group.name}.", "success")
        return redirect(url_for(".group", group_id=group.id))
    return render_template(
        "stakeholders/group.html", group=group, member_form=form, form=form, remove_form=ConfirmForm()
    ), 400


@bp.post("/groups/<int:group_id>/members/<int:person_id>/delete")
@requires(Permission.STAKEHOLDERS_MANAGE)
def group_remove_member(group_id, person_id):
    """Take a person off the group."""
    seat = db.get_or_404(GroupMember, (group_id, person_id))
    if ConfirmForm().validate_on_submit():
        services.remove_group_member(seat, actor=current_user)
        db.session.commit()
        flash("Removed from the group.", "success")
    return redirect(url_for(".group", group_id=group_id))


# Import --------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def import_upload():
    """Upload a CSV or XLSX of organisations or people; nothing is written yet."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            headers, rows = importers.read_table(upload.filename, upload.read())
        except importers.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            batch = services.start_import(
                actor=current_user,
                kind=form.kind.data,
                filename=upload.filename or "upload",
                headers=headers,
                rows=rows,
                mapping=importers.guess_mapping(form.kind.data, headers),
            )
            db.session.commit()
            return redirect(url_for(".import_review", token=batch.token))
    return render_template("stakeholders/import_upload.html", form=form), 400 if form.errors else 200


def _load_batch(token):
    """Return the officer's own import batch, or 404 (another officer's upload is not theirs to see)."""
    batch = db.first_or_404(db.select(ImportBatch).where(ImportBatch.token == token))
    if batch.created_by_id != current_user.id:
        abort(404)
    return batch


@bp.route("/import/<token>", methods=["GET", "POST"])
@requires(Permission.STAKEHOLDERS_MANAGE)
def import_review(token):
    """Map the file's columns, then show the dry run: every row created, updated or rejected and why."""
    batch = _load_batch(token)
    form = mapping_form(
        batch.kind, batch.headers, batch.mapping, formdata=request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        services.set_import_mapping(batch, read_mapping(form, batch.kind, batch.headers))
        db.session.commit()
        return redirect(url_for(".import_review", token=token) + "#report")
    results = importers.dry_run(batch.kind, batch.rows, batch.mapping) if batch.is_mapped else None
    return render_template(
        "stakeholders/import_review.html",
        batch=batch,
        form=form,
        results=results,
        summary=importers.summarise(results or []),
        confirm_form=ConfirmForm(),
    ), 400 if form.errors else 200


@bp.post("/import/<token>/confirm")
@requires(Permission.STAKEHOLDERS_MANAGE)
def import_confirm(token):
    """Apply the dry run in one transaction: all of it, or (on any error) none of it."""
    batch = _load_batch(token)
    if not batch.is_mapped or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".import_review", token=token))
    results = importers.dry_run(batch.kind, batch.rows, batch.mapping)
    decisions = {r.number: request.form.get(f"row-{r.number}", "new") for r in results if r.action == "duplicate"}
    kind = batch.kind
    # One commit after everything: an error part-way leaves the database as it was.
    counts = importers.apply(kind, results, decisions, actor=current_user)
    services.finish_import(batch, counts, actor=current_user)
    db.session.commit()
    flash(
        f"Import finished: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['rejected']} rejected rows left out.",
        "success",
    )
    return redirect(url_for(".organisations" if kind == "organisations" else ".people", sort="updated"))
