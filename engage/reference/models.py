"""Place and Topic models."""

from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import TimestampMixin, str_enum
from engage.extensions import db


class PlaceKind(StrEnum):
    """Levels of the place tree, from the Kent and Medway slide pack."""

    system = "system"
    place = "place"
    neighbourhood = "neighbourhood"

    @property
    def label(self):
        return {"system": "System", "place": "Place", "neighbourhood": "Neighbourhood"}[self]

    @property
    def parent_kind(self):
        """The kind a place of this kind must sit under (None for a system)."""
        return {"system": None, "place": PlaceKind.system, "neighbourhood": PlaceKind.place}[self]


#: The breakdowns a place may carry, for representativeness checks later.
BREAKDOWN_KEYS = ("age", "sex", "ethnicity")


class Place(TimestampMixin, db.Model):
    """A system (ICS, 1-2 million people), a place (250-500k) or a neighbourhood/PCN (30-50k)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[PlaceKind] = mapped_column(str_enum(PlaceKind, 20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="RESTRICT"), index=True)
    #: ONS or NHS code, e.g. E54000032 for the Kent and Medway ICB area. Optional.
    code: Mapped[str] = mapped_column(String(20), default="")
    population: Mapped[int | None]
    #: Optional population breakdown: {"age": {"0-15": 12345, ...}, "sex": {...}, "ethnicity": {...}}.
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Postcode districts (the first half of a postcode, "ME14 ME15") in this place, space-separated:
    #: how respondents' answers are matched to places in analysis.
    postcode_districts: Mapped[str] = mapped_column(String(1000), default="", server_default="")

    parent: Mapped["Place | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Place"]] = relationship(back_populates="parent", order_by="Place.name")

    @property
    def district_set(self):
        """The place's postcode districts, upper case."""
        return set(self.postcode_districts.upper().split())

    def ancestors(self):
        """Return the places above this one, nearest first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def __repr__(self):
        return f"<Place {self.id} {self.kind}>"


class Topic(TimestampMixin, db.Model):
    """A subject that engagement and consultation are about: frailty, mental health, falls…"""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Archived topics stay on old records but are no longer offered for new ones.
    is_archived: Mapped[bool] = mapped_column(default=False)

    def __repr__(self):
        return f"<Topic {self.id}>"
