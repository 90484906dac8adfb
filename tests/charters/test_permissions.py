"""Who may do what with charters: anonymous residents, reviewers, officers and admins, across the stages."""

from datetime import timedelta

import pytest

from engage.charters.models import CharterStage, Moderation
from engage.dates import now_utc
from engage.permissions import ANONYMOUS, GRANTS, Permission, Role
from tests import factories
from tests.pages import main_content, plain


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (ANONYMOUS, set()),
        (Role.reviewer, {Permission.CHARTERS_READ, Permission.CHARTERS_COMMENT}),
        (Role.officer, {Permission.CHARTERS_READ, Permission.CHARTERS_COMMENT, Permission.CHARTERS_MANAGE}),
        (Role.admin, {Permission.CHARTERS_READ, Permission.CHARTERS_COMMENT, Permission.CHARTERS_MANAGE}),
    ],
)
def test_each_role_holds_the_charter_permissions_it_should(role, expected):
    assert {p for p in GRANTS[role] if p.startswith("charters:")} == expected


def test_staff_see_charters_in_the_header_and_residents_do_not(app, client, login_as, reviewer):
    def header(response):
        body = response.get_data(as_text=True)
        return body[body.index("<header") : body.index("</header>")]

    assert "/charters/manage/" not in header(client.get("/"))
    login_as(reviewer)
    assert 'href="/charters/manage/"' in header(client.get("/charters/manage/"))


def test_anonymous_visitors_are_sent_to_sign_in_for_staff_pages(app, client):
    charter = factories.CharterFactory()
    for path in ("/charters/manage/", f"/charters/manage/{charter.id}", f"/charters/manage/{charter.id}/compare"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_reviewers_comment_but_do_not_moderate_approve_adopt_or_edit(app, client, login_as, post_form, reviewer):
    charter = factories.CharterFactory(
        stage=CharterStage.open_for_comment, comments_open_at=now_utc(), comments_close_at=now_utc() + timedelta(days=5)
    )
    pending = factories.CharterCommentFactory(charter=charter, moderation=Moderation.pending)
    login_as(reviewer)
    detail = f"/charters/manage/{charter.id}"
    page = plain(main_content(client.get(detail)))
    assert "Add comment" in page and "Publish comment" not in page and "awaiting moderation" not in page
    for action in (f"comments/{pending.id}/approve", f"comments/{pending.id}/reject", "adopt", "return-to-drafting"):
        assert post_form(f"{detail}/{action}", form_url=detail).status_code == 403
    for path in (f"{detail}/edit", f"{detail}/details", f"{detail}/open", f"{detail}/approve", "/charters/manage/new"):
        assert client.get(path).status_code == 403


def test_residents_can_comment_only_while_the_window_is_open(app, client):
    charter = factories.CharterFactory(
        stage=CharterStage.open_for_comment,
        comments_open_at=now_utc() - timedelta(days=10),
        comments_close_at=now_utc() - timedelta(minutes=1),
    )
    page = plain(main_content(client.get(f"/charters/{charter.slug}/comment")))
    assert "Comments on this draft have closed" in page and "Send comment" not in page
    assert "Closed on" in page


def test_residents_find_charters_from_the_footer_of_every_page(app, client):
    assert 'href="/charters/"' in client.get("/").get_data(as_text=True)
