"""Parsing and validating user input into stored values, with messages a manager can act on.

Shared by the write services and the importer.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from crm_core.errors import ValidationError
from crm_core.vocab import Vocabulary

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
CURRENCY_RE = re.compile(r"^\s*(?:[A-Z]{3}|[$€£¥₹])\s*|\s*(?:[A-Z]{3}|[$€£¥₹])\s*$")
MAX_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d %b %Y", "%d %B %Y",
                "%b %d, %Y", "%B %d, %Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


SEARCH_MAX_LENGTH = 200
# NUL cannot be stored by PostgreSQL, and a lone surrogate is not text at all (no encoding).
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")


def search_text(value: Any) -> str:
    """Text to search for: trimmed, at most SEARCH_MAX_LENGTH characters, without characters
    no stored text can hold (so a pasted page or a NUL byte just finds nothing)."""
    return UNSTORABLE_RE.sub("", str(value or ""))[:SEARCH_MAX_LENGTH].strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, field: str, label: str, required: bool = True,
         max_length: int = 200) -> str | None:
    """Trimmed text; an error if required and blank, or longer than max_length."""
    if _blank(value):
        if required:
            raise ValidationError(f"{label} is required.", field=field)
        return None
    result = str(value).strip()
    if UNSTORABLE_RE.search(result):
        raise ValidationError(f"{label} contains a character that cannot be stored (a NUL byte "
                              "or a broken character); retype it.", field=field)
    if len(result) > max_length:
        raise ValidationError(f"{label} must be at most {max_length} characters, "
                              f"got {len(result)}.", field=field)
    return result


def email(value: Any, *, field: str = "email", label: str = "Email",
          required: bool = True) -> str | None:
    """A syntactically valid email, lower-cased (emails are unique case-insensitively)."""
    result = text(value, field=field, label=label, required=required, max_length=320)
    if result is None:
        return None
    if not EMAIL_RE.match(result):
        raise ValidationError(f"{label} '{result}' is not a valid email address.", field=field)
    return result.lower()


def url(value: Any, *, field: str = "website", label: str = "Website") -> str | None:
    """An http(s) URL; a bare domain such as 'acme.com' gets https:// in front."""
    result = text(value, field=field, label=label, required=False, max_length=300)
    if result is None:
        return None
    candidate = result if "://" in result else f"https://{result}"
    try:
        parsed = urlparse(candidate)
        scheme, host, user_info = parsed.scheme, parsed.hostname or "", parsed.username
    except ValueError:  # e.g. a bracketed host that is no IPv6 address
        scheme, host, user_info = "", "", None
    if user_info is not None:
        # https://trusted.example@evil.example/ goes to evil.example: a phishing disguise.
        raise ValidationError(f"{label} '{result}' names a user before '@'; a website is only "
                              "its address (e.g. https://example.com).", field=field)
    if scheme not in ("http", "https") or "." not in host or " " in candidate \
            or "\\" in candidate:
        raise ValidationError(f"{label} '{result}' is not a valid web address "
                              "(e.g. https://example.com).", field=field)
    return candidate


def amount(value: Any, *, field: str = "value", label: str = "Value") -> float:
    """A non-negative amount; accepts currency symbols and thousands separators ('$1,200.50')."""
    if _blank(value):
        raise ValidationError(f"{label} is required.", field=field)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        # Currency symbols and ISO codes may surround the number; any other letter (a '12k'
        # shorthand, a typo) is refused rather than silently dropped.
        raw = CURRENCY_RE.sub("", str(value)).strip()
        if re.search(r"[^\d,.\-\s'\u00a0\u202f]", raw):
            raise ValidationError(f"{label} '{value}' is not a number.", field=field)
        cleaned = re.sub(r"[^\d,.\-]", "", raw)
        if cleaned.count(",") and cleaned.count(".") == 0 and re.search(r",\d{1,2}$", cleaned):
            cleaned = cleaned.replace(",", ".")          # 1200,50 (decimal comma)
        elif cleaned.count(",") and cleaned.count(".") and cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")  # 1.200,50
        else:
            cleaned = cleaned.replace(",", "")           # 1,200.50
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"{label} '{value}' is not a number.", field=field) from None
    if not number.is_finite():
        raise ValidationError(f"{label} '{value}' is not a number.", field=field)
    if number < 0:
        raise ValidationError(f"{label} must be 0 or more, got {value}.", field=field)
    if number >= Decimal("1e12"):
        raise ValidationError(f"{label} {value} is too large.", field=field)
    return float(round(number, 2))


def probability(value: Any, *, field: str = "probability") -> int:
    """A whole percentage from 0 to 100 ('35', '35%', 35.0)."""
    if _blank(value):
        raise ValidationError("Probability is required.", field=field)
    raw = str(value).strip().rstrip("%").strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(f"Probability '{value}' is not a number.", field=field) from None
    if not 0 <= number <= 100:
        raise ValidationError(f"Probability must be between 0 and 100, got {value}.", field=field)
    if number != int(number):
        raise ValidationError(f"Probability must be a whole number, got {value}.", field=field)
    return int(number)


def a_date(value: Any, *, field: str, label: str, required: bool = False) -> date | None:
    """A date from a date, datetime or a string in a usual format (YYYY-MM-DD preferred)."""
    if _blank(value):
        if required:
            raise ValidationError(f"{label} is required.", field=field)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"{label} '{raw}' is not a date (use YYYY-MM-DD).", field=field)


def choice(value: Any, vocabulary: Vocabulary, *, field: str, label: str) -> str:
    """A value of the vocabulary (its value or its display label, any case)."""
    if _blank(value):
        raise ValidationError(f"{label} is required.", field=field)
    raw = str(value).strip()
    if raw in vocabulary:
        return raw
    for term in vocabulary.terms:
        if raw.lower() in (term.value.lower(), term.label.lower()):
            return term.value
    allowed = ", ".join(vocabulary.values)
    raise ValidationError(f"{label} '{raw}' is not one of: {allowed}.", field=field)


def choices(values: Iterable[Any], vocabulary: Vocabulary, *, field: str,
            label: str) -> list[str]:
    """Several vocabulary values, deduplicated, in the vocabulary's order."""
    chosen = {choice(v, vocabulary, field=field, label=label) for v in values}
    return [v for v in vocabulary if v in chosen]


def record_id(value: Any) -> int | None:
    """The id a URL or a form names: plain digits 0-9 for 1..MAX_ID; None for anything else
    ('²' and '١٢' are digits to Python, but no id of ours)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and len(value.strip()) <= 10:
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def identifier(value: Any, *, field: str, label: str) -> int:
    """A positive whole-number id (within the database's range)."""
    number = record_id(value)
    if number is None:
        raise ValidationError(f"{label} '{value}' is not a valid id.", field=field)
    return number
