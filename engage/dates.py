"""One clock for the whole app, and the London <-> UTC conversions made at the edges."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now_utc():
    """Return the current time as an aware UTC datetime; tests freeze this one clock."""
    return datetime.now(UTC)


def to_london(value):
    """Convert an aware datetime to Europe/London time for display."""
    if value is None:
        return None
    return value.astimezone(LONDON)


def from_london(value):
    """Read a naive datetime as Europe/London wall-clock time and return it in UTC.

    Across the October change the wall-clock hour 01:00-02:00 happens twice; we take
    the first (``fold=0``), which is what a person typing a deadline means.
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=LONDON).astimezone(UTC)


def london_day_bounds(day: date):
    """Return the UTC instants at which the London calendar day ``day`` starts and ends."""
    start = datetime.combine(day, time.min).replace(tzinfo=LONDON)
    end = datetime.combine(day, time.max).replace(tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def format_london(value, fmt="%-d %B %Y at %-I:%M%p"):
    """Format an aware datetime in London time the NHS way: '16 August 2019 at 11:59pm'."""
    if value is None:
        return ""
    local = to_london(value)
    text = local.strftime(fmt)
    return text.replace("AM", "am").replace("PM", "pm")
