"""factory_boy factories with hostile defaults: markup and odd text in every free-text field."""

import factory
from argon2 import PasswordHasher

from engage.accounts.models import User
from engage.extensions import db
from engage.permissions import Role
from engage.reference.models import Place, PlaceKind, Topic

#: Every factory user has this password; the hash is made once, argon2 being slow on purpose.
PASSWORD = "correct-horse-battery-staple-42"
_PASSWORD_HASH = PasswordHasher().hash(PASSWORD)

HOSTILE = "<script>alert('x')</script> {{7*7}} =HYPERLINK(\"http://evil\") \u202eRTL"


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"Staff {n} {HOSTILE}")
    role = Role.officer
    organisation = HOSTILE
    password_hash = _PASSWORD_HASH


class PlaceFactory(BaseFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n} {HOSTILE}")
    kind = PlaceKind.system
    population = 100_000
    breakdown = factory.LazyFunction(dict)


class TopicFactory(BaseFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n} {HOSTILE}")
    description = HOSTILE
