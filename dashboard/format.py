"""Formatting for people: money, percentages, counts, and user text made safe to show."""

from __future__ import annotations

import math
import re

from crm_core.validation import UNSTORABLE_RE


def money(value: float | None) -> str:
    """$1.2M, $350K, $900 ('—' for nothing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= threshold:
            return f"${value / threshold:,.1f}{suffix}"
    return f"${value:,.0f}"


def percent(share: float | None, *, digits: int = 0) -> str:
    """A share 0..1 as '42%' ('—' when undefined, e.g. 0 of 0)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{share * 100:.{digits}f}%"


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when whole is 0."""
    return None if not whole else part / whole


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")
# Streamlit finds bare links (https://…, www.…, name@host) and icon or emoji codes (:name:) in
# the text itself, after backslash escapes are undone, so escaping alone does not stop them.
# An invisible WORD JOINER (U+2060) right after ':' and '@', and between 'www' and '.', does.
_WORD_JOINER = "\u2060"
_LINK_OR_CODE = re.compile(r"(?<=:)(?=[a-z/+-])|(?<=@)|(?<=www)(?=\\\.)", re.IGNORECASE)


def markdown_text(text: object) -> str:
    """User text made safe for any place Streamlit renders markdown (captions, labels of
    checkboxes, buttons, expanders and links, alerts, toasts, headers): it shows exactly as
    typed, with no bold, colours, images, icons or links made from it."""
    escaped = "".join(f"\\{c}" if c in _MARKDOWN_SPECIALS else c
                      for c in UNSTORABLE_RE.sub("\ufffd", str(text)))
    return _LINK_OR_CODE.sub(_WORD_JOINER, escaped)


def shown_input(text: object, *, limit: int = 40) -> str:
    """What someone typed (or put in a URL), cut to `limit` characters, for a message quoting
    it; characters that are not text are left out."""
    clean = UNSTORABLE_RE.sub("", str(text))
    return clean if len(clean) <= limit else clean[:limit - 1] + "…"
