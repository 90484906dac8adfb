"""Background exports of a consultation's responses: what was asked for, how far it got, where the file is."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import UTCDateTime, str_enum
from engage.extensions import db


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"

    @property
    def label(self):
        return {"csv": "CSV", "xlsx": "Excel (XLSX)"}[self.value]

    @property
    def content_type(self):
        return {
            "csv": "text/csv",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self.value]


class ExportStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    #: Done, and its file deleted after EXPORT_KEEP_DAYS.
    expired = "expired"

    @property
    def label(self):
        return {
            "queued": "Waiting to start",
            "running": "Running",
            "done": "Ready",
            "failed": "Failed",
            "expired": "File deleted",
        }[self.value]

    @property
    def colour(self):
        return {"queued": "grey", "running": "blue", "done": "green", "failed": "red", "expired": "grey"}[self.value]


class ExportJob(db.Model):
    """One export run in the background (RQ or a local thread); the file is kept in engage.storage."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    format: Mapped[ExportFormat] = mapped_column(str_enum(ExportFormat, 10))
    #: What the officer ticked: {"equality": bool}.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[ExportStatus] = mapped_column(str_enum(ExportStatus, 10), default=ExportStatus.queued)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    #: Random key of the finished file in engage.storage; None until it is done.
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: A short reason shown to the officer when the export failed (never a stack trace).
    error: Mapped[str] = mapped_column(String(200), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the runner last showed it was alive (claimed the job or wrote a batch); a running job
    #: silent for EXPORT_STALE_MINUTES is marked failed, since its worker must have died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation")
    requested_by = relationship("User")

    @property
    def percent(self):
        if self.status == ExportStatus.done:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self):
        return self.status in (ExportStatus.done, ExportStatus.failed, ExportStatus.expired)

    def __repr__(self):
        return f"<ExportJob {self.id} {self.status}>"
