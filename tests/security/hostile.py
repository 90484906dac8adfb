"""Hostile values for the input fuzz (test_hostile_input.py): strategies, the forms of a page, and the
check that no payload came back unescaped.

Every curated payload is paired with a *marker*: the part that only survives if the payload reached the
page unescaped (``<script>alert(`` escapes to ``&lt;script&gt;alert(``; ``{{7*7}}`` rendered by a
template becomes ``49`` between its fences). Markers are looked for in every HTML page the fuzz sees,
so a payload stored by one request and drawn unescaped by a later page is caught too.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from hypothesis import strategies as st

#: (payload, marker that must never appear in HTML). XSS, template injection, then breakouts.
XSS = [
    ("<script>alert('hz1')</script>", "<script>alert("),
    ('"><script>alert(2)</script>', "<script>alert("),
    ("</textarea><script>alert(3)</script>", "<script>alert("),
    ("</title></style></noscript><script>alert(4)</script>", "<script>alert("),
    ("<img src=x onerror=alert(5)>", "<img src=x onerror="),
    ('" onmouseover="alert(6)', 'onmouseover="alert(6)'),
    ("' onfocus='alert(7)' autofocus='", "onfocus='alert(7)'"),
    ("<svg/onload=alert(8)>", "<svg/onload="),
    ("<svg><animate onbegin=alert(9) attributeName=x dur=1s>", "<animate onbegin="),
    ('<iframe src="javascript:alert(10)"></iframe>', "<iframe src="),
    ("<details open ontoggle=alert(11)>", "<details open ontoggle="),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>", "<img src=x onerror="),
    ('<a href="javascript:alert(13)">click</a>', '<a href="javascript:'),
    ("javascript:alert(14)", None),  # caught by JS_URL_RE wherever it lands in an href or src
    ("[click](javascript:alert(15))", None),
    ('![x](x" onerror="alert(16))', 'onerror="alert(16)'),
    ("<style>@import 'https://evil.example/x.css';</style>", "<style>@import"),
    ("<base href='https://evil.example/'>", "<base href="),
    ("<meta http-equiv=refresh content='0;url=https://evil.example'>", "<meta http-equiv=refresh"),
    ("<!--<script>alert(17)//-->", "<script>alert("),
    ("ZQ{{7*7}}ZQ", "ZQ49ZQ"),
    ("ZQ{{ 7*'7' }}ZQ", "ZQ7777777ZQ"),
    ("ZQ${7*7}ZQ#{7*7}", "ZQ49ZQ"),
    ("{{ config.items() }}{{ self.__init__.__globals__ }}", "SECRET_KEY"),
    ("{% for x in range(3) %}ZQloopZQ{% endfor %}", "ZQloopZQZQloopZQ"),
]
SQL = [
    "' OR 1=1--",
    "' OR '1'='1",
    '" OR ""="',
    "'; DROP TABLE users;--",
    '"; DROP TABLE engagement_records; --',
    "1 UNION SELECT NULL, password_hash FROM users--",
    "1); DELETE FROM audit_entries;--",
    "%' AND 1=0 UNION SELECT name FROM sqlite_master--",
    "\\'; SELECT pg_sleep(5);--",
]
FORMULA = [
    '=HYPERLINK("https://evil.example","Click")',
    "=1+1",
    "+1",
    "+44 7700 900000",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "{=1+1}",
    "|calc",
    "%0A=1",
]
SEARCH_SYNTAX = ['"', "AND", "NEAR(", "*", "-", ":", "OR OR", "^", 'a"b', "(", ")", "NOT", "col:val", "'"]
UNICODE = [
    "\u202eevil.exe\u202d",
    "a\u200bb\u200cc\u200dd",
    "\ufeffBOM",
    "\x00",
    "a\x00b",
    "\U0001f4a9",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "Z\u0364\u0354\u0367\u0311\u0313a\u0364\u0356\u032d\u0308\u0307l\u036e\u0312\u036bg\u030c\u0317\u035a\u031a",
    "\uffff\ufffe\ufffd",
    "\u0130stanbul \u00df \ufb01",
    "\u2028line\u2029para\u0085",
    "\x7f\x1b[31mred\x1b[0m",
    "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594",
    "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "\r\n\r\n",
    " \t ",
]
NUMBERS = [
    "0",
    "-1",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1e309",
    "NaN",
    "Infinity",
    "-0",
    "0x1F",
    "\u0661\u0662\u0663",
    "1,000",
    "3.14",
    "1_000",
    "\u00b2",
    "#\u00b9\u00b2\u00b3",
    "99999999999999999999",
]
OTHER = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%00",
    "x@example.org\r\nBcc: victim@example.org",
    '"<script>"@example.org',
    "a@b",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/2026",
    "https://evil.example/\u202e",
    "data:text/html,<script>alert(18)</script>",
]
PAYLOADS = [p for p, _m in XSS] + SQL + FORMULA + SEARCH_SYNTAX + UNICODE + NUMBERS + OTHER
MARKERS = sorted({m for _p, m in XSS if m})
#: A user-supplied link or source that runs script: an attribute of a real tag (text that merely
#: reads 'href="javascript:' is escaped text, as its "<" is "&lt;", and runs nothing).
JS_URL_RE = re.compile(
    r"""<[a-z][^<>]*?\s(?:href|src|action|formaction|data)\s*=\s*["']?\s*(?:javascript|data:text/html)""", re.I
)

_edge_character = st.sampled_from(UNICODE) | st.characters(max_codepoint=0x1F) | st.characters()
_LONG_UNITS = ["a", "<script>alert(1)</script>", "\U0001f4a9", "e\u0301", "\u202e", "' OR 1=1--", "\x00"]

#: Text a person could not type but a client can send: full Unicode with control characters (lone
#: surrogates cannot be form-encoded; the JSON strategy adds them), edge characters mixed in, strings of
#: 10,000 to 100,000 characters, numbers as text, nothing, and the curated payloads around random text.
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.lists(
        st.sampled_from(UNICODE) | st.characters(max_codepoint=0x1F) | st.characters(), min_size=1, max_size=8
    ).map("".join),
    st.builds(lambda unit, n: (unit * n)[:n], st.sampled_from(_LONG_UNITS), st.integers(10_000, 100_000)),
    st.sampled_from(NUMBERS) | st.integers().map(str) | st.floats().map(str),
    st.just(""),
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=8), st.sampled_from(PAYLOADS), st.text(max_size=8)),
)
#: In JSON a lone surrogate travels as ``\\ud800``: the API must not choke on decoding or storing it.
hostile_json_text = hostile_text | st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)

#: What an upload field gets: wrong types, markup, empty files, and names that try to leave the folder.
FILE_BODIES = [
    b"",
    b"MZ\x90\x00\x03" + b"\x00" * 60,
    b"%PDF-1.4\n<script>alert(1)</script>",
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"GIF89a/*<script>alert(1)</script>*/",
    b'name,email\n=HYPERLINK("https://evil.example"),x@example.org\n',
    "Name,Email\n\u202eevil,\x00@example.org\n".encode(),
    b"\xff\xfe\x00z",
]
FILE_NAMES = [
    "report.pdf",
    "../../etc/passwd",
    "..\\..\\x.pdf",
    "<script>alert(1)</script>.pdf",
    "invoice.pdf.exe",
    "\u202efdp.exe",
    "",
    "a" * 300 + ".csv",
    "people.csv",
    "con.csv",
]
hostile_file = st.builds(
    lambda body, name: (io.BytesIO(body), name), st.sampled_from(FILE_BODIES), st.sampled_from(FILE_NAMES)
)
#: Field names a form never drew: mass assignment and odd keys.
EXTRA_NAMES = [
    "role",
    "is_admin",
    "id",
    "created_by_id",
    "user_id",
    "__proto__",
    "csrf_token",
    "a[]",
    "x" * 500,
    "\x00",
]


def unescaped(html_text):
    """The markers of payloads that reached ``html_text`` unescaped (empty when the page is safe)."""
    found = [marker for marker in MARKERS if marker in html_text]
    found += JS_URL_RE.findall(html_text)
    return found


class _FormParser(HTMLParser):
    """Collects each <form>'s action, method and fields: name -> {kind, options, value}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            field = self._field(a["name"], kind)
            if kind in ("radio", "checkbox"):
                field["options"].append(a.get("value") or "on")
            elif kind != "file":
                field["value"] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = self._field(a["name"], "select")
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = self._field(a["name"], "textarea")
        elif tag == "button" and a.get("name"):
            self._field(a["name"], "submit")["options"].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def _field(self, name, kind):
        return self._form["fields"].setdefault(name, {"kind": kind, "options": [], "value": ""})


def page_forms(html_text, page_url):
    """The forms of a page as ``{method: {action: fields}}``, where the action is the path plus any query
    string, and the fields of forms sharing a method and action are merged."""
    parser = _FormParser()
    parser.feed(html_text)
    found = {"get": {}, "post": {}}
    for form in parser.forms:
        action = urlsplit(urljoin(page_url, form["action"]))
        key = action.path + (f"?{action.query}" if action.query and form["method"] == "post" else "")
        found.setdefault(form["method"], {}).setdefault(key, {}).update(form["fields"])
    return found


def field_values(fields):
    """A strategy for one submission of a discovered form: each field hostile, one of its own options,
    its current value, or left out; sometimes with an extra field the form never drew."""
    entries = {}
    for name, field in fields.items():
        kind, options = field["kind"], field["options"]
        if kind == "file":
            value = hostile_file
        elif kind == "checkbox":
            value = st.lists(st.sampled_from(options) | hostile_text, max_size=3)
        elif options:
            value = st.sampled_from(options) | hostile_text
        else:
            value = hostile_text | st.just(field["value"])
        entries[name] = st.none() | value
    extra = st.dictionaries(st.sampled_from(EXTRA_NAMES) | st.text(min_size=1, max_size=20), hostile_text, max_size=2)
    return st.builds(
        lambda chosen, more: {**more, **{k: v for k, v in chosen.items() if v is not None}},
        st.fixed_dictionaries(entries),
        extra,
    )


def _json_value(schema, components):
    """A strategy for one property of an OpenAPI schema: valid-looking values mixed with hostile ones."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    types = schema.get("type", "string")
    types = types if isinstance(types, list) else [types]
    choices = [hostile_json_text, st.none(), st.integers(-(2**70), 2**70), st.booleans()]
    if "enum" in schema:
        choices.append(st.sampled_from(schema["enum"]))
    if "integer" in types:
        choices.append(st.integers(1, 5) | st.sampled_from([0, -1, 2**31, 2**63, 10**30]))
    if "array" in types:
        item = _json_value(schema.get("items", {}), components)
        choices.append(st.lists(item, max_size=4))
    if "object" in types:
        choices.append(st.dictionaries(hostile_json_text, hostile_json_text, max_size=2))
    return st.one_of(choices)


def json_bodies(schema, components):
    """A strategy for a JSON body for ``schema``: each property present or not, plus odd bodies."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    properties = schema.get("properties", {})
    entries = {name: st.none() | _json_value(prop, components) for name, prop in properties.items()}
    objects = st.builds(
        lambda chosen, more: {**more, **{k: v for k, v in chosen.items() if v is not None}},
        st.fixed_dictionaries(entries),
        st.dictionaries(st.sampled_from(EXTRA_NAMES), hostile_json_text, max_size=2),
    )
    return objects | st.sampled_from([[], "", 0, None, [{}]]) | hostile_json_text
