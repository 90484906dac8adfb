"""Identifying passages: highlighted for officers and the author, removed for partner reviewers."""

import csv
import io

import pytest

from engage.permissions import Role
from engage.records.models import Sensitivity
from engage.records.redaction import REMOVED, redact, unmark
from tests import factories
from tests.pages import main_content

TEXT = "Residents praised the clinic.\n\n[[Mrs Alder of 4 Mill Lane]] said the bus never comes."


@pytest.mark.parametrize(("role", "sees"), [("officer", True), ("admin", True), ("reviewer", False)])
def test_record_page_shows_identifying_passages_only_to_those_allowed(app, login_as, client, role, sees):
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.partners, what_we_heard=TEXT)
    login_as(factories.UserFactory(role=Role(role)))
    page = main_content(client.get(f"/records/{record.id}"))
    assert ("Mrs Alder of 4 Mill Lane" in page) is sees
    assert (REMOVED in page) is not sees
    assert ('<mark class="engage-identifying"' in page) is sees
    assert "[[" not in page


def test_a_reviewer_who_wrote_the_record_sees_their_own_passages(app, login_as, client):
    reviewer = factories.UserFactory(role=Role.reviewer)
    record = factories.EngagementRecordFactory(what_we_heard=TEXT, author=reviewer)
    login_as(reviewer)
    assert "Mrs Alder" in client.get(f"/records/{record.id}").get_data(as_text=True)


def test_reviewer_export_has_passages_removed(app, login_as, client):
    factories.EngagementRecordFactory(sensitivity=Sensitivity.partners, what_we_heard=TEXT, title="Bus access")
    login_as(factories.UserFactory(role=Role.reviewer))
    body = client.get("/records/export.csv").get_data(as_text=True)
    (row,) = [r for r in csv.reader(io.StringIO(body)) if "Bus access" in r]
    assert "Mrs Alder" not in body
    assert REMOVED in " ".join(row)


def test_passages_cannot_smuggle_markup_or_straddle_paragraphs(app):
    assert redact("[[a\n\nb]] [[<script>x</script>]]") == f"[[a\n\nb]] {REMOVED}"
    assert unmark("\ue000[[name]]\ue001") == "name"
