"""Consultation time in words and London entry, across BST and GMT, at midnight and midday."""

from datetime import UTC, datetime

import pytest

from engage.consultations.timing import (
    WallClockError,
    deadline_words,
    event_words,
    holiday_overlaps,
    london_to_utc,
)

OPENS_2019 = datetime(2019, 6, 28, 8, 0, tzinfo=UTC)  # 9am BST
CLOSES_2019 = datetime(2019, 8, 16, 22, 59, tzinfo=UTC)  # 11:59pm BST


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (datetime(2019, 6, 1, 12, 0, tzinfo=UTC), "Opens on Friday 28 June 2019 at 9am"),
        (datetime(2019, 8, 11, 10, 0, tzinfo=UTC), "Closes in 5 days, on Friday 16 August 2019 at 11:59pm"),
        (datetime(2019, 8, 15, 22, 30, tzinfo=UTC), "Closes tomorrow, on Friday 16 August 2019 at 11:59pm"),
        # 11:30pm BST on the 16th is 22:30 UTC: still "today" in London although UTC agrees here.
        (datetime(2019, 8, 16, 22, 30, tzinfo=UTC), "Closes today, on Friday 16 August 2019 at 11:59pm"),
        (datetime(2019, 8, 16, 22, 58, 59, tzinfo=UTC), "Closes today, on Friday 16 August 2019 at 11:59pm"),
        (datetime(2019, 8, 16, 22, 59, tzinfo=UTC), "Closed on Friday 16 August 2019 at 11:59pm"),
        (datetime(2024, 1, 1, tzinfo=UTC), "Closed on Friday 16 August 2019 at 11:59pm"),
    ],
)
def test_deadline_words_for_the_2019_consultation_in_bst(now, words):
    assert deadline_words(OPENS_2019, CLOSES_2019, now) == words


def test_deadline_words_in_gmt_use_the_same_wall_clock_time():
    closes = datetime(2019, 12, 13, 23, 59, tzinfo=UTC)  # 11:59pm GMT
    opens = datetime(2019, 11, 1, tzinfo=UTC)
    assert deadline_words(opens, closes, datetime(2019, 12, 10, 9, tzinfo=UTC)) == (
        "Closes in 3 days, on Friday 13 December 2019 at 11:59pm"
    )


def test_a_deadline_that_the_clock_change_sits_inside_counts_london_days():
    # Opened in BST, closes in GMT after the clocks went back on Sunday 27 October 2019.
    closes = datetime(2019, 10, 28, 17, 0, tzinfo=UTC)  # 5pm GMT
    now = datetime(2019, 10, 26, 22, 30, tzinfo=UTC)  # 11:30pm BST on Saturday 26th
    assert deadline_words(OPENS_2019, closes, now) == "Closes in 2 days, on Monday 28 October 2019 at 5pm"


def test_midnight_and_midday_are_named_in_words():
    midnight = datetime(2019, 8, 16, 23, 0, tzinfo=UTC)  # 00:00 BST on Saturday 17 August
    assert deadline_words(OPENS_2019, midnight, datetime(2019, 8, 16, 10, tzinfo=UTC)) == (
        "Closes today, at midnight at the end of Friday 16 August 2019"
    )
    assert deadline_words(OPENS_2019, midnight, midnight) == "Closed at midnight at the end of Friday 16 August 2019"
    assert deadline_words(midnight, CLOSES_2019.replace(month=9), OPENS_2019) == (
        "Opens at midnight at the start of Saturday 17 August 2019"
    )
    midday = datetime(2019, 8, 16, 11, 0, tzinfo=UTC)
    assert deadline_words(OPENS_2019, midday, midday) == "Closed on Friday 16 August 2019 at midday"


def test_london_entry_is_stored_as_utc_in_bst_and_gmt():
    assert london_to_utc(datetime(2019, 8, 16, 23, 59)) == datetime(2019, 8, 16, 22, 59, tzinfo=UTC)
    assert london_to_utc(datetime(2019, 12, 13, 23, 59)) == datetime(2019, 12, 13, 23, 59, tzinfo=UTC)
    # Just either side of the hour that does not exist in spring.
    assert london_to_utc(datetime(2019, 3, 31, 0, 59)) == datetime(2019, 3, 31, 0, 59, tzinfo=UTC)
    assert london_to_utc(datetime(2019, 3, 31, 2, 0)) == datetime(2019, 3, 31, 1, 0, tzinfo=UTC)


def test_a_time_skipped_or_repeated_at_a_clock_change_is_refused_in_words():
    with pytest.raises(WallClockError, match="1:30am on Sunday 31 March 2019 does not exist"):
        london_to_utc(datetime(2019, 3, 31, 1, 30))
    with pytest.raises(WallClockError, match="1:30am on Sunday 27 October 2019 happens twice"):
        london_to_utc(datetime(2019, 10, 27, 1, 30))


def test_event_times_read_in_london_time():
    assert event_words(datetime(2019, 7, 9, 17, tzinfo=UTC), datetime(2019, 7, 9, 18, 30, tzinfo=UTC)) == (
        "Tuesday 9 July 2019, 6pm to 7:30pm"
    )


def test_holiday_warning_names_the_bank_holiday_and_school_summer_holiday_of_2019():
    warnings = holiday_overlaps(OPENS_2019, datetime(2019, 8, 30, 22, 59, tzinfo=UTC))
    assert any("Late Summer Bank Holiday (Monday 26 August 2019)" in w for w in warnings)
    assert any("Summer holiday (Wednesday 24 July 2019 to Monday 2 September 2019)" in w for w in warnings)
    assert any("Kent County Council" in w for w in warnings)


def test_no_holiday_warning_for_a_term_time_period_without_bank_holidays():
    assert holiday_overlaps(datetime(2025, 9, 8, 8, tzinfo=UTC), datetime(2025, 10, 17, 22, 59, tzinfo=UTC)) == []


def test_a_year_without_school_dates_says_so():
    warnings = holiday_overlaps(datetime(2030, 9, 9, 8, tzinfo=UTC), datetime(2030, 10, 4, 22, 59, tzinfo=UTC))
    assert warnings == ["School holiday dates are not held for 2030: check them yourself."]
