"""Full-text search of engagement records, on SQLite FTS5 and (with TEST_DATABASE_URL) PostgreSQL."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import text

from engage import search
from engage.permissions import Role
from engage.records import services
from engage.records.models import RecordKind, RecordQuote, Sensitivity
from engage.records.queries import RecordFilter
from tests import factories


def hits(user, q, **filters):
    return [hit.record.id for hit in search.search(user, RecordFilter(q=q, **filters)).hits]


def page(client, **args):
    response = client.get("/records/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture(params=["every match", "recent window"])
def read_path(request, db, monkeypatch):
    """Both ways PostgreSQL reads a search: every match when there are few, and the recent copy's
    window (filters as tags, see engage.search._candidates) when there are many. SQLite has one."""
    if request.param == "recent window":
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite reads every search one way")
        monkeypatch.setattr(search._PostgreSQLEngine, "probe", lambda self, parsed, flt: 10**6)
    return request.param


@pytest.fixture
def officer_client(app, officer, login_as, client):
    login_as(officer)
    return client


def test_a_title_match_ranks_above_a_match_in_the_text(app, db, officer):
    in_text = factories.EngagementRecordFactory(title="Community meeting", what_we_heard="Talk about loneliness.")
    in_title = factories.EngagementRecordFactory(title="Loneliness drop-in", what_we_heard="Tea and cake.")
    db.session.commit()
    assert hits(officer, "loneliness") == [in_title.id, in_text.id]


def test_every_word_must_match_and_case_and_accents_do_not_matter(app, db, officer):
    both = factories.EngagementRecordFactory(title="Café for carers", what_we_heard="Transport was the worry.")
    factories.EngagementRecordFactory(title="Carers group", what_we_heard="Respite.")
    db.session.commit()
    assert hits(officer, "CARERS transport") == [both.id]
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's 'english' configuration keeps accents
        assert hits(officer, "cafe") == [both.id]


def test_snippets_mark_the_words_and_escape_hostile_text(app, db, officer_client):
    factories.EngagementRecordFactory(
        title="Dementia <b>cafe</b>", what_we_heard="<script>alert(1)</script> People with dementia want <i>time</i>."
    )
    html = page(officer_client, q="dementia")
    assert "People with <mark>dementia</mark> want" in html
    assert "<script>alert(1)" not in html and "<i>time</i>" not in html and "<b>cafe" not in html
    if db.engine.dialect.name == "sqlite":  # ts_headline leaves tags out instead of escaping them
        assert "<mark>Dementia</mark> &lt;b&gt;cafe&lt;/b&gt;" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; People with <mark>dementia</mark>" in html


@pytest.mark.parametrize("walk_per_id", [0, 10**9], ids=["searched-per-id", "walked-between-ids"])
def test_every_hit_on_every_page_of_a_filtered_search_has_its_snippet(app, db, officer, monkeypatch, walk_per_id):
    # Records the filter leaves out lie between the hits: the snippets must still be each hit's own,
    # whichever way SQLite reads them (see _SQLiteEngine.snippets).
    monkeypatch.setattr(search, "SNIPPET_WALK_PER_ID", walk_per_id)
    wanted = []
    for i in range(9):
        kind = RecordKind.workshop if i % 3 == 0 else RecordKind.meeting
        record = factories.EngagementRecordFactory(
            title=f"Session {i}", kind=kind, what_we_heard=f"Record {i} heard that transport to clinics is poor."
        )
        if kind == RecordKind.workshop:
            wanted.append(record)
    db.session.commit()
    seen = []
    for number in (1, 2):
        result = search.search(officer, RecordFilter(q="transport", kind="workshop"), page=number, per_page=2)
        for hit in result.hits:
            assert f"Record {hit.record.title.split()[-1]} heard that <mark>transport</mark>" in str(hit.snippet)
            seen.append(hit.record.id)
    assert sorted(seen) == sorted(r.id for r in wanted)


def test_a_record_cannot_fake_a_highlight_with_the_sentinel_characters(app, db, officer):
    factories.EngagementRecordFactory(title="Falls \ue002clinic\ue003", what_we_heard="falls")
    db.session.commit()
    [hit] = search.search(officer, RecordFilter(q="falls")).hits
    assert str(hit.title) == "<mark>Falls</mark> clinic"


def test_identifying_passages_are_never_found_or_shown(app, db, officer_client):
    factories.EngagementRecordFactory(
        title="Discharge listening", what_we_heard="[[Mrs Okonkwo at 4 Mill Lane]] said discharge took all day."
    )
    assert "No records match your search" in page(officer_client, q="Okonkwo")
    html = page(officer_client, q="discharge")
    assert "Okonkwo" not in html and "identifying details removed" in html


def test_the_index_follows_records_and_quotes_as_they_change(app, db, officer):
    record = services.create_record(
        actor=officer, title="Pharmacy survey", kind=RecordKind.survey, happened_on=date(2026, 9, 1),
        ended_on=None, programme_group_id=None, residents_reached=3, what_we_heard="Opening hours.", outcomes="",
        sensitivity=Sensitivity.partners, places=[], topics=[], organisations=[], people=[], reviewers=[],
        quotes=["The queue goes round the block."],
    )  # fmt: skip
    db.session.commit()
    assert hits(officer, "pharmacy") == hits(officer, "queue") == [record.id]
    record.title = "Chemist survey"
    db.session.commit()
    assert hits(officer, "pharmacy") == [] and hits(officer, "chemist") == [record.id]
    record.quotes = [RecordQuote(text="Parking is impossible.")]
    db.session.commit()
    assert hits(officer, "queue") == [] and hits(officer, "parking") == [record.id]
    db.session.delete(record.quotes[0])
    db.session.commit()
    assert hits(officer, "parking") == []
    db.session.delete(record)
    db.session.commit()
    assert hits(officer, "chemist") == []
    assert db.session.scalar(text("SELECT count(*) FROM record_search")) == 0


def test_a_record_logged_through_the_form_is_found_at_once(app, db, officer_client, post_form):
    data = {
        "title": "Wheelchair access audit", "kind": "outreach", "happened_on": "2026-10-01",
        "residents_reached": "4", "sensitivity": "partners", "what_we_heard": "Ramps.", "quotes": "No lift.",
    }  # fmt: skip
    assert post_form("/records/new", data).status_code == 302
    assert "Wheelchair access audit" in page(officer_client, q="lift")


def test_filters_narrow_a_search_and_facets_count_what_is_left(app, db, officer, read_path):
    north, south = factories.PlaceFactory(name="North"), factories.PlaceFactory(name="South")
    neighbourhood = factories.PlaceFactory(name="North Quay", parent=north)
    falls, diabetes = factories.TopicFactory(name="Falls"), factories.TopicFactory(name="Diabetes")
    involve = factories.OrganisationFactory(name="Involve")
    a = factories.EngagementRecordFactory(title="Clinic a", kind=RecordKind.workshop, happened_on=date(2025, 3, 1))
    a.places, a.topics, a.organisations = [neighbourhood], [falls], [involve]
    b = factories.EngagementRecordFactory(title="Clinic b", kind=RecordKind.survey, sensitivity=Sensitivity.public)
    b.places, b.topics = [south], [falls, diabetes]
    c = factories.EngagementRecordFactory(title="Clinic c", kind=RecordKind.survey, happened_on=date(2024, 1, 5))
    c.places = [south]
    db.session.commit()
    assert sorted(hits(officer, "clinic")) == sorted([a.id, b.id, c.id])
    assert hits(officer, "clinic", kind="workshop") == [a.id]
    assert hits(officer, "clinic", place_id=north.id) == [a.id]  # the neighbourhood is in North
    assert hits(officer, "clinic", topic_id=diabetes.id) == [b.id]
    assert hits(officer, "clinic", organisation_id=involve.id) == [a.id]
    assert hits(officer, "clinic", sensitivity="public") == [b.id]
    in_range = hits(officer, "clinic", date_from=date(2024, 1, 1), date_to=date(2025, 12, 31))
    assert sorted(in_range) == sorted([a.id, c.id])
    facets = search.search(officer, RecordFilter(q="clinic")).facets
    counts = {name: {f.label: f.count for f in values} for name, values in facets.items()}
    assert counts["kind"] == {"Survey": 2, "Workshop": 1}
    assert counts["topic"] == {"Falls": 2, "Diabetes": 1}
    assert counts["place"] == {"South": 2, "North Quay": 1}
    assert counts["organisation"] == {"Involve": 1}
    assert counts["sensitivity"] == {"Public": 1, "Partners": 2}
    assert counts["year"] == {"2026": 1, "2025": 1, "2024": 1}
    narrowed = search.search(officer, RecordFilter(q="clinic", kind="survey")).facets
    assert {f.label: f.count for f in narrowed["topic"]} == {"Falls": 1, "Diabetes": 1}


def test_date_filters_keep_their_exact_edges_whether_or_not_they_are_whole_years(app, db, officer, read_path):
    days = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 6, 15), date(2024, 12, 31), date(2025, 1, 1)]
    ids = {}
    for day in days:
        ids[day] = factories.EngagementRecordFactory(title=f"Clinic {day}", happened_on=day).id
    db.session.commit()

    def found(**dates):
        return sorted(hits(officer, "clinic", **dates))

    # Whole years: the year tokens say it all (SQLite and the recent window skip the per-record date check).
    assert found(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)) == sorted(ids[d] for d in days[1:4])
    assert found(date_from=date(2024, 1, 1)) == sorted(ids[d] for d in days[1:])
    # Part years: the records' own dates decide at both edges.
    assert found(date_from=date(2024, 1, 2), date_to=date(2024, 12, 30)) == [ids[date(2024, 6, 15)]]
    assert found(date_from=date(2024, 1, 1), date_to=date(2024, 12, 30)) == sorted(ids[d] for d in days[1:3])
    assert found(date_from=date(2024, 6, 15)) == sorted(ids[d] for d in days[2:])
    assert found(date_to=date(2024, 1, 1)) == sorted(ids[d] for d in days[:2])


def test_the_search_page_keeps_the_query_in_the_url_and_links_facets_that_add_a_filter(app, db, officer_client):
    topic = factories.TopicFactory(name="Maternity")
    record = factories.EngagementRecordFactory(title="Midwife clinic")
    record.topics = [topic]
    html = page(officer_client, q="midwife")
    assert 'value="midwife"' in html
    assert f'href="/records/?q=midwife&amp;topic={topic.id}">Maternity</a>' in html
    assert "1 record" in html and "<mark>Midwife</mark> clinic" in html
    narrowed = page(officer_client, q="midwife", topic=str(topic.id))
    assert "<mark>Midwife</mark> clinic" in narrowed


def test_an_organisation_facet_filters_and_can_be_removed(app, db, officer_client):
    involve = factories.OrganisationFactory(name="Involve Kent")
    record = factories.EngagementRecordFactory(title="Carers cafe")
    record.organisations = [involve]
    factories.EngagementRecordFactory(title="Carers walk")
    html = page(officer_client, q="carers", organisation=str(involve.id))
    assert "</mark> cafe" in html and "</mark> walk" not in html
    assert "Organisation: <strong>Involve Kent</strong>" in html and "Remove this filter" in html
    assert "</mark> walk" in page(officer_client, q="carers", organisation="not-a-number")


@pytest.mark.parametrize(
    ("role", "named", "sees"), [("reviewer", False, False), ("reviewer", True, True), ("officer", False, True)]
)
def test_restricted_records_stay_out_of_results_facets_and_exports(
    app, db, login_as, client, role, named, sees, read_path
):
    user = factories.UserFactory(role=Role(role))
    secret_topic = factories.TopicFactory(name="Safeguarding")
    secret = factories.EngagementRecordFactory(title="Respite secret", sensitivity=Sensitivity.restricted)
    secret.topics = [secret_topic]
    if named:
        secret.reviewers = [user]
    factories.EngagementRecordFactory(title="Respite open")
    login_as(user)
    html = page(client, q="respite")
    assert ("</mark> secret" in html) is sees
    assert ("Safeguarding</a>" in html) is sees
    assert ("2 records" if sees else "1 record") in html
    exported = client.get("/records/export.csv", query_string={"q": "respite"}).get_data(as_text=True)
    assert ("Respite secret" in exported) is sees


def test_reviewers_never_see_identifying_passages_in_search_and_officers_only_on_the_record(app, db, login_as, client):
    reviewer = factories.UserFactory(role=Role.reviewer)
    factories.EngagementRecordFactory(title="Falls", what_we_heard="Falls at home. [[Jo Bloggs, 7 Elm Road]]")
    login_as(reviewer)
    html = page(client, q="falls")
    assert "Jo Bloggs" not in html and "Elm Road" not in html


def test_the_export_of_a_search_has_the_same_records_in_the_same_order(app, db, officer_client):
    for title, body in [("Housing damp", ""), ("Mould survey", "damp flats"), ("Parks", "nothing")]:
        factories.EngagementRecordFactory(title=title, what_we_heard=body)
    html = page(officer_client, q="damp")
    assert html.index("Housing <mark>damp</mark>") < html.index("Mould survey") and "Parks" not in html
    exported = officer_client.get("/records/export.csv", query_string={"q": "damp"}).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert [row[4] for row in table[1:]] == ["Housing damp", "Mould survey"]


PAYLOADS = [
    '"', '""', '"unbalanced', "*", "car*", "NEAR(", "NEAR(carers transport, 2)", "carers AND", "OR", "AND NOT",
    "-carers", "title:carers", "carers:", "(", ")", "((carers)", "^carers", "{title body}: carers", "+", "'",
    "\x00", "carers\x00transport", "😀", "ünïcödé", "日本語", "\u202e", "' OR 1=1--", "%", "\\",
]  # fmt: skip


@pytest.mark.parametrize("query", PAYLOADS)
def test_search_syntax_in_a_query_never_fails_and_finds_the_words_it_contains(app, db, officer_client, query):
    record = factories.EngagementRecordFactory(title="Carers transport forum", what_we_heard="carers need transport")
    html = page(officer_client, q=query)
    typed = query.replace("\x00", "").strip()  # forms drop NUL, so "\x00" alone is no search at all
    words = search.parse(typed).terms
    assert ("Enter words to search for" in html) is (bool(typed) and not words)
    found = not typed or (bool(words) and set(words) <= {"carers", "transport"})
    assert (f'href="/records/{record.id}"' in html) is found


def test_words_inside_search_syntax_are_still_searched(app, db, officer):
    record = factories.EngagementRecordFactory(title="Carers transport forum a b")
    db.session.commit()
    for query in [
        '"carers',
        "carers*",
        "NEAR(carers transport)",
        "(carers) AND transport",
        "-carers",
        "^carers:",
        "a\x00b carers",
    ]:
        assert hits(officer, query) == [record.id], query


def test_a_very_long_query_is_shortened_and_the_user_is_told(app, db, officer_client):
    factories.EngagementRecordFactory(title="Carers transport forum")
    html = page(officer_client, q="carers " + "x" * 10_000)
    assert "Your search was shortened to its first 8 words" in html
    assert "Carers transport forum" not in html  # the long word is still searched for
    many = " ".join(["carers"] + [f"w{i}" for i in range(20)])
    assert "shortened" in page(officer_client, q=many)


def test_a_search_with_no_matches_says_so(app, db, officer_client):
    factories.EngagementRecordFactory(title="Carers")
    html = page(officer_client, q="zebra")
    assert "No records match your search" in html and "0 records" in html


def test_a_very_common_query_ranks_only_the_newest_matches_and_says_so(app, db, officer, officer_client, monkeypatch):
    monkeypatch.setattr(search, "EXACT_LIMIT", 3)
    monkeypatch.setattr(search, "CANDIDATES", 4)
    monkeypatch.setattr(search, "PG_WINDOW", 5)
    # PostgreSQL's probe is the planner's estimate, which knows nothing of a table this small.
    monkeypatch.setattr(search._PostgreSQLEngine, "probe", lambda self, parsed, flt: 10**6)
    records = [factories.EngagementRecordFactory(title=f"Common word {i}") for i in range(8)]
    db.session.commit()
    result = search.search(officer, RecordFilter(q="common"))
    assert result.total_capped and result.total == 4
    assert sorted(hit.record.id for hit in result.hits) == sorted(r.id for r in records[-4:])
    html = page(officer_client, q="common")
    assert "come from the newest matches only" in html and "4+" in html


def test_postgresql_keeps_the_newest_records_rows_in_the_recent_copy_of_the_index(app, db, officer, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the recent copy is PostgreSQL's (SQLite's FTS5 walks newest first)")
    monkeypatch.setattr(search, "PG_RECENT", 3)
    monkeypatch.setattr(search, "PG_WINDOW", 3)
    monkeypatch.setattr(search._PostgreSQLEngine, "probe", lambda self, parsed, flt: 10**6)  # always the window

    def recent():
        return sorted(db.session.scalars(text("SELECT record_id FROM record_search_recent")))

    records = [factories.EngagementRecordFactory(title=f"Ward visit {i}") for i in range(5)]
    db.session.commit()
    assert recent() == sorted(r.id for r in records[-3:])  # the oldest two were pushed out
    records[-1].title = "Ward visit about parking"
    records[0].title = "Ward visit about parking too"  # too old for the copy: stays out of it
    db.session.commit()
    assert recent() == sorted(r.id for r in records[-3:])
    assert [hit.record.id for hit in search.search(officer, RecordFilter(q="parking")).hits] == [records[-1].id]
    db.session.delete(records[-1])
    db.session.commit()
    assert recent() == sorted(r.id for r in records[-3:-1])
    assert search.search(officer, RecordFilter(q="parking")).hits == []


def test_postgresql_filters_meet_the_words_in_the_recent_copy_and_no_word_matches_a_tag(app, db, officer, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the recent copy is PostgreSQL's")
    monkeypatch.setattr(search._PostgreSQLEngine, "probe", lambda self, parsed, flt: 10**6)  # always the window
    north, south = factories.PlaceFactory(name="North"), factories.PlaceFactory(name="South")
    quay = factories.PlaceFactory(name="Quay", parent=north)
    falls = factories.TopicFactory(name="Falls")
    a = factories.EngagementRecordFactory(title="Ward visit a", kind=RecordKind.workshop, happened_on=date(2025, 3, 1))
    a.places, a.topics = [quay], [falls]
    b = factories.EngagementRecordFactory(title="Ward visit b", kind=RecordKind.survey, sensitivity=Sensitivity.public)
    b.places = [south]
    db.session.commit()
    assert hits(officer, "ward", kind="workshop") == [a.id]
    assert hits(officer, "ward", place_id=north.id, topic_id=falls.id) == [a.id]  # Quay is in North
    assert hits(officer, "ward", sensitivity="public") == [b.id]
    assert hits(officer, "ward", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)) == [a.id]
    assert hits(officer, "ward", kind="workshop", place_id=south.id) == []
    # The tags are lexemes no query word can be: searching for one finds nothing.
    for word in ("kworkshop", f"t{falls.id}", f"p{south.id}", "spublic", "y2025"):
        assert hits(officer, word) == []


def test_a_walk_through_very_common_words_stops_at_the_newest_records_and_says_so(
    app, db, officer, officer_client, monkeypatch
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL bounds common words with its own window (see the test above)")
    # A budget of 4 posting entries: a word in every record may walk the newest 4 records only,
    # a word in a tenth of them 40 (all ten records here), so it is searched exactly.
    monkeypatch.setattr(search, "WALK_BUDGET", 4)
    records = [factories.EngagementRecordFactory(title=f"Common word {i}") for i in range(10)]
    records[0].title = "Common word and a rare one"
    db.session.commit()
    result = search.search(officer, RecordFilter(q="common"))
    assert result.total_capped
    assert sorted(hit.record.id for hit in result.hits) == sorted(r.id for r in records[-5:])
    assert "come from the newest matches only" in page(officer_client, q="common")
    rare = search.search(officer, RecordFilter(q="rare"))
    assert [hit.record.id for hit in rare.hits] == [records[0].id] and not rare.total_capped


@pytest.mark.parametrize("few_expected", [-1, 10**9], ids=["newest first", "oldest first, then newest"])
def test_a_search_finds_the_same_newest_matches_whichever_way_sqlite_walks(app, db, officer, monkeypatch, few_expected):
    """SQLite walks a search expected to match few records oldest first (see _candidates); when
    that finds more than CANDIDATES, the newest ones are read again, newest first."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads every match or a window of the newest records")
    monkeypatch.setattr(search, "CANDIDATES", 4)
    monkeypatch.setattr(search, "FEW_EXPECTED", few_expected)
    make = factories.EngagementRecordFactory
    workshops = [make(title=f"Stroke care {i}", kind=RecordKind.workshop) for i in range(8)]
    meetings = [make(title=f"Stroke care {i}", kind=RecordKind.meeting) for i in range(3)]
    db.session.commit()
    few = search.search(officer, RecordFilter(q="stroke", kind="meeting"))
    assert [hit.record.id for hit in few.hits] == [r.id for r in reversed(meetings)] and not few.total_capped
    many = search.search(officer, RecordFilter(q="stroke", kind="workshop"))
    assert [hit.record.id for hit in many.hits] == [r.id for r in reversed(workshops[-4:])] and many.total_capped


def test_the_index_rebuild_command_reindexes_every_record(app, db, runner):
    record = factories.EngagementRecordFactory(title="Rebuilt")
    db.session.commit()
    db.session.execute(text("DELETE FROM record_search"))
    db.session.commit()
    result = runner.invoke(args=["search", "rebuild"])
    assert "Search index rebuilt: 1 records." in result.output
    assert db.session.scalar(text("SELECT count(*) FROM record_search")) == 1
    assert record.id


def test_filters_follow_a_record_whose_links_change(app, db, officer, read_path):
    before, after = factories.TopicFactory(name="Before"), factories.TopicFactory(name="After")
    record = factories.EngagementRecordFactory(title="Moving clinic", kind=RecordKind.workshop)
    record.topics = [before]
    db.session.commit()
    assert hits(officer, "clinic", topic_id=before.id) == [record.id]
    record.topics = [after]
    record.kind = RecordKind.survey
    db.session.commit()
    assert hits(officer, "clinic", topic_id=before.id) == []
    assert hits(officer, "clinic", topic_id=after.id, kind="survey") == [record.id]


def test_the_migration_indexes_records_that_already_exist(tmp_path):
    from flask_migrate import upgrade

    from config import TestingConfig
    from engage import create_app
    from engage.extensions import db as _db

    app = create_app(type("C", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}))
    with app.app_context():
        upgrade(revision="ce3f5ea69d5d")
        topic = factories.TopicFactory(name="Older")
        _db.session.commit()
        _db.session.execute(
            text(
                "INSERT INTO engagement_records (id, title, kind, happened_on, residents_reached, what_we_heard,"
                " sensitivity, created_at, updated_at) VALUES (7, 'Old clinic', 'workshop', '2020-05-01', 0,"
                " 'Said [[Ann Lee]] waited.', 'partners', '2020-05-01 00:00:00', '2020-05-01 00:00:00')"
            )
        )
        _db.session.execute(text("INSERT INTO record_topics (record_id, topic_id) VALUES (7, :t)"), {"t": topic.id})
        _db.session.execute(text("INSERT INTO record_quotes (record_id, text) VALUES (7, 'The lift broke')"))
        _db.session.commit()
        upgrade()
        officer = factories.UserFactory(role=Role.officer)
        _db.session.commit()
        assert hits(officer, "lift") == hits(officer, "clinic", topic_id=topic.id, kind="workshop") == [7]
        assert hits(officer, "clinic", date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)) == [7]
        assert hits(officer, "ann") == []
        _db.session.remove()
        _db.engine.dispose()


def test_actions_outcomes_and_attachment_text_are_found(app, db, login_as, client):
    record = factories.EngagementRecordFactory(
        title="Parish hall listening event", what_we_heard="General chat", outcomes="Minibus [[Mr Quill]] agreed"
    )
    factories.RecordActionFactory(record=record, description="Arrange a zebracrossing survey", outcome="")
    factories.RecordAttachmentFactory(record=record, content=b"Minutes mention the xylophone workshop")
    db.session.commit()
    login_as(factories.UserFactory(role=Role.reviewer))
    for word, found in [("zebracrossing", True), ("xylophone", True), ("minibus", True), ("quill", False)]:
        page = client.get("/records/", query_string={"q": word}).get_data(as_text=True)
        assert ("Parish hall listening event" in page) is found, word
