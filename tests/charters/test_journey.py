"""The whole charter journey through the app's pages, as the browser journey drives it, without a browser."""

import re
from datetime import timedelta

from sqlalchemy import select

from engage.charters.models import Charter, CharterComment
from engage.dates import now_utc, to_london
from engage.extensions import db
from tests.conftest import csrf_token_from
from tests.pages import main_content, plain, text_of


def test_draft_comment_revise_compare_open_comment_moderate_approve_adopt_publish(
    app, client, login_as, post_form, officer, reviewer
):
    login_as(officer)
    response = post_form(
        "/charters/manage/new",
        {
            "title": "Sevenoaks easy read involvement charter",
            "slug": "sevenoaks-easy-read-charter",
            "purpose": "How we involve people in Sevenoaks, in easy read.",
            "owner_id": str(officer.id),
            "heading": "What we promise",
            "body": "We will listen to you.",
        },
    )
    detail = response.headers["Location"]
    charter = db.session.scalar(select(Charter))
    key = charter.latest.sections[0].key

    reviewer_client = app.test_client()
    login_as(reviewer, on=reviewer_client)
    page = text_of(reviewer_client.get(detail))
    assert "Comment on “What we promise”" in page
    reviewer_client.post(
        f"{detail}/comments",
        data={
            "csrf_token": csrf_token_from(reviewer_client.get(detail)),
            "version_number": "1",
            "section_key": key,
            "body": "Say how you will listen.",
        },
    )

    edit = text_of(client.get(f"{detail}/edit"))
    assert 'id="sections-1-heading"' in edit and "What did you change?" in edit
    post_form(
        f"{detail}/edit",
        {
            "base_version": "1",
            "sections-0-key": key,
            "sections-0-heading": "What we promise",
            "sections-0-body": "We will listen to you at meetings and online.",
            "sections-0-position": "1",
            "sections-1-key": "",
            "sections-1-heading": "How to tell us",
            "sections-1-body": "Phone, email or come to a meeting.",
            "sections-1-position": "2",
            "summary": "Said how we listen; added how to tell us",
        },
    )
    body = main_content(client.get(detail))
    promise = body[body.index(f'id="section-{key}"') :]
    assert "Outdated" in plain(promise[: promise.index("How to tell us")])

    compare = main_content(client.get(f"{detail}/compare?old=1&new=2"))
    assert "<ins>" in compare and "Section added" in plain(compare)

    # London's date 21 days on (21 x 24 hours across a clock change is another date near midnight).
    closes = to_london(now_utc()).date() + timedelta(days=21)
    post_form(f"{detail}/open", {"closes_on": closes.isoformat(), "closes_time": "23:59"})

    resident = app.test_client()
    draft = resident.get("/charters/sevenoaks-easy-read-charter", follow_redirects=True)
    assert "Closes in 21 days" in plain(main_content(draft))
    link = re.search(r'href="(/charters/sevenoaks-easy-read-charter/comment\?section=[^"]+)"', text_of(draft)).group(1)
    form_page = resident.get(link.replace("&amp;", "&"))
    assert "checked" in text_of(form_page)
    new_key = db.session.scalar(select(Charter)).latest.sections[1].key
    resident.post(
        "/charters/sevenoaks-easy-read-charter/comment",
        data={
            "csrf_token": csrf_token_from(form_page),
            "version_number": "2",
            "section": new_key,
            "body": "Please add text messages.",
            "name": "Sam",
        },
    )
    pending = db.session.scalar(select(CharterComment).where(CharterComment.author_id.is_(None)))
    post_form(f"{detail}/comments/{pending.id}/approve", form_url=detail)
    post_form(f"{detail}/send-for-approval", form_url=detail)
    post_form(f"{detail}/approve", {"body_name": "West Kent HCP Board"})
    post_form(f"{detail}/adopt", form_url=detail)

    public = plain(main_content(resident.get("/charters/sevenoaks-easy-read-charter")))
    assert "approved by West Kent HCP Board" in public
    assert "We will listen to you at meetings and online." in public
    listing = plain(main_content(resident.get("/charters/")))
    assert "Sevenoaks easy read involvement charter" in listing
