"""The demo charter: three versions, comments from every role, a resident's awaiting moderation; idempotent."""

from sqlalchemy import select

from engage.charters.models import Charter, CharterComment, CharterStage, Moderation
from engage.demo import load_demo
from engage.extensions import db
from tests.pages import count_rows, main_content, plain


def test_the_demo_charter_loads_once_with_three_versions_and_comments_from_each_role(app, client):
    assert load_demo()["charters"] == 1
    db.session.commit()
    assert load_demo()["charters"] == 0
    db.session.commit()
    assert count_rows(db, Charter) == 1
    charter = db.session.scalar(select(Charter))
    assert [v.number for v in charter.versions] == [1, 2, 3]
    assert charter.stage == CharterStage.open_for_comment and charter.accepting_resident_comments
    comments = db.session.scalars(select(CharterComment)).all()
    roles = {c.author.role.value if c.author else "resident" for c in comments}
    assert roles == {"admin", "officer", "reviewer", "resident"}
    pending = [c for c in comments if c.moderation == Moderation.pending]
    assert len(pending) == 1 and pending[0].author_id is None
    outdated = [c for c in comments if c.parent_id is None and c.is_outdated(charter.latest)]
    assert len(outdated) == 1, "the reviewer's comment on version 1 is outdated"
    page = plain(main_content(client.get(f"/charters/{charter.slug}/draft")))
    assert "Making it easy to take part" in page and "evening" not in page
