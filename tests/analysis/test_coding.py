"""Coding written answers (or a passage) into the repository's themes, the frequency table and quotes."""

from sqlalchemy import select

from engage.analysis.models import ResponseCode
from engage.audit import AuditEntry
from engage.responses.models import AnalysisStatus
from tests import factories
from tests.analysis.helpers import make_survey, response_url

ANSWER = "The buses stop at six, so I cannot get home after a late appointment."


def _coded_setup():
    q = make_survey()
    response = factories.ResponseFactory(consultation=q.consultation)
    answer = factories.AnswerFactory(response=response, question=q.comment, text=ANSWER)
    choice = factories.AnswerFactory(response=response, question=q.used, option_id=q.used.options[0].id, text="")
    theme = factories.ThemeFactory(title="Transport after dark")
    factories.db.session.commit()
    return q, response, answer, choice, theme


def _code_url(response, answer):
    return f"{response_url(response)}/code?answer={answer.id}"


def test_an_officer_codes_a_passage_to_a_theme_and_picks_it_as_a_quote(db, client, login_as, officer, post_form):
    q, response, answer, _choice, theme = _coded_setup()
    login_as(officer)
    url = _code_url(response, answer)
    sent = post_form(url, {"theme": str(theme.id), "passage": "The buses stop at six", "is_quote": "y"})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    code = db.session.scalar(select(ResponseCode))
    assert (code.start_offset, code.end_offset) == (0, len("The buses stop at six"))
    assert code.is_quote and code.theme_id == theme.id
    assert response.analysis_status == AnalysisStatus.coded
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "response_codes"))
    assert "theme_id" in entry.changed_fields and ANSWER not in str(entry.changed_fields)

    table = client.get(f"/consultations/manage/{q.consultation.id}/responses/themes").get_data(as_text=True)
    assert "Transport after dark" in table
    assert "100%" in table
    assert "“The buses stop at six”" in table


def test_coding_the_whole_answer_or_by_offsets(db, client, login_as, officer, post_form):
    _q, response, answer, _choice, theme = _coded_setup()
    login_as(officer)
    url = _code_url(response, answer)
    assert post_form(url, {"theme": str(theme.id)}).status_code == 302
    assert post_form(url, {"theme": str(theme.id), "start": "4", "end": "9"}).status_code == 302
    whole, passage = db.session.scalars(select(ResponseCode).order_by(ResponseCode.id)).all()
    assert whole.start_offset is None and whole.passage == ANSWER
    assert passage.passage == "buses"


def test_a_passage_not_in_the_answer_gets_a_clear_message(db, client, login_as, officer, post_form):
    _q, response, answer, _choice, theme = _coded_setup()
    login_as(officer)
    url = _code_url(response, answer)
    sent = post_form(url, {"theme": str(theme.id), "passage": "The trains are fine"})
    assert sent.status_code == 400
    assert "That passage is not in the answer" in sent.get_data(as_text=True)
    sent = post_form(url, {"theme": str(theme.id), "start": "5", "end": "5000"})
    assert sent.status_code == 400
    assert "must start and end inside the answer" in sent.get_data(as_text=True)
    sent = post_form(url, {"theme": "9999"})
    assert sent.status_code == 400
    assert "Choose one of the themes listed" in sent.get_data(as_text=True)
    assert db.session.scalars(select(ResponseCode)).all() == []


def test_coding_a_response_the_officer_cannot_see_gets_a_clear_message(db, client, login_as, officer, post_form):
    _q, response, answer, _choice, theme = _coded_setup()
    elsewhere = factories.ConsultationFactory()
    factories.db.session.commit()
    login_as(officer)
    url = f"/consultations/manage/{elsewhere.id}/responses/{response.id}/code?answer={answer.id}"
    shown = client.get(url)
    assert shown.status_code == 404
    assert "not part of this consultation, or you cannot see it" in shown.get_data(as_text=True)
    token_page = _code_url(response, answer)
    sent = post_form(url, {"theme": str(theme.id)}, form_url=token_page)
    assert sent.status_code == 404
    missing = client.get(f"/consultations/manage/{elsewhere.id}/responses/999999/code?answer=1")
    assert missing.status_code == 404
    assert db.session.scalars(select(ResponseCode)).all() == []


def test_only_written_answers_of_this_response_are_coded(db, client, login_as, officer):
    _q, response, _answer, choice, _theme = _coded_setup()
    other = factories.AnswerFactory(question=_q.comment, text="Another response's words")
    factories.db.session.commit()
    login_as(officer)
    closed = client.get(_code_url(response, choice))
    assert closed.status_code == 400 and "Only written answers are coded" in closed.get_data(as_text=True)
    foreign = client.get(_code_url(response, other))
    assert foreign.status_code == 404 and "not part of this response" in foreign.get_data(as_text=True)


def test_reviewers_cannot_code(db, client, login_as, reviewer):
    _q, response, answer, _choice, _theme = _coded_setup()
    login_as(reviewer)
    assert client.get(_code_url(response, answer)).status_code == 403


def test_unpicking_a_quote_and_removing_a_code(db, client, login_as, officer, post_form):
    _q, response, answer, _choice, theme = _coded_setup()
    login_as(officer)
    post_form(_code_url(response, answer), {"theme": str(theme.id), "is_quote": "y"})
    code = db.session.scalar(select(ResponseCode))
    change = response_url(response) + "/codes/change"
    post_form(change, {"code": str(code.id), "action": "unquote"}, form_url=response_url(response))
    assert code.is_quote is False
    post_form(change, {"code": str(code.id), "action": "delete"}, form_url=response_url(response))
    assert db.session.scalars(select(ResponseCode)).all() == []
    assert response.analysis_status == AnalysisStatus.read


def test_theme_filter_on_the_list(db, client, login_as, officer, post_form):
    q, response, answer, _choice, theme = _coded_setup()
    uncoded = factories.ResponseFactory(consultation=q.consultation, reference="NONE-0001")
    factories.db.session.commit()
    login_as(officer)
    post_form(_code_url(response, answer), {"theme": str(theme.id)})
    listing = client.get(
        f"/consultations/manage/{q.consultation.id}/responses", query_string={"theme": str(theme.id)}
    ).get_data(as_text=True)
    assert response.reference in listing and uncoded.reference not in listing
