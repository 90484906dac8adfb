"""Analysis of closed questions, cross-tabulation, the equality summary with small groups withheld, and
representativeness against the population of the places consulted."""

import csv
import io

import pytest

from engage.analysis import breakdowns
from engage.audit import AuditEntry
from engage.reference.models import PlaceKind
from engage.responses.models import Answer, EqualityAnswer, RespondentType, ResponseChannel
from tests import factories
from tests.pages import main_content, plain
from tests.responses.helpers import make_survey


def respond(q, *, used=None, travel=(), car=None, rating=None, age=None, district=None, comment=None, **values):
    """A counted (unless duplicate=True) response with the given answers; indexes pick options."""
    response = factories.ResponseFactory(consultation=q.consultation, **values)
    db = factories.db
    if used is not None:
        db.session.add(Answer(response=response, question_id=q.used.id, option_id=q.used.options[used].id))
    for index in travel:
        db.session.add(Answer(response=response, question_id=q.travel.id, option_id=q.travel.options[index].id))
    if car is not None:
        db.session.add(Answer(response=response, question_id=q.car.id, text=car))
    if rating is not None:
        db.session.add(Answer(response=response, question_id=q.rating.id, number=rating))
    if comment is not None:
        db.session.add(Answer(response=response, question_id=q.comment.id, text=comment))
    if age is not None:
        db.session.add(EqualityAnswer(response_id=response.id, question_id=q.age.id, option_id=q.age.options[age].id))
    if district is not None:
        db.session.add(EqualityAnswer(response_id=response.id, question_id=q.district.id, text=district))
    db.session.flush()
    return response


def url(consultation, tail=""):
    return f"/consultations/manage/{consultation.id}/analysis{tail}"


def summary_of(q, question):
    (found,) = [s for s in breakdowns.closed_question_summaries(q.consultation) if s.question_id == question.id]
    return found


# Closed questions ---------------------------------------------------------------------------------


def test_counts_and_percentages_of_each_closed_question_leave_duplicates_out(db, client, login_as, officer):
    q = make_survey()
    for _ in range(3):
        respond(q, used=0, travel=(0, 1), car="yes", rating=5)
    respond(q, used=1, travel=(1,), car="no", rating=2)
    respond(q, used=0, travel=(0,), car="yes", rating=5, duplicate=True)
    db.session.commit()

    summaries = breakdowns.closed_question_summaries(q.consultation)
    assert [s.question_id for s in summaries] == [q.used.id, q.travel.id, q.agree.id, q.car.id, q.rating.id]
    used = summary_of(q, q.used)
    assert used.answered == 4
    assert [(o.label, o.count, o.percent) for o in used.options] == [
        ("Maidstone", 3, 75),
        ("Tunbridge Wells", 1, 25),
        ("Neither", 0, 0),
    ]
    travel = summary_of(q, q.travel)
    assert travel.answered == 4
    assert [(o.count, o.percent) for o in travel.options] == [(3, 75), (4, 100), (0, 0), (0, 0)]
    assert [(o.label, o.count) for o in summary_of(q, q.car).options] == [("Yes", 3), ("No", 1)]
    rating = summary_of(q, q.rating)
    assert [(o.label, o.count, o.percent) for o in rating.options] == [
        ("1", 0, 0),
        ("2", 1, 25),
        ("3", 0, 0),
        ("4", 0, 0),
        ("5", 3, 75),
    ]
    assert summary_of(q, q.agree).answered == 0

    login_as(officer)
    page = client.get(url(q.consultation))
    assert page.status_code == 200
    html = main_content(page)
    assert html.count("<svg") == 4  # the Likert question nobody answered has no chart
    text = plain(html)
    assert "4 people answered Answer People Percent Maidstone 3 75% Tunbridge Wells 1 25% Neither 0 0%" in text
    assert "Nobody has answered this question yet" in text
    assert "4 responses counted, and 1 marked as a duplicate" in text


def test_summaries_use_a_few_queries_whatever_the_number_of_questions(db, app):
    from sqlalchemy import event

    q = make_survey()
    for _ in range(5):
        respond(q, used=0, travel=(0, 1, 2), car="no", rating=3)
    db.session.commit()
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        breakdowns.closed_question_summaries(q.consultation)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 4


def test_an_empty_consultation_reads_sensibly_on_every_page(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    for tail in ("", "/equality", "/representativeness", f"/cross-tab?question={q.used.id}&by=age"):
        page = client.get(url(q.consultation, tail))
        assert page.status_code == 200, tail
    assert "Nobody has answered this question yet" in plain(main_content(client.get(url(q.consultation))))
    assert "0 people answered" in plain(main_content(client.get(url(q.consultation, "/equality"))))
    no_survey = factories.ConsultationFactory()
    db.session.commit()
    text = plain(main_content(client.get(url(no_survey))))
    assert "no online survey" in text


# Cross-tabulation ---------------------------------------------------------------------------------


def test_cross_tab_by_channel_and_respondent_type_counts_with_row_percentages(db, client, login_as, officer):
    q = make_survey()
    respond(q, used=0, channel=ResponseChannel.post)
    respond(q, used=0, channel=ResponseChannel.post)
    respond(q, used=1, channel=ResponseChannel.post)
    respond(q, used=1, channel=ResponseChannel.online, respondent_type=RespondentType.organisation)
    respond(q, used=0, channel=ResponseChannel.phone, duplicate=True)
    db.session.commit()

    table = breakdowns.cross_tab(q.consultation, str(q.used.id), "channel")
    rows = {r.label: [(c.count, c.percent) for c in r.cells] + [r.total.count] for r in table.rows}
    assert rows["Post"] == [(2, 67), (1, 33), (0, 0), 3]
    assert rows["Online survey"] == [(0, 0), (1, 100), (0, 0), 1]
    assert rows["Phone"] == [(0, 0), (0, 0), (0, 0), 0]  # the duplicate is not counted
    assert table.column_totals == [2, 2, 0] and table.answered == 4
    assert not table.suppressed

    login_as(officer)
    page = client.get(url(q.consultation, "/cross-tab"), query_string={"question": q.used.id, "by": "respondent_type"})
    text = plain(main_content(page))
    assert page.status_code == 200
    assert "As an individual 2 (67%) 1 (33%) 0 (0%) 3" in text
    assert "On behalf of an organisation 0 (0%) 1 (100%) 0 (0%) 1" in text
    assert "Everyone 2 2 0 4" in text


def test_cross_tab_by_age_band_withholds_small_groups_and_a_second_figure(db, app):
    q = make_survey()
    for _ in range(12):
        respond(q, used=0, age=1)
    for _ in range(11):
        respond(q, used=1, age=1)
    for _ in range(3):
        respond(q, used=0, age=2)
    for _ in range(20):
        respond(q, used=0, age=2)
        respond(q, used=1, age=2)
    for _ in range(15):
        respond(q, used=0)  # no age given
        respond(q, used=1)
    db.session.commit()

    table = breakdowns.cross_tab(q.consultation, q.used.id, "age")
    assert table.suppressed
    rows = {r.label: r for r in table.rows}
    assert [c.count for c in rows["18 to 64"].cells] == [12, 11, 0]
    older = rows["65 or over"]
    assert [c.count for c in older.cells] == [23, 20, 0]
    assert "Under 18" in rows and rows["Under 18"].total.count == 0
    assert [c.count for c in rows["Not given"].cells] == [15, 15, 0]

    # One group of 3: withheld, and so is another figure in its row and in its column.
    for _ in range(3):
        respond(q, used=2, age=0)
    db.session.commit()
    table = breakdowns.cross_tab(q.consultation, q.used.id, "age")
    rows = {r.label: r for r in table.rows}
    under = rows["Under 18"]
    assert under.total.hidden and under.cells[2].hidden
    assert table.column_totals == [50, 46, 3]
    column = [r.cells[2] for r in table.rows]
    assert sum(c.hidden for c in column) >= 2
    totals = [r.total for r in table.rows]
    assert sum(t.hidden for t in totals) >= 2
    # Nothing in a line is the only figure withheld, so none can be worked out by subtraction.
    for row in table.rows:
        assert sum(c.hidden for c in row.cells) + row.total.hidden != 1
        if row.total.hidden:
            assert all(c.hidden for c in row.cells)
    for index in range(3):
        assert sum(r.cells[index].hidden for r in table.rows) != 1


def test_the_minimum_group_size_is_a_setting(db, app):
    q = make_survey()
    for _ in range(3):
        respond(q, used=0, age=0)
    for _ in range(30):
        respond(q, used=1, age=1)
    db.session.commit()
    assert breakdowns.equality_summary(q.consultation)[0].rows[0][1].hidden
    app.config["EQUALITY_MIN_GROUP_SIZE"] = 3
    (age, *_rest) = breakdowns.equality_summary(q.consultation)
    assert [(label, f.count) for label, f in age.rows] == [
        ("Under 18", 3),
        ("18 to 64", 30),
        ("65 or over", 0),
        ("Prefer not to say", 0),
    ]
    app.config["EQUALITY_MIN_GROUP_SIZE"] = 50
    (age, *_rest) = breakdowns.equality_summary(q.consultation)
    assert all(f.hidden for label, f in age.rows if label in ("Under 18", "18 to 64"))


def test_cross_tab_by_place_groups_respondents_by_postcode_district(db, app):
    q = make_survey()
    area = factories.PlaceFactory(name="West Kent", postcode_districts="ME14 ME15 TN1")
    town = factories.PlaceFactory(
        name="Maidstone", kind=PlaceKind.neighbourhood, parent=area, population=40_000, postcode_districts="ME14 ME15"
    )
    q.consultation.places = [area]
    for _ in range(12):
        respond(q, used=0, district="ME14")
    for _ in range(10):
        respond(q, used=1, district="TN1")
    for _ in range(10):
        respond(q, used=1, district="CT9")
    db.session.commit()
    table = breakdowns.cross_tab(q.consultation, q.used.id, "place")
    rows = {r.label: r.total.count for r in table.rows}
    assert rows == {town.name: 12, "Elsewhere in West Kent": 10, breakdowns.OUTSIDE: 10}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"question": "999999", "by": "channel"}, "not part of this consultation"),
        ({"question": "abc", "by": "channel"}, "Choose a question from the list"),
        ({"question": "", "by": "channel"}, "Choose a question to cross-tabulate"),
        ({"question": "{used}", "by": "star-sign"}, "Choose what to break the answers down by"),
        ({"question": "{comment}", "by": "channel"}, "Only closed questions"),
        ({"question": "{age}", "by": "channel"}, "never cross-tabulated"),
        ({"question": "{other}", "by": "channel"}, "not part of this consultation"),
    ],
)
def test_bad_cross_tab_choices_get_a_clear_message_not_a_500(db, client, login_as, officer, query, message):
    q = make_survey()
    other = make_survey()
    respond(q, used=0)
    db.session.commit()
    ids = {"used": q.used.id, "comment": q.comment.id, "age": q.age.id, "other": other.used.id}
    login_as(officer)
    page = client.get(url(q.consultation, "/cross-tab"), query_string={k: v.format(**ids) for k, v in query.items()})
    assert page.status_code == 400
    text = plain(main_content(page))
    assert "There is a problem" in text and message in text


def test_cross_tab_form_works_without_javascript_from_the_analysis_page(db, client, login_as, officer):
    q = make_survey()
    respond(q, used=0, channel=ResponseChannel.email)
    db.session.commit()
    login_as(officer)
    html = main_content(client.get(url(q.consultation)))
    assert f'action="{url(q.consultation, "/cross-tab")}"' in html and 'method="get"' in html
    assert f'<option value="{q.used.id}">' in html and f'<option value="{q.comment.id}">' not in html
    page = client.get(url(q.consultation, "/cross-tab"), query_string={"question": q.used.id, "by": "channel"})
    assert "Email 1 (100%)" in plain(main_content(page))
    assert f'<option value="{q.used.id}" selected>' in main_content(page)


# Equality summary and export ---------------------------------------------------------------------


def test_equality_summary_withholds_small_groups_in_table_and_chart(db, client, login_as, officer):
    q = make_survey()
    for _ in range(4):
        respond(q, age=0)
    for _ in range(25):
        respond(q, age=1)
    for _ in range(12):
        respond(q, age=2)
    respond(q, age=0, duplicate=True)
    db.session.commit()
    login_as(officer)
    page = client.get(url(q.consultation, "/equality"))
    html = main_content(page)
    text = plain(html)
    assert "41 people answered" in text
    # Under 18 (4) is withheld, and the next smallest (12) too, or 4 = 41 - 25 - 12.
    assert "Under 18 Not shown Not shown 18 to 64 25 61% 65 or over Not shown Not shown Prefer not to say 0 0%" in text
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "Under 18" not in chart and "65 or over" not in chart and "18 to 64" in chart


def test_csv_of_the_tables_applies_suppression_and_is_safe_from_formulas(db, client, login_as, officer):
    q = make_survey()
    q.used.options[2].label = "=HYPERLINK(1)"
    for _ in range(3):
        respond(q, used=2, age=0)
    for _ in range(20):
        respond(q, used=0, age=1)
    db.session.commit()
    login_as(officer)
    response = client.get(url(q.consultation, "/tables.csv"), query_string={"question": q.used.id, "by": "age"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["Closed question", q.used.text, "'=HYPERLINK(1)", "3", "13"] in rows
    equality = [r for r in rows if r[0] == "Equality monitoring" and r[1] == q.age.text]
    assert ["Equality monitoring", q.age.text, "Under 18", "Not shown", "Not shown"] in equality
    assert not any(r[3] == "3" for r in equality)
    cross = [r for r in rows if r[0].startswith("Cross-tabulation by age")]
    assert cross and not any(r[3] == "3" for r in cross)
    entry = db.session.query(AuditEntry).filter_by(action="export").one()
    assert "analysis_tables" in entry.changed_fields


# Representativeness -------------------------------------------------------------------------------


def test_age_bands_map_onto_the_bands_both_can_be_added_up_to():
    survey = {1: "Under 16", 2: "16 to 24", 3: "25 to 44", 4: "45 to 64", 5: "65 to 74", 6: "75 or over", 7: "Prefer"}
    population = {k: k for k in ("0-17", "18-44", "45-64", "65-84", "85+")}
    order, survey_map, population_map, notes, unmatched = breakdowns.age_band_mapping(survey, population)
    assert order == ["Under 45", "45 to 64", "65 or over"]
    assert survey_map == {1: "Under 45", 2: "Under 45", 3: "Under 45", 4: "45 to 64", 5: "65 or over", 6: "65 or over"}
    assert population_map == {
        "0-17": "Under 45",
        "18-44": "Under 45",
        "45-64": "45 to 64",
        "65-84": "65 or over",
        "85+": "65 or over",
    }
    assert notes[0] == ("Under 45", ["Under 16", "16 to 24", "25 to 44"], ["0-17", "18-44"])
    assert unmatched == []
    assert breakdowns.parse_age_band("85 or over") == (85, None)
    assert breakdowns.parse_age_band("Prefer not to say") is None


def _represented_place(q):
    area = factories.PlaceFactory(
        name="Riverside",
        population=1000,
        postcode_districts="ME14 ME15",
        breakdown={"age": {"0-17": 200, "18-64": 600, "65+": 200}, "sex": {"Female": 500, "Male": 500}},
    )
    factories.PlaceFactory(
        name="North", kind=PlaceKind.neighbourhood, parent=area, population=300, postcode_districts="ME14"
    )
    factories.PlaceFactory(
        name="South", kind=PlaceKind.neighbourhood, parent=area, population=700, postcode_districts="ME15"
    )
    q.consultation.places = [area]
    return area


def test_representativeness_flags_under_represented_groups_and_withholds_small_ones(db, client, login_as, officer):
    q = make_survey()
    _represented_place(q)
    q.age.options[0].label, q.age.options[1].label = "Under 18", "18 to 64"
    for _ in range(60):
        respond(q, age=1, district="ME14")
    for _ in range(40):
        respond(q, age=2, district="ME15")
    for _ in range(3):
        respond(q, age=0, district="ME15")
    respond(q, age=3)  # prefer not to say: left out of the shares
    db.session.commit()

    tables = {t.key: t for t in breakdowns.representativeness(q.consultation)}
    age = tables["age"]
    assert age.base == 103 and not age.problem
    rows = {r.label: r for r in age.rows}
    assert rows["18 to 64"].respondents.count == 60 and rows["18 to 64"].flag == "ok"
    # 3 people under 18: withheld, and flagged, as the line (80% of 20% of 103 = 16.5) is above the minimum.
    assert rows["Under 18"].respondents.hidden and rows["Under 18"].flag == "under"
    # 40 people over 65, withheld so the 3 cannot be worked out; not flagged either way.
    assert rows["65 or over"].respondents.hidden and rows["65 or over"].flag == "unknown"
    assert age.under == ["Under 18"]
    assert tables["sex"].problem.startswith("The survey does not ask about sex")
    assert tables["ethnicity"].problem
    place = {r.label: r for r in tables["place"].rows}
    assert place["North"].respondents.count == 60 and place["North"].flag == "ok"
    # 43 of 103 respondents (42%) against 70% of the population: under 80% of it.
    assert place["South"].respondents.count == 43 and place["South"].flag == "under"
    assert "Elsewhere in Riverside" not in place  # North and South are all of Riverside

    login_as(officer)
    text = plain(main_content(client.get(url(q.consultation, "/representativeness"))))
    assert "less than 80% of its share of the population" in text
    assert "Under 18 Not shown Not shown 20% Under-represented" in text
    assert "18 to 64 60 58% 60% –" in text
    assert "There are no population figures by ethnic group" not in text  # no ethnicity question: said so instead


def test_representativeness_says_what_is_missing(db, client, login_as, officer):
    q = make_survey()
    respond(q, age=1)
    db.session.commit()
    login_as(officer)
    text = plain(main_content(client.get(url(q.consultation, "/representativeness"))))
    assert "This consultation has no places to compare with" in text
    area = factories.PlaceFactory(name="Hilltop")
    q.consultation.places = [area]
    db.session.commit()
    text = plain(main_content(client.get(url(q.consultation, "/representativeness"))))
    assert "There are no population figures by age band for Hilltop" in text


# Who may see it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["", "/cross-tab", "/equality", "/representativeness", "/tables.csv"])
def test_reviewers_cannot_see_the_analysis_pages(db, client, login_as, reviewer, tail):
    q = make_survey()
    login_as(reviewer)
    assert client.get(url(q.consultation, tail)).status_code == 403


def test_officers_find_the_analysis_from_the_responses_list_and_reviewers_do_not(
    db, client, login_as, officer, reviewer
):
    q = make_survey()
    login_as(officer)
    listing = f"/consultations/manage/{q.consultation.id}/responses"
    assert url(q.consultation) in client.get(listing).get_data(as_text=True)
    login_as(reviewer)
    assert url(q.consultation) not in client.get(listing).get_data(as_text=True)
    assert client.get(url(q.consultation, "/nowhere")).status_code == 404


def test_an_unknown_consultation_is_404(db, client, login_as, officer):
    login_as(officer)
    assert client.get("/consultations/manage/987654/analysis").status_code == 404


def test_suppress_withholds_a_second_figure_in_any_line_with_just_one():
    values = {"a": 4, "b": 20, "c": 30, "d": 0}
    assert breakdowns.suppress(values, [["a", "b", "c", "d"]], 10) == {"a", "b"}
    assert breakdowns.suppress({"a": 4, "b": 5}, [["a", "b"]], 10) == {"a", "b"}
    assert breakdowns.suppress({"a": 40, "b": 0}, [["a", "b"]], 10) == set()
    # Zeros are withheld only when nothing else is left to withhold.
    assert breakdowns.suppress({"a": 4, "b": 0}, [["a", "b"]], 10) == {"a", "b"}


def test_a_group_withheld_in_the_equality_summary_is_withheld_in_cross_tabs_and_representativeness(db, app):
    q = make_survey()
    area = factories.PlaceFactory(
        name="Riverside", population=1000, breakdown={"age": {"0-17": 200, "18-64": 600, "65+": 200}}
    )
    q.consultation.places = [area]
    q.age.options[0].label, q.age.options[1].label = "Under 18", "18 to 64"
    for _ in range(3):
        respond(q, used=0, age=0)
    for _ in range(30):
        respond(q, used=1, age=1)
    for _ in range(12):
        respond(q, used=0, age=2)
    for _ in range(40):
        respond(q, used=1)
    db.session.commit()
    (summary, *_rest) = breakdowns.equality_summary(q.consultation)
    hidden = {label for label, figure in summary.rows if figure.hidden}
    assert hidden == {"Under 18", "65 or over"}
    table = breakdowns.cross_tab(q.consultation, q.used.id, "age")
    assert {r.label for r in table.rows if r.total.hidden} >= hidden
    (age, *_others) = breakdowns.representativeness(q.consultation)
    assert {r.label for r in age.rows if r.respondents.hidden} == hidden
