"""The public "You said, we did" page: published themes only, public evidence only, identifying passages removed."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from engage.records.models import Sensitivity
from engage.themes.models import Theme, ThemeEvidence
from tests import factories
from tests.factories import HOSTILE
from tests.pages import main_content


def published(**kwargs):
    return factories.ThemeFactory(response="We **opened** three centres.", published_at=datetime.now(UTC), **kwargs)


def test_only_published_themes_appear_with_their_response(db, client):
    published(title="Access to urgent care")
    factories.ThemeFactory(title="Draft theme nobody should see", response="Not yet")
    html = main_content(client.get("/you-said-we-did"))
    assert "Access to urgent care" in html and "<strong>opened</strong>" in html
    assert "Draft theme nobody should see" not in html


def test_only_public_evidence_is_shown_and_never_identifying_passages(db, client):
    theme = published(title="Discharge support")
    public = factories.EngagementRecordFactory(
        title="Carers' coffee morning",
        sensitivity=Sensitivity.public,
        what_we_heard="Carers want a call the day before. [[Mr Patel on Ward 10]] waited hours.\n\nSecond paragraph.",
    )
    partners = factories.EngagementRecordFactory(title="Partners-only ward visit", what_we_heard="Partner notes")
    restricted = factories.EngagementRecordFactory(
        title="Restricted outreach", sensitivity=Sensitivity.restricted, what_we_heard="Restricted notes"
    )
    public_quote = factories.RecordQuoteFactory(record=public, text="Give us one day's notice, [[Dr Smith]].")
    partner_quote = factories.RecordQuoteFactory(record=partners, text="A partners-only quote")
    factories.ThemeEvidenceFactory(theme=theme, record=public)
    factories.ThemeEvidenceFactory(theme=theme, record=public, quote=public_quote, quote_key=public_quote.id)
    factories.ThemeEvidenceFactory(theme=theme, record=partners, quote=partner_quote, quote_key=partner_quote.id)
    factories.ThemeEvidenceFactory(theme=theme, record=restricted)
    html = main_content(client.get("/you-said-we-did"))
    assert "Carers want a call the day before." in html
    assert "Give us one day&#39;s notice" in html
    assert "Mr Patel" not in html and "Dr Smith" not in html and "[identifying details removed]" in html
    for secret in ("Partners-only ward visit", "Partner notes", "A partners-only quote", "Restricted", "Ward 10"):
        assert secret not in html
    assert "Second paragraph" not in html


def test_a_theme_with_only_non_public_evidence_shows_its_response_without_evidence(db, client):
    theme = published(title="Mental health waits")
    record = factories.EngagementRecordFactory(title="Confidential café conversation")
    factories.ThemeEvidenceFactory(theme=theme, record=record)
    html = main_content(client.get("/you-said-we-did"))
    assert "Mental health waits" in html and "<strong>opened</strong>" in html
    assert "Confidential café conversation" not in html
    assert "we do not publish it here" in html


def test_hostile_theme_text_is_escaped(db, client):
    published(title=f"Theme {HOSTILE}", description=HOSTILE)
    html = main_content(client.get("/you-said-we-did"))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_nothing_published_yet(db, client):
    assert "Nothing has been published yet" in main_content(client.get("/you-said-we-did"))


def test_the_public_page_is_linked_from_every_page_footer(db, client):
    assert 'href="/you-said-we-did"' in client.get("/").get_data(as_text=True)


def test_officer_publishes_and_the_theme_appears_on_the_public_page(app, db, officer, login_as, post_form):
    theme = factories.ThemeFactory(title="Digital and video consultations", response="Texts with joining links.")
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.public)
    quote = factories.RecordQuoteFactory(record=record, text="I only found the link because my grandson was here.")
    anonymous = app.test_client()
    login_as(officer)
    post_form(f"/records/{record.id}/themes", {"theme_id": theme.id, "quote_id": quote.id}, f"/records/{record.id}")
    assert "Digital and video consultations" not in main_content(anonymous.get("/you-said-we-did"))
    post_form(f"/themes/{theme.id}/publish", form_url=f"/themes/{theme.id}")
    html = main_content(anonymous.get("/you-said-we-did"))
    assert "Digital and video consultations" in html and "my grandson was here" in html


def test_demo_load_adds_themes_once_with_a_published_response(db, runner, client):
    runner.invoke(args=["demo", "load"])
    counts = (db.session.scalar(select(func.count(Theme.id))), db.session.scalar(select(func.count(ThemeEvidence.id))))
    result = runner.invoke(args=["demo", "load"])
    assert "0 actions added, 0 themes added, 0 consultations added" in result.output
    assert counts == (
        db.session.scalar(select(func.count(Theme.id))),
        db.session.scalar(select(func.count(ThemeEvidence.id))),
    )
    assert counts[0] >= 3
    html = main_content(client.get("/you-said-we-did"))
    assert "Access to urgent care" in html and "NHS 111" in html
    assert "Discharge support" not in html  # a draft in the demo
    assert "I was sent from one place to the other" not in html  # the restricted urgent care record
