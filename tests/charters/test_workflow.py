"""The workflow: drafting -> open for comment (London closing time) -> awaiting approval -> adopted, or back;
approvals record who, which version, when and for which body; only adopted versions are public."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.charters.models import CharterAdoption, CharterApproval, CharterStage
from engage.extensions import db
from tests import factories
from tests.charters.test_drafting import edit_data
from tests.pages import count_rows, main_content, plain

NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_opening_for_comment_reads_the_closing_time_in_london_time(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    url = f"/charters/manage/{charter.id}/open"
    response = post_form(url, {"closes_on": "2026-11-06", "closes_time": "23:59"})
    assert response.status_code == 302
    db.session.refresh(charter)
    assert charter.stage == CharterStage.open_for_comment
    # 6 November is after the clocks go back: 23:59 in London is 23:59 UTC.
    assert charter.comments_close_at == datetime(2026, 11, 6, 23, 59, tzinfo=UTC)
    page = plain(main_content(client.get(f"/charters/manage/{charter.id}")))
    assert "Closes in 17 days, on Friday 6 November 2026 at 11:59pm" in page
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "charters")).all()[-1]
    assert entry.changed_fields == ["comments_close_at", "comments_open_at", "stage"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"closes_on": "2026-10-01", "closes_time": "12:00"}, "must be in the future"),
        ({"closes_on": "2026-13-45", "closes_time": "12:00"}, "Enter a real date"),
        ({"closes_on": "2026-11-06", "closes_time": "25:00"}, "Enter a time like 09:00"),
        ({"closes_on": "2027-03-28", "closes_time": "01:30"}, "does not exist in the UK"),
        ({"closes_on": "", "closes_time": ""}, "Enter the closing date"),
    ],
)
def test_a_bad_closing_time_is_refused_and_the_charter_stays_in_drafting(
    app, client, login_as, post_form, officer, data, message
):
    charter = factories.CharterFactory()
    login_as(officer)
    response = post_form(f"/charters/manage/{charter.id}/open", data)
    assert response.status_code == 400 and message in plain(main_content(response))
    db.session.refresh(charter)
    assert charter.stage == CharterStage.drafting and charter.comments_close_at is None


def test_approval_records_who_which_version_when_and_for_which_body_then_adoption(
    app, client, login_as, post_form, officer
):
    charter = factories.CharterFactory()
    login_as(officer)
    detail = f"/charters/manage/{charter.id}"
    refused = post_form(f"{detail}/adopt", form_url=detail, follow_redirects=True)
    assert "Only a charter awaiting approval can be adopted" in plain(main_content(refused))
    post_form(f"{detail}/send-for-approval", form_url=detail)
    db.session.refresh(charter)
    assert charter.stage == CharterStage.awaiting_approval
    no_approval = post_form(f"{detail}/adopt", form_url=detail, follow_redirects=True)
    assert "Record who approved version 1 before adopting it" in plain(main_content(no_approval))
    empty = post_form(f"{detail}/approve", {"body_name": "  "})
    assert empty.status_code == 400 and "Enter the body that approved it" in plain(main_content(empty))
    post_form(f"{detail}/approve", {"body_name": "West Kent HCP Board", "note": "Minute 12 <b>"})
    post_form(f"{detail}/approve", {"body_name": "Healthwatch Kent"})
    approvals = db.session.scalars(select(CharterApproval)).all()
    assert [(a.body_name, a.approved_by_id, a.version_id, a.approved_at) for a in approvals] == [
        ("West Kent HCP Board", officer.id, charter.latest.id, NOW),
        ("Healthwatch Kent", officer.id, charter.latest.id, NOW),
    ]
    post_form(f"{detail}/adopt", form_url=detail)
    db.session.refresh(charter)
    assert charter.stage == CharterStage.adopted
    adoption = db.session.scalar(select(CharterAdoption))
    assert adoption.version_id == charter.latest.id and adoption.adopted_by_id == officer.id
    page = plain(main_content(client.get(f"/charters/{charter.slug}")))
    assert "Adopted on 20 October 2026, approved by West Kent HCP Board, Healthwatch Kent" in page


def test_only_adopted_versions_are_public_even_while_a_new_draft_is_written(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    assert client.get(f"/charters/{charter.slug}").status_code == 404
    assert charter.title not in plain(main_content(client.get("/charters/")))
    login_as(officer)
    detail = f"/charters/manage/{charter.id}"
    post_form(f"{detail}/send-for-approval", form_url=detail)
    post_form(f"{detail}/approve", {"body_name": "West Kent HCP Board"})
    post_form(f"{detail}/adopt", form_url=detail)
    post_form(f"{detail}/return-to-drafting", form_url=detail)
    (k1, h1, _b1), second = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    post_form(f"{detail}/edit", edit_data(charter, sections=[(k1, h1, "Unapproved new words."), second]))
    public = app.test_client()  # not signed in
    page = plain(main_content(public.get(f"/charters/{charter.slug}")))
    assert "We will listen to patients" in page and "Unapproved new words" not in page
    assert "This is version 1" in page
    assert public.get(f"/charters/{charter.slug}/draft").status_code == 404


def test_an_adopted_charter_can_go_back_to_drafting_and_an_awaiting_one_cannot_be_edited(
    app, client, login_as, post_form, officer
):
    charter = factories.CharterFactory(stage=CharterStage.awaiting_approval)
    login_as(officer)
    detail = f"/charters/manage/{charter.id}"
    response = post_form(f"{detail}/edit", edit_data(charter, summary="x"), form_url=detail, follow_redirects=True)
    assert "can be edited only while drafting" in plain(main_content(response))
    assert count_rows(db, CharterApproval) == 0
    post_form(f"{detail}/return-to-drafting", form_url=detail)
    db.session.refresh(charter)
    assert charter.stage == CharterStage.drafting


def test_reviewers_see_the_workflow_but_cannot_move_it(app, client, login_as, post_form, reviewer):
    charter = factories.CharterFactory()
    login_as(reviewer)
    page = plain(main_content(client.get(f"/charters/manage/{charter.id}")))
    assert "Send version 1 for approval" not in page and "Edit the sections" not in page
    detail = f"/charters/manage/{charter.id}"
    assert post_form(f"{detail}/send-for-approval", form_url=detail).status_code == 403
    assert client.get(f"/charters/manage/{charter.id}/edit").status_code == 403
