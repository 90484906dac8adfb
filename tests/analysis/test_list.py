"""The officers' responses list: filters, reading one in full, and duplicates counted apart."""

from datetime import date

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.responses.models import AnalysisStatus, EqualityAnswer, RespondentType, ResponseChannel
from tests import factories
from tests.analysis.helpers import list_url, make_survey, response_url


def _setup():
    q = make_survey()
    c = q.consultation
    post = factories.ResponseFactory(
        consultation=c, channel=ResponseChannel.post, reference="POST-0001", received_on=date(2026, 11, 2)
    )
    factories.AnswerFactory(response=post, question=q.used, option_id=q.used.options[0].id, text="")
    factories.AnswerFactory(response=post, question=q.comment, text="The buses stop too early")
    online = factories.ResponseFactory(
        consultation=c, reference="ONLN-0002", respondent_type=RespondentType.organisation, organisation_name="Club"
    )
    factories.AnswerFactory(response=online, question=q.used, option_id=q.used.options[1].id, text="")
    factories.AnswerFactory(response=online, question=q.comment, text="Parking is full")
    factories.db.session.add(EqualityAnswer(response_id=online.id, question_id=q.age.id, option_id=q.age.options[2].id))
    factories.db.session.commit()
    return q, post, online


def _refs(html):
    return {ref for ref in ("POST-0001", "ONLN-0002") if ref in html}


def test_filters_by_channel_type_answer_and_text(db, client, login_as, reviewer):
    q, post, online = _setup()
    login_as(reviewer)
    url = list_url(q.consultation)
    assert _refs(client.get(url).get_data(as_text=True)) == {"POST-0001", "ONLN-0002"}
    assert _refs(client.get(url, query_string={"channel": "post"}).get_data(as_text=True)) == {"POST-0001"}
    assert _refs(client.get(url, query_string={"respondent_type": "organisation"}).get_data(as_text=True)) == {
        "ONLN-0002"
    }
    by_option = client.get(url, query_string={"option": str(q.used.options[1].id)}).get_data(as_text=True)
    assert _refs(by_option) == {"ONLN-0002"}
    by_text = client.get(url, query_string={"question": str(q.comment.id), "value": "BUSES"}).get_data(as_text=True)
    assert _refs(by_text) == {"POST-0001"}
    by_date = client.get(url, query_string={"date_from": "2026-11-01", "date_to": "2026-11-03"})
    assert "POST-0001" in by_date.get_data(as_text=True)


def test_bad_filter_values_are_ignored_not_a_500(db, client, login_as, officer):
    q, _post, _online = _setup()
    login_as(officer)
    response = client.get(
        list_url(q.consultation),
        query_string={"channel": "pigeon", "option": "abc", "date_from": "yesterday", "page": "-3", "theme": "999"},
    )
    assert response.status_code == 200


def test_reading_a_response_shows_its_answers_but_never_its_equality_answers(db, client, login_as, officer):
    q, _post, online = _setup()
    login_as(officer)
    html = client.get(response_url(online)).get_data(as_text=True)
    assert "Parking is full" in html
    assert q.age.text not in html
    assert q.age.options[2].label not in html
    assert "shown only in aggregate" in html


def test_a_response_of_another_consultation_is_not_shown(db, client, login_as, officer):
    q, post, _online = _setup()
    other = factories.ConsultationFactory()
    login_as(officer)
    response = client.get(f"/consultations/manage/{other.id}/responses/{post.id}")
    assert response.status_code == 404
    assert "not part of this consultation" in response.get_data(as_text=True)


def test_marking_a_duplicate_keeps_it_and_counts_it_separately(db, client, login_as, officer, post_form):
    q, post, online = _setup()
    login_as(officer)
    sent = post_form(response_url(post) + "/duplicate", {"reason": ""})
    assert sent.status_code == 400
    assert "Enter why this response is a duplicate" in sent.get_data(as_text=True)
    sent = post_form(response_url(post) + "/duplicate", {"reason": "Same letter also came by email"})
    assert sent.status_code == 302
    assert post.duplicate is True and post.duplicate_reason == "Same letter also came by email"
    listing = client.get(list_url(q.consultation)).get_data(as_text=True)
    assert "1 response counted" in listing and "1 marked as a duplicate" in listing
    only = client.get(list_url(q.consultation), query_string={"duplicate": "duplicate"}).get_data(as_text=True)
    assert _refs(only) == {"POST-0001"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(post.id))).all()[-1]
    assert entry.changed_fields == ["duplicate", "duplicate_reason"]

    post_form(response_url(post) + "/not-duplicate", form_url=response_url(post))
    assert post.duplicate is False
    assert "2 responses counted" in client.get(list_url(q.consultation)).get_data(as_text=True)


def test_reviewers_read_but_cannot_mark_duplicates(db, client, login_as, reviewer):
    q, post, _online = _setup()
    login_as(reviewer)
    assert client.get(response_url(post)).status_code == 200
    assert client.get(response_url(post) + "/duplicate").status_code == 403
    assert post.analysis_status == AnalysisStatus.read


def test_the_list_pages_through_many_responses(db, client, login_as, officer):
    q = make_survey()
    for n in range(30):
        factories.ResponseFactory(consultation=q.consultation, reference=f"PAGE-{n:04d}")
    factories.db.session.commit()
    login_as(officer)
    first = client.get(list_url(q.consultation)).get_data(as_text=True)
    assert "30 responses match" in first
    assert first.count("PAGE-") == 25
    second = client.get(list_url(q.consultation), query_string={"page": 2}).get_data(as_text=True)
    assert second.count("PAGE-") == 5


def test_residents_words_and_officers_words_are_escaped(db, client, login_as, officer):
    q, post, online = _setup()
    factories.AnswerFactory(response=post, question=q.why)  # the hostile default text
    factories.db.session.commit()
    login_as(officer)
    for url in (response_url(post), list_url(q.consultation), f"{list_url(q.consultation)}/new"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url
