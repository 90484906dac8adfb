"""Count-capped pagination for lists that must stay fast at hundreds of thousands of rows.

Exact counts of broad filters over big tables cost a full scan; above COUNT_CAP we say "more than
1,000" (as GitHub does) and still let people page on while rows remain.
"""

from dataclasses import dataclass

from engage.extensions import db

COUNT_CAP = 1000


class Pager:
    """What the pager macro reads, from ``page``, ``per_page``, ``total`` and ``total_capped``."""

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1

    @property
    def pages(self):
        """Number of pages, or None when the total is capped."""
        if self.total_capped:
            return None
        return max(1, -(-self.total // self.per_page))


@dataclass
class Page(Pager):
    """One page of results, with the fields the pager macro reads."""

    items: list
    page: int
    per_page: int
    total: int
    #: True when there are more than COUNT_CAP matches and ``total`` is only the cap.
    total_capped: bool
    has_next: bool


def paginate(base, conditions, id_column, page, per_page):
    """Return a Page of ``base`` (a select of one entity with its ORDER BY) filtered by ``conditions``.

    First the matching ids are fetched, unordered, up to the cap. When there are few (a selective
    filter or search), the page is cut from exactly those ids by primary key, so the database never
    walks an ordered index looking for rare matches. When there are many, matches are dense and the
    ordered query (served by an index on the sort column) finds a page of them at once.
    """
    ids_query = base.where(*conditions).with_only_columns(id_column).order_by(None).limit(COUNT_CAP + 1)
    ids = db.session.scalars(ids_query).all()
    capped = len(ids) > COUNT_CAP
    offset = (page - 1) * per_page
    rows = []
    if capped or ids:
        ordered = base.where(*conditions) if capped else base.where(id_column.in_(ids))
        rows = db.session.scalars(ordered.limit(per_page + 1).offset(offset)).all()
    return Page(
        items=rows[:per_page],
        page=page,
        per_page=per_page,
        total=min(len(ids), COUNT_CAP),
        total_capped=capped,
        has_next=len(rows) > per_page,
    )
