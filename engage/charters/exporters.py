"""A charter version out as a Markdown file."""

import re

from engage.dates import format_london


def markdown_filename(charter, version):
    """A safe download name: the slug (letters, digits, hyphens only) and the version number."""
    stem = re.sub(r"[^a-z0-9-]+", "-", charter.slug.lower()).strip("-") or "charter"
    return f"{stem}-version-{version.number}.md"


def version_markdown(charter, version, adoption=None):
    """The version as one Markdown document: title, purpose, version line, then each section."""
    lines = [f"# {_one_line(charter.title)}", ""]
    if charter.purpose:
        lines += [charter.purpose.strip(), ""]
    status = f"Version {version.number}, saved {format_london(version.created_at)}"
    if adoption is not None:
        bodies = ", ".join(a.body_name for a in adoption.approvals)
        status += f". Adopted {format_london(adoption.adopted_at, '%-d %B %Y')}"
        if bodies:
            status += f", approved by {bodies}"
    lines += [f"_{status}._", ""]
    for section in version.sections:
        lines += [f"## {_one_line(section.heading)}", "", section.body.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def _one_line(text):
    return " ".join((text or "").split())
