# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Validation of the input the addon accepts: numbers within documented ranges
(checked in Python with the record named, and by PostgreSQL ``CHECK``
constraints), dates and arguments of public methods. Bad input is refused
with a ``ValidationError`` or a ``UserError``, never a traceback."""

import math
from datetime import date, datetime

from odoo import fields
from odoo.exceptions import UserError, ValidationError

# Timesheet states of entries still open (not approved, not invoiced): the
# ones whose billing follows changes of rates, roles and rounding.
OPEN_STATES = ("draft", "submitted", "rejected")

# How the time of a project is gathered on invoice lines (the project's
# setting, the invoicing wizard's choice, the engine's ``DETAIL_MODELS``).
INVOICE_DETAILS = [
    ("employee", "Per employee"),
    ("role", "Per role"),
    ("task", "Per task"),
    ("entry", "Per timesheet"),
    ("summary", "Summarised"),
]

# Documented ranges (README, "Input validation").
MAX_HOURS_PER_DAY = 24.0
MAX_HOURLY_RATE = 1_000_000.0
MAX_PERCENT = 100.0
MAX_MARKUP_PERCENT = 1000.0
MAX_CAPACITY_PERCENT = 1000.0
MAX_PERIOD_DAYS = 3660  # about ten years


def sql_check(column, minimum=None, maximum=None):
    """A ``CHECK`` clause: ``column`` is a finite number within the bounds.

    PostgreSQL orders 'NaN' above every number, so ``x >= 0`` alone accepts
    it: NaN and both infinities are refused explicitly (the literals are
    cast to the column's type, numeric or double precision)."""
    conditions = [
        f"{column} <> 'NaN'",
        f"{column} > '-Infinity'",
        f"{column} < 'Infinity'",
    ]
    if minimum is not None:
        conditions.append(f"{column} >= {minimum}")
    if maximum is not None:
        conditions.append(f"{column} <= {maximum}")
    return f"CHECK({' AND '.join(conditions)})"


def in_range(value, minimum=None, maximum=None):
    """``value`` is a finite number (not NaN, not infinite) within the bounds
    (``x <= 0`` is False for NaN: test finiteness first)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
    )


def check_ranges(records, ranges, name=None):
    """Refuse, naming the record and the field, unless every field of
    ``ranges`` (``{field name: (minimum, maximum)}``, None: unbounded) of
    every record is a finite number within its bounds."""
    env = records.env
    for record in records:
        for fname, (minimum, maximum) in ranges.items():
            value = record[fname]
            if in_range(value, minimum, maximum):
                continue
            values = {
                "record": name(record) if name else record.display_name,
                "field": records._fields[fname]._description_string(env),
                "value": value,
                "minimum": minimum,
                "maximum": maximum,
            }
            if maximum is None:
                raise ValidationError(
                    env._(
                        "%(record)s: %(field)s must be a number of at least "
                        "%(minimum)s (not %(value)s).",
                        **values,
                    )
                )
            raise ValidationError(
                env._(
                    "%(record)s: %(field)s must be a number between %(minimum)s and "
                    "%(maximum)s (not %(value)s).",
                    **values,
                )
            )


# The dates a firm can mean: a date outside is a typing slip, and date
# arithmetic near the ends of the calendar fails with an OverflowError.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def to_date(env, value, argument):
    """``value`` as a date: a date or a ``YYYY-MM-DD`` string between 1900
    and 2199; empty (None, False, "") gives None. Anything else is refused
    naming ``argument``."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        parsed = _parse_date(value) if isinstance(value, str) else None
        if not parsed:
            raise UserError(
                env._(
                    "%(argument)s must be a date (YYYY-MM-DD), not %(value)r.",
                    argument=argument,
                    value=value,
                )
            )
        value = parsed
    if not FIRST_DATE <= value <= LAST_DATE:
        raise UserError(
            env._(
                "%(argument)s must be a date from %(first)s to %(last)s, not "
                "%(value)s.",
                argument=argument,
                first=FIRST_DATE,
                last=LAST_DATE,
                value=value,
            )
        )
    return value


def marshallable(value):
    """``value`` with every None turned into False, at any depth of dicts,
    lists and tuples: XML-RPC cannot marshal None ("no value" reads as False
    in the web client's formatters)."""
    if value is None:
        return False
    if isinstance(value, dict):
        return {key: marshallable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [marshallable(item) for item in value]
    return value


def _parse_date(text):
    """A ``YYYY-MM-DD`` string as a date, or None when it is not one."""
    try:
        return fields.Date.to_date(text.strip())
    except ValueError:
        return None


def check_no_arguments(env, method, args, kwargs):
    """Refuse arguments given to a method that takes none (over RPC they
    would otherwise end in a ``TypeError``)."""
    if args or kwargs:
        raise UserError(
            env._(
                "%(method)s takes no arguments (got %(arguments)s).",
                method=method,
                arguments=", ".join([*map(repr, args), *kwargs]),
            )
        )


def ensure_one(records, action):
    """``records.ensure_one()`` as a ``UserError`` naming the action."""
    if len(records) != 1:
        raise UserError(
            records.env._(
                "%(action)s works on exactly one record of %(model)s, not %(count)s.",
                action=action,
                model=records._description,
                count=len(records),
            )
        )
    return records
