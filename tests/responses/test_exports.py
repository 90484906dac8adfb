"""Officers export a consultation's responses as CSV and XLSX, straight away or as a background job."""

import csv
import io
import re
import socket
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.exports import FORMULA_TRIGGERS
from engage.permissions import Role
from engage.responses import exports
from engage.responses.export_models import ExportJob, ExportStatus
from engage.responses.models import Answer, EqualityAnswer, RespondentType, ResponseChannel
from engage.surveys.models import QuestionKind
from tests import factories
from tests.conftest import csrf_token_from

EVIL = '=HYPERLINK("http://evil","click")'


class Survey:
    pass


def make_export_survey(consultation=None):
    """A survey with a question of each kind, an equality page, and hostile wording everywhere."""
    s = Survey()
    consultation = consultation or factories.ConsultationFactory()
    survey = factories.SurveyFactory(consultation=consultation)
    page = factories.SurveyPageFactory(survey=survey, position=1)
    s.consultation = consultation
    s.choice = factories.QuestionFactory(
        page=page, position=1, kind=QuestionKind.single_choice, text="Which centre?", options=["Maidstone", "-Dover"]
    )
    s.multi = factories.QuestionFactory(
        page=page,
        position=2,
        kind=QuestionKind.multiple_choice,
        text="=How do you travel?",
        options=["Bus", "Car", "Walk"],
    )
    s.yes_no = factories.QuestionFactory(page=page, position=3, kind=QuestionKind.yes_no, text="Have you been?")
    s.number = factories.QuestionFactory(page=page, position=4, kind=QuestionKind.number, text="How many times?")
    s.when = factories.QuestionFactory(page=page, position=5, kind=QuestionKind.date, text="When did you last go?")
    s.postcode = factories.QuestionFactory(page=page, position=6, kind=QuestionKind.postcode, text="Your postcode")
    s.comment = factories.QuestionFactory(page=page, position=7, kind=QuestionKind.long_text, text="Anything else?")
    equality = factories.SurveyPageFactory(survey=survey, position=2, is_equality=True)
    s.age = factories.QuestionFactory(
        page=equality,
        position=1,
        kind=QuestionKind.single_choice,
        text="Your age",
        equality_key="age_band",
        options=["18 to 24", "Prefer not to say"],
    )
    return s


def add_response(s, **overrides):
    values = {
        "consultation": s.consultation,
        "organisation_name": "@SUM(A1:A9)",
        "respondent_type": RespondentType.organisation,
        "channel": ResponseChannel.post,
        "flagged": True,
        "flag_reason": "+44 123 duplicate?",
        # 12:30 UTC in July is 13:30 in London.
        "submitted_at": datetime(2026, 7, 1, 12, 30, tzinfo=UTC),
    }
    values.update(overrides)
    response = factories.ResponseFactory(**values)
    db = factories.db
    db.session.add_all(
        [
            Answer(response=response, question_id=s.choice.id, option_id=s.choice.options[1].id),
            Answer(response=response, question_id=s.multi.id, option_id=s.multi.options[0].id),
            Answer(response=response, question_id=s.multi.id, option_id=s.multi.options[2].id),
            Answer(response=response, question_id=s.yes_no.id, text="yes"),
            Answer(response=response, question_id=s.number.id, number=-3),
            Answer(response=response, question_id=s.when.id, text="2026-06-30"),
            Answer(response=response, question_id=s.postcode.id, text="ME14 1XX"),
            Answer(response=response, question_id=s.comment.id, text=EVIL),
            EqualityAnswer(response_id=response.id, question_id=s.age.id, option_id=s.age.options[0].id),
        ]
    )
    db.session.flush()
    return response


def export_url(s, suffix=""):
    return f"/consultations/manage/{s.consultation.id}/exports{suffix}"


def post_export(client, s, **data):
    token = csrf_token_from(client.get(export_url(s)))
    return client.post(export_url(s), data={"csrf_token": token, "format": "csv", **data})


def read_csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def assert_no_formula(values):
    """No text cell could start a formula (a number, such as -3 from a number question, is data)."""
    for value in values:
        if isinstance(value, str) and not re.fullmatch(r"-?\d+", value):
            assert not value.startswith(FORMULA_TRIGGERS), value


def test_csv_export_has_one_row_per_response_with_options_spread_and_london_time(app, client, login_as, officer):
    s = make_export_survey()
    first = add_response(s)
    add_response(s, submitted_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC), flagged=False, flag_reason="")
    login_as(officer)

    response = post_export(client, s)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:8] == exports.BASE_HEADER
    assert header[8:] == [
        "1. Which centre?",
        "2. =How do you travel?: Bus",
        "2. =How do you travel?: Car",
        "2. =How do you travel?: Walk",
        "3. Have you been?",
        "4. How many times?",
        "5. When did you last go?",
        "6. Your postcode",
        "7. Anything else?",
    ]
    assert len(rows) == 2
    row = dict(zip(header, rows[0], strict=True))
    assert row["Reference"] == first.reference
    assert row["Submitted (UK time)"] == "2026-07-01 13:30"
    assert row["Channel"] == "Post"
    assert row["Respondent type"] == "On behalf of an organisation"
    assert row["Organisation"] == "'@SUM(A1:A9)"
    assert row["Flagged"] == "Yes"
    assert row["Flag reason"] == "'+44 123 duplicate?"
    assert row["1. Which centre?"] == "'-Dover"
    assert [row[h] for h in header[9:12]] == ["1", "", "1"]
    assert row["3. Have you been?"] == "Yes"
    assert row["4. How many times?"] == "-3"  # a number stays a number
    assert row["5. When did you last go?"] == "2026-06-30"
    assert row["7. Anything else?"] == "'" + EVIL
    # No equality columns unless asked for.
    assert not any(h.startswith("Equality") for h in header)
    assert rows[1][1] == "2026-12-01 09:00"  # GMT in December
    for line in rows:
        assert_no_formula(line)


def test_equality_answers_are_exported_only_when_the_officer_ticks_them(app, client, login_as, officer):
    s = make_export_survey()
    add_response(s)
    login_as(officer)

    header, row = read_csv(post_export(client, s, equality="y"))

    assert header[-1] == "Equality: 8. Your age"
    assert row[-1] == "18 to 24"
    entry = factories.db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.object_type == "consultations"
    assert entry.changed_fields == ["delivery:download", "equality_answers", "format:csv"]


def test_xlsx_export_has_dates_as_dates_numbers_as_numbers_and_no_formula_anywhere(app, client, login_as, officer):
    s = make_export_survey()
    add_response(s)
    login_as(officer)

    response = post_export(client, s, format="xlsx", equality="y")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    header = [c.value for c in rows[0]]
    values = dict(zip(header, rows[1], strict=True))
    assert values["Submitted (UK time)"].value == datetime(2026, 7, 1, 13, 30)
    assert values["5. When did you last go?"].value == datetime(2026, 6, 30)
    assert values["5. When did you last go?"].is_date
    assert values["4. How many times?"].value == -3
    assert values["2. =How do you travel?: Walk"].value == 1
    assert values["2. =How do you travel?: Car"].value is None
    assert values["7. Anything else?"].value == "'" + EVIL
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            assert_no_formula([cell.value])


def test_exporting_a_consultation_with_no_responses_says_so_instead_of_an_empty_file(app, client, login_as, officer):
    s = make_export_survey()
    login_as(officer)

    page = client.get(export_url(s))
    assert "This consultation has no responses yet, so there is nothing to export." in page.get_data(as_text=True)

    response = post_export(client, s)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "There is a problem" in text
    assert "<title>Error: " in text
    assert factories.db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export")) is None


def test_a_consultation_without_a_survey_exports_the_response_details(app, client, login_as, officer):
    consultation = factories.ConsultationFactory()
    factories.ResponseFactory(consultation=consultation, channel=ResponseChannel.email)
    s = Survey()
    s.consultation = consultation
    login_as(officer)

    header, row = read_csv(post_export(client, s))

    assert header == exports.BASE_HEADER
    assert row[2] == "Email"


def test_reviewers_cannot_export_and_the_consultation_page_links_officers_to_it(app, client, login_as, officer):
    s = make_export_survey()
    add_response(s)
    login_as(factories.UserFactory(role=Role.reviewer))
    assert client.get(export_url(s)).status_code == 403
    login_as(officer)
    page = client.get(f"/consultations/manage/{s.consultation.id}")
    assert export_url(s) in page.get_data(as_text=True)


def test_a_large_export_runs_as_a_job_with_progress_then_a_download(make_app, login_as, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)  # several batches, with a progress commit between them
    app = make_app(EXPORT_INLINE_MAX_ROWS=2, EXPORT_RUNNER="inline")
    with app.app_context():
        client = app.test_client()
        officer = factories.UserFactory(role=Role.officer)
        s = make_export_survey()
        for _ in range(3):
            add_response(s)
        login_as(officer, on=client)

        response = post_export(client, s, format="xlsx")

        assert response.status_code == 303
        job = factories.db.session.scalars(select(ExportJob)).one()
        assert response.headers["Location"].endswith(export_url(s, f"/{job.id}"))
        assert job.status == ExportStatus.done
        assert (job.rows_done, job.rows_total) == (3, 3)
        page = client.get(export_url(s, f"/{job.id}")).get_data(as_text=True)
        assert "Download the file" in page
        assert 'http-equiv="refresh"' not in page

        download = client.get(export_url(s, f"/{job.id}/download"))
        assert download.status_code == 200
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Cache-Control"] == "no-store"
        sheet = openpyxl.load_workbook(io.BytesIO(download.get_data())).active
        assert sheet.max_row == 4
        actions = factories.db.session.scalars(select(AuditEntry.changed_fields).where(AuditEntry.action == "export"))
        assert ["download", "format:xlsx"] in list(actions)

        # Another officer may download it; a reviewer may not.
        login_as(factories.UserFactory(role=Role.reviewer), on=client)
        assert client.get(export_url(s, f"/{job.id}/download")).status_code == 403


def test_a_job_still_running_shows_its_progress_and_refreshes_itself(app, client, login_as, officer):
    s = make_export_survey()
    add_response(s)
    job = ExportJob(consultation_id=s.consultation.id, format="csv", options={}, rows_total=4, rows_done=1)
    job.status = ExportStatus.running
    factories.db.session.add(job)
    login_as(officer)

    page = client.get(export_url(s, f"/{job.id}")).get_data(as_text=True)

    assert '<meta http-equiv="refresh" content="3">' in page
    assert "25%" in page
    download = client.get(export_url(s, f"/{job.id}/download"))
    assert download.status_code == 302
    # A job of another consultation is not found here.
    other = make_export_survey()
    assert client.get(export_url(other, f"/{job.id}")).status_code == 404


def test_a_failed_job_says_so_and_keeps_no_file(make_app, login_as, monkeypatch):
    app = make_app(EXPORT_INLINE_MAX_ROWS=1, EXPORT_RUNNER="inline")
    with app.app_context():
        client = app.test_client()
        s = make_export_survey()
        add_response(s)
        login_as(factories.UserFactory(role=Role.officer), on=client)

        def broken(*args, **kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(exports, "write_csv", broken)
        response = post_export(client, s)
        job = factories.db.session.scalars(select(ExportJob)).one()
        assert job.status == ExportStatus.failed
        assert job.storage_key is None
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert exports.FAILED_MESSAGE in page


def test_a_job_in_a_thread_finishes_and_a_job_is_never_run_twice(make_app, tmp_path, monkeypatch):
    import os
    import threading

    priorities = []
    real_run_job = exports.run_job

    def spy(job_id):
        priorities.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        real_run_job(job_id)

    monkeypatch.setattr(exports, "run_job", spy)
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'threads.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url, EXPORT_RUNNER="thread")
    with app.app_context():
        s = make_export_survey()
        add_response(s)
        officer = factories.UserFactory(role=Role.officer)
        job = exports.create_job(s.consultation, actor=officer, fmt="csv", include_equality=False)
        factories.db.session.commit()
        thread = exports.dispatch(job.id)
        thread.join(30)
        factories.db.session.expire_all()
        job = factories.db.session.get(ExportJob, job.id)
        assert job.status == ExportStatus.done
        # Residents first: the export's thread ran at a lower CPU priority than the web request's.
        assert priorities == [min(19, os.getpriority(os.PRIO_PROCESS, 0) + exports.EXPORT_NICENESS)]
        key = job.storage_key
        exports.run_job(job.id)  # a second pick-up of the same job changes nothing
        factories.db.session.expire_all()
        assert factories.db.session.get(ExportJob, job.id).storage_key == key
        from engage.storage import get_storage

        with get_storage().open(key) as fh:
            assert fh.read().decode("utf-8-sig").count("\n") == 2


def _redis_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_the_job_goes_to_rq_with_no_time_limit(make_app):
    from redis import Redis
    from rq import Queue

    name = f"engage-exports-test-{datetime.now(UTC).timestamp()}"
    app = make_app(EXPORT_RUNNER="auto", REDIS_URL="redis://127.0.0.1:6379/15", EXPORT_RQ_QUEUE=name)
    with app.app_context():
        s = make_export_survey()
        add_response(s)
        job = exports.create_job(s.consultation, actor=None, fmt="csv", include_equality=False)
        factories.db.session.commit()
        assert exports.dispatch(job.id) is None
        queue = Queue(name, connection=Redis.from_url("redis://127.0.0.1:6379/15"))
        try:
            (queued,) = queue.jobs
            assert queued.func_name == "engage.responses.exports.rq_job"
            assert queued.args == (job.id,)
            assert queued.timeout == -1
        finally:
            queue.empty()
            queue.delete(delete_jobs=True)


def test_without_a_reachable_redis_the_job_still_runs_in_a_thread(make_app, tmp_path):
    import os

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'fallback.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url, EXPORT_RUNNER="rq", REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        s = make_export_survey()
        add_response(s)
        job = exports.create_job(s.consultation, actor=None, fmt="xlsx", include_equality=True)
        factories.db.session.commit()
        thread = exports.dispatch(job.id)
        thread.join(30)
        factories.db.session.expire_all()
        assert factories.db.session.get(ExportJob, job.id).status == ExportStatus.done


def test_an_officer_marks_text_answers_that_identify_someone(app, client, login_as, officer):
    s = make_export_survey()
    response = add_response(s)
    comment = next(a for a in response.answers if a.question_id == s.comment.id)
    login_as(officer)

    page = client.get(export_url(s, "/identifying"), query_string={"reference": response.reference.lower()})
    text = page.get_data(as_text=True)
    assert "Anything else?" in text
    assert "Your postcode" not in text  # only free text can be marked
    token = csrf_token_from(page)
    saved = client.post(
        export_url(s, f"/identifying/{response.id}"), data={"csrf_token": token, "identifying": str(comment.id)}
    )
    assert saved.status_code == 303
    assert factories.db.session.get(Answer, comment.id).identifying is True
    entry = factories.db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "answers")).one()
    assert entry.changed_fields == ["identifying"]

    missing = client.get(export_url(s, "/identifying"), query_string={"reference": "NOPE-0000"})
    assert "No response to this consultation has that reference" in missing.get_data(as_text=True)
    assert "<title>Error: " in missing.get_data(as_text=True)


def test_rows_are_read_in_batches_and_progress_is_reported(app):
    s = make_export_survey()
    for _ in range(5):
        add_response(s)
    seen = []
    plan = exports.ExportPlan(s.consultation.survey, include_equality=True)
    rows = list(exports.iter_rows(s.consultation.id, plan, for_xlsx=True, progress=seen.append, batch=2))
    assert len(rows) == 5
    assert seen == [2, 4, 5]
    assert rows[0][plan.header.index("5. When did you last go?")] == date(2026, 6, 30)


def _old_job(s, status, minutes_ago, **fields):
    then = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    job = ExportJob(consultation_id=s.consultation.id, format="csv", options={}, rows_total=4, rows_done=1, **fields)
    job.status, job.created_at = status, then
    factories.db.session.add(job)
    factories.db.session.flush()
    return job


def test_a_job_whose_worker_died_shows_as_failed_and_a_live_one_keeps_running(app, client, login_as, officer):
    s = make_export_survey()
    now = datetime.now(UTC)
    dead = _old_job(s, ExportStatus.running, 60, heartbeat_at=now - timedelta(minutes=20))
    alive = _old_job(s, ExportStatus.running, 60, heartbeat_at=now - timedelta(minutes=1))
    never = _old_job(s, ExportStatus.queued, 20)
    login_as(officer)

    page = client.get(export_url(s, f"/{dead.id}")).get_data(as_text=True)

    assert exports.STOPPED_MESSAGE in page
    assert 'http-equiv="refresh"' not in page
    assert dead.status == ExportStatus.failed
    assert alive.status == ExportStatus.running
    assert 'http-equiv="refresh"' in client.get(export_url(s, f"/{alive.id}")).get_data(as_text=True)
    assert exports.NEVER_STARTED_MESSAGE in client.get(export_url(s, f"/{never.id}")).get_data(as_text=True)
    reasons = factories.db.session.scalars(
        select(AuditEntry.changed_fields).where(AuditEntry.object_type == "export_jobs", AuditEntry.action == "update")
    )
    assert sorted(f for fields in reasons for f in fields if f.startswith("reason:")) == [
        "reason:queued past the time limit",
        "reason:running past the time limit",
    ]


def test_the_sweep_deletes_old_export_files_and_says_so_on_the_page(app, client, login_as, officer):
    from engage.storage import get_storage, new_key

    s = make_export_survey()
    storage = get_storage()
    old_key, new_key_ = new_key(), new_key()
    storage.put(old_key, b"Reference\n", "text/csv")
    storage.put(new_key_, b"Reference\n", "text/csv")
    now = datetime.now(UTC)
    old = _old_job(s, ExportStatus.done, 9 * 1440, storage_key=old_key, finished_at=now - timedelta(days=8))
    recent = _old_job(s, ExportStatus.done, 1440, storage_key=new_key_, finished_at=now - timedelta(days=1))
    factories.db.session.commit()

    result = app.test_cli_runner().invoke(args=["exports", "sweep"])

    assert result.exit_code == 0, result.output
    assert "Export files deleted: 1." in result.output
    factories.db.session.refresh(old)
    assert (old.status, old.storage_key) == (ExportStatus.expired, None)
    assert not storage.exists(old_key)
    assert storage.exists(new_key_) and recent.status == ExportStatus.done
    login_as(officer)
    download = client.get(export_url(s, f"/{old.id}/download"), follow_redirects=True).get_data(as_text=True)
    assert "file has been deleted" in download
    assert "Start a new export" in download
    # Cron-safe: a second run finds nothing more to do.
    assert "Export files deleted: 0." in app.test_cli_runner().invoke(args=["exports", "sweep"]).output
