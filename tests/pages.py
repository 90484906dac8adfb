"""Readers for rendered pages and stored rows, shared by the view tests."""

import html
import re

from sqlalchemy import func, select

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def text_of(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def plain(fragment):
    """HTML fragment -> the words a person reads (tags dropped, entities decoded, spaces folded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_title(response):
    """The page's <title> as plain text."""
    return plain(TITLE_RE.search(text_of(response)).group(1))


def main_content(response):
    """The HTML inside <main>…</main> (leaving out the header, where the user's own name appears)."""
    body = text_of(response)
    return body[body.index("<main") : body.index("</main>")]


def count_rows(db, model):
    """How many rows the table of ``model`` holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def table_rows(response, caption):
    """The rows of the table with ``caption`` as (row header, value) pairs of plain text."""
    body = text_of(response)
    start = body.index(caption)
    table = body[start : body.index("</table>", start)]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', table, re.S)
    return [(plain(label), plain(value)) for label, value in rows]
