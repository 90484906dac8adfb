"""Field validators shared across domains: UK postcodes, UK phone numbers, email, 1-5 scores."""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError


def is_digits(text):
    """True when ``text`` is ASCII digits and nothing else.

    str.isdigit() alone also says yes to "²" and "①", which int() then refuses: a 500 on hostile input.
    """
    return isinstance(text, str) and text.isascii() and text.isdigit()


def as_id(text):
    """``text`` as a row id, or None unless it is ASCII digits within the database's integer.

    A larger number can name no row, and binding it fails in the driver (engage.db.IdConverter).
    """
    from engage.db import MAX_ID

    if is_digits(text) and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    return None


_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


def normalise_postcode(text):
    """Return the postcode in standard form ("ME14 1RF"), or None if it is not a UK postcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(postcode):
    """Return the outward code ("ME14") of a normalised postcode."""
    return (postcode or "").split(" ")[0]


def normalise_phone(text):
    """Return a UK phone number in national format ("01622 123456"), or None if it is not valid."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    # "Possible" (right length for the country) rather than "valid", so Ofcom's drama ranges
    # (01632 960xxx, 07700 900xxx) used in demo and training data are accepted.
    if not phonenumbers.is_possible_number(number):
        return None
    fmt = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, fmt.NATIONAL if number.country_code == 44 else fmt.INTERNATIONAL)


def normalise_email(text):
    """Return the email lower-cased and checked (syntax only, no network), or None if it is not valid."""
    try:
        result = validate_email((text or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


class UKPostcode:
    """WTForms validator: a UK postcode, normalised in place."""

    def __init__(self, message="Enter a real UK postcode, like ME14 1RF"):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        value = normalise_postcode(field.data)
        if value is None:
            raise ValidationError(self.message)
        field.data = value


class UKPhone:
    """WTForms validator: a phone number (UK by default), normalised in place."""

    def __init__(self, message="Enter a phone number, like 01632 960 001 or 07700 900 982"):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        value = normalise_phone(field.data)
        if value is None:
            raise ValidationError(self.message)
        field.data = value


class EmailAddress:
    """WTForms validator: an email address (no DNS look-up), lower-cased in place."""

    def __init__(self, message="Enter an email address in the correct format, like name@example.org"):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        value = normalise_email(field.data)
        if value is None:
            raise ValidationError(self.message)
        field.data = value
