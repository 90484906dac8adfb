"""Subject access requests: an administrator finds, exports or erases what is held about an email."""

import json

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.charters.models import CharterComment
from engage.consultations.models import ConsultationSubscription, FormatRequest
from engage.permissions import Role
from engage.responses.models import Answer, Response
from engage.stakeholders.models import Person
from engage.surveys.models import QuestionKind
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import page_title

EMAIL = "Jo.Bloggs@Example.org"


def held_about_jo():
    consultation = factories.ConsultationFactory(title="Urgent care in West Kent")
    page = factories.SurveyPageFactory(survey=factories.SurveyFactory(consultation=consultation), position=1)
    postcode = factories.QuestionFactory(page=page, position=1, kind=QuestionKind.postcode, text="Your postcode")
    choice = factories.QuestionFactory(
        page=page, position=2, kind=QuestionKind.single_choice, text="Which centre?", options=["Maidstone"]
    )
    response = factories.ResponseFactory(consultation=consultation, name="Jo Bloggs", email="jo.bloggs@example.org")
    factories.db.session.add_all(
        [
            Answer(response=response, question_id=postcode.id, text="ME14 1XX"),
            Answer(response=response, question_id=choice.id, option_id=choice.options[0].id),
        ]
    )
    other = factories.ResponseFactory(consultation=consultation, email="someone.else@example.org")
    subscription = factories.ConsultationSubscriptionFactory(consultation=consultation, email="jo.bloggs@example.org")
    person = factories.PersonFactory(name="Jo Bloggs", email="jo.bloggs@example.org")
    request = factories.FormatRequestFactory(consultation=consultation, email="jo.bloggs@example.org", name="Jo")
    comment = factories.CharterCommentFactory(resident_name="Jo B", resident_email="JO.BLOGGS@example.org")
    factories.db.session.commit()
    return response, other, subscription, person, request, comment


def search(client, email):
    token = csrf_token_from(client.get("/admin/data-protection"))
    return client.post("/admin/data-protection/search", data={"csrf_token": token, "email": email})


def test_an_administrator_sees_everything_held_about_an_email_address(app, client, login_as, admin):
    response, other, *_ = held_about_jo()
    login_as(admin)

    page = search(client, EMAIL)

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert response.reference in text
    assert other.reference not in text
    assert "Email subscriptions (1)" in text
    assert "Stakeholder records (1)" in text
    assert "Requests for another format (1)" in text
    assert "Comments on charter drafts (1)" in text
    entry = factories.db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "subject_access")).one()
    assert entry.action == "view"
    assert entry.changed_fields == [
        "charter_comments=1",
        "format_requests=1",
        "people=1",
        "responses=1",
        "subscriptions=1",
    ]


def test_a_malformed_email_gets_a_clear_message_not_a_search(app, client, login_as, admin):
    login_as(admin)
    page = search(client, "jo.bloggs@@example")
    assert page.status_code == 200
    assert page_title(page).startswith("Error: ")
    assert "Enter an email address in the correct format" in page.get_data(as_text=True)
    assert factories.db.session.scalar(select(AuditEntry)) is None
    empty = search(client, "")
    assert "Enter the email address to search for" in empty.get_data(as_text=True)


def test_an_address_with_nothing_held_says_so(app, client, login_as, admin):
    login_as(admin)
    page = search(client, "nobody@example.org")
    assert "Engage holds nothing under this email address" in page.get_data(as_text=True)


def test_the_export_is_a_json_file_of_everything_held(app, client, login_as, admin):
    response, *_, held_comment = held_about_jo()
    login_as(admin)
    token = csrf_token_from(search(client, EMAIL))

    download = client.post("/admin/data-protection/export", data={"csrf_token": token, "email": EMAIL})

    assert download.status_code == 200
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    document = json.loads(download.get_data(as_text=True))
    assert document["email"] == "jo.bloggs@example.org"
    (held,) = document["responses"]
    assert held["reference"] == response.reference
    assert held["consultation"] == "Urgent care in West Kent"
    assert {"question": "Which centre?", "answer": "Maidstone"} in held["answers"]
    assert len(document["subscriptions"]) == 1
    assert document["stakeholder_records"][0]["name"] == "Jo Bloggs"
    assert document["format_requests"][0]["name"] == "Jo"
    (comment,) = document["charter_comments"]
    assert (comment["name"], comment["comment"], comment["version"]) == ("Jo B", held_comment.body, 1)
    actions = factories.db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "subject_access"))
    assert sorted(actions) == ["export", "view"]


def test_erasing_needs_confirmation_then_removes_the_details_and_keeps_the_answers(app, client, login_as, admin):
    response, other, subscription, person, request, comment = held_about_jo()
    subscription_id = subscription.id
    login_as(admin)
    token = csrf_token_from(search(client, EMAIL))

    unconfirmed = client.post("/admin/data-protection/erase", data={"csrf_token": token, "email": EMAIL})
    assert "Confirm you have checked the request before erasing" in unconfirmed.get_data(as_text=True)
    assert factories.db.session.get(Response, response.id).email == "jo.bloggs@example.org"

    done = client.post("/admin/data-protection/erase", data={"csrf_token": token, "email": EMAIL, "confirm": "y"})

    assert done.status_code == 303
    db = factories.db
    erased = db.session.get(Response, response.id)
    assert (erased.name, erased.email) == ("", "")
    assert sorted(a.text for a in erased.answers) == ["", "ME14"]  # the choice answer and the district
    assert db.session.get(Response, other.id).email == "someone.else@example.org"
    assert db.session.get(ConsultationSubscription, subscription_id) is None
    assert db.session.get(Person, person.id).email == ""
    assert db.session.get(Person, person.id).name == "Jo Bloggs"
    assert db.session.get(FormatRequest, request.id).email == ""
    erased_comment = db.session.get(CharterComment, comment.id)
    assert (erased_comment.resident_name, erased_comment.resident_email) == ("", "")
    assert erased_comment.body == comment.body and erased_comment.public_author_label == "A resident"
    summary = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "subject_access", AuditEntry.action == "delete")
    ).one()
    assert summary.changed_fields == [
        "charter_comments=1",
        "format_requests=1",
        "people=1",
        "responses=1",
        "subscriptions=1",
    ]
    assert "Engage holds nothing" in search(client, EMAIL).get_data(as_text=True)


def test_only_administrators_handle_subject_access_requests(app, client, login_as):
    login_as(factories.UserFactory(role=Role.officer))
    assert client.get("/admin/data-protection").status_code == 403
