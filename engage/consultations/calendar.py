"""Consultation events as iCalendar (.ics) entries, built with the icalendar package."""

from icalendar import Calendar, Event

from engage.dates import now_utc


def event_ics(event, page_url):
    """Return the bytes of a one-event calendar for ``event``, with UTC times (no time zone table needed)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Engage//Consultation events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", f"consultation-event-{event.id}@engage")
    entry.add("dtstamp", now_utc())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("location", event.venue)
    entry.add("description", f"{event.consultation.title}\n\nMore about the consultation: {page_url}")
    entry.add("url", page_url)
    calendar.add_component(entry)
    return calendar.to_ical()
