"""Dates and amounts whose reading depends on the whole column: day-first or month-first, and
which mark is the decimal one, decided from every value of the column, never row by row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from crm_core import validation
from crm_core.errors import ValidationError

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
DECIMAL_MARKS = (".", ",")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?$")
_CURRENCY = re.compile(r"[^\d,.\-]")


def date_order(values: Iterable[str]) -> str | None:
    """DAY_FIRST or MONTH_FIRST as the column's values show it (a first part over 12 means
    day-first, a second part over 12 month-first); None when no value tells. A column showing
    both is refused."""
    day_first = month_first = None
    for raw in values:
        match = _NUMERIC_DATE.match(raw.strip())
        if not match:
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 and day_first is None:
            day_first = raw
        if second > 12 and month_first is None:
            month_first = raw
    if day_first and month_first:
        raise ValidationError(f"The dates mix day-first ('{day_first}') and month-first "
                              f"('{month_first}'); fix the file or split it.")
    return DAY_FIRST if day_first else MONTH_FIRST if month_first else None


def needs_date_order(values: Iterable[str]) -> str | None:
    """The first value of the column that reads differently day-first and month-first."""
    for raw in values:
        match = _NUMERIC_DATE.match(raw.strip())
        if match and match[2] != "." and match[1] != match[3]:
            return raw
    return None


def parse_date(raw: str, *, order: str | None, field: str, label: str) -> date | None:
    """A date in a usual format; numeric day/month dates read in the column's order (dots are
    day-first, as everywhere they are used); a time part is dropped."""
    match = _NUMERIC_DATE.match(raw.strip())
    if match:
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        if order is None:
            # Alone, a value tells its order when a part is over 12; dots are day-first.
            order = (DAY_FIRST if first > 12 or match[2] == "." else
                     MONTH_FIRST if second > 12 else None)
        if order is None and first != second:
            raise ValidationError(f"{label} '{raw}' could be day-first or month-first; say "
                                  "which in the value mapping.", field=field)
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} '{raw}' is not a date.", field=field) from None
    try:
        return validation.a_date(raw, field=field, label=label)
    except ValidationError as error:
        head = re.split(r"[ T]", raw.strip(), maxsplit=1)[0]
        if head == raw.strip():
            raise
        try:
            return validation.a_date(head, field=field, label=label)
        except ValidationError:
            raise error from None


def _mark_shown(raw: str) -> str | None:
    """The decimal mark a single amount shows unambiguously, if any."""
    cleaned = _CURRENCY.sub("", raw)
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        return "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
    if dots > 1:
        return ","
    if commas > 1:
        return "."
    if dots + commas == 1:
        decimals = len(cleaned) - cleaned.rfind("." if dots else ",") - 1
        if decimals != 3:
            return "." if dots else ","
    return None


def decimal_mark(values: Iterable[str]) -> str | None:
    """The decimal mark the column's amounts show ('.' or ','); None when none tells or they
    disagree."""
    shown = {mark for raw in values if (mark := _mark_shown(raw))}
    return shown.pop() if len(shown) == 1 else None


def parse_amount(raw: str, *, mark: str | None, field: str = "value",
                 label: str = "Value") -> float:
    """An amount; '1.234' or '1,234' only when the column (or the mapping) names the mark."""
    cleaned = _CURRENCY.sub("", raw)
    if mark is None and re.fullmatch(r"-?\d{1,3}[.,]\d{3}", cleaned):
        whole, fraction = cleaned.replace(",", "").replace(".", ""), cleaned.replace(",", ".")
        raise ValidationError(f"{label} '{raw}' could be {whole} or {fraction}; name the "
                              "decimal mark in the value mapping.", field=field)
    if mark is not None:
        thousands = "," if mark == "." else "."
        raw = raw.replace(thousands, "").replace(mark, ".")
    return validation.amount(raw, field=field, label=label)


def timestamp(raw: str) -> datetime | None:
    """An ISO timestamp (our own export's created_at), naive UTC; None when blank."""
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"Created at '{raw}' is not a timestamp "
                              "(use YYYY-MM-DD HH:MM:SS).", field="created_at") from None
    return parsed.replace(tzinfo=None)
