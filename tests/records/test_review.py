"""The reviewer workflow: comment, flag, mark reviewed, the queue, and officers resolving flags."""

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import RecordComment, RecordFlag, RecordReview, Sensitivity
from tests import factories
from tests.pages import count_rows, text_of


def test_reviewer_comments_flags_and_marks_a_record_reviewed(app, db, login_as, client, post_form):
    reviewer = factories.UserFactory(role=Role.reviewer)
    record = factories.EngagementRecordFactory(title="Discharge drop-in")
    login_as(reviewer)
    url = f"/records/{record.id}"
    assert post_form(f"{url}/comments", {"body": "Was the ward told?"}, form_url=url).status_code == 302
    post_form(f"{url}/flags", {"reason": "needs_response", "note": "Carers asked for a reply"}, form_url=url)
    assert "Discharge drop-in" in text_of(client.get("/records/review-queue"))
    post_form(f"{url}/reviewed", form_url=url)
    assert "Discharge drop-in" not in text_of(client.get("/records/review-queue"))
    page = text_of(client.get(url))
    assert "Was the ward told?" in page
    assert "Needs a response" in page
    assert "Reviewed by" in page
    actions = {(e.object_type, e.action) for e in db.session.scalars(select(AuditEntry))}
    assert {("record_comments", "create"), ("record_flags", "create"), ("record_reviews", "create")} <= actions


def test_marking_reviewed_twice_keeps_one_review(app, db, login_as, post_form):
    reviewer = factories.UserFactory(role=Role.reviewer)
    record = factories.EngagementRecordFactory()
    login_as(reviewer)
    for _ in range(2):
        post_form(f"/records/{record.id}/reviewed", form_url=f"/records/{record.id}")
    assert count_rows(db, RecordReview) == 1


def test_officer_resolves_a_flag_and_it_leaves_the_open_list(app, db, login_as, client, post_form):
    flag = factories.RecordFlagFactory()
    login_as(factories.UserFactory(role=Role.officer))
    assert "Factual concern" in text_of(client.get("/records/flags"))
    url = f"/records/{flag.record_id}/flags/{flag.id}/resolve"
    response = post_form(
        url, {"resolution": "Corrected the dates with the author"}, form_url=f"/records/{flag.record_id}"
    )
    assert response.status_code == 302
    assert db.session.get(RecordFlag, flag.id).resolved_at is not None
    assert "There are no open flags." in text_of(client.get("/records/flags"))
    again = post_form(url, {"resolution": "Twice"}, form_url=f"/records/{flag.record_id}", follow_redirects=True)
    assert "This flag has already been resolved" in text_of(again)


def test_empty_comment_and_flag_without_reason_are_refused_and_nothing_is_stored(app, db, login_as, post_form):
    record = factories.EngagementRecordFactory()
    login_as(factories.UserFactory(role=Role.reviewer))
    url = f"/records/{record.id}"
    comment = post_form(f"{url}/comments", {"body": "   "}, form_url=url)
    assert comment.status_code == 400 and "Enter a comment" in text_of(comment)
    flag = post_form(f"{url}/flags", {"reason": "because"}, form_url=url)
    assert flag.status_code == 400 and "Choose a reason from the list" in text_of(flag)
    long = post_form(f"{url}/comments", {"body": "x" * 5001}, form_url=url)
    assert "5,000 characters or fewer" in text_of(long)
    assert count_rows(db, RecordComment) == 0
    assert count_rows(db, RecordFlag) == 0


def test_reviewer_cannot_comment_on_a_restricted_record_they_are_not_named_on(app, db, login_as, client, post_form):
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted)
    reviewer = factories.UserFactory(role=Role.reviewer)
    login_as(reviewer)
    token_page = factories.EngagementRecordFactory()  # any page of theirs carries a CSRF token
    response = post_form(f"/records/{record.id}/comments", {"body": "hello"}, form_url=f"/records/{token_page.id}")
    assert response.status_code == 404
    assert count_rows(db, RecordComment) == 0


def test_reviewer_cannot_resolve_flags(app, login_as, client):
    flag = factories.RecordFlagFactory()
    login_as(factories.UserFactory(role=Role.reviewer))
    assert client.get("/records/flags").status_code == 403
    assert "Resolve flag" not in text_of(client.get(f"/records/{flag.record_id}"))


def test_a_flag_of_another_record_cannot_be_resolved_through_this_one(app, db, login_as, post_form):
    flag = factories.RecordFlagFactory()
    other = factories.EngagementRecordFactory()
    login_as(factories.UserFactory(role=Role.officer))
    response = post_form(
        f"/records/{other.id}/flags/{flag.id}/resolve", {"resolution": "x"}, form_url=f"/records/{other.id}"
    )
    assert response.status_code == 404
    assert db.session.get(RecordFlag, flag.id).resolved_at is None


def test_record_page_title_is_just_the_record_title(app, login_as, client):
    record = factories.EngagementRecordFactory(title="Coffee morning")
    login_as(factories.UserFactory(role=Role.reviewer))
    html = text_of(client.get(f"/records/{record.id}"))
    assert "<title>Coffee morning – Engage – NHS</title>" in html
    assert html.count('id="review"') == 1
