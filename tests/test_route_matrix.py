"""Every route in the URL map x every role -> the expected answer. Unclassified routes fail."""

import pytest

from engage.permissions import PUBLIC, Permission
from tests import factories
from tests.auth import put_signed_in

ROLES = ("anonymous", "reviewer", "officer", "admin")

#: Who may use a route, by audience. NOTE: keep in step with engage.permissions.GRANTS.
AUDIENCES = {
    "public": {"anonymous": "ok", "reviewer": "ok", "officer": "ok", "admin": "ok"},
    "staff": {"anonymous": "login", "reviewer": "ok", "officer": "ok", "admin": "ok"},
    "admin": {"anonymous": "login", "reviewer": 403, "officer": 403, "admin": "ok"},
    "officers": {"anonymous": "login", "reviewer": 403, "officer": "ok", "admin": "ok"},
    "officers_404": {"anonymous": "login", "reviewer": 403, "officer": 404, "admin": 404},
    # Another user's object (an API token): not found, whoever asks.
    "staff_404": {"anonymous": "login", "reviewer": 404, "officer": 404, "admin": 404},
    # The JSON API (/api/): each role acts through its own token, and without one the answer is a
    # 401 problem body rather than a sign-in redirect. Cookies never count there (tests/api).
    "api_staff": {"anonymous": 401, "reviewer": "ok", "officer": "ok", "admin": "ok"},
    "api_officers": {"anonymous": 401, "reviewer": 403, "officer": "ok", "admin": "ok"},
    # Public, but without a password step pending in the session it sends you back to sign in.
    "sign_in_step": {"anonymous": "login", "reviewer": "ok", "officer": "ok", "admin": "ok"},
}

#: endpoint -> (declared permission, audience). A new route must be added here.
MATRIX = {
    "static": (None, "public"),
    "main.index": (PUBLIC, "public"),
    "main.accessibility": (PUBLIC, "public"),
    "main.privacy": (PUBLIC, "public"),
    "main.healthz": (PUBLIC, "public"),
    "main.dashboard": (Permission.DASHBOARD_VIEW, "staff"),
    "accounts.sign_in": (PUBLIC, "public"),
    "accounts.sign_out": (Permission.ACCOUNT_MANAGE, "staff"),
    "accounts.account": (Permission.ACCOUNT_MANAGE, "staff"),
    "accounts.change_password": (Permission.ACCOUNT_MANAGE, "staff"),
    "accounts.sign_in_code": (PUBLIC, "sign_in_step"),
    "accounts.sign_out_everywhere": (Permission.ACCOUNT_MANAGE, "staff"),
    "accounts.two_factor_settings": (Permission.ACCOUNT_MANAGE, "staff"),
    "accounts.turn_off_two_factor": (Permission.ACCOUNT_MANAGE, "staff"),
    "admin.users": (Permission.ADMIN_USERS, "admin"),
    "admin.user_new": (Permission.ADMIN_USERS, "admin"),
    "admin.user_edit": (Permission.ADMIN_USERS, "admin"),
    "admin.user_deactivate": (Permission.ADMIN_USERS, "admin"),
    "admin.user_reactivate": (Permission.ADMIN_USERS, "admin"),
    "admin.user_unlock": (Permission.ADMIN_USERS, "admin"),
    "admin.user_reset_two_factor": (Permission.ADMIN_USERS, "admin"),
    "admin.places": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.place_new": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.place_edit": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.place_delete": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.topics": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.topic_new": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.topic_edit": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.audit": (Permission.ADMIN_AUDIT, "admin"),
    "admin.seldom_groups": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.seldom_group_new": (Permission.ADMIN_REFERENCE, "admin"),
    "admin.seldom_group_edit": (Permission.ADMIN_REFERENCE, "admin"),
    "stakeholders.map": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.organisations": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.organisation": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.export_organisations": (Permission.STAKEHOLDERS_EXPORT, "officers"),
    "stakeholders.organisation_new": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.organisation_edit": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.organisation_delete": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.organisation_merge": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.people": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.person": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.export_people": (Permission.STAKEHOLDERS_EXPORT, "officers"),
    "stakeholders.person_new": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.person_edit": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.person_consent": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.person_add_membership": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.person_remove_membership": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.person_merge": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.groups": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.group": (Permission.STAKEHOLDERS_READ, "staff"),
    "stakeholders.group_new": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.group_edit": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.group_add_member": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.group_remove_member": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    "stakeholders.coverage": (Permission.STAKEHOLDERS_READ, "staff"),
    "records.index": (Permission.RECORDS_READ, "staff"),
    "records.export": (Permission.RECORDS_READ, "staff"),
    "records.detail": (Permission.RECORDS_READ, "staff"),
    "records.new": (Permission.RECORDS_MANAGE, "officers"),
    "records.edit": (Permission.RECORDS_MANAGE, "officers"),
    "records.add_comment": (Permission.RECORDS_REVIEW, "staff"),
    "records.add_flag": (Permission.RECORDS_REVIEW, "staff"),
    "records.mark_reviewed": (Permission.RECORDS_REVIEW, "staff"),
    "records.resolve_flag": (Permission.RECORDS_RESOLVE, "officers"),
    "records.review_queue": (Permission.RECORDS_REVIEW, "staff"),
    "records.flags": (Permission.RECORDS_RESOLVE, "officers"),
    "records.add_action": (Permission.RECORDS_MANAGE, "officers"),
    "records.edit_action": (Permission.RECORDS_MANAGE, "officers"),
    "themes.index": (Permission.THEMES_READ, "staff"),
    "themes.new": (Permission.THEMES_MANAGE, "officers"),
    "themes.detail": (Permission.THEMES_READ, "staff"),
    "themes.edit": (Permission.THEMES_MANAGE, "officers"),
    "themes.publish": (Permission.THEMES_MANAGE, "officers"),
    "themes.unpublish": (Permission.THEMES_MANAGE, "officers"),
    "themes.add_evidence": (Permission.THEMES_MANAGE, "officers"),
    "themes.add_record_evidence": (Permission.THEMES_MANAGE, "officers"),
    "themes.remove_evidence": (Permission.THEMES_MANAGE, "officers"),
    "themes.you_said_we_did": (PUBLIC, "public"),
    "consultations.index": (PUBLIC, "public"),
    "consultations.detail": (PUBLIC, "public"),
    "consultations.event_calendar": (PUBLIC, "public"),
    "consultations.request_format": (PUBLIC, "public"),
    "consultations.manage_index": (Permission.CONSULTATIONS_READ, "staff"),
    "consultations.manage_detail": (Permission.CONSULTATIONS_READ, "staff"),
    "consultations.manage_new": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_edit": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_transition": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_outcome": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_extend": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_add_event": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_remove_event": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_add_document": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_remove_document": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_edit_document": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_replace_document": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "consultations.manage_withdraw_document": (Permission.CONSULTATIONS_MANAGE, "officers"),
    # An uploaded document of a public (here: open) consultation; drafts are 404 (tests/consultations).
    "consultations.download_document": (PUBLIC, "public"),
    "consultations.manage_fulfil_request": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "records.add_attachments": (Permission.RECORDS_MANAGE, "officers"),
    # Checked before delete_attachment (registration order), while the sample attachment exists.
    "records.download_attachment": (Permission.RECORDS_READ, "staff"),
    "records.delete_attachment": (Permission.RECORDS_MANAGE, "officers"),
    "stakeholders.import_upload": (Permission.STAKEHOLDERS_MANAGE, "officers"),
    # An upload belongs to the officer who made it: anyone else gets 404 (see test_import.py).
    "stakeholders.import_review": (Permission.STAKEHOLDERS_MANAGE, "officers_404"),
    "stakeholders.import_confirm": (Permission.STAKEHOLDERS_MANAGE, "officers_404"),
    # Email updates: a forged token gets a page saying the link does not work (400), for everyone.
    "consultations.subscribe": (PUBLIC, "public"),
    "consultations.subscribe_sent": (PUBLIC, "public"),
    "consultations.confirm_subscription": (PUBLIC, "public"),
    "consultations.unsubscribe": (PUBLIC, "public"),
    "consultations.unsubscribe_one_click": (PUBLIC, "public"),
    "surveys.edit": (Permission.CONSULTATIONS_READ, "staff"),
    "surveys.create": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.edit_settings": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.add_page": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.edit_page": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.move_page": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.add_equality": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.add_question": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.edit_question": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.move_question": (Permission.CONSULTATIONS_MANAGE, "officers"),
    # Registered last (deleting the sample question, then its page), after every route that uses them.
    "surveys.delete_question": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "surveys.delete_page": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "charters.index": (PUBLIC, "public"),
    "charters.detail": (PUBLIC, "public"),
    "charters.download": (PUBLIC, "public"),
    "charters.draft": (PUBLIC, "public"),
    "charters.comment": (PUBLIC, "public"),
    "charters.manage_index": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_new": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_details": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_detail": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_edit": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_version": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_compare": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_restore": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_export": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_print": (Permission.CHARTERS_READ, "staff"),
    "charters.manage_comment": (Permission.CHARTERS_COMMENT, "staff"),
    "charters.manage_reply": (Permission.CHARTERS_COMMENT, "staff"),
    "charters.manage_resolve": (Permission.CHARTERS_COMMENT, "staff"),
    "charters.manage_reopen": (Permission.CHARTERS_COMMENT, "staff"),
    "charters.manage_approve_comment": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_reject_comment": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_open": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_send_for_approval": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_return_to_drafting": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_adopt": (Permission.CHARTERS_MANAGE, "officers"),
    "charters.manage_approve": (Permission.CHARTERS_MANAGE, "officers"),
    "responses.start": (PUBLIC, "public"),
    "responses.page": (PUBLIC, "public"),
    "responses.saved": (PUBLIC, "public"),
    "responses.resume": (PUBLIC, "public"),
    "responses.check": (PUBLIC, "public"),
    "responses.confirmation": (PUBLIC, "public"),
    "responses.preview": (Permission.CONSULTATIONS_READ, "staff"),
    "analysis.index": (Permission.CONSULTATIONS_READ, "staff"),
    "analysis.detail": (Permission.CONSULTATIONS_READ, "staff"),
    "analysis.scan": (Permission.CONSULTATIONS_MANAGE, "officers_404"),
    "analysis.key": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.second_keying": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.duplicate": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.not_duplicate": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.status": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.code": (Permission.CONSULTATIONS_MANAGE, "officers_404"),
    "analysis.change_code": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.themes": (Permission.CONSULTATIONS_READ, "staff"),
    "analysis.deadline_rules": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "analysis.unread_reason": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "breakdowns.questions": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "breakdowns.cross_tab": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "breakdowns.equality": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "breakdowns.representativeness": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "breakdowns.export_csv": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.index": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.export": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.job": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.download": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.identifying": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "response_exports.mark_identifying": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "dataprotection.index": (Permission.DATA_PROTECTION, "admin"),
    "dataprotection.search": (Permission.DATA_PROTECTION, "admin"),
    "dataprotection.export": (Permission.DATA_PROTECTION, "admin"),
    "dataprotection.erase": (Permission.DATA_PROTECTION, "admin"),
    "outcomes.public": (PUBLIC, "public"),
    "outcomes.record": (Permission.CONSULTATIONS_READ, "staff"),
    "outcomes.add_theme": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "outcomes.edit_theme": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "outcomes.remove_theme": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "outcomes.add_decision": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "outcomes.edit_decision": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "outcomes.progress": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "publishing.queue": (Permission.CONSULTATIONS_READ, "staff"),
    "publishing.review": (Permission.CONSULTATIONS_READ, "staff"),
    "publishing.decide": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "publishing.redact": (Permission.CONSULTATIONS_MANAGE, "officers_404"),
    "publishing.remove_redaction": (Permission.CONSULTATIONS_MANAGE, "officers"),
    "publishing.public": (PUBLIC, "public"),
    "accounts.create_token": (Permission.ACCOUNT_MANAGE, "staff"),
    # The sample token belongs to another user: 404 for everyone (tests/accounts/test_api_tokens.py).
    "accounts.revoke_token": (Permission.ACCOUNT_MANAGE, "staff_404"),
    "api_docs.openapi": (PUBLIC, "public"),
    "api_docs.docs": (PUBLIC, "public"),
    "api_outcomes.list_outcomes": (PUBLIC, "public"),
    "api_outcomes.get_outcome": (PUBLIC, "public"),
    "api_stakeholders.list_organisations": (Permission.STAKEHOLDERS_READ, "api_staff"),
    "api_stakeholders.get_organisation": (Permission.STAKEHOLDERS_READ, "api_staff"),
    "api_stakeholders.create_organisation": (Permission.STAKEHOLDERS_MANAGE, "api_officers"),
    "api_stakeholders.update_organisation": (Permission.STAKEHOLDERS_MANAGE, "api_officers"),
    "api_stakeholders.list_people": (Permission.STAKEHOLDERS_READ, "api_staff"),
    "api_stakeholders.get_person": (Permission.STAKEHOLDERS_READ, "api_staff"),
    "api_stakeholders.create_person": (Permission.STAKEHOLDERS_MANAGE, "api_officers"),
    "api_stakeholders.update_person": (Permission.STAKEHOLDERS_MANAGE, "api_officers"),
    "api_records.list_records": (Permission.RECORDS_READ, "api_staff"),
    "api_records.get_record": (Permission.RECORDS_READ, "api_staff"),
    "api_records.create_record": (Permission.RECORDS_MANAGE, "api_officers"),
    "api_themes.list_themes": (Permission.THEMES_READ, "api_staff"),
    "api_themes.get_theme": (Permission.THEMES_READ, "api_staff"),
    "api_consultations.list_consultations": (Permission.CONSULTATIONS_READ, "api_staff"),
    "api_consultations.get_consultation": (Permission.CONSULTATIONS_READ, "api_staff"),
    "api_consultations.list_responses": (Permission.CONSULTATIONS_MANAGE, "api_officers"),
}


def sample_url_values(rule, objects):
    values = {}
    for arg in rule.arguments:
        if arg == "filename":
            values[arg] = "css/engage.css"
        elif arg == "token":
            values[arg] = "an-upload-of-another-officer"
        elif arg == "fmt":
            values[arg] = "csv"
        elif arg == "slug" and rule.rule.startswith("/api/"):
            values[arg] = objects["outcome_slug"]
        elif arg == "slug":
            values[arg] = objects["slug"]
        elif arg == "charter_slug":
            values[arg] = objects["charter_slug"]
        elif arg in ("number", "n"):
            values[arg] = 1
        elif arg == "stage":
            values[arg] = "analysing"
        elif arg.endswith("_id"):
            values[arg] = objects[arg]
        else:
            raise AssertionError(f"no sample value for <{arg}> in {rule.rule}")
    return values


def _charter_objects():
    """An adopted charter whose next draft is open for comment, so every public charter page exists."""
    from datetime import timedelta

    from engage.charters.models import CharterAdoption, CharterStage
    from engage.dates import now_utc

    charter = factories.CharterFactory(
        stage=CharterStage.open_for_comment,
        comments_open_at=now_utc(),
        comments_close_at=now_utc() + timedelta(days=10),
    )
    factories.db.session.add(CharterAdoption(charter=charter, version=charter.latest, adopted_at=now_utc()))
    comment = factories.CharterCommentFactory(charter=charter)
    return {"charter_slug": charter.slug, "charter_id": charter.id, "comment_id": comment.id}


def _outcome_objects(consultation, theme, response_id, question_id):
    """An outcome theme with a decision, and a redaction of an answer of the sample response."""
    import datetime

    from engage.outcomes.models import OutcomeDecision, OutcomeTheme
    from engage.publishing.models import ResponseRedaction

    entry = OutcomeTheme(consultation_id=consultation.id, theme_id=theme.id, you_said="Parking")
    factories.db.session.add(entry)
    factories.db.session.flush()
    decision = OutcomeDecision(
        outcome_theme_id=entry.id,
        consultation_id=consultation.id,
        decision="More spaces",
        owner="Estates",
        due_on=datetime.date(2027, 1, 1),
    )
    from engage.responses.models import Response
    from engage.surveys.models import Question

    answer = factories.AnswerFactory(
        response=factories.db.session.get(Response, response_id),
        question=factories.db.session.get(Question, question_id),
        text="Some words",
    )
    redaction = ResponseRedaction(
        response_id=response_id, answer_id=answer.id, start_offset=0, end_offset=4, reason="Names someone"
    )
    factories.db.session.add_all([decision, redaction])
    factories.db.session.flush()
    return {"entry_id": entry.id, "decision_id": decision.id, "redaction_id": redaction.id}


def _token(user):
    """A read and write API token of ``user``: ``(ApiToken, secret)``."""
    from datetime import timedelta

    from engage.accounts.models import TokenScope
    from engage.accounts.services import create_api_token
    from engage.dates import now_utc

    return create_api_token(
        user, actor=user, name="matrix", scope=TokenScope.read_write, expires_at=now_utc() + timedelta(days=1)
    )


def outcome(response):
    if response.status_code in (302, 303) and "/account/sign-in" in response.headers.get("Location", ""):
        return "login"
    if response.status_code in (401, 403, 404):
        return response.status_code
    assert response.status_code < 500, response.status_code
    return "ok"


@pytest.fixture
def matrix_app(make_app):
    # CSRF is proven separately (test_security.py); here every POST must reach the permission check.
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


def test_every_route_is_classified_and_declares_its_permission(matrix_app):
    endpoints = {rule.endpoint for rule in matrix_app.url_map.iter_rules()}
    unclassified = endpoints - MATRIX.keys()
    assert not unclassified, f"classify these routes in MATRIX: {sorted(unclassified)}"
    assert not MATRIX.keys() - endpoints, "MATRIX names routes that no longer exist"
    for endpoint in endpoints - {"static"}:
        view = matrix_app.view_functions[endpoint]
        assert hasattr(view, "permission"), f"{endpoint} has no @requires(...)"
        assert view.permission == MATRIX[endpoint][0], endpoint


def seed_sample_objects():
    """One object of every kind a route names in its URL, role users and their API tokens.

    Returns ``(objects, users, tokens)``: ``objects`` maps each URL argument (``record_id``, ``slug``…)
    to a sample value for sample_url_values; ``users`` and ``tokens`` map reviewer, officer and admin to
    a user of that role and the secret of a read and write token. Committed. Also used by
    tests/security/test_hostile_input.py, so a new kind of object is added here once.
    """
    from engage.consultations.models import ConsultationStage
    from engage.extensions import db
    from engage.permissions import Role

    users = {r: factories.UserFactory(role=Role(r)) for r in ("reviewer", "officer", "admin")}
    record = factories.EngagementRecordFactory()
    theme = factories.ThemeFactory()
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory()
    group = factories.ProgrammeGroupFactory()
    factories.MembershipFactory(person=person, organisation=organisation)
    factories.GroupMemberFactory(group=group, person=person)
    objects = {
        "user_id": factories.UserFactory(role=Role.reviewer).id,
        "place_id": factories.PlaceFactory().id,
        "topic_id": factories.TopicFactory().id,
        "organisation_id": organisation.id,
        "person_id": person.id,
        "group_id": group.id,
        "seldom_group_id": factories.SeldomHeardGroupFactory().id,
        "record_id": record.id,
        "flag_id": factories.RecordFlagFactory(record=record).id,
        "action_id": factories.RecordActionFactory(record=record).id,
        "theme_id": theme.id,
        "evidence_id": factories.ThemeEvidenceFactory(theme=theme, record=record).id,
        "slug": consultation.slug,
        "consultation_id": consultation.id,
        "event_id": factories.ConsultationEventFactory(consultation=consultation).id,
        "document_id": (document := factories.ConsultationDocumentFactory(consultation=consultation, content=b"Hi")).id,
        "version_id": document.current.id,
        "request_id": factories.FormatRequestFactory(consultation=consultation).id,
        "attachment_id": factories.RecordAttachmentFactory(record=record).id,
        **_charter_objects(),
    }
    survey_page = factories.SurveyPageFactory(survey=factories.SurveyFactory(consultation=consultation), position=1)
    objects["page_id"] = survey_page.id
    objects["question_id"] = factories.QuestionFactory(page=survey_page).id
    objects["response_id"] = factories.ResponseFactory(consultation=consultation).id
    objects.update(_outcome_objects(consultation, theme, objects["response_id"], objects["question_id"]))
    from engage.responses.export_models import ExportJob

    export_job = ExportJob(consultation_id=consultation.id, format="csv", options={})
    db.session.add(export_job)
    db.session.flush()
    objects["job_id"] = export_job.id
    objects["outcome_slug"] = factories.ConsultationFactory(stage=ConsultationStage.outcome_published).slug
    objects["token_id"] = _token(factories.UserFactory(role=Role.officer))[0].id
    tokens = {r: _token(user)[1] for r, user in users.items()}
    db.session.commit()
    return objects, users, tokens


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_expected_answer_on_every_route(matrix_app, role):
    objects, users, tokens = seed_sample_objects()
    checks = mismatches = 0
    problems = []
    for rule in matrix_app.url_map.iter_rules():
        with matrix_app.test_request_context():
            url = matrix_app.url_for(rule.endpoint, **sample_url_values(rule, objects))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = matrix_app.test_client()
            headers = {}
            if role != "anonymous" and rule.rule.startswith("/api/"):
                headers["Authorization"] = f"Bearer {tokens[role]}"
            elif role != "anonymous":
                with client.session_transaction() as session:
                    put_signed_in(session, users[role])
            response = client.open(url, method=method, headers=headers)
            response.close()  # static files are streamed from an open file
            expected = AUDIENCES[MATRIX[rule.endpoint][1]][role]
            checks += 1
            if outcome(response) != expected:
                mismatches += 1
                problems.append(f"{method} {url} as {role}: expected {expected}, got {response.status_code}")
    print(f"security: role={role} routes={len(MATRIX)} checks={checks} matrix_mismatch={mismatches} unclassified=0")
    assert not problems, "\n".join(problems)
