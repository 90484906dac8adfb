"""Demo content from the seed documents (Kent and Medway), loaded by ``flask demo load``.

Loading is idempotent: each item is looked up by its natural key and only added when missing.
"""

from sqlalchemy import func, select

from engage import audit
from engage.accounts import services as account_services
from engage.accounts.models import User
from engage.extensions import db
from engage.permissions import Role
from engage.reference.models import Place, PlaceKind, Topic

DEMO_PASSWORD = "engage-demo-password"

DEMO_USERS = [
    ("admin@example.org", "Alex Admin", Role.admin, "Kent and Medway ICB"),
    ("officer@example.org", "Olu Officer", Role.officer, "West Kent HCP"),
    ("reviewer@example.org", "Rae Reviewer", Role.reviewer, "Healthwatch Kent"),
]

ESTIMATE = "Population is a rounded estimate for demonstration, not an official figure."

# (name, kind, parent name, population, code, description)
PLACES = [
    (
        "Kent and Medway",
        PlaceKind.system,
        None,
        1_900_000,
        "E54000032",
        "Integrated care system covering Kent County Council and Medway Council areas.",
    ),
    (
        "West Kent",
        PlaceKind.place,
        "Kent and Medway",
        491_000,
        "",
        "West Kent Health and Care Partnership: Maidstone, Sevenoaks, Tonbridge and Malling and Tunbridge Wells.",
    ),
    (
        "East Kent",
        PlaceKind.place,
        "Kent and Medway",
        720_000,
        "",
        "East Kent Health and Care Partnership: Ashford, Canterbury, Dover, Folkestone and Hythe, and Thanet.",
    ),
    ("Medway and Swale", PlaceKind.place, "Kent and Medway", 430_000, "", ESTIMATE),
    ("Dartford, Gravesham and Swanley", PlaceKind.place, "Kent and Medway", 270_000, "", ESTIMATE),
    ("Maidstone Central", PlaceKind.neighbourhood, "West Kent", 48_000, "", ESTIMATE),
    ("Sevenoaks", PlaceKind.neighbourhood, "West Kent", 45_000, "", ESTIMATE),
    ("Tonbridge", PlaceKind.neighbourhood, "West Kent", 42_000, "", ESTIMATE),
    ("Thanet", PlaceKind.neighbourhood, "East Kent", 50_000, "", ESTIMATE),
]

#: Age breakdown for West Kent, labelled as an estimate; sums to the population.
WEST_KENT_BREAKDOWN = {
    "age": {"0-17": 108_000, "18-44": 158_000, "45-64": 127_000, "65-84": 83_000, "85+": 15_000},
    "sex": {"Female": 250_000, "Male": 241_000},
}

TOPICS = [
    ("Frailty", "Support for older people living with frailty, at home and in hospital."),
    ("Mental health", "Mental health and wellbeing services for adults and young people."),
    ("Dementia", "Diagnosis and support for people living with dementia and their carers."),
    ("Falls", "Preventing falls among older people."),
    ("Diabetes", "Community diabetes clinics and prevention."),
    ("Urgent care", "Urgent treatment centres, NHS 111 and emergency departments."),
    ("Discharge from hospital", "Getting home safely and on time after a hospital stay."),
    ("Musculoskeletal (MSK)", "Back, joint and muscle services, including self-referral."),
    ("Video consultations", "Appointments by video, co-designed with patients."),
    ("Primary care", "GP practices, community pharmacy, dentistry and opticians."),
    ("Cancer", "Cancer screening, diagnosis and treatment."),
    ("Health inequalities", "Reducing differences in health between communities."),
]


def _get_or_add(model, lookup, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is not None:
        return obj, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    audit.record(None, "create", obj, sorted({*lookup, *values}))
    return obj, True


def load_demo():
    """Add the demo places, topics and users that are missing; return counts of what was added."""
    added = {"places": 0, "topics": 0, "users": 0}
    by_name = {}
    for name, kind, parent, population, code, description in PLACES:
        place, created = _get_or_add(
            Place,
            {"name": name, "kind": kind},
            parent_id=by_name[parent].id if parent else None,
            population=population,
            code=code,
            description=description,
            breakdown=WEST_KENT_BREAKDOWN if name == "West Kent" else {},
        )
        by_name[name] = place
        added["places"] += created
    for name, description in TOPICS:
        added["topics"] += _get_or_add(Topic, {"name": name}, description=description)[1]
    for email, name, role, organisation in DEMO_USERS:
        if account_services.find_user_by_email(email) is None:
            account_services.create_user(
                actor=None, email=email, name=name, role=role, password=DEMO_PASSWORD, organisation=organisation
            )
            added["users"] += 1
    db.session.flush()
    return added


def database_is_empty():
    """Return True when no user exists yet (a new database)."""
    return db.session.scalar(select(User.id).limit(1)) is None


def demo_users_exist():
    """Return True when the demo users are present (so the sign-ins can be printed)."""
    emails = [email for email, *_ in DEMO_USERS]
    return db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(emails))) == len(emails)
