"""Consultation time in words and at the edges: London wall-clock entry, deadlines, holiday overlaps."""

from datetime import UTC, date, timedelta

import holidays

from engage.dates import LONDON, to_london


class WallClockError(ValueError):
    """A London wall-clock time that does not exist, or happens twice, at a clock change."""


def london_to_utc(naive):
    """Read a naive Europe/London wall-clock time and return the UTC instant it names.

    :raises WallClockError: for a time skipped when the clocks go forward (01:00-01:59 on the last
        Sunday in March) or repeated when they go back (01:00-01:59 on the last Sunday in October):
        we ask the officer for another time rather than guess which instant they meant.
    """
    first = naive.replace(tzinfo=LONDON, fold=0)
    second = naive.replace(tzinfo=LONDON, fold=1)
    when = f"{_time_words(naive)} on {naive:%A %-d %B %Y}"
    if first.utcoffset() != second.utcoffset():
        if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
            raise WallClockError(
                f"{when} does not exist in the UK: the clocks go forward an hour at 1am. Choose another time"
            )
        raise WallClockError(f"{when} happens twice in the UK: the clocks go back at 2am. Choose another time")
    return first.astimezone(UTC)


def _time_words(local):
    """'9am', '11:59pm', 'midday' or 'midnight' (the NHS style for times)."""
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def when_words(value, *, end_of_day=False):
    """'on Friday 16 August 2019 at 11:59pm' for an aware datetime, in London time.

    Midnight is named by the day it ends when ``end_of_day`` (a deadline of 00:00 on the 17th is
    'at midnight at the end of Friday 16 August 2019'), else by the day it starts.
    """
    local = to_london(value)
    if local.hour == 0 and local.minute == 0:
        if end_of_day:
            return f"at midnight at the end of {local - timedelta(days=1):%A %-d %B %Y}"
        return f"at midnight at the start of {local:%A %-d %B %Y}"
    return f"on {local:%A %-d %B %Y} at {_time_words(local)}"


def event_words(starts_at, ends_at):
    """'Tuesday 8 December 2026, 6pm to 7:30pm' in London time (an event on one day)."""
    start, end = to_london(starts_at), to_london(ends_at)
    if start.date() != end.date():
        return f"{start:%A %-d %B %Y}, {_time_words(start)} to {end:%A %-d %B %Y}, {_time_words(end)}"
    return f"{start:%A %-d %B %Y}, {_time_words(start)} to {_time_words(end)}"


def _last_day(value):
    """The London calendar day a deadline belongs to (a midnight deadline belongs to the day before)."""
    local = to_london(value)
    if local.hour == 0 and local.minute == 0:
        return local.date() - timedelta(days=1)
    return local.date()


def deadline_words(opens_at, closes_at, now):
    """The consultation's timing in words for residents, e.g. 'Closes in 5 days, on Friday 16 August 2019 at
    11:59pm', 'Closed on …', 'Opens on …'. A pure function of its three aware datetimes."""
    if now < opens_at:
        return f"Opens {when_words(opens_at)}"
    if now >= closes_at:
        return f"Closed {when_words(closes_at, end_of_day=True)}"
    days = (_last_day(closes_at) - to_london(now).date()).days
    in_days = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
    return f"Closes {in_days}, {when_words(closes_at, end_of_day=True)}"


#: Typical Kent school holidays (state schools following Kent County Council's term dates).
#: Source label: "Typical Kent County Council school holiday dates, approximate; academies and
#: Medway schools may differ". Kept by hand: there is no library for school holidays. Add a year
#: before consultations are planned in it; a year not listed gets a "not known" note instead.
SCHOOL_HOLIDAYS_SOURCE = "typical Kent County Council school holidays (approximate: check the dates for your schools)"
KENT_SCHOOL_HOLIDAYS = {
    2019: [
        ("Christmas holiday", date(2019, 1, 1), date(2019, 1, 4)),
        ("February half term", date(2019, 2, 18), date(2019, 2, 22)),
        ("Easter holiday", date(2019, 4, 8), date(2019, 4, 22)),
        ("May half term", date(2019, 5, 27), date(2019, 5, 31)),
        ("Summer holiday", date(2019, 7, 24), date(2019, 9, 2)),
        ("October half term", date(2019, 10, 28), date(2019, 11, 1)),
        ("Christmas holiday", date(2019, 12, 23), date(2019, 12, 31)),
    ],
    2025: [
        ("Christmas holiday", date(2025, 1, 1), date(2025, 1, 3)),
        ("February half term", date(2025, 2, 17), date(2025, 2, 21)),
        ("Easter holiday", date(2025, 4, 7), date(2025, 4, 21)),
        ("May half term", date(2025, 5, 26), date(2025, 5, 30)),
        ("Summer holiday", date(2025, 7, 23), date(2025, 9, 2)),
        ("October half term", date(2025, 10, 27), date(2025, 10, 31)),
        ("Christmas holiday", date(2025, 12, 22), date(2025, 12, 31)),
    ],
    2026: [
        ("Christmas holiday", date(2026, 1, 1), date(2026, 1, 2)),
        ("February half term", date(2026, 2, 16), date(2026, 2, 20)),
        ("Easter holiday", date(2026, 3, 30), date(2026, 4, 10)),
        ("May half term", date(2026, 5, 25), date(2026, 5, 29)),
        ("Summer holiday", date(2026, 7, 22), date(2026, 9, 1)),
        ("October half term", date(2026, 10, 26), date(2026, 10, 30)),
        ("Christmas holiday", date(2026, 12, 21), date(2026, 12, 31)),
    ],
    2027: [
        ("Christmas holiday", date(2027, 1, 1), date(2027, 1, 1)),
        ("February half term", date(2027, 2, 15), date(2027, 2, 19)),
        ("Easter holiday", date(2027, 3, 29), date(2027, 4, 9)),
        ("May half term", date(2027, 5, 31), date(2027, 6, 4)),
        ("Summer holiday", date(2027, 7, 21), date(2027, 8, 31)),
        ("October half term", date(2027, 10, 25), date(2027, 10, 29)),
        ("Christmas holiday", date(2027, 12, 20), date(2027, 12, 31)),
    ],
}


def _fmt(day):
    return f"{day:%A %-d %B %Y}"


def holiday_overlaps(opens_at, closes_at):
    """Return plain-English warnings for holidays in England the open period overlaps.

    Public holidays come from the ``holidays`` package (England); school holidays from
    KENT_SCHOOL_HOLIDAYS. Years the school table does not cover get a note saying so.
    """
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        return []
    first, last = to_london(opens_at).date(), _last_day(closes_at)
    if last < first:
        return []
    years = range(first.year, last.year + 1)
    warnings = []
    bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
    public = sorted((day, name) for day, name in bank.items() if first <= day <= last)
    if public:
        names = "; ".join(f"{name} ({_fmt(day)})" for day, name in public)
        warnings.append(f"The open period includes public holidays in England: {names}.")
    school = [
        (name, start, end)
        for year in years
        for name, start, end in KENT_SCHOOL_HOLIDAYS.get(year, [])
        if start <= last and end >= first
    ]
    if school:
        names = "; ".join(f"{name} ({_fmt(start)} to {_fmt(end)})" for name, start, end in school)
        warnings.append(f"The open period overlaps school holidays, from {SCHOOL_HOLIDAYS_SOURCE}: {names}.")
    unknown = [str(year) for year in years if year not in KENT_SCHOOL_HOLIDAYS]
    if unknown:
        warnings.append(f"School holiday dates are not held for {', '.join(unknown)}: check them yourself.")
    return warnings
