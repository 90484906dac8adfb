"""The "you said, we did" of a consultation: themes with what people said, and decisions with progress.

Decisions stay updatable after the outcome is published; every change of status or progress is kept
as a dated DecisionUpdate, which residents see on the public outcome page.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class DecisionStatus(StrEnum):
    """Where a decision has got to. "Not taken forward" always comes with the reason."""

    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    not_taken_forward = "not_taken_forward"

    @property
    def label(self):
        return {
            "planned": "Planned",
            "in_progress": "In progress",
            "done": "Done",
            "not_taken_forward": "Not taken forward",
        }[self.value]

    @property
    def colour(self):
        return {"planned": "grey", "in_progress": "yellow", "done": "green", "not_taken_forward": "red"}[self.value]


class OutcomeTheme(TimestampMixin, db.Model):
    """One of the repository's themes in a consultation's outcome: what people said about it."""

    __tablename__ = "outcome_themes"
    __table_args__ = (UniqueConstraint("consultation_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    #: Plain text: what people said about the theme, in the officer's words.
    you_said: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation = relationship("Consultation")
    theme = relationship("Theme")
    decisions: Mapped[list["OutcomeDecision"]] = relationship(
        back_populates="outcome_theme", cascade="all, delete-orphan", order_by="OutcomeDecision.id"
    )

    def __repr__(self):
        return f"<OutcomeTheme {self.id}>"


class OutcomeDecision(TimestampMixin, db.Model):
    """What the partnership decided about a theme ("we did"), who owns it, by when, and how far it got."""

    __tablename__ = "outcome_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_theme_id: Mapped[int] = mapped_column(ForeignKey("outcome_themes.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: Plain text: what was decided.
    decision: Mapped[str] = mapped_column(Text)
    #: Who is responsible: a person, team or partner organisation, as residents should read it.
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[DecisionStatus] = mapped_column(str_enum(DecisionStatus, 20), default=DecisionStatus.planned)
    #: The latest progress note (each one is kept in ``updates``).
    progress: Mapped[str] = mapped_column(Text, default="")
    #: Why it was not taken forward; required for that status.
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The officer who recorded the decision.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    outcome_theme: Mapped[OutcomeTheme] = relationship(back_populates="decisions")
    decided_by = relationship("User")
    updates: Mapped[list["DecisionUpdate"]] = relationship(
        back_populates="decision",
        cascade="all, delete-orphan",
        order_by="(DecisionUpdate.recorded_at, DecisionUpdate.id)",
    )

    def __repr__(self):
        return f"<OutcomeDecision {self.id}>"


class DecisionUpdate(db.Model):
    """One dated change of a decision's status or progress, shown publicly with its date."""

    __tablename__ = "outcome_decision_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("outcome_decisions.id", ondelete="CASCADE"), index=True)
    status: Mapped[DecisionStatus] = mapped_column(str_enum(DecisionStatus, 20))
    progress: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: 1 for the decision as first recorded, then 2, 3...
    number: Mapped[int] = mapped_column(Integer, default=1)

    decision: Mapped[OutcomeDecision] = relationship(back_populates="updates")
    recorded_by = relationship("User")
