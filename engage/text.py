"""Formatted text: Markdown rendered without raw HTML, then sanitised to an allowlist (nh3)."""

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "commonmark" with html off: any HTML typed by a user is shown as text, never passed through.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


#: Texts each process keeps rendered: a survey's privacy notice or a consultation's summary is drawn
#: on every visit, and Markdown plus sanitising costs up to a millisecond each time.
MARKDOWN_CACHE_SIZE = 256


@functools.lru_cache(maxsize=MARKDOWN_CACHE_SIZE)
def render_markdown(text):
    """Return safe HTML for ``text`` written in Markdown: only allowlisted tags and http(s)/mailto links.

    A pure function of ``text``, so its result (immutable Markup) is kept for the texts seen most.
    """
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704  # nosec B704  # sanitised by nh3 on the line above
