"""Readable diffs between two charter versions: section by section, words inserted and deleted within sentences.

Text is compared as the author wrote it (Markdown source), split into word, space and punctuation
tokens. Every token is escaped before any <ins>/<del> mark-up is put round it, so the result is
safe to show as HTML.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokens(text):
    """Split ``text`` into words, runs of white space and single punctuation marks."""
    return _TOKENS.findall(text or "")


#: Below this similarity two lines are shown as one removed and one added, not word by word: a
#: rewritten sentence marked word by word is a jumble of the few words the two happen to share.
REWRITE_RATIO = 0.5


def _removed(text):
    return Markup("<del>{}</del>").format(text) if text else Markup("")


def _added(text):
    return Markup("<ins>{}</ins>").format(text) if text else Markup("")


def _word_level(a, b):
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(b[j1:j2])))
            continue
        parts.append(_removed("".join(a[i1:i2])))
        parts.append(_added("".join(b[j1:j2])))
    return Markup("").join(parts)


def _line_pair(old_line, new_line):
    a, b = tokens(old_line), tokens(new_line)
    # Likeness counts words and punctuation only: shared spaces would make any two sentences look alike.
    words_a, words_b = [t for t in a if not t.isspace()], [t for t in b if not t.isspace()]
    if SequenceMatcher(None, words_a, words_b, autojunk=False).ratio() < REWRITE_RATIO:
        return _removed(old_line) + _added(new_line)
    return _word_level(a, b)


def word_diff(old, new):
    """Return safe HTML of ``new`` with what ``old`` lost in <del> and what it gained in <ins>.

    Lines are matched first; changed lines that are still alike are marked word by word within
    the sentence, and lines rewritten beyond recognition are shown as removed and added whole.
    """
    a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(b[j1:j2])))
        elif op == "delete":
            parts.append(_removed("".join(a[i1:i2])))
        elif op == "insert":
            parts.append(_added("".join(b[j1:j2])))
        else:
            olds, news = a[i1:i2], b[j1:j2]
            for old_line, new_line in zip(olds, news, strict=False):
                parts.append(_line_pair(old_line, new_line))
            parts.append(_removed("".join(olds[len(news) :])))
            parts.append(_added("".join(news[len(olds) :])))
    return Markup("").join(parts)


@dataclass(frozen=True)
class SectionChange:
    """How one section (followed by its stable key) differs between two versions."""

    key: str
    #: added, removed, changed or unchanged.
    kind: str
    old_heading: str | None
    new_heading: str | None
    heading_html: Markup
    body_html: Markup
    renamed: bool
    moved: bool

    @property
    def heading(self):
        return self.new_heading if self.new_heading is not None else self.old_heading


@dataclass(frozen=True)
class VersionDiff:
    """Every section's change from ``old`` to ``new``, in the order of the new version (removed ones last)."""

    old: object
    new: object
    sections: list

    @property
    def changed(self):
        """The sections that differ at all."""
        return [s for s in self.sections if s.kind != "unchanged" or s.moved]

    @property
    def has_changes(self):
        return bool(self.changed)


def _sections(version):
    return list(version.sections) if version is not None else []


def diff_versions(old, new):
    """Compare two versions (or any objects with ``.sections`` of key/position/heading/body), section by section."""
    old_sections, new_sections = _sections(old), _sections(new)
    old_by_key = {s.key: s for s in old_sections}
    new_keys = {s.key for s in new_sections}
    old_order = [s.key for s in old_sections if s.key in new_keys]
    new_order = [s.key for s in new_sections if s.key in old_by_key]
    # A section "moved" when it falls outside the longest runs the two orders share.
    kept = set()
    for block in SequenceMatcher(None, old_order, new_order, autojunk=False).get_matching_blocks():
        kept.update(new_order[block.b : block.b + block.size])
    moved_keys = set(new_order) - kept
    changes = []
    for section in new_sections:
        before = old_by_key.get(section.key)
        if before is None:
            changes.append(
                SectionChange(
                    section.key,
                    "added",
                    None,
                    section.heading,
                    word_diff("", section.heading),
                    word_diff("", section.body),
                    False,
                    False,
                )
            )
            continue
        same = before.heading == section.heading and before.body == section.body
        changes.append(
            SectionChange(
                section.key,
                "unchanged" if same else "changed",
                before.heading,
                section.heading,
                word_diff(before.heading, section.heading),
                word_diff(before.body, section.body),
                before.heading != section.heading,
                section.key in moved_keys,
            )
        )
    for section in old_sections:
        if section.key not in new_keys:
            changes.append(
                SectionChange(
                    section.key,
                    "removed",
                    section.heading,
                    None,
                    word_diff(section.heading, ""),
                    word_diff(section.body, ""),
                    False,
                    False,
                )
            )
    return VersionDiff(old, new, changes)
