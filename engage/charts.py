"""Small charts drawn on the server as SVG: bars by category and columns by month.

Every chart is a picture of a table that is always shown beside it (macros/charts.html), so the
figures never depend on seeing the picture. Labels are escaped here: they are often user text
(place and topic names). Colours are presentation attributes, which the CSP allows and print keeps.
"""

from datetime import date

from markupsafe import Markup

WIDTH = 400
COLOUR = "#005eb8"
TEXT = "#212b32"
MUTED = "#4c6272"
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short(label, limit=44):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def _frame(chart_id, title, desc, height, body):
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" class="engage-chart" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(width=WIDTH, height=height, id=chart_id, title=title, desc=desc, body=Markup("").join(body))


# Markup.format escapes every argument, so a label can never become markup.
_BAR = Markup(
    '<text x="0" y="{label_y}" font-size="15" fill="{text}">{label}</text>'
    '<rect x="0" y="{bar_y}" width="{length}" height="18" fill="{colour}"/>'
    '<text x="{value_x}" y="{value_y}" font-size="15" font-weight="600" fill="{text}">{value}</text>'
)
_COLUMN = Markup(
    '<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{colour}"/>'
    '<text x="{middle}" y="{label_y}" font-size="12" text-anchor="middle" fill="{muted}">{label}</text>'
)
_YEAR = Markup('<text x="{middle}" y="{y}" font-size="11" text-anchor="middle" fill="{muted}">{year}</text>')
_VALUE = Markup(
    '<text x="{middle}" y="{y}" font-size="13" font-weight="600" text-anchor="middle" fill="{text}">{value}</text>'
)


def bar_chart(rows, *, chart_id, title, desc="The table beside the chart gives the same figures."):
    """Horizontal bars, one per ``(label, value)``; each label sits above its bar so it fits a phone."""
    biggest = max((value for _label, value in rows), default=0) or 1
    body, y = [], 0
    for label, value in rows:
        length = round((WIDTH - 48) * value / biggest, 1)
        body.append(
            _BAR.format(
                label_y=y + 15,
                bar_y=y + 22,
                length=max(length, 1),
                value_x=length + 6,
                value_y=y + 36,
                label=_short(label),
                value=f"{value:,}",
                text=TEXT,
                colour=COLOUR,
            )
        )
        y += 50
    return _frame(chart_id, title, desc, max(y, 20), body)


def month_label(month):
    """``date(2026, 11, 1)`` -> "November 2026"."""
    return month.strftime("%B %Y")


def column_chart(rows, *, chart_id, title, desc="The table beside the chart gives the same figures."):
    """Columns by month, one per ``(first day of month, value)``, oldest on the left."""
    height, base, top = 200, 170, 24
    biggest = max((value for _month, value in rows), default=0) or 1
    step = WIDTH / max(len(rows), 1)
    body = [Markup(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{MUTED}" stroke-width="1"/>')]  # noqa: S704  # nosec B704  # numbers and constants only
    for i, (month, value) in enumerate(rows):
        bar = round((base - top) * value / biggest, 1)
        middle = round(i * step + step / 2, 1)
        body.append(
            _COLUMN.format(
                x=round(i * step + step * 0.15, 1),
                y=base - bar,
                width=round(step * 0.7, 1),
                height=bar,
                middle=middle,
                label_y=base + 16,
                label=MONTH_ABBR[month.month - 1],
                colour=COLOUR,
                muted=MUTED,
            )
        )
        if month.month == 1 or i == 0:
            body.append(_YEAR.format(middle=middle, y=base + 29, year=month.year, muted=MUTED))
        if value:
            body.append(_VALUE.format(middle=middle, y=base - bar - 5, value=f"{value:,}", text=TEXT))
    return _frame(chart_id, title, desc, height, body)


def months_between(first, last):
    """First days of each month from ``first``'s month to ``last``'s, inclusive."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def last_months(today, n=12):
    """The first days of the ``n`` months ending with ``today``'s month."""
    year, month = today.year, today.month - (n - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return months_between(date(year, month, 1), today)
