"""Personal API tokens on the account page: created with a name, scope and expiry, shown once, revoked."""

import re

from engage.accounts.models import ApiToken, TokenScope
from engage.accounts.services import api_token_hash
from engage.audit import AuditEntry
from engage.permissions import Role
from tests import factories

SECRET = re.compile(r'<code class="engage-token">([^<]+)</code>')


def _create(post_form, **data):
    fields = {"name": "Ward analysis script", "scope": "read", "expires_in": "90", **data}
    return post_form("/account/tokens", fields, form_url="/account/")


def test_user_creates_a_token_and_sees_its_secret_once(app, db, client, login_as, post_form, reviewer):
    login_as(reviewer)
    page = _create(post_form)
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert "it will not be shown again" in html and secret.startswith("eng_")
    token = db.session.query(ApiToken).one()
    assert token.token_hash == api_token_hash(secret) and token.scope == TokenScope.read
    assert token.name == "Ward analysis script" and token.user_id == reviewer.id
    assert 89 <= (token.expires_at - token.created_at).days <= 90
    again = client.get("/account/").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "Ward analysis script" in again
    entry = db.session.query(AuditEntry).filter_by(object_type="api_tokens", action="create").one()
    assert entry.actor_id == reviewer.id and secret not in str(entry.changed_fields)


def test_token_needs_a_name_and_a_scope_from_the_list(app, db, client, login_as, post_form, officer):
    login_as(officer)
    page = _create(post_form, name="", scope="everything")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Enter a name for the token" in html and "Choose what the token may do" in html
    assert SECRET.search(html) is None
    assert db.session.query(ApiToken).count() == 0


def test_user_revokes_a_token_and_it_stops_working(app, db, client, login_as, post_form, officer):
    login_as(officer)
    secret = SECRET.search(_create(post_form, scope="read_write").get_data(as_text=True)).group(1)
    token = db.session.query(ApiToken).one()
    script = app.test_client()
    assert script.get("/api/v1/records", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    response = post_form(f"/account/tokens/{token.id}/revoke", form_url="/account/")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert script.get("/api/v1/records", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "revoked: it no longer works" in client.get("/account/").get_data(as_text=True)
    assert "Ward analysis script" not in client.get("/account/").get_data(as_text=True)
    assert db.session.query(AuditEntry).filter_by(object_type="api_tokens", action="revoke").count() == 1


def test_user_cannot_revoke_someone_elses_token(app, db, client, login_as, post_form, officer):
    from datetime import timedelta

    from engage.accounts.services import create_api_token
    from engage.dates import now_utc

    other = factories.UserFactory(role=Role.admin)
    token, _secret = create_api_token(
        other, actor=other, name="Theirs", scope=TokenScope.read, expires_at=now_utc() + timedelta(days=1)
    )
    db.session.commit()
    login_as(officer)
    response = post_form(f"/account/tokens/{token.id}/revoke", form_url="/account/")
    assert response.status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_revoke_without_csrf_token_changes_nothing(app, db, client, login_as, officer):
    from datetime import timedelta

    from engage.accounts.services import create_api_token
    from engage.dates import now_utc

    token, _secret = create_api_token(
        officer, actor=officer, name="Mine", scope=TokenScope.read, expires_at=now_utc() + timedelta(days=1)
    )
    db.session.commit()
    login_as(officer)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 400
    assert db.session.get(ApiToken, token.id).revoked_at is None
