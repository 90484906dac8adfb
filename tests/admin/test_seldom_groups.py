"""Administrators keep the configurable list of seldom-heard groups."""

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.stakeholders.models import SeldomHeardGroup
from tests import factories
from tests.pages import count_rows, text_of


def test_admin_adds_a_seldom_heard_group_and_it_is_offered_on_the_map(app, db, login_as, client, post_form):
    login_as(factories.UserFactory(role=Role.admin))
    response = post_form("/admin/seldom-heard-groups/new", {"name": "Boat dwellers", "description": "Medway moorings"})
    assert response.status_code == 302
    assert "Boat dwellers" in text_of(client.get("/admin/seldom-heard-groups"))
    assert "Boat dwellers" in text_of(client.get("/stakeholders/organisations/new"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "seldom_heard_groups"))
    assert entry.action == "create" and entry.changed_fields == ["description", "name"]


def test_duplicate_name_is_refused_ignoring_case_and_nothing_is_stored(app, db, login_as, post_form):
    login_as(factories.UserFactory(role=Role.admin))
    factories.SeldomHeardGroupFactory(name="Carers")
    response = post_form("/admin/seldom-heard-groups/new", {"name": "CARERS"})
    assert "A group with this name already exists" in text_of(response)
    assert "There is a problem" in text_of(response)
    assert count_rows(db, SeldomHeardGroup) == 1


def test_archived_group_is_kept_but_no_longer_offered(app, db, login_as, client, post_form):
    login_as(factories.UserFactory(role=Role.admin))
    group = factories.SeldomHeardGroupFactory(name="Armed forces veterans")
    url = f"/admin/seldom-heard-groups/{group.id}/edit"
    post_form(url, {"name": "Armed forces veterans", "description": "", "is_archived": "y"}, follow_redirects=True)
    assert db.session.get(SeldomHeardGroup, group.id).is_archived
    assert "Armed forces veterans" not in text_of(client.get("/stakeholders/people/new"))
    assert "Archived" in text_of(client.get("/admin/seldom-heard-groups"))


def test_officer_cannot_change_the_list(app, login_as, client):
    login_as(factories.UserFactory(role=Role.officer))
    assert client.get("/admin/seldom-heard-groups/new").status_code == 403
