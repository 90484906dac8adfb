"""Administrators managing topics: names unique ignoring case, archiving, audit entries."""

import pytest
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.reference.models import Topic
from tests.factories import TopicFactory
from tests.pages import main_content, page_title, plain, text_of


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def audit_entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def stored_topics(db):
    db.session.expire_all()
    return sorted((t.id, t.name, t.description, t.is_archived) for t in db.session.scalars(select(Topic)))


def topic_data(topic, **overrides):
    data = {"name": topic.name, "description": topic.description}
    if topic.is_archived:
        data["is_archived"] = "y"
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(admin, login_as):
    return login_as(admin)


@pytest.fixture
def frailty(db):
    topic = TopicFactory(name="Frailty", description="Older people living with frailty")
    db.session.commit()
    return topic


def test_admin_can_add_a_topic_and_it_is_audited(db, admin, admin_client, post_form):
    response = post_form("/admin/topics/new", {"name": "  Mental health  ", "description": "Adults and young people"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/topics"
    topic = db.session.scalars(select(Topic)).one()
    assert (topic.name, topic.description, topic.is_archived) == ("Mental health", "Adults and young people", False)
    assert "Mental health" in main_content(admin_client.get("/admin/topics"))
    entry = audit_entries(db, "create")[0]
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.changed_fields) == (
        admin.id,
        "topics",
        str(topic.id),
        ["description", "name"],
    )


@pytest.mark.parametrize("name", ["Frailty", "FRAILTY", "  frailty ", "fRaIlTy"])
def test_admin_cannot_add_a_topic_whose_name_differs_only_in_case(db, admin_client, post_form, frailty, name):
    before, audit_before = stored_topics(db), audit_count(db)
    response = post_form("/admin/topics/new", {"name": name, "description": ""})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "A topic with this name already exists" in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert stored_topics(db) == before
    assert audit_count(db) == audit_before


def test_topic_names_are_unique_ignoring_case_beyond_ascii(db, admin_client, post_form):
    TopicFactory(name="ÉCOLE SANTÉ")
    db.session.commit()
    before = stored_topics(db)
    response = post_form("/admin/topics/new", {"name": "école santé", "description": ""})
    assert "A topic with this name already exists" in plain(text_of(response))
    assert stored_topics(db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name"),
        ({"name": "   "}, "Enter a name"),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters"),
        ({"name": "Falls", "description": "x" * 2001}, "Field cannot be longer than 2000 characters"),
    ],
)
def test_admin_cannot_add_a_topic_with_bad_input(db, admin_client, post_form, data, message):
    response = post_form("/admin/topics/new", {"description": "", **data})
    assert response.status_code == 200
    assert message in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert stored_topics(db) == []
    assert audit_count(db) == 0


def test_admin_cannot_rename_a_topic_to_another_topics_name(db, admin_client, post_form, frailty):
    falls = TopicFactory(name="Falls", description="")
    db.session.commit()
    before, audit_before = stored_topics(db), audit_count(db)
    response = post_form(f"/admin/topics/{falls.id}/edit", topic_data(falls, name="frailty"))
    assert response.status_code == 200
    assert "A topic with this name already exists" in plain(text_of(response))
    assert stored_topics(db) == before
    assert audit_count(db) == audit_before


def test_admin_can_change_the_case_of_a_topics_own_name(db, admin_client, post_form, frailty):
    response = post_form(f"/admin/topics/{frailty.id}/edit", topic_data(frailty, name="FRAILTY"))
    assert response.status_code == 302
    db.session.refresh(frailty)
    assert frailty.name == "FRAILTY"
    assert audit_entries(db, "update")[-1].changed_fields == ["name"]


def test_admin_can_archive_and_restore_a_topic(db, admin, admin_client, post_form, frailty):
    response = post_form(f"/admin/topics/{frailty.id}/edit", topic_data(frailty, is_archived="y"))
    assert response.status_code == 302
    db.session.refresh(frailty)
    assert frailty.is_archived
    listing = plain(main_content(admin_client.get("/admin/topics")))
    assert "Frailty Archived" in listing
    # Archived topics stay listed for admins but are no longer offered on the dashboard.
    dashboard = main_content(admin_client.get("/dashboard"))
    assert "No topics have been set up yet." in dashboard

    post_form(f"/admin/topics/{frailty.id}/edit", topic_data(frailty, is_archived=None))
    db.session.refresh(frailty)
    assert not frailty.is_archived
    assert "Frailty" in main_content(admin_client.get("/dashboard"))

    updates = audit_entries(db, "update")
    assert [(e.actor_id, e.object_id, e.changed_fields) for e in updates] == [
        (admin.id, str(frailty.id), ["is_archived"]),
        (admin.id, str(frailty.id), ["is_archived"]),
    ]


def test_topic_edits_are_logged_by_field_name_only(db, admin_client, post_form, frailty):
    post_form(
        f"/admin/topics/{frailty.id}/edit",
        topic_data(frailty, name="Frailty and falls", description="Secret working notes"),
    )
    entry = audit_entries(db, "update")[-1]
    assert entry.changed_fields == ["description", "name"]
    stored = repr([(e.object_type, e.object_id, e.changed_fields) for e in audit_entries(db)])
    assert "Secret" not in stored
    assert "falls" not in stored.lower()
    log = plain(main_content(admin_client.get("/admin/audit")))
    assert "description, name" in log
    assert "Secret working notes" not in log


def test_saving_a_topic_unchanged_records_nothing(db, admin_client, post_form, frailty):
    before = audit_count(db)
    response = post_form(f"/admin/topics/{frailty.id}/edit", topic_data(frailty))
    assert response.status_code == 302
    assert audit_count(db) == before


def test_new_topic_form_has_no_archive_box(admin_client, frailty):
    assert 'name="is_archived"' not in text_of(admin_client.get("/admin/topics/new"))
    assert 'name="is_archived"' in text_of(admin_client.get(f"/admin/topics/{frailty.id}/edit"))


def test_editing_an_unknown_topic_is_not_found(admin_client):
    assert admin_client.get("/admin/topics/99999/edit").status_code == 404


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_staff_other_than_admins_cannot_add_topics(request, db, login_as, post_form, role):
    login_as(request.getfixturevalue(role))
    response = post_form("/admin/topics/new", {"name": "Falls"}, form_url="/account/password")
    assert response.status_code == 403
    assert stored_topics(db) == []


def test_topics_page_escapes_hostile_names_and_descriptions(db, admin_client):
    TopicFactory.create_batch(2)
    db.session.commit()
    page = main_content(admin_client.get("/admin/topics"))
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") >= 4
