"""Beyond the route matrix: reaching other people's objects by id, token or guessed URL (IDOR / BOLA).

Each test signs in as someone who may use the route, then aims it at an object that is not theirs
to see: a restricted record a reviewer is not named on, a response of another consultation through
this consultation's URLs, a forged resume link, an attachment or scan by a guessed URL, another
consultation's export job and another officer's import. Every attempt must get 403 or 404 and
change nothing. CSRF is off in this app so that every POST reaches the object check (CSRF itself is
proven in tests/test_security.py).

Who may see what, as the code has it (engage/records/rules.py): restricted records are read by
their author, every officer and administrator, and the reviewers named on the record; a reviewer who
is not named gets 404 (existence not confirmed). Export jobs belong to a consultation, not to a
person: every officer manages every consultation, so they share its jobs; officers reach another
consultation's job only through that consultation's URL.
"""

import hashlib
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from engage.analysis.models import ResponseScan
from engage.audit import AuditEntry
from engage.extensions import db as _db
from engage.permissions import Role
from engage.records.models import EngagementRecord, RecordComment, RecordFlag, Sensitivity
from engage.responses.export_models import ExportFormat, ExportJob, ExportStatus
from engage.responses.models import AnalysisStatus, Response
from engage.stakeholders.models import ImportBatch
from engage.storage import get_storage, new_key
from tests import factories
from tests.auth import put_signed_in
from tests.conftest import csrf_token_from
from tests.responses.helpers import make_survey, respond_url, start

ATTEMPTS = []


def attempt(client, method, url, allowed=(403, 404), **kwargs):
    """Make the request and assert it was refused; count it for the figure."""
    response = client.open(url, method=method, **kwargs)
    ATTEMPTS.append((method, url, response.status_code))
    assert response.status_code in allowed, f"{method} {url}: {response.status_code}"
    return response


def signed_in(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        put_signed_in(session, user)
    return client


def put_file(content, content_type="text/plain"):
    key = new_key()
    get_storage().put(key, content, content_type)
    return key


@pytest.fixture
def world(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        w = SimpleNamespace(app=app)
        w.author = factories.UserFactory(role=Role.officer, email="author@example.org")
        w.other_officer = factories.UserFactory(role=Role.officer, email="other.officer@example.org")
        w.named = factories.UserFactory(role=Role.reviewer, email="named.reviewer@example.org")
        w.unnamed = factories.UserFactory(role=Role.reviewer, email="unnamed.reviewer@example.org")
        w.restricted = factories.EngagementRecordFactory(
            sensitivity=Sensitivity.restricted, author=w.author, reviewers=[w.named], title="Restricted canary"
        )
        w.flag = factories.RecordFlagFactory(record=w.restricted)
        w.action = factories.RecordActionFactory(record=w.restricted)
        w.attachment = factories.RecordAttachmentFactory(record=w.restricted, content=b"restricted canary file")
        w.partners = factories.EngagementRecordFactory(sensitivity=Sensitivity.partners)
        w.partners_attachment = factories.RecordAttachmentFactory(record=w.partners, content=b"partners file")

        w.ours = factories.ConsultationFactory()
        w.theirs = factories.ConsultationFactory()
        w.our_response = factories.ResponseFactory(consultation=w.ours)
        w.their_response = factories.ResponseFactory(consultation=w.theirs)
        content = b"A letter from a resident: canary"
        w.scan = ResponseScan(
            response=w.their_response,
            storage_key=put_file(content),
            filename="letter.txt",
            content_type="text/plain",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        w.job = ExportJob(
            consultation=w.theirs,
            format=ExportFormat.csv,
            status=ExportStatus.done,
            storage_key=put_file(b"reference,answer\nCANARY,secret\n", "text/csv"),
            requested_by=w.author,
        )
        w.batch = ImportBatch(
            token="an-import-of-the-author-0123456789abcdefghi",
            kind="people",
            filename="people.csv",
            created_by_id=w.author.id,
            headers=["Name"],
            rows=[["Canary Person"]],
        )
        _db.session.add_all([w.scan, w.job, w.batch])
        _db.session.commit()
        yield w


def counts():
    return {
        model.__name__: _db.session.scalar(select(func.count()).select_from(model))
        for model in (EngagementRecord, RecordComment, RecordFlag, Response, ResponseScan, ExportJob, ImportBatch)
    }


# A restricted record, to a reviewer who is not named on it ----------------------------------


def test_a_reviewer_not_named_on_a_restricted_record_gets_404_everywhere(world):
    client = signed_in(world.app, world.unnamed)
    rid = world.restricted.id
    before = counts()
    for method, url in [
        ("GET", f"/records/{rid}"),
        ("GET", f"/records/{rid}/attachments/{world.attachment.id}"),
        ("POST", f"/records/{rid}/comments"),
        ("POST", f"/records/{rid}/flags"),
        ("POST", f"/records/{rid}/reviewed"),
    ]:
        answer = attempt(client, method, url, allowed=(404,), data={"body": "x", "reason": "other", "note": "x"})
        assert b"canary" not in answer.get_data().lower()
    # Officers' routes are closed to reviewers outright.
    for method, url in [
        ("GET", f"/records/{rid}/edit"),
        ("POST", f"/records/{rid}/actions"),
        ("POST", f"/records/{rid}/flags/{world.flag.id}/resolve"),
        ("POST", f"/records/{rid}/attachments/{world.attachment.id}/delete"),
    ]:
        attempt(client, method, url, allowed=(403,))
    # Nor does the record show in lists, search, the review queue or an export.
    for url in ["/records/", "/records/?q=canary", "/records/review-queue", "/records/export.csv", "/search?q=canary"]:
        page = client.get(url)
        assert page.status_code in (200, 404), url
        assert b"Restricted canary" not in page.get_data(), url
    assert counts() == before


def test_the_named_reviewer_the_author_and_another_officer_can_read_it(world):
    rid = world.restricted.id
    for user in (world.named, world.author, world.other_officer):
        client = signed_in(world.app, user)
        assert client.get(f"/records/{rid}").status_code == 200, user.email
        assert client.get(f"/records/{rid}/attachments/{world.attachment.id}").status_code == 200


def test_guessing_ids_around_a_restricted_record_reveals_nothing_to_an_unnamed_reviewer(world):
    client = signed_in(world.app, world.unnamed)
    rid = world.restricted.id
    readable = {world.partners.id}
    for guess in range(max(1, rid - 20), rid + 21):
        answer = client.get(f"/records/{guess}")
        if guess not in readable:
            ATTEMPTS.append(("GET", f"/records/{guess}", answer.status_code))
        assert answer.status_code == (200 if guess in readable else 404), guess


# Attachments by guessed URL ---------------------------------------------------------------


def test_an_attachment_under_another_records_url_is_404_even_for_an_officer(world):
    client = signed_in(world.app, world.other_officer)
    # The partners record is readable, the attachment is real: the pair must still match.
    attempt(client, "GET", f"/records/{world.partners.id}/attachments/{world.attachment.id}", allowed=(404,))
    attempt(client, "GET", f"/records/{world.restricted.id}/attachments/{world.partners_attachment.id}", allowed=(404,))
    attempt(client, "POST", f"/records/{world.partners.id}/attachments/{world.attachment.id}/delete", allowed=(404,))
    assert _db.session.get(type(world.attachment), world.attachment.id) is not None


def test_stored_files_cannot_be_fetched_by_their_storage_key(world):
    client = signed_in(world.app, world.other_officer)
    for key in (world.attachment.storage_key, world.scan.storage_key, world.job.storage_key):
        for url in (f"/static/{key}", f"/attachments/{key}", f"/files/{key}", f"/instance/attachments/{key}"):
            attempt(client, "GET", url, allowed=(404,))


def test_anonymous_visitors_get_nothing_from_attachment_scan_or_export_urls(world):
    client = world.app.test_client()
    for url in [
        f"/records/{world.partners.id}/attachments/{world.partners_attachment.id}",
        f"/consultations/manage/{world.theirs.id}/responses/{world.their_response.id}/scan",
        f"/consultations/manage/{world.theirs.id}/exports/{world.job.id}/download",
    ]:
        answer = client.get(url)
        ATTEMPTS.append(("GET", url, answer.status_code))
        assert answer.status_code == 302 and "/account/sign-in" in answer.headers["Location"]


# A response of another consultation through this consultation's URLs ------------------------


def test_another_consultations_response_is_404_through_this_consultations_urls(world):
    client = signed_in(world.app, world.author)
    base = f"/consultations/manage/{world.ours.id}/responses/{world.their_response.id}"
    before = counts()
    for method, url in [
        ("GET", base),
        ("GET", f"{base}/scan"),
        ("GET", f"{base}/second-keying"),
        ("POST", f"{base}/second-keying"),
        ("GET", f"{base}/duplicate"),
        ("POST", f"{base}/duplicate"),
        ("POST", f"{base}/not-duplicate"),
        ("POST", f"{base}/status"),
        ("GET", f"{base}/code"),
        ("POST", f"{base}/code"),
        ("POST", f"{base}/codes/change"),
        ("POST", f"/consultations/manage/{world.ours.id}/exports/identifying/{world.their_response.id}"),
    ]:
        answer = attempt(client, method, url, allowed=(404,), data={"status": "read", "duplicate_of": "1"})
        assert world.their_response.reference.encode() not in answer.get_data()
    assert counts() == before
    _db.session.refresh(world.their_response)
    # Not even marked read, and no audit entry about it.
    assert world.their_response.analysis_status == AnalysisStatus.unread
    assert not _db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "responses")).all()
    # Through its own consultation's URL, the same officer reads it.
    own = client.get(f"/consultations/manage/{world.theirs.id}/responses/{world.their_response.id}")
    assert own.status_code == 200


def test_a_reviewer_cannot_fetch_a_response_scan_at_all(world):
    client = signed_in(world.app, world.named)
    url = f"/consultations/manage/{world.theirs.id}/responses/{world.their_response.id}/scan"
    attempt(client, "GET", url, allowed=(403,))


# Export jobs and imports ------------------------------------------------------------------


def test_an_export_job_is_404_through_another_consultations_url_and_403_to_reviewers(world):
    officer = signed_in(world.app, world.other_officer)
    for tail in ("", "/download"):
        answer = attempt(officer, "GET", f"/consultations/manage/{world.ours.id}/exports/{world.job.id}{tail}")
        assert answer.status_code == 404
        assert b"CANARY" not in answer.get_data()
    reviewer = signed_in(world.app, world.named)
    for tail in ("", "/download"):
        attempt(
            reviewer, "GET", f"/consultations/manage/{world.theirs.id}/exports/{world.job.id}{tail}", allowed=(403,)
        )
    # No download was audited by any of these attempts.
    assert not _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()


def test_another_officers_import_is_404(world):
    client = signed_in(world.app, world.other_officer)
    attempt(client, "GET", f"/stakeholders/import/{world.batch.token}", allowed=(404,))
    attempt(client, "POST", f"/stakeholders/import/{world.batch.token}", allowed=(404,))
    attempt(client, "POST", f"/stakeholders/import/{world.batch.token}/confirm", allowed=(404,))
    assert _db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1


# A resume link for someone else's draft ----------------------------------------------------


def saved_link(client, q):
    """Start a response, answer page 1 (17 visits), save it, and return the private resume token."""
    import re

    start(client, q, action="save", **{f"q{q.used.id}": str(q.used.options[2].id), f"q{q.times.id}": "17"})
    page = client.get(respond_url(q, "/saved")).get_data(as_text=True)
    return re.search(r'id="resume-link">[^<]*/respond/resume/([^<]+)<', page).group(1)


def altered(token):
    """The token with one character changed."""
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


def test_forged_or_altered_resume_links_bring_back_no_draft(app, client):
    q = make_survey()
    other_q = make_survey()
    resident = app.test_client()
    token = saved_link(resident, q)

    for bad in [altered(token), token[:-4], token + "x", "A" * len(token), "x" * 101, "../" + token]:
        url = respond_url(q, f"/resume/{bad}")
        answer = client.get(url)
        ATTEMPTS.append(("GET", url, answer.status_code))
        assert answer.status_code in (400, 404), bad
        with client.session_transaction() as session:
            assert not [key for key in session if key.startswith("response_draft_")]
    # A real token under another consultation's address brings nothing either.
    other_url = f"/consultations/{other_q.consultation.slug}/respond/resume/{token}"
    answer = client.get(other_url)
    ATTEMPTS.append(("GET", other_url, answer.status_code))
    assert answer.status_code == 400
    # The stranger's browser still has no draft: the start page shows none of its answers.
    assert 'value="17"' not in client.get(respond_url(q)).get_data(as_text=True)
    # Only the real token, at its own consultation, restores the draft.
    assert client.get(respond_url(q, f"/resume/{token}")).status_code == 302
    assert 'value="17"' in client.get(respond_url(q)).get_data(as_text=True)


def test_the_csrf_token_of_one_resident_does_not_post_for_another(app):
    q = make_survey()
    first, second = app.test_client(), app.test_client()
    token = csrf_token_from(first.get(respond_url(q)))
    answer = second.post(respond_url(q), data={"csrf_token": token, "consent": "y", "respondent_type": "individual"})
    assert answer.status_code == 400


def test_zz_figure(capsys):
    """Print the figure for CI (runs last in this module)."""
    with capsys.disabled():
        refused = sum(1 for _m, _u, status in ATTEMPTS if status in (302, 400, 403, 404))
        print(f"\nsecurity: idor_attempts={len(ATTEMPTS)} refused={refused} idor_leaks={len(ATTEMPTS) - refused}")
