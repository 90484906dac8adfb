"""Public charter pages: the adopted charter, the draft open for comment, residents' comments held for
moderation, rate limits, the honeypot, the closing time, long and hostile text."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.charters.models import CharterAdoption, CharterApproval, CharterComment, CharterStage, Moderation
from engage.extensions import db
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import count_rows, main_content, page_title, plain, text_of

NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 6, 23, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def open_charter(**kwargs):
    return factories.CharterFactory(
        stage=CharterStage.open_for_comment,
        comments_open_at=NOW - timedelta(days=3),
        comments_close_at=CLOSES,
        **kwargs,
    )


def adopt(charter, bodies=("West Kent HCP Board",)):
    for body in bodies:
        db.session.add(CharterApproval(charter=charter, version=charter.latest, body_name=body, approved_at=NOW))
    db.session.add(CharterAdoption(charter=charter, version=charter.latest, adopted_at=NOW - timedelta(days=30)))
    db.session.flush()


def resident_comment(client, charter, **data):
    url = f"/charters/{charter.slug}/comment"
    token = csrf_token_from(client.get(url))
    values = {
        "version_number": str(charter.latest.number),
        "section": charter.latest.sections[0].key,
        "body": "More drop-ins please.",
    }
    return client.post(url, data={"csrf_token": token, **values, **data})


def test_the_list_shows_adopted_charters_and_open_drafts_only(app, client):
    adopted = factories.CharterFactory(title="Adopted one", stage=CharterStage.adopted)
    adopt(adopted)
    open_charter(title="Open draft")
    factories.CharterFactory(title="Still drafting")
    page = plain(main_content(client.get("/charters/")))
    assert "Adopted one" in page and "Open draft" in page and "Still drafting" not in page
    assert "Closes in 17 days, on Friday 6 November 2026 at 11:59pm" in page


def test_the_adopted_charter_page_shows_the_version_date_and_bodies_and_escapes_text(app, client):
    charter = factories.CharterFactory(stage=CharterStage.adopted, places=[])
    adopt(charter, ("West Kent HCP Board", "Healthwatch Kent"))
    response = client.get(f"/charters/{charter.slug}")
    body = main_content(response)
    page = plain(body)
    assert "Adopted on 20 September 2026, approved by West Kent HCP Board, Healthwatch Kent" in page
    assert "<strong>listen</strong>" in body
    assert "<script>alert('x')</script>" not in text_of(response) and 'href="javascript:' not in body


def test_residents_comment_without_an_account_and_it_waits_for_moderation(app, client, login_as, officer, reviewer):
    charter = open_charter()
    response = resident_comment(client, charter, name="Sam <i>Resident</i>", email="Sam@Example.org")
    assert response.status_code == 302
    assert "An officer will read it" in plain(main_content(client.get(response.headers["Location"])))
    stored = db.session.scalar(select(CharterComment))
    assert stored.moderation == Moderation.pending and stored.author_id is None
    assert stored.resident_email == "sam@example.org" and stored.version_id == charter.latest.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "charter_comments"))
    assert entry.actor_id is None
    assert entry.changed_fields == ["body", "resident_email", "resident_name", "section_key", "version_id"]
    # Nobody else sees it yet: not the public, not a reviewer.
    assert "More drop-ins please." not in plain(main_content(client.get(f"/charters/{charter.slug}/draft")))
    login_as(reviewer)
    assert "More drop-ins please." not in plain(main_content(client.get(f"/charters/manage/{charter.id}")))


def test_an_officer_publishes_or_rejects_a_residents_comment(app, client, login_as, post_form, officer, reviewer):
    charter = open_charter()
    keep = factories.CharterCommentFactory(
        charter=charter, body="Keep me", moderation=Moderation.pending, resident_name="Sam"
    )
    drop = factories.CharterCommentFactory(charter=charter, body="Spam spam", moderation=Moderation.pending)
    login_as(officer)
    detail = f"/charters/manage/{charter.id}"
    waiting = plain(main_content(client.get(detail)))
    assert "Keep me" in waiting and "Spam spam" in waiting
    post_form(f"{detail}/comments/{keep.id}/approve", form_url=detail)
    post_form(f"{detail}/comments/{drop.id}/reject", form_url=detail)
    again = post_form(f"{detail}/comments/{keep.id}/approve", form_url=detail, follow_redirects=True)
    assert "already been moderated" in plain(main_content(again))
    db.session.refresh(keep)
    assert keep.moderation == Moderation.approved and keep.moderated_by_id == officer.id
    public = app.test_client()
    page = plain(main_content(public.get(f"/charters/{charter.slug}/draft")))
    assert "Keep me" in page and "Sam" in page and "Spam spam" not in page
    login_as(reviewer)
    staff = plain(main_content(client.get(detail)))
    assert "Keep me" in staff and "Spam spam" not in staff


def test_a_comment_after_the_closing_time_is_refused_and_not_stored(app, client, frozen):
    charter = open_charter()
    charter.comments_close_at = NOW + timedelta(minutes=10)
    token = csrf_token_from(client.get(f"/charters/{charter.slug}/comment"))
    frozen.move_to(NOW + timedelta(minutes=11))
    response = client.post(
        f"/charters/{charter.slug}/comment",
        data={"csrf_token": token, "version_number": "1", "section": charter.latest.sections[0].key, "body": "Late"},
    )
    assert response.status_code == 400
    assert "Comments on this draft have closed, so we could not accept yours" in plain(main_content(response))
    assert page_title(response).startswith("Error:")
    assert count_rows(db, CharterComment) == 0
    assert "Comment on this section" not in plain(main_content(client.get(f"/charters/{charter.slug}/draft")))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "x" * 50_000}, "must be 5,000 characters or fewer: it has 50,000"),
        ({"body": ""}, "Enter your comment"),
        ({"section": ""}, "Choose the part of the charter your comment is about"),
        ({"section": "gone"}, "That part of the charter has changed"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"name": "n" * 201}, "Your name must be 200 characters or fewer"),
    ],
)
def test_bad_resident_comments_get_clear_messages_and_nothing_is_stored(app, client, data, message):
    charter = open_charter()
    response = resident_comment(client, charter, **data)
    assert response.status_code == 400
    assert message in plain(main_content(response))
    assert page_title(response).startswith("Error:")
    assert count_rows(db, CharterComment) == 0


def test_html_in_a_residents_comment_is_shown_as_text_once_published(app, client):
    charter = open_charter()
    factories.CharterCommentFactory(
        charter=charter, body="<script>alert('x')</script>", resident_name="<b>Bob</b>", moderation=Moderation.approved
    )
    body = main_content(client.get(f"/charters/{charter.slug}/draft"))
    assert "<script>alert('x')</script>" not in body and "<b>Bob</b>" not in body
    assert "&lt;script&gt;" in body


def test_the_honeypot_thanks_a_bot_and_stores_nothing(app, client):
    charter = open_charter()
    response = resident_comment(client, charter, website="http://spam.example")
    assert response.status_code == 302
    assert count_rows(db, CharterComment) == 0


def test_resident_comments_are_rate_limited(make_app):
    limited = make_app(CHARTER_COMMENT_RATE_LIMIT="2/minute")
    with limited.app_context():
        charter = open_charter()
        db.session.commit()
        client = limited.test_client()
        assert resident_comment(client, charter).status_code == 302
        assert resident_comment(client, charter).status_code == 302
        assert resident_comment(client, charter).status_code == 429
        assert count_rows(db, CharterComment) == 2


def test_drafts_not_open_for_comment_have_no_public_pages(app, client):
    charter = factories.CharterFactory()
    for path in ("", "/draft", "/comment", "/charter.md"):
        assert client.get(f"/charters/{charter.slug}{path}").status_code == 404
    open_one = open_charter()
    # No adopted version yet: the charter's address shows the draft.
    response = client.get(f"/charters/{open_one.slug}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/draft")
    assert client.get(f"/charters/{open_one.slug}/charter.md").status_code == 404
