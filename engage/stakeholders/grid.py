"""The power/interest grid drawn on the server as SVG, so it works without JavaScript."""

from flask import render_template, request, url_for
from markupsafe import Markup

from engage.stakeholders.models import QUADRANT_LABELS, Quadrant, quadrant_of

CELL = 84
MARGIN_LEFT = 64
MARGIN_TOP = 16
SIZE = CELL * 5

#: Quadrant -> (first interest column, first influence row, columns, rows) in grid units; high = 3-5.
QUADRANT_AREAS = {
    Quadrant.keep_satisfied: (1, 3, 2, 3),
    Quadrant.manage_closely: (3, 3, 3, 3),
    Quadrant.monitor: (1, 1, 2, 2),
    Quadrant.keep_informed: (3, 1, 3, 2),
}
QUADRANT_FILL = {
    Quadrant.manage_closely: "#fff9c4",
    Quadrant.keep_satisfied: "#e8edee",
    Quadrant.keep_informed: "#e8f1f8",
    Quadrant.monitor: "#ffffff",
}


def quadrant_totals(counts):
    """Sum the cell counts into the four quadrants."""
    totals = {q: {"organisations": 0, "people": 0} for q in Quadrant}
    for (influence, interest), cell in counts.items():
        quadrant = quadrant_of(influence, interest)
        for key in ("organisations", "people"):
            totals[quadrant][key] += cell[key]
    return totals


def _x(interest):
    return MARGIN_LEFT + (interest - 1) * CELL


def _y(influence):
    return MARGIN_TOP + (5 - influence) * CELL


def _list_url(**extra):
    args = {k: v for k, v in request.args.items() if k not in ("page", "quadrant", "influence", "interest")}
    args.update(extra)
    return url_for("stakeholders.organisations", **args)


def render_svg(counts, flt):
    """Return the SVG markup of the grid: quadrants labelled and linked, a circle per scored cell."""
    totals = quadrant_totals(counts)
    biggest = max((c["organisations"] + c["people"] for c in counts.values()), default=0)
    quadrants = []
    for quadrant, (col, row, cols, rows) in QUADRANT_AREAS.items():
        top_influence = row + rows - 1
        quadrants.append(
            {
                "label": QUADRANT_LABELS[quadrant],
                "x": _x(col),
                "y": _y(top_influence),
                "width": cols * CELL,
                "height": rows * CELL,
                "fill": QUADRANT_FILL[quadrant],
                "href": _list_url(quadrant=quadrant.value),
                "total": totals[quadrant]["organisations"] + totals[quadrant]["people"],
            }
        )
    circles = []
    for (influence, interest), cell in sorted(counts.items()):
        total = cell["organisations"] + cell["people"]
        radius = 10 + 26 * (total / biggest) ** 0.5 if biggest else 10
        circles.append(
            {
                "cx": _x(interest) + CELL / 2,
                "cy": _y(influence) + CELL / 2,
                "r": round(radius, 1),
                "total": total,
                "organisations": cell["organisations"],
                "people": cell["people"],
                "influence": influence,
                "interest": interest,
                "href": _list_url(influence=influence, interest=interest),
            }
        )
    # _grid.svg is autoescaped (Flask escapes .svg templates), so its output is safe to mark as
    # markup; as a plain str, map.html would escape it again and show the SVG source as text.
    return Markup(  # noqa: S704  # nosec B704  # autoescaped template output, see above
        render_template(
            "stakeholders/_grid.svg",
            quadrants=quadrants,
            circles=circles,
            cell=CELL,
            left=MARGIN_LEFT,
            top=MARGIN_TOP,
            size=SIZE,
            width=MARGIN_LEFT + SIZE + 8,
            height=MARGIN_TOP + SIZE + 56,
        )
    )
