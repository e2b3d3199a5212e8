"""Source systems: which CRM an import comes from, what its objects are called there, and its
ids in the one spelling we store (Salesforce's 18-character ids as their 15-character core)."""

from __future__ import annotations

import re
from collections.abc import Iterable

SALESFORCE, HUBSPOT, FILE = "salesforce", "hubspot", "file"
SOURCE_SYSTEMS = (SALESFORCE, HUBSPOT, FILE)
SYSTEM_LABELS = {SALESFORCE: "Salesforce", HUBSPOT: "HubSpot", FILE: "a spreadsheet"}

# Our entity -> the object it is in each source system.
_OBJECTS = {
    SALESFORCE: {"users": "User", "companies": "Account", "stakeholders": "Contact",
                 "opportunities": "Opportunity"},
    HUBSPOT: {"users": "owner", "companies": "company", "stakeholders": "contact",
              "opportunities": "deal"},
}
_SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_SALESFORCE_PREFIXES = ("001", "003", "005", "006", "00Q", "00U", "00T", "00G")
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def source_object(system: str, entity: str) -> str:
    """The source system's name of what we call `entity` (our own name for plain files)."""
    return _OBJECTS.get(system, {}).get(entity, entity)


def external_id(system: str, raw: str) -> str:
    """The id as stored: Salesforce's 18-character form becomes its 15-character core. The
    core is case-sensitive and the 18-character form is not: its last three characters say
    which letters of the core are capitals, so the core is rebuilt from them."""
    raw = raw.strip()
    if system != SALESFORCE or len(raw) != 18 or not _SALESFORCE_ID.match(raw):
        return raw
    core = []
    for chunk, check in enumerate(raw[15:].upper()):
        bits = _CHECKSUM.index(check)
        for i, char in enumerate(raw[chunk * 5:chunk * 5 + 5]):
            core.append(char.upper() if bits >> i & 1 else char.lower())
    return "".join(core)


def looks_like_salesforce(ids: Iterable[str]) -> bool:
    """True when the ids are Salesforce record ids (15 or 18 characters, a known key prefix)."""
    ids = [i for i in ids if i]
    return bool(ids) and all(_SALESFORCE_ID.match(i) and i.startswith(_SALESFORCE_PREFIXES)
                             for i in ids)


def detect_system(files) -> str:
    """The source system of (table, header -> field) pairs: HubSpot by its 'Record ID' headers
    or file names, Salesforce by the shape of its ids, else a plain file."""
    ids: list[str] = []
    for table, columns in files:
        headers = {re.sub(r"[^0-9a-z]", "", h.lower()) for h in table.headers}
        if "recordid" in headers or "hubspot" in table.name.lower():
            return HUBSPOT
        positions = [i for i, h in enumerate(table.headers)
                     if (columns.get(h) or "").endswith("source_id")]
        ids += [cells[i] for _, cells in table.rows[:20] for i in positions
                if i < len(cells) and cells[i]]
    return SALESFORCE if looks_like_salesforce(ids) else FILE


def identity_note(system: str) -> str:
    """What the report says when the import keeps the source's ids."""
    return (f"Read as an export of {SYSTEM_LABELS[system]}: each record keeps its id there, so "
            "a later import finds it by that id.")
