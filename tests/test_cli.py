"""The flask commands: demo content and the first administrator."""

from sqlalchemy import func, select

from config import ProductionConfig
from engage import create_app
from engage.accounts.models import User
from engage.accounts.passwords import verify_password
from engage.audit import AuditEntry
from engage.permissions import Role
from engage.reference.models import Place, PlaceKind, Topic
from engage.stakeholders.models import Organisation, Person, ProgrammeGroup


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_load_creates_kent_and_medway_and_one_user_per_role(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in result.output and "engage-demo-password" in result.output
    system = db.session.scalar(select(Place).where(Place.kind == PlaceKind.system))
    assert system.name == "Kent and Medway" and system.population == 1_900_000
    places = {p.name: p.population for p in system.children}
    assert places["West Kent"] == 491_000 and places["East Kent"] == 720_000
    assert len(places) == 4
    assert db.session.scalar(select(Topic).where(Topic.name == "Frailty")) is not None
    roles = {u.email: u.role for u in db.session.scalars(select(User))}
    assert roles == {
        "admin@example.org": Role.admin,
        "officer@example.org": Role.officer,
        "reviewer@example.org": Role.reviewer,
    }
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert verify_password(admin.password_hash, "engage-demo-password")


def test_demo_load_adds_the_seed_organisations_people_and_groups(runner, db):
    runner.invoke(args=["demo", "load"])
    names = set(db.session.scalars(select(Organisation.name)))
    assert {
        "Kent Community Health NHS Foundation Trust",
        "Maidstone and Tunbridge Wells NHS Trust",
        "Kent County Council",
        "Healthwatch Kent",
        "West Kent Primary Care",
    } <= names
    practice = db.session.scalar(select(Organisation).where(Organisation.name == "Riverside Surgery"))
    assert practice.parent.name == "Sevenoaks Primary Care Network"
    withdrawn = db.session.scalar(select(Person).where(Person.email == "daniel.cho@example.org"))
    assert withdrawn.is_contactable is False and len(withdrawn.consents) == 2
    assert all(p.email.endswith("@example.org") for p in db.session.scalars(select(Person)))
    board = db.session.scalar(select(ProgrammeGroup).where(ProgrammeGroup.name == "West Kent HCP Board"))
    assert board.has_resident_representative
    urgent = db.session.scalar(select(ProgrammeGroup).where(ProgrammeGroup.name == "Urgent Care Delivery Board"))
    assert not urgent.has_resident_representative


def test_demo_load_twice_adds_nothing_the_second_time(runner, db):
    runner.invoke(args=["demo", "load"])
    before = (count(db, Place), count(db, Topic), count(db, User), count(db, AuditEntry), count(db, Organisation))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "Demo content loaded: 0 places added, 0 topics added, 0 organisations added" in result.output
    assert "0 people added, 0 programme groups added, 0 users added, 0 records added" in result.output
    after = (count(db, Place), count(db, Topic), count(db, User), count(db, AuditEntry), count(db, Organisation))
    assert after == before


def test_demo_load_if_empty_skips_a_database_with_users(runner, db):
    runner.invoke(
        args=["users", "create-admin", "--email", "a@example.org", "--name", "A"],
        input="lantern orchard velvet 93\nlantern orchard velvet 93\n",
    )
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not loaded" in result.output
    assert count(db, Place) == 0


def test_production_never_loads_demo_users(tmp_path):
    config = type(
        "Prod", (ProductionConfig,), {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"}
    )
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output


def test_create_admin_makes_an_administrator(runner, db):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Lead@Example.org", "--name", "Lead"],
        input="lantern orchard velvet 93\nlantern orchard velvet 93\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "lead@example.org" and user.role == Role.admin
    assert user.password_hash.startswith("$argon2id$")


def test_create_admin_refuses_a_weak_password_and_stores_nothing(runner, db):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "lead@example.org", "--name", "Lead"],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code != 0
    assert "harder to guess" in result.output
    assert count(db, User) == 0
