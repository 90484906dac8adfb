"""Applying redactions: the published text of an answer, with each hidden range shown as "[redacted]"."""

MARKER = "[redacted]"


def merged(ranges, length):
    """``(start, end)`` ranges clamped to ``[0, length]``, sorted, overlapping or touching ones merged."""
    spans = sorted((max(0, s), min(length, e)) for s, e in ranges if s is not None and e is not None)
    result = []
    for start, end in spans:
        if end <= start:
            continue
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def redacted_text(text, ranges, start=0, end=None):
    """``text[start:end]`` with every redacted range replaced by MARKER (ranges are offsets in ``text``).

    A range that only partly overlaps the slice still hides the part inside it, so a quote taken
    from a redacted answer never shows the hidden words.
    """
    text = text or ""
    end = len(text) if end is None else min(end, len(text))
    start = max(0, min(start, end))
    pieces, at = [], start
    for s, e in merged(ranges, len(text)):
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        pieces.append(text[at:s])
        pieces.append(MARKER)
        at = e
    pieces.append(text[at:end])
    return "".join(pieces)
