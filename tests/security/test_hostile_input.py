"""Hostile input on every form and API write, as every role (hypothesis, derandomised).

The endpoints come from the URL map: every rule that takes POST, and PUT/PATCH/DELETE under /api/,
so a new form is fuzzed without editing this file; one neither fuzzed nor excluded below fails the
test. Each is reached at the route matrix's sample URL (tests/test_route_matrix.py builds the objects)
as anonymous, reviewer, officer and admin. A page form's fields are read from the pages themselves:
every page of the app is fetched once per role and each POST form is indexed by its action. An API
body follows the operation's schema in /api/v1/openapi.json, sent with the role's bearer token.

Search and filter forms (GET) get hostile query strings too (no 5xx, no unescaped payload).

Each submission mixes hostile text (full Unicode with control characters, edge characters, 10k-100k
character strings, numbers as text, empty values, XSS, template, SQL, search-syntax and formula
payloads; hostile.py) with the field's own options, and every answer must be:

* no 5xx;
* no payload unescaped in the HTML (nor in the page an accepted submission leads to);
* when refused (4xx, a sign-in redirect, or the form again with its error summary), the row count of
  every table unchanged.

Every route is also tried with ids beyond PostgreSQL's integer in its URL: not found, never a 5xx.
CSRF is off in this app only, so every submission reaches validation (CSRF is proven in
tests/test_security.py); so is the rate limiter (its own tests are in tests/accounts and tests/api).
"""

from collections import Counter
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from engage.extensions import db as _db
from tests.auth import put_signed_in
from tests.responses.helpers import make_survey, page_one, respond_url, views_answers
from tests.security.hostile import field_values, json_bodies, page_forms, unescaped
from tests.test_route_matrix import AUDIENCES, MATRIX, ROLES, sample_url_values, seed_sample_objects

#: Submissions per endpoint for a role allowed to use it, and for one that is turned away.
EXAMPLES = 5
REFUSED_EXAMPLES = 1
#: Hostile query strings per search or filter form (GET), per role.
SEARCH_EXAMPLES = 3
#: Ids no table holds and PostgreSQL's integer cannot hold (SQLite's integer neither, from 2**63).
HOSTILE_IDS = (2**31, 2**63, 10**30)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Endpoints not fuzzed, and why. Everything else that writes is.
EXCLUDED = {
    # They end the session the fuzz signs in with and take no input but the CSRF token.
    "accounts.sign_out": "ends the fuzzing session",
    "accounts.sign_out_everywhere": "ends the fuzzing session",
}
#: Rows a refused request stores on purpose: a failed sign-in is a security event, kept in the audit
#: trail (engage.accounts.services.record_failure) so lockouts and credential stuffing can be traced.
KEPT_WHEN_REFUSED = {"accounts.sign_in": {"audit_entries"}, "accounts.sign_in_code": {"audit_entries"}}
#: More than one sample URL for an endpoint: the survey journey's pages ask different questions.
URL_VARIANTS = {
    "responses.page": [{"n": 1}, {"n": 3}, {"n": 4}],
    # The question form is drawn once a type is chosen (?kind=): a free-text and a choice question.
    "surveys.add_question": [{"kind": "long_text"}, {"kind": "single_choice"}],
}

FIGURES = Counter()


def write_methods(rule):
    methods = rule.methods & WRITE_METHODS
    return methods if rule.rule.startswith("/api/") else methods & {"POST"}


def row_counts(tables):
    """Rows in every table, in one statement."""
    _db.session.commit()
    counts = _db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables)))
    return tuple(counts.one())


def is_html(response):
    return response.mimetype == "text/html"


def is_refusal(response):
    if response.status_code >= 400:
        return True
    if response.status_code in (302, 303):
        return "/account/sign-in" in response.headers.get("Location", "")
    return is_html(response) and "nhsuk-error-summary" in response.get_data(as_text=True)


def fuzz_settings(examples, **extra):
    """Hypothesis settings of every fuzz: derandomised (stable in CI), no deadline, no example store."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        **extra,
    )


class Fuzzer:
    """Signed-in clients per role, the form index, and the checks made on every answer."""

    def __init__(self, app, role, objects, users, tokens, survey):
        self.app, self.role, self.objects, self.users, self.tokens, self.survey = (
            app,
            role,
            objects,
            users,
            tokens,
            survey,
        )
        self.tables = list(_db.metadata.sorted_tables)
        self.problems = []
        self.forms = {}
        self.get_forms = {}
        spec = self.client().get("/api/v1/openapi.json").get_json()
        self.openapi, self.components = spec["paths"], spec["components"]["schemas"]

    def client(self):
        client = self.app.test_client()
        if self.role != "anonymous":
            with client.session_transaction() as session:
                put_signed_in(session, self.users[self.role])
        return client

    def headers(self, url):
        if self.role != "anonymous" and url.startswith("/api/"):
            return {"Authorization": f"Bearer {self.tokens[self.role]}"}
        return {}

    def answer_survey(self, client):
        """Answer every page of the sample survey up to its check page, so each page shows its form."""
        q = self.survey
        client.post(respond_url(q), data={"consent": "y", "respondent_type": "individual", **page_one(q)})
        client.post(respond_url(q, "/page/2"), data={f"q{q.why.id}": "It is nearer to my work."})
        client.post(respond_url(q, "/page/3"), data=views_answers(q))
        checked = client.post(respond_url(q, "/page/4"), data={f"q{q.age.id}": str(q.age.options[1].id)})
        assert checked.status_code == 302 and checked.headers["Location"].endswith("/check"), "survey not answered"

    def index_forms(self):
        """Fetch every page of the app once and index its forms by action, POST and GET apart."""
        client = self.client()
        self.answer_survey(client)
        for rule in self.app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
                continue
            for values in URL_VARIANTS.get(rule.endpoint, [{}]):
                url = self.url(rule, values)
                response = client.get(url)
                self.check(response, f"GET {url}")
                if response.status_code == 200 and is_html(response):
                    found = page_forms(response.get_data(as_text=True), url)
                    for action, fields in found["post"].items():
                        self.forms.setdefault(action, {}).update(fields)
                    for action, fields in found["get"].items():
                        self.get_forms.setdefault(action, {}).update(fields)

    def url(self, rule, values=None):
        with self.app.test_request_context():
            return self.app.url_for(rule.endpoint, **{**sample_url_values(rule, self.objects), **(values or {})})

    def check(self, response, what):
        """No server error and no unescaped payload; returns the response."""
        FIGURES["requests"] += 1
        if response.status_code >= 500:
            FIGURES["5xx"] += 1
            self.problems.append(f"{what}: {response.status_code}")
        elif is_html(response):
            found = unescaped(response.get_data(as_text=True))
            if found:
                FIGURES["unescaped"] += 1
                self.problems.append(f"{what}: unescaped {found[:3]}")
        return response

    def submit(self, client, rule, method, url, body):
        """One hostile submission and its checks (problems are collected, so one run reports them all)."""
        kept = KEPT_WHEN_REFUSED.get(rule.endpoint, set())
        tables = [t for t in self.tables if t.name not in kept]
        counts = row_counts(tables)
        kwargs = {"json": body} if url.startswith("/api/") else {"data": body}
        what = f"{method} {url} as {self.role} with {body!r:.300}"
        response = self.check(client.open(url, method=method, headers=self.headers(url), **kwargs), what)
        FIGURES["inputs"] += 1
        if is_refusal(response):
            after = row_counts(tables)
            if after != counts:
                FIGURES["stored_on_rejection"] += 1
                changed = [t.name for t, a, b in zip(tables, counts, after, strict=True) if a != b]
                self.problems.append(f"{what}: refused ({response.status_code}) but stored rows in {changed}")
        elif response.status_code in (302, 303):
            target = urlsplit(response.headers["Location"])
            self.check(client.get(target.path, query_string=target.query), f"{what} -> GET {target.path}")

    def fuzz_search(self, action, fields, examples):
        """A GET form (search, filters): hostile query strings get no 5xx and no unescaped payload."""
        client = self.client()

        @given(query=field_values(fields))
        @fuzz_settings(examples)
        def one_search(query):
            FIGURES["inputs"] += 1
            self.check(client.get(action, query_string=query), f"GET {action} as {self.role} with {query!r:.300}")

        one_search()

    def body_strategy(self, rule, url, method):
        if rule.rule.startswith("/api/"):
            template = rule.rule.replace("<int(max=2147483647):", "{").replace(">", "}")
            body = self.openapi[template][method.lower()]["requestBody"]["content"]["application/json"]["schema"]
            return json_bodies(body, self.components)
        # A POST form drawn only after a GET form of the same address (merge: pick, compare, confirm).
        return field_values(self.forms.get(url) or self.get_forms.get(url, {}))

    def fuzz(self, rule, method, url, examples):
        client = self.client()
        if rule.endpoint.startswith("responses."):
            self.answer_survey(client)

        @given(body=self.body_strategy(rule, url, method))
        @fuzz_settings(examples, report_multiple_bugs=False)
        def one_submission(body):
            if rule.endpoint == "responses.check":  # a submitted response ends the journey
                self.answer_survey(client)
            self.submit(client, rule, method, url, body)

        one_submission()


@pytest.fixture
def fuzz_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, API_RATE_LIMIT="1000000/minute")
    with app.app_context():
        yield app


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_gets_no_server_error_no_unescaped_payload_and_stores_nothing_when_refused(fuzz_app, role):
    objects, users, tokens = seed_sample_objects()
    survey = make_survey()
    objects["slug"] = survey.consultation.slug
    fuzzer = Fuzzer(fuzz_app, role, objects, users, tokens, survey)
    fuzzer.index_forms()
    writing = {rule.endpoint for rule in fuzz_app.url_map.iter_rules() if write_methods(rule)}
    assert set(EXCLUDED) <= writing, f"EXCLUDED names endpoints that take no input: {set(EXCLUDED) - writing}"
    endpoints, without_form = set(), []
    for rule in fuzz_app.url_map.iter_rules():
        if rule.endpoint in EXCLUDED:
            continue
        allowed = AUDIENCES[MATRIX[rule.endpoint][1]][role] == "ok"
        for method in sorted(write_methods(rule)):
            endpoints.add(rule.endpoint)
            for values in URL_VARIANTS.get(rule.endpoint, [{}]):
                url = fuzzer.url(rule, values)
                if allowed and not url.startswith("/api/") and url not in fuzzer.forms | fuzzer.get_forms:
                    without_form.append(url)
                fuzzer.fuzz(rule, method, url, EXAMPLES if allowed else REFUSED_EXAMPLES)
    searches = sorted(a for a, fields in fuzzer.get_forms.items() if fields and not a.startswith("/api/"))
    for action in searches:
        fuzzer.fuzz_search(action, fuzzer.get_forms[action], SEARCH_EXAMPLES)
    FIGURES["endpoints"] = max(FIGURES["endpoints"], len(endpoints))
    FIGURES["search_forms"] = max(FIGURES["search_forms"], len(searches))
    FIGURES["roles"] += 1
    print(
        f"\nhostile input as {role}: {len(endpoints)} endpoints, {FIGURES['inputs']} inputs so far; "
        f"fuzzed without a form found on any page (random fields only): {without_form}"
    )
    assert not fuzzer.problems, "\n".join(fuzzer.problems)


def test_ids_beyond_the_database_integer_are_not_found_on_every_route(fuzz_app):
    objects, _users, _tokens = seed_sample_objects()
    problems, tried = [], 0
    for index, rule in enumerate(fuzz_app.url_map.iter_rules()):
        ids = [a for a in rule.arguments if a.endswith("_id") or a in ("n", "number")]
        if not ids:
            continue
        big = HOSTILE_IDS[index % len(HOSTILE_IDS)]
        with fuzz_app.test_request_context():
            url = fuzz_app.url_for(rule.endpoint, **{**sample_url_values(rule, objects), **dict.fromkeys(ids, big)})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            tried += 1
            status = fuzz_app.test_client().open(url, method=method).status_code
            if status not in (404, 405):
                problems.append(f"{method} {url}: {status}")
    FIGURES["inputs"] += tried
    assert not problems, "\n".join(problems)


# Examples the fuzz found, kept as plain regression tests. "²" passes str.isdigit() but not int().


def _officer_client(app):
    from engage.permissions import Role
    from tests import factories

    officer = factories.UserFactory(role=Role.officer)
    _db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        put_signed_in(session, officer)
    return client


@pytest.mark.parametrize(
    "url", ["/records/2147483648", "/records/9223372036854775808/edit", "/themes/10000000000000000000"]
)
def test_a_page_id_beyond_the_database_integer_is_not_found(fuzz_app, url):
    assert _officer_client(fuzz_app).get(url).status_code == 404


@pytest.mark.parametrize("token", ["\u00b2." + "a" * 32, "99999999999999999." + "a" * 32])
def test_a_mangled_unsubscribe_link_says_it_does_not_work(fuzz_app, token):
    assert fuzz_app.test_client().get(f"/consultations/subscriptions/unsubscribe/{token}").status_code == 400


@pytest.mark.parametrize("number", ["\u00b2", "#\u00b9\u00b2"])
def test_a_record_number_in_other_digits_is_refused_with_a_message(fuzz_app, number):
    from engage.themes.models import ThemeEvidence
    from tests import factories

    theme = factories.ThemeFactory()
    client = _officer_client(fuzz_app)
    before = _db.session.scalar(select(func.count()).select_from(ThemeEvidence))
    response = client.post(f"/themes/{theme.id}/evidence", data={"record": number})
    assert response.status_code == 400
    assert "Enter the record number as digits" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(ThemeEvidence)) == before


@pytest.mark.parametrize("code", ["\u00b2", "99999999999999999999"])
def test_changing_a_code_that_is_not_a_number_asks_to_choose_one(fuzz_app, code):
    from engage.consultations.models import ConsultationStage
    from tests import factories

    consultation = factories.ConsultationFactory(stage=ConsultationStage.analysing)
    response_id = factories.ResponseFactory(consultation=consultation).id
    client = _officer_client(fuzz_app)
    url = f"/consultations/manage/{consultation.id}/responses/{response_id}/codes/change"
    answer = client.post(url, data={"code": code, "action": "delete"}, follow_redirects=True)
    assert answer.status_code == 200
    assert "Choose a code to change." in answer.get_data(as_text=True)


def test_zz_figure(capsys):
    """Print the figure for CI (runs last in this module)."""
    with capsys.disabled():
        print(
            f"\nhostile input: {FIGURES['endpoints']} endpoints and {FIGURES['search_forms']} search forms "
            f"x {FIGURES['roles']} roles, "
            f"{FIGURES['inputs']} inputs ({FIGURES['requests']} requests), {FIGURES['5xx']} 5xx, "
            f"{FIGURES['unescaped']} unescaped, {FIGURES['stored_on_rejection']} stored on rejection"
        )
