"""The resident's journey through the test client: start, pages, show-if, save, resume, check, submit."""

import re
from datetime import timedelta

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.dates import now_utc
from engage.mail import mail
from engage.responses.models import Answer, EqualityAnswer, PublishConsent, Response, ResponseDraft
from tests.conftest import csrf_token_from
from tests.pages import count_rows, main_content, page_title, plain, text_of
from tests.responses.helpers import (
    REFERENCE_RE,
    SEND,
    complete_to_check,
    make_survey,
    page_one,
    post_page,
    respond_url,
    start,
    submit,
    views_answers,
)


def test_a_resident_answers_saves_resumes_changes_an_answer_and_gets_a_reference_and_receipt(app, client, db):
    q = make_survey()
    # The start page: the privacy notice, consent, individual or organisation, and the first page.
    page = client.get(respond_url(q))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "We keep your answers <strong>safely</strong>." in text_of(page)
    assert "Which urgent treatment centre have you used?" in text_of(page)
    assert "Page 1 of 4" in plain(text_of(page))

    response = start(client, q)
    assert response.headers["Location"].endswith("/respond/page/2")
    # The show-if question appears because the resident chose Maidstone; one question: it is the heading.
    page_two = client.get(respond_url(q, "/page/2"))
    assert page_title(page_two).startswith("Why did you choose Maidstone?")
    assert '<h1 class="nhsuk-label-wrapper">' in text_of(page_two) or "nhsuk-label--l" in text_of(page_two)
    post_page(client, respond_url(q, "/page/2"), {f"q{q.why.id}": "It is nearer to my work."})

    # Half of page 3, then "Save and come back later": a private link on screen, emailed on request.
    response = post_page(
        client, respond_url(q, "/page/3"), {f"q{q.comment.id}": "More parking please", "action": "save"}
    )
    assert response.headers["Location"].endswith("/respond/saved")
    saved = client.get(respond_url(q, "/saved"))
    link = re.search(r'id="resume-link">([^<]+)<', text_of(saved)).group(1)
    assert "/respond/resume/" in link
    draft = db.session.scalar(select(ResponseDraft))
    token = link.rsplit("/", 1)[1]
    assert token not in (draft.resume_token_hash or "") and len(draft.resume_token_hash) == 64
    assert draft.answers[str(q.comment.id)] == "More parking please"
    assert draft.furthest_page == 2
    draft_key = draft.key
    with mail.record_messages() as outbox:
        sent = post_page(client, respond_url(q, "/saved"), {"email": "resident@example.org"})
    assert "We have sent the link to resident@example.org" in plain(text_of(sent))
    assert len(outbox) == 1 and outbox[0].recipients == ["resident@example.org"]
    assert link in outbox[0].body

    # Another browser: the link brings the draft back, at the first unfinished page.
    other = app.test_client()
    response = other.get(link.replace("http://localhost", ""))
    assert response.headers["Location"].endswith("/respond/page/3")
    page_three = other.get(respond_url(q, "/page/3"))
    assert "More parking please" in text_of(page_three)
    post_page(other, respond_url(q, "/page/3"), views_answers(q))
    response = post_page(
        other, respond_url(q, "/page/4"), {f"q{q.age.id}": str(q.age.options[1].id), f"q{q.district.id}": "me14"}
    )
    assert response.headers["Location"].endswith("/respond/check")

    check = other.get(respond_url(q, "/check"))
    content = plain(main_content(check))
    assert "Check your answers" in content
    assert "Maidstone" in content and "It is nearer to my work." in content and "Parking Buses" in content
    assert "3 November 2026" in content and "ME14 1RF" in content
    change = re.search(rf'href="([^"]*/respond\?return=check#q{q.times.id})"', text_of(check)).group(1)
    answers = {"consent": "y", "respondent_type": "individual", **page_one(q), f"q{q.times.id}": "7"}
    changed = post_page(other, change.split("#")[0], answers)
    assert changed.headers["Location"].endswith("/respond/check")
    assert "7" in plain(main_content(other.get(respond_url(q, "/check"))))

    with mail.record_messages() as outbox:
        response = submit(other, q, name="Sam Resident", email="sam@example.org", publish_consent="named")
    assert response.headers["Location"].endswith("/respond/confirmation")
    confirmation = other.get(respond_url(q, "/confirmation"))
    reference = REFERENCE_RE.search(plain(main_content(confirmation))).group(1)

    stored = db.session.scalar(select(Response))
    assert stored.reference == reference and len(reference) == 9
    assert stored.publish_consent == PublishConsent.named and stored.name == "Sam Resident"
    assert stored.submission_key == draft_key and not stored.flagged
    answers = {a.question_id: a for a in stored.answers}
    assert answers[q.times.id].number == 7
    assert answers[q.used.id].option_id == q.used.options[0].id
    assert answers[q.why.id].text == "It is nearer to my work."
    assert answers[q.visited.id].text == "2026-11-03"
    assert answers[q.postcode.id].text == "ME14 1RF"
    assert answers[q.car.id].text == "yes" and answers[q.rating.id].number == 4
    assert sorted(a.option_id for a in stored.answers if a.question_id == q.travel.id) == [
        q.travel.options[0].id,
        q.travel.options[1].id,
    ]
    assert q.age.id not in answers
    equality = {a.question_id: a for a in stored.equality_answers}
    assert equality[q.age.id].option_id == q.age.options[1].id and equality[q.district.id].text == "ME14"
    assert count_rows(db, ResponseDraft) == 0

    assert len(outbox) == 1 and outbox[0].recipients == ["sam@example.org"]
    assert reference in outbox[0].body and "nearer to my work" not in outbox[0].body
    assert q.consultation.title in outbox[0].body  # plain text: not HTML-escaped

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "responses"))
    assert entry.actor_id is None and entry.action == "create"
    assert "reference" in entry.changed_fields
    assert not any("@" in name or "Sam" in name for name in entry.changed_fields)


def test_a_hidden_show_if_question_is_skipped_and_its_old_answer_dropped(client, db):
    q = make_survey()
    start(client, q)
    post_page(client, respond_url(q, "/page/2"), {f"q{q.why.id}": "Nearer"})
    # The resident changes their mind: Neither. Page 2 is then skipped, its answer never stored.
    response = start(client, q, **{f"q{q.used.id}": str(q.used.options[2].id)})
    assert response.headers["Location"].endswith("/respond/page/3")
    assert client.get(respond_url(q, "/page/2")).headers["Location"].endswith("/respond/page/3")
    post_page(client, respond_url(q, "/page/3"), views_answers(q))
    post_page(client, respond_url(q, "/page/4"), {})
    check = client.get(respond_url(q, "/check"))
    assert "Why did you choose Maidstone?" not in text_of(check)
    submit(client, q, publish_consent="no")
    stored = db.session.scalar(select(Response))
    assert q.why.id not in {a.question_id for a in stored.answers}
    assert stored.equality_answers == []


def test_the_start_page_needs_consent_and_an_organisation_name(client, db):
    q = make_survey()
    response = start(client, q, consent="", respondent_type="organisation", organisation_name="")
    assert response.status_code == 400
    assert page_title(response).startswith("Error: ")
    body = plain(text_of(response))
    assert "There is a problem" in body
    assert "Confirm that you have read the privacy notice" in body
    assert "Enter the name of the organisation" in body
    assert count_rows(db, ResponseDraft) == 0
    response = start(client, q, respondent_type="organisation", organisation_name="Maidstone Carers")
    assert response.status_code == 302
    assert db.session.scalar(select(ResponseDraft)).details["organisation_name"] == "Maidstone Carers"


def test_pages_without_a_draft_send_the_resident_to_the_start(client):
    q = make_survey()
    for tail in ("/page/1", "/page/2", "/check", "/saved"):
        assert (
            client.get(respond_url(q, tail))
            .headers["Location"]
            .endswith(f"/consultations/{q.consultation.slug}/respond")
        )


def test_check_waits_until_every_page_is_answered(client):
    q = make_survey()
    start(client, q)
    assert client.get(respond_url(q, "/check")).headers["Location"].endswith("/respond/page/2")


def test_sending_needs_a_publishing_choice_and_a_real_email(client, db):
    q = make_survey()
    complete_to_check(client, q)
    response = submit(client, q, email="not an email", publish_consent="maybe")
    assert response.status_code == 400
    assert page_title(response).startswith("Error: ")
    body = plain(text_of(response))
    assert "Enter an email address in the correct format" in body
    assert "Select whether we can publish your response" in body
    assert 'value="not an email"' in text_of(response)
    assert count_rows(db, Response) == 0 and count_rows(db, ResponseDraft) == 1


def test_public_page_links_to_the_survey_only_while_open_and_officers_see_the_count(client, login_as, officer, db):
    from tests import factories

    q = make_survey()
    page = client.get(f"/consultations/{q.consultation.slug}")
    assert "Respond online" in text_of(page)
    factories.ResponseFactory(consultation=q.consultation)
    factories.ResponseFactory(consultation=q.consultation)
    login_as(officer)
    manage = client.get(f"/consultations/manage/{q.consultation.id}")
    assert "2 responses received" in plain(text_of(manage))
    closed = make_survey(closes_at=now_utc() - timedelta(hours=1))
    assert "Respond online" not in text_of(client.get(f"/consultations/{closed.consultation.slug}"))


def test_a_consultation_without_a_survey_explains_how_else_to_respond(client):
    from engage.consultations.models import ConsultationStage
    from tests import factories

    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    factories.db.session.commit()
    response = client.get(f"/consultations/{consultation.slug}/respond")
    assert response.status_code == 200
    assert "There is no online survey for this consultation" in plain(text_of(response))
    draft = factories.ConsultationFactory()
    factories.db.session.commit()
    assert client.get(f"/consultations/{draft.slug}/respond").status_code == 404


def test_answers_go_in_with_one_bulk_insert(app, client, db):
    from sqlalchemy import event

    q = make_survey()
    check = complete_to_check(client, q)
    token = csrf_token_from(check)
    statements = []

    def log(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0:3])

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        assert client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND}).status_code == 302
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    inserts = [s for s in statements if s[0] == "INSERT"]
    assert sum(1 for s in inserts if s[2] == "answers") == 1
    assert sum(1 for s in inserts if s[2] == "equality_answers") == 1
    # The POST: consultation, survey (4), response and draft by key, duplicates, 3 inserts, audit, delete.
    assert len(statements) <= 15, statements
    assert count_rows(db, Answer) == 11 and count_rows(db, EqualityAnswer) == 2


def test_a_new_visitor_reads_no_drafts_or_responses(app, client, db):
    """With no draft key in the session the journey's reads leave drafts and responses out: an empty
    IN cannot use the key's index on SQLite, which read every draft of the consultation (the start
    page took 13 ms instead of 2 with 30,000 drafts left, bench/survey_responses.py)."""
    from sqlalchemy import event

    q = make_survey()
    complete_to_check(client, q)  # another resident's draft, left unsent
    statements = []

    def log(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        visitor = app.test_client()
        assert visitor.get(respond_url(q)).status_code == 200
        assert visitor.get(respond_url(q, "/confirmation")).status_code == 302
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    assert statements and not [s for s in statements if "response_drafts" in s or "FROM responses" in s]
    # The resident who has a draft still gets it back.
    assert client.get(respond_url(q, "/check")).status_code == 200


def test_saving_again_keeps_the_same_private_link(client, db):
    q = make_survey()
    start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": "2"})
    first = re.search(r'id="resume-link">([^<]+)<', text_of(client.get(respond_url(q, "/saved")))).group(1)
    start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": "5"})
    second = re.search(r'id="resume-link">([^<]+)<', text_of(client.get(respond_url(q, "/saved")))).group(1)
    assert first == second
    draft = db.session.scalar(select(ResponseDraft))
    assert draft.answers == {str(q.times.id): "5"} and draft.expires_at == q.consultation.closes_at


def test_officers_words_and_residents_answers_are_shown_as_text_never_markup(client):
    from tests.factories import HOSTILE

    q = make_survey()
    check = complete_to_check(client, q, views=views_answers(q, **{f"q{q.comment.id}": "<b>bold</b> {{7*7}}"}))
    for response in (client.get(respond_url(q)), client.get(respond_url(q, "/page/4")), check):
        assert "<script>alert" not in text_of(response)
    page_one = text_of(client.get(respond_url(q)))  # a question whose help text is hostile
    assert HOSTILE not in page_one and "&lt;script&gt;alert(" in page_one
    assert "&lt;b&gt;bold&lt;/b&gt; {{7*7}}" in text_of(check)


def test_a_fresh_process_can_serve_the_journey_first():
    """The survey relationship exists before any query has configured the mappers (a first request gave a 500)."""
    import subprocess
    import sys

    code = (
        "from engage import create_app; from engage.responses import queries;"
        "app = create_app('testing');"
        "queries._public_with_survey_statement(True); queries._public_with_survey_statement(False)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)  # noqa: S603
    assert result.returncode == 0, result.stderr[-2000:]
