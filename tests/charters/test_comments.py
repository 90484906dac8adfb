"""Comments anchored to a section and a version: outdated marks, replies, resolving, bad input."""

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.charters.models import CharterComment, CharterStage
from engage.extensions import db
from tests import factories
from tests.charters.test_drafting import edit_data
from tests.pages import count_rows, main_content, page_title, plain


def comment(post_form, charter, body, *, section=None, number=None, on=None):
    return post_form(
        f"/charters/manage/{charter.id}/comments",
        {
            "version_number": str(number or charter.latest.number),
            "section_key": section or charter.latest.sections[0].key,
            "body": body,
        },
        form_url=f"/charters/manage/{charter.id}",
        on=on,
    )


def test_reviewer_comments_on_a_section_and_it_shows_under_that_section(app, client, login_as, post_form, reviewer):
    charter = factories.CharterFactory()
    login_as(reviewer)
    response = comment(post_form, charter, "Say who <b>patients</b> are.")
    assert response.status_code == 302
    stored = db.session.scalar(select(CharterComment))
    assert stored.author_id == reviewer.id and stored.version_id == charter.latest.id
    assert stored.section_key == charter.latest.sections[0].key
    body = main_content(client.get(f"/charters/manage/{charter.id}"))
    section = body[
        body.index(f'id="section-{stored.section_key}"') : body.index(f'id="section-{charter.latest.sections[1].key}"')
    ]
    assert "Say who &lt;b&gt;patients&lt;/b&gt; are." in section
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "charter_comments"))
    assert entry.changed_fields == ["body", "section_key", "version_id"]


def test_a_comment_shows_as_outdated_once_its_section_changes(app, client, login_as, post_form, officer, reviewer):
    charter = factories.CharterFactory()
    login_as(reviewer)
    comment(post_form, charter, "Too vague.")
    comment(post_form, charter, "Fine as it is.", section=charter.latest.sections[1].key)
    login_as(officer)
    (k1, h1, b1), second = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    post_form(f"/charters/manage/{charter.id}/edit", edit_data(charter, sections=[(k1, h1, "Clearer text."), second]))
    body = main_content(client.get(f"/charters/manage/{charter.id}"))
    first = body[body.index(f'id="section-{k1}"') : body.index(f'id="section-{second[0]}"')]
    rest = body[body.index(f'id="section-{second[0]}"') :]
    assert "Outdated" in plain(first) and "on version 1" in plain(first)
    assert "Outdated" not in plain(rest[: rest.index("Approvals")])


def test_replies_and_resolving_a_thread(app, client, login_as, post_form, officer, reviewer):
    charter = factories.CharterFactory()
    thread = factories.CharterCommentFactory(charter=charter, author_id=reviewer.id)
    login_as(officer)
    detail = f"/charters/manage/{charter.id}"
    response = post_form(f"{detail}/comments/{thread.id}/reply", {"body": "Changed in version 2."}, form_url=detail)
    assert response.status_code == 302
    reply = db.session.scalar(select(CharterComment).where(CharterComment.parent_id == thread.id))
    assert reply.author_id == officer.id and reply.body == "Changed in version 2."
    post_form(f"{detail}/comments/{thread.id}/resolve", form_url=detail)
    db.session.refresh(thread)
    assert thread.resolved_at is not None and thread.resolved_by_id == officer.id
    assert "Resolved by" in plain(main_content(client.get(detail)))
    login_as(reviewer)
    post_form(f"{detail}/comments/{thread.id}/reopen", form_url=detail)
    db.session.refresh(thread)
    assert thread.resolved_at is None


def test_a_comment_on_a_section_that_no_longer_exists_is_refused(app, client, login_as, post_form, officer, reviewer):
    charter = factories.CharterFactory()
    gone = charter.latest.sections[1].key
    login_as(officer)
    data = edit_data(charter, summary="Removed how to take part")
    data["sections-1-remove"] = "y"
    post_form(f"/charters/manage/{charter.id}/edit", data)
    login_as(reviewer)
    # The reviewer's page still showed version 1 with the removed section.
    response = comment(post_form, charter, "What about this?", section=gone, number=1)
    assert response.status_code == 400
    assert "That section is no longer in the charter" in plain(main_content(response))
    assert page_title(response).startswith("Error:")
    assert count_rows(db, CharterComment) == 0
    unknown = comment(post_form, charter, "Hello", section="nope")
    assert unknown.status_code == 400 and count_rows(db, CharterComment) == 0


def test_an_empty_or_50000_character_comment_is_refused_and_nothing_is_stored(
    app, client, login_as, post_form, reviewer
):
    charter = factories.CharterFactory()
    login_as(reviewer)
    empty = comment(post_form, charter, "   ")
    assert empty.status_code == 400 and "Enter your comment" in plain(main_content(empty))
    huge = comment(post_form, charter, "x" * 50_000)
    assert huge.status_code == 400
    assert "must be 5,000 characters or fewer: it has 50,000" in plain(main_content(huge))
    assert count_rows(db, CharterComment) == 0


def test_script_in_a_comment_is_shown_as_text(app, client, login_as, post_form, reviewer):
    charter = factories.CharterFactory()
    login_as(reviewer)
    comment(post_form, charter, "<script>alert('x')</script>")
    body = main_content(client.get(f"/charters/manage/{charter.id}"))
    assert "<script>alert('x')</script>" not in body and "&lt;script&gt;" in body
    assert 'href="javascript:' not in body


def test_nobody_comments_on_an_adopted_charter(app, client, login_as, post_form, reviewer):
    charter = factories.CharterFactory(stage=CharterStage.adopted)
    login_as(reviewer)
    assert "Add comment" not in plain(main_content(client.get(f"/charters/manage/{charter.id}")))
    response = comment(post_form, charter, "Late thought")
    assert response.status_code == 400 and "has been adopted" in plain(main_content(response))
    assert count_rows(db, CharterComment) == 0


def test_a_rejected_comment_cannot_be_replied_to(app, client, login_as, post_form, reviewer):
    from engage.charters.models import Moderation

    charter = factories.CharterFactory()
    rejected = factories.CharterCommentFactory(charter=charter, moderation=Moderation.rejected)
    login_as(reviewer)
    detail = f"/charters/manage/{charter.id}"
    assert post_form(f"{detail}/comments/{rejected.id}/reply", {"body": "Hi"}, form_url=detail).status_code == 404
