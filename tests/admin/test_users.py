"""Administrators managing users: create, edit, deactivate, reactivate, unlock; bad input stores nothing."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.accounts.passwords import verify_password
from engage.audit import AuditEntry
from engage.dates import now_utc
from engage.permissions import Role
from tests.factories import PASSWORD, UserFactory
from tests.pages import main_content, page_title, plain, text_of

NEW_USER_PASSWORD = "violet-tractor-harbour-91"
ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL_RE = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def audit_rows(response):
    """Return the audit log table as (when, who, action, object, fields) tuples of plain text."""
    body = text_of(response)
    start = body.find('<tbody class="nhsuk-table__body">')
    if start < 0:
        return []
    body = body[start : body.index("</tbody>", start)]
    return [tuple(plain(cell) for cell in CELL_RE.findall(row)) for row in ROW_RE.findall(body)]


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def audit_entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def new_user_data(**overrides):
    data = {
        "name": "Priya Shah",
        "email": "Priya.Shah@Example.org",
        "organisation": "Healthwatch Kent",
        "role": "reviewer",
        "password": NEW_USER_PASSWORD,
    }
    data.update(overrides)
    return data


def edit_data(user, **overrides):
    data = {"name": user.name, "email": user.email, "organisation": user.organisation, "role": user.role.value}
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(admin, login_as):
    return login_as(admin)


# Creating users -----------------------------------------------------------------------


def test_admin_can_create_a_user_who_appears_in_the_list_and_the_audit_log(db, admin, admin_client, post_form):
    before = user_count(db)
    response = post_form("/admin/users/new", new_user_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert user_count(db) == before + 1

    user = db.session.scalars(select(User).where(User.email == "priya.shah@example.org")).one()
    assert (user.name, user.organisation, user.role, user.is_active) == (
        "Priya Shah",
        "Healthwatch Kent",
        Role.reviewer,
        True,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, NEW_USER_PASSWORD)

    listing = admin_client.get("/admin/users")
    assert "Priya Shah can now sign in as reviewer." in text_of(listing)
    assert "priya.shah@example.org" in text_of(listing)
    assert f'href="/admin/users/{user.id}/edit">Priya Shah</a>' in text_of(listing)

    rows = audit_rows(admin_client.get("/admin/audit"))
    creates = [row for row in rows if row[2] == "create" and row[3] == f"users {user.id}"]
    assert len(creates) == 1
    assert creates[0][4] == "email, name, organisation, password hash, role"
    assert "priya" not in " ".join(creates[0]).lower()

    entry = audit_entries(db, "create")[0]
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "users", str(user.id))


def test_new_user_can_sign_in_with_the_initial_password(db, app, admin_client, post_form):
    post_form("/admin/users/new", new_user_data())
    other = app.test_client()
    response = post_form(
        "/account/sign-in", {"email": "priya.shah@example.org", "password": NEW_USER_PASSWORD}, on=other
    )
    assert response.status_code == 302
    assert other.get("/dashboard").status_code == 200


def test_admin_creating_a_user_drops_nul_characters(db, admin_client, post_form):
    post_form("/admin/users/new", new_user_data(name="Priya\x00 Shah", organisation="Health\x00watch"))
    user = db.session.scalars(select(User).where(User.email == "priya.shah@example.org")).one()
    assert (user.name, user.organisation) == ("Priya Shah", "Healthwatch")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"email": ""}, "Enter an email address"),
        ({"email": "ADMIN@EXAMPLE.ORG"}, "A user with this email address already exists"),
        ({"email": "  Admin@Example.Org  "}, "A user with this email address already exists"),
        ({"password": "password1234"}, "Choose a password that is harder to guess"),
        ({"password": "short-pw-1"}, "Password must be at least 12 characters"),
        ({"password": ""}, "Enter an initial password"),
        ({"password": "priya.shah@example.org-99"}, "Password must not contain your email address"),
        ({"name": ""}, "Enter the person's name"),
        ({"name": "   "}, "Enter the person's name"),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters"),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"role": ""}, "Select a role"),
    ],
)
def test_admin_cannot_create_a_user_with_bad_input(db, admin, admin_client, post_form, overrides, message):
    users_before, audit_before = user_count(db), audit_count(db)
    response = post_form("/admin/users/new", new_user_data(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert message in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert user_count(db) == users_before
    assert audit_count(db) == audit_before


def test_admin_form_without_errors_has_a_plain_title(admin_client):
    response = admin_client.get("/admin/users/new")
    assert page_title(response).startswith("Add a user")
    assert "There is a problem" not in text_of(response)


def test_admin_cannot_create_a_user_without_the_csrf_token(db, admin_client):
    before = user_count(db)
    response = admin_client.post("/admin/users/new", data=new_user_data())
    assert response.status_code == 400
    assert user_count(db) == before


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_staff_other_than_admins_cannot_create_users(request, db, login_as, post_form, role):
    login_as(request.getfixturevalue(role))
    before = user_count(db)
    # The session's CSRF token, from a form this role may open: only the permission refuses.
    response = post_form("/admin/users/new", new_user_data(), form_url="/account/password")
    assert response.status_code == 403
    assert user_count(db) == before


# Editing users ------------------------------------------------------------------------


def test_admin_can_change_a_users_role_which_ends_their_sessions(db, app, admin_client, officer, login_as, post_form):
    officer_client = login_as(officer, on=app.test_client())
    assert officer_client.get("/dashboard").status_code == 200

    response = post_form(f"/admin/users/{officer.id}/edit", edit_data(officer, role="reviewer"))
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.role == Role.reviewer
    entry = audit_entries(db, "update")[-1]
    assert (entry.object_type, entry.object_id, entry.changed_fields) == ("users", str(officer.id), ["role"])
    assert officer_client.get("/dashboard").status_code == 302


def test_admin_can_promote_an_officer_who_then_sees_admin_pages(db, app, admin_client, officer, post_form):
    post_form(f"/admin/users/{officer.id}/edit", edit_data(officer, role="admin"))
    other = app.test_client()
    post_form("/account/sign-in", {"email": officer.email, "password": PASSWORD}, on=other)
    assert other.get("/admin/users").status_code == 200


def test_admin_can_change_a_users_name_and_email_and_the_log_names_only_the_fields(
    db, admin_client, officer, post_form
):
    response = post_form(
        f"/admin/users/{officer.id}/edit", edit_data(officer, name="Olu Officer", email="Olu.Officer@Example.org")
    )
    assert response.status_code == 302
    db.session.refresh(officer)
    assert (officer.name, officer.email) == ("Olu Officer", "olu.officer@example.org")
    entry = audit_entries(db, "update")[-1]
    assert entry.changed_fields == ["email", "name"]
    stored = repr((entry.object_type, entry.object_id, entry.changed_fields)).lower()
    assert "olu" not in stored


def test_saving_a_user_unchanged_records_nothing(db, admin_client, officer, post_form):
    before = audit_count(db)
    response = post_form(f"/admin/users/{officer.id}/edit", edit_data(officer))
    assert response.status_code == 302
    assert audit_count(db) == before


def test_admin_cannot_give_a_user_another_users_email(db, admin, admin_client, officer, post_form):
    old_email = officer.email
    before = audit_count(db)
    response = post_form(f"/admin/users/{officer.id}/edit", edit_data(officer, email="ADMIN@example.org"))
    assert response.status_code == 200
    assert "A user with this email address already exists" in text_of(response)
    assert page_title(response).startswith("Error: ")
    db.session.refresh(officer)
    assert officer.email == old_email
    assert audit_count(db) == before


def test_admin_cannot_remove_their_own_admin_role(db, admin, admin_client, post_form):
    before = audit_count(db)
    response = post_form(f"/admin/users/{admin.id}/edit", edit_data(admin, role="officer"))
    assert response.status_code == 200
    assert "You cannot remove your own administrator role" in text_of(response)
    assert "There is a problem" in text_of(response)
    assert page_title(response).startswith("Error: ")
    db.session.refresh(admin)
    assert admin.role == Role.admin
    assert audit_count(db) == before
    assert admin_client.get("/admin/users").status_code == 200


def test_admin_can_edit_their_own_name(db, admin, admin_client, post_form):
    response = post_form(f"/admin/users/{admin.id}/edit", edit_data(admin, name="Ada Admin"))
    assert response.status_code == 302
    db.session.refresh(admin)
    assert admin.name == "Ada Admin"
    # Keeping their role, the admin stays signed in.
    assert admin_client.get("/admin/users").status_code == 200


def test_editing_an_unknown_user_is_not_found(admin_client):
    assert admin_client.get("/admin/users/99999/edit").status_code == 404


# Deactivate, reactivate, unlock ------------------------------------------------------


def test_admin_cannot_deactivate_themselves(db, admin, admin_client, post_form):
    before = audit_count(db)
    response = post_form(f"/admin/users/{admin.id}/deactivate", form_url="/admin/users")
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in text_of(admin_client.get("/admin/users"))
    db.session.refresh(admin)
    assert admin.is_active
    assert audit_count(db) == before
    assert admin_client.get("/admin/users").status_code == 200


def test_admin_can_deactivate_and_reactivate_a_user_and_both_are_audited(
    db, app, admin, admin_client, officer, login_as, post_form
):
    officer_client = login_as(officer, on=app.test_client())
    response = post_form(f"/admin/users/{officer.id}/deactivate", form_url="/admin/users")
    assert response.status_code == 302
    db.session.refresh(officer)
    assert not officer.is_active
    assert officer_client.get("/dashboard").status_code == 302
    assert "Deactivated" in text_of(admin_client.get("/admin/users"))

    # A deactivated user cannot sign in, even with the right password.
    post_form("/account/sign-in", {"email": officer.email, "password": PASSWORD}, on=officer_client)
    assert officer_client.get("/dashboard").status_code == 302

    response = post_form(f"/admin/users/{officer.id}/reactivate", form_url="/admin/users")
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.is_active
    post_form("/account/sign-in", {"email": officer.email, "password": PASSWORD}, on=officer_client)
    assert officer_client.get("/dashboard").status_code == 200

    entries = [(e.action, e.actor_id, e.object_id, e.changed_fields) for e in audit_entries(db)]
    assert ("deactivate", admin.id, str(officer.id), ["is_active"]) in entries
    assert ("reactivate", admin.id, str(officer.id), ["is_active"]) in entries


def test_admin_cannot_deactivate_without_the_csrf_token(db, admin_client, officer):
    response = admin_client.post(f"/admin/users/{officer.id}/deactivate")
    assert response.status_code == 400
    db.session.refresh(officer)
    assert officer.is_active


def test_admin_can_unlock_a_locked_user(db, app, admin_client, officer, post_form):
    officer.locked_until = now_utc() + timedelta(minutes=10)
    officer.failed_sign_ins = 0
    db.session.commit()
    listing = text_of(admin_client.get("/admin/users"))
    assert "Locked" in listing
    assert f'action="/admin/users/{officer.id}/unlock"' in listing

    response = post_form(f"/admin/users/{officer.id}/unlock", form_url="/admin/users")
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.locked_until is None
    entry = audit_entries(db, "unlock")[0]
    assert (entry.object_id, entry.changed_fields) == (str(officer.id), ["failed_sign_ins", "locked_until"])

    other = app.test_client()
    post_form("/account/sign-in", {"email": officer.email, "password": PASSWORD}, on=other)
    assert other.get("/dashboard").status_code == 200


def test_deactivating_an_unknown_user_is_not_found(admin_client, post_form):
    response = post_form("/admin/users/99999/deactivate", form_url="/admin/users")
    assert response.status_code == 404


# Hostile text ---------------------------------------------------------------------------


def users_table(response):
    body = text_of(response)
    start = body.index('<tbody class="nhsuk-table__body"')
    return body[start : body.index("</tbody>", start)]


def test_users_table_escapes_hostile_names_and_organisations(db, admin_client):
    UserFactory.create_batch(2)
    table = users_table(admin_client.get("/admin/users"))
    assert "<script>alert" not in table
    assert table.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 3 * 2  # name and organisation
    assert "{{7*7}}" in table


def test_user_form_escapes_a_hostile_name(db, admin_client):
    user = UserFactory(name="\"><script>alert('form')</script>")
    response = admin_client.get(f"/admin/users/{user.id}/edit")
    body = text_of(response)
    escaped = "&#34;&gt;&lt;script&gt;alert(&#39;form&#39;)&lt;/script&gt;"
    assert f"<title>Edit {escaped} – Engage – NHS</title>" in body
    assert f'name="name" type="text" value="{escaped}"' in body
    assert "<script>alert" not in main_content(response)


def test_audit_log_escapes_hostile_actor_names(db, admin_client, post_form):
    post_form("/admin/users/new", new_user_data())
    body = text_of(admin_client.get("/admin/audit"))
    table = body[body.index('<tbody class="nhsuk-table__body"') :]
    table = table[: table.index("</tbody>")]
    assert "<script>alert" not in table
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in table


def test_users_page_never_shows_hostile_text_raw(db, admin_client):
    UserFactory.create_batch(2)
    page = text_of(admin_client.get("/admin/users"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    # The header names the signed-in (hostile) admin, escaped.
    header = page[page.index("<header") : page.index("</header>")]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in header


def test_flashed_message_escapes_a_hostile_name_typed_into_the_form(db, officer, admin_client, post_form):
    post_form("/admin/users/new", new_user_data(name="<b>Bold</b> Priya"))
    content = main_content(admin_client.get("/admin/users"))
    assert "<b>Bold" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; Priya can now sign in as reviewer." in content


def test_account_page_escapes_hostile_details(officer, login_as):
    client = login_as(officer)
    page = text_of(client.get("/account/"))
    assert "<script>alert" not in page
    assert main_content(client.get("/account/")).count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") >= 2
