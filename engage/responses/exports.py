"""All the responses of a consultation as CSV or XLSX, one row per response, streamed in flat memory.

Columns: reference, submitted (London time), channel, respondent type, organisation, publish consent,
flagged and why, then one column per question in survey order; a multiple choice question is spread
into one column per option (1 when picked, blank otherwise). Equality monitoring answers come last,
only when the officer asks for them. Every text cell goes through engage.exports.safe_cell, so a
respondent's "=HYPERLINK(...)" is shown as text and never run.

Responses are read in batches by id (keyset), so a million rows never sit in memory at once; small
exports are streamed straight to the browser, large ones are written to a file by a background job
(RQ when REDIS_URL is set, else a thread in this process) and kept in engage.storage for download.
"""

import csv
import io
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import String, bindparam, func, select, type_coerce, update

from engage import audit
from engage.dates import now_utc
from engage.exports import FORMULA_TRIGGERS, safe_cell, write_xlsx_stream
from engage.extensions import db
from engage.responses.export_models import ExportFormat, ExportJob, ExportStatus
from engage.responses.models import (
    Answer,
    EqualityAnswer,
    PublishConsent,
    RespondentType,
    Response,
    ResponseChannel,
)
from engage.storage import StorageError, get_storage, new_key
from engage.surveys.models import YES_NO, QuestionKind

log = logging.getLogger(__name__)

#: Responses read per query; their answers come in one more query.
BATCH = 5000
#: How much lower than normal (0) the CPU priority of a running export is: residents come first.
EXPORT_NICENESS = 10
#: Where the exports RQ queue lives (workers: ``rq worker --url $REDIS_URL engage-exports``).
RQ_QUEUE = "engage-exports"
BASE_HEADER = [
    "Reference",
    "Submitted (UK time)",
    "Channel",
    "Respondent type",
    "Organisation",
    "Publish consent",
    "Flagged",
    "Flag reason",
]
FAILED_MESSAGE = "The export could not be completed. Try again; if it fails again, tell an administrator."
STOPPED_MESSAGE = "The export stopped before it finished (the process running it ended). Start a new export."
NEVER_STARTED_MESSAGE = "The export never started: no export worker picked it up. Tell an administrator."

_CHANNELS = {c: c.label for c in ResponseChannel}
_CHANNELS.update({c.value: c.label for c in ResponseChannel})
_TYPES = {t: t.label for t in RespondentType}
_TYPES.update({t.value: t.label for t in RespondentType})
_CONSENTS = {
    PublishConsent.anonymous: "Publish without name",
    PublishConsent.named: "Publish with name",
    PublishConsent.no: "Do not publish",
}
_CONSENTS.update({k.value: v for k, v in list(_CONSENTS.items())})
_YES_NO = {key: label for key, label in YES_NO}

_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)


def _safe_text(text):
    """safe_cell for a non-empty string, with the common case (nothing to change) first."""
    if text[0] in _TRIGGER_CHARS or "\0" in text:
        return safe_cell(text)
    return text


# What to do with an answer row, by question.
_OPTION, _MULTI, _YESNO, _NUMBER, _DATE, _TEXT = range(6)


class NoResponses(Exception):
    """The consultation has no responses: there is nothing to export."""


class ExportPlan:
    """The header and, per question, where and how its answers go in a row."""

    def __init__(self, survey, *, include_equality=False):
        self.header = list(BASE_HEADER)
        self.handlers = {}
        self.equality_handlers = {}
        self.include_equality = include_equality
        #: Spreadsheet number formats: the submitted time, and date answers.
        self.column_formats = {1: "datetime"}
        if survey is None:
            return
        number = 0
        for page in survey.pages:
            if page.is_equality and not include_equality:
                continue
            for question in page.questions:
                number += 1
                target = self.equality_handlers if page.is_equality else self.handlers
                prefix = "Equality: " if page.is_equality else ""
                target[question.id] = self._add(question, f"{prefix}{number}. {question.text}")
        self.width = len(self.header)

    width = len(BASE_HEADER)

    def _add(self, question, title):
        kind = question.kind
        if kind == QuestionKind.multiple_choice:
            columns = {}
            for option in question.options:
                columns[option.id] = len(self.header)
                self.header.append(f"{title}: {option.label}")
            return (_MULTI, columns)
        column = len(self.header)
        self.header.append(title)
        if kind.has_options:
            return (_OPTION, column, {o.id: safe_cell(o.label) for o in question.options})
        if kind == QuestionKind.yes_no:
            return (_YESNO, column)
        if kind in (QuestionKind.number, QuestionKind.rating):
            return (_NUMBER, column)
        if kind == QuestionKind.date:
            self.column_formats[column] = "date"
            return (_DATE, column)
        return (_TEXT, column)

    @property
    def question_ids(self):
        return list(self.handlers)

    @property
    def equality_question_ids(self):
        return list(self.equality_handlers)


def _fill(row, handlers, answers, for_xlsx):
    for _response_id, question_id, option_id, text, number in answers:
        handler = handlers.get(question_id)
        if handler is None:
            continue
        kind = handler[0]
        if kind == _MULTI:
            column = handler[1].get(option_id)
            if column is not None:
                row[column] = 1
        elif kind == _OPTION:
            row[handler[1]] = handler[2].get(option_id)
        elif kind == _NUMBER:
            row[handler[1]] = number
        elif kind == _YESNO:
            row[handler[1]] = _YES_NO.get(text) or (_safe_text(text) if text else None)
        elif kind == _DATE and for_xlsx:
            try:
                row[handler[1]] = date.fromisoformat(text)
            except ValueError:
                row[handler[1]] = _safe_text(text) if text else None
        else:
            row[handler[1]] = _safe_text(text) if text else None


def count_responses(consultation_id):
    return db.session.scalar(select(func.count(Response.id)).where(Response.consultation_id == consultation_id))


def _answers_between(table):
    """SQL for the answers of a range of response ids, as (response_id, question_id, option_id, text, number)."""
    c = table.c
    return select(c.response_id, c.question_id, c.option_id, c.text, c.number).where(
        c.response_id.between(bindparam("low"), bindparam("high"))
    )


def _raw_rows(connection, statement, low, high):
    """Run ``statement`` on the DB-API cursor: plain tuples, without SQLAlchemy's Row per answer (which
    was half the export's time). Every column is an integer or text, so no type processing is lost."""
    compiled = statement.compile(dialect=connection.dialect)
    params = compiled.construct_params({"low": low, "high": high})
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def iter_rows(consultation_id, plan, *, for_xlsx=False, progress=None, batch=BATCH):
    """Yield one list per response, in the order received (by id).

    Values are ready to write: text already through safe_cell, None for blank; the submitted time is a
    "YYYY-MM-DD HH:MM" London string for CSV, a naive London datetime for XLSX (and date answers dates).

    :param progress: called with the number of rows done after each batch.
    """
    from engage.dates import to_london

    width = plan.width
    base = (
        Response.id,
        Response.reference,
        Response.submitted_at,
        # The stored values as plain strings (the labels are looked up by value): no enum per row.
        type_coerce(Response.channel, String),
        type_coerce(Response.respondent_type, String),
        Response.organisation_name,
        type_coerce(Response.publish_consent, String),
        Response.flagged,
        Response.flag_reason,
    )
    answers_sql = _answers_between(Answer.__table__)
    equality_sql = _answers_between(EqualityAnswer.__table__)
    question_ids = plan.question_ids
    equality_ids = plan.equality_question_ids
    last_id = 0
    done = 0
    while True:
        # Core on the session's connection: plain rows, without the ORM's per-row work. Asked for
        # again each batch, since ``progress`` may commit (which hands the connection back).
        session = db.session.connection()
        responses = session.execute(
            select(*base)
            .where(Response.consultation_id == consultation_id, Response.id > last_id)
            .order_by(Response.id)
            .limit(batch)
        ).all()
        if not responses:
            break
        low, high = responses[0][0], responses[-1][0]
        last_id = high
        by_response = {}
        if question_ids:
            # By response id range only, so the database walks the response_id index; answers to
            # other consultations' questions in the range are skipped by the handlers.
            for answer in _raw_rows(session, answers_sql, low, high):
                by_response.setdefault(answer[0], []).append(answer)
        equality = {}
        if equality_ids:
            for answer in _raw_rows(session, equality_sql, low, high):
                equality.setdefault(answer[0], []).append(answer)
        handlers = plan.handlers
        equality_handlers = plan.equality_handlers
        for rid, reference, submitted, channel, rtype, organisation, consent, flagged, reason in responses:
            london = to_london(submitted)
            row = [
                _safe_text(reference) if reference else None,
                london.replace(tzinfo=None) if for_xlsx else london.strftime("%Y-%m-%d %H:%M"),
                _CHANNELS.get(channel, ""),
                _TYPES.get(rtype, ""),
                _safe_text(organisation) if organisation else None,
                _CONSENTS.get(consent, ""),
                "Yes" if flagged else "No",
                _safe_text(reason) if reason else None,
            ]
            row.extend([None] * (width - 8))
            answers = by_response.get(rid)
            if answers:
                _fill(row, handlers, answers, for_xlsx)
            if equality:
                answers = equality.get(rid)
                if answers:
                    _fill(row, equality_handlers, answers, for_xlsx)
            yield row
        done += len(responses)
        if progress is not None:
            progress(done)


def write_csv(binary_file, header, rows):
    """Write a UTF-8 CSV (with a BOM, so Excel reads the accents) to an open binary file."""
    text = io.TextIOWrapper(binary_file, encoding="utf-8", newline="", write_through=False)
    try:
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows(rows)
        text.flush()
    finally:
        text.detach()


def write_xlsx(binary_file, plan, rows):
    """Write an XLSX in flat memory: text never read as formulas or links; times and dates as such."""
    write_xlsx_stream(binary_file, plan.header, rows, sheet_name="Responses", column_formats=plan.column_formats)


def filename_for(consultation, fmt):
    stamp = now_utc().strftime("%Y%m%d")
    return f"responses-{consultation.slug}-{stamp}.{fmt}"


def plan_for(consultation, include_equality):
    from engage.responses import queries

    return ExportPlan(queries.survey_for(consultation.id), include_equality=include_equality)


def record_export(actor, consultation, fmt, include_equality, *, how):
    """Log who exported which consultation's responses, in what form (no content)."""
    fields = [f"format:{fmt}", f"delivery:{how}"]
    if include_equality:
        fields.append("equality_answers")
    audit.record(actor, "export", consultation, fields)


# --- Background jobs -------------------------------------------------------------------------------


def create_job(consultation, *, actor, fmt, include_equality):
    """Queue an export of ``consultation``'s responses (the caller commits, then calls dispatch)."""
    job = ExportJob(
        consultation_id=consultation.id,
        format=ExportFormat(fmt),
        options={"equality": bool(include_equality)},
        status=ExportStatus.queued,
        rows_total=count_responses(consultation.id),
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    db.session.flush()
    record_export(actor, consultation, fmt, include_equality, how="background")
    audit.record(actor, "create", job, ["consultation_id", "format", "options"])
    return job


def dispatch(job_id):
    """Start the committed job: on RQ when REDIS_URL is set, else in a thread of this process.

    EXPORT_RUNNER may force "rq", "thread" or "inline" (run now, in this request: tests only).
    Returns the thread when one was started. A job is never given a time limit.
    """
    app = current_app._get_current_object()
    runner = app.config.get("EXPORT_RUNNER", "auto")
    if runner == "auto":
        runner = "rq" if app.config.get("REDIS_URL") else "thread"
    if runner == "inline":
        run_job(job_id)
        return None
    if runner == "rq":
        try:
            from redis import Redis
            from rq import Queue

            queue = Queue(
                app.config.get("EXPORT_RQ_QUEUE", RQ_QUEUE), connection=Redis.from_url(app.config["REDIS_URL"])
            )
            queue.enqueue(
                "engage.responses.exports.rq_job",
                job_id,
                job_timeout=-1,
                result_ttl=3600,
                failure_ttl=7 * 86400,
                description=f"export job {job_id}",
            )
            return None
        except Exception:  # noqa: BLE001 (Redis down: the export still runs, here)
            log.warning("could not queue export job %s on RQ; running it in a thread", job_id, exc_info=True)
    thread = threading.Thread(target=_thread_main, args=(app, job_id), name=f"export-{job_id}", daemon=True)
    thread.start()
    return thread


def _lower_priority():
    """Let residents' requests go first: the export runs at a lower CPU priority (Linux: per thread).

    The job's thread or RQ worker process is reniced by EXPORT_NICENESS (default 10) below its
    process's own priority, so while a large export runs, web workers sharing the machine keep
    their speed; the export takes what is left.
    """
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + EXPORT_NICENESS))
    except (AttributeError, OSError):  # not Linux, or not permitted: run at normal priority
        log.info("export job runs at normal CPU priority")


def _thread_main(app, job_id):
    _lower_priority()
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


_worker_app = None


def rq_job(job_id):
    """The function an RQ worker runs: builds the app once per worker process, then runs the job."""
    global _worker_app
    _lower_priority()
    if _worker_app is None:
        from engage import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def run_job(job_id):
    """Write the export file, keep it in storage and mark the job done (or failed). Commits as it goes.

    A job that is not queued (already running, done, or picked up twice) is left alone.
    """
    claimed = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.queued)
        .values(status=ExportStatus.running, heartbeat_at=now_utc())
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    job = db.session.get(ExportJob, job_id)
    key = None
    try:
        plan = plan_for(job.consultation, bool((job.options or {}).get("equality")))
        total = count_responses(job.consultation_id)
        job.rows_total = total
        db.session.commit()
        fmt = job.format
        consultation_id = job.consultation_id

        def progress(done):
            db.session.execute(
                update(ExportJob).where(ExportJob.id == job_id).values(rows_done=done, heartbeat_at=now_utc())
            )
            db.session.commit()

        with tempfile.TemporaryFile() as spool:
            rows = iter_rows(consultation_id, plan, for_xlsx=fmt == ExportFormat.xlsx, progress=progress, batch=BATCH)
            if fmt == ExportFormat.xlsx:
                write_xlsx(spool, plan, rows)
            else:
                write_csv(spool, plan.header, rows)
            spool.seek(0)
            key = new_key()
            get_storage().put_file(key, spool, fmt.content_type)
        job = db.session.get(ExportJob, job_id)
        job.storage_key = key
        job.status = ExportStatus.done
        job.rows_done = max(job.rows_done, total)
        job.finished_at = now_utc()
        db.session.commit()
    except Exception:
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        if key is not None:
            try:
                get_storage().delete(key)
            except StorageError:
                log.warning("could not remove the file of failed export job %s", job_id)
        db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id)
            .values(status=ExportStatus.failed, error=FAILED_MESSAGE, finished_at=now_utc())
        )
        db.session.commit()


# --- Sweeping: jobs whose runner died, and old files ----------------------------------------------


@dataclass
class SweepSummary:
    stopped: int = 0
    never_started: int = 0
    files_deleted: int = 0

    @property
    def total(self):
        return self.stopped + self.never_started + self.files_deleted

    def text(self):
        return (
            f"Export jobs marked failed: {self.stopped} stopped running, {self.never_started} never started. "
            f"Export files deleted: {self.files_deleted}."
        )


def fail_stale_jobs(consultation_id=None, now=None):
    """Mark failed the jobs whose runner must have died: running but silent, or never picked up.

    A running job writes a heartbeat with every batch, so one silent for EXPORT_STALE_MINUTES has lost
    its worker (killed, redeployed); a queued job that old was never picked up (no RQ worker). Runs
    when an officer looks at the exports and from ``flask exports sweep``; the caller commits.
    """
    now = now or now_utc()
    cutoff = now - timedelta(minutes=current_app.config["EXPORT_STALE_MINUTES"])
    summary = SweepSummary()
    stale = (
        (ExportStatus.running, func.coalesce(ExportJob.heartbeat_at, ExportJob.created_at) < cutoff, STOPPED_MESSAGE),
        (ExportStatus.queued, ExportJob.created_at < cutoff, NEVER_STARTED_MESSAGE),
    )
    for status, too_old, message in stale:
        query = select(ExportJob).where(ExportJob.status == status, too_old)
        if consultation_id is not None:
            query = query.where(ExportJob.consultation_id == consultation_id)
        for job in db.session.scalars(query).all():
            job.status, job.error, job.finished_at = ExportStatus.failed, message, now
            audit.record(None, "update", job, ["status:failed", f"reason:{status.value} past the time limit"])
            if status == ExportStatus.running:
                summary.stopped += 1
            else:
                summary.never_started += 1
    return summary


def sweep(now=None):
    """``flask exports sweep``: fail dead jobs, and delete finished files older than EXPORT_KEEP_DAYS.

    Cron-safe and idempotent. The caller commits.
    """
    now = now or now_utc()
    summary = fail_stale_jobs(now=now)
    cutoff = now - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    old = db.session.scalars(
        select(ExportJob).where(ExportJob.status == ExportStatus.done, ExportJob.finished_at < cutoff)
    ).all()
    storage = get_storage()
    for job in old:
        try:
            storage.delete(job.storage_key)
        except StorageError:
            log.warning("could not delete the file of export job %s; trying again next sweep", job.id)
            continue
        job.status, job.storage_key = ExportStatus.expired, None
        audit.record(None, "update", job, ["status:expired", "file deleted"])
        summary.files_deleted += 1
    return summary
