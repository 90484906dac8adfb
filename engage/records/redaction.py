"""Identifying passages: an author wraps them in double square brackets, ``[[like this]]``.

Officers, administrators and the author see the passages highlighted; reviewers from partner
organisations (for example Healthwatch) see them replaced by a fixed notice, in pages, search
snippets and exports alike. Search never indexes them, so they cannot be found by their words.
"""

import re

from markupsafe import Markup

from engage.permissions import Role, role_of
from engage.text import render_markdown

# A passage may span lines but not paragraphs (so the highlight never straddles two blocks).
IDENTIFYING = re.compile(r"\[\[((?:(?!\n[ \t]*\n).)+?)\]\]", re.DOTALL)
REMOVED = "[identifying details removed]"
# Private-use characters carry the passage boundaries through Markdown rendering; they are removed
# from the input first, so a user cannot type them.
_OPEN, _CLOSE = "\ue000", "\ue001"


def _clean(text):
    return (text or "").replace(_OPEN, "").replace(_CLOSE, "")


def redact(text):
    """``text`` with every identifying passage replaced by the notice."""
    return IDENTIFYING.sub(REMOVED, _clean(text))


def unmark(text):
    """``text`` with the passages kept and the brackets dropped."""
    return IDENTIFYING.sub(r"\1", _clean(text))


def has_identifying(text):
    return bool(IDENTIFYING.search(text or ""))


def sees_identifying(user, record):
    """Officers, administrators and the record's author see identifying passages; reviewers do not."""
    return role_of(user) in (Role.officer, Role.admin) or (record.author_id is not None and record.author_id == user.id)


def for_reader(user, record, text):
    """Plain ``text`` as ``user`` may see it (for exports and snippets)."""
    return unmark(text) if sees_identifying(user, record) else redact(text)


def render_for_reader(user, record, text):
    """Safe HTML of Markdown ``text``: passages highlighted for those who may see them, else removed."""
    if not sees_identifying(user, record):
        return render_markdown(redact(text))
    marked = IDENTIFYING.sub(lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}", _clean(text))
    html = str(render_markdown(marked))
    html = html.replace(_OPEN, '<mark class="engage-identifying" title="Identifying: hidden from reviewers">')
    return Markup(html.replace(_CLOSE, "</mark>"))  # noqa: S704  # nosec B704  # sanitised by render_markdown; only our tags added
