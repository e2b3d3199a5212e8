"""Turning another CRM's values into ours: stages and MEDDPICC roles through an editable
mapping (Salesforce and HubSpot defaults), dates, names, websites."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.vocab import MEDDPICC_ROLES, STAGES

NO_ROLE = ""  # a contact role that is no MEDDPICC role (e.g. Salesforce "Other"): link only

DEFAULT_STAGE_MAPPING: dict[str, str] = {
    # Salesforce's standard opportunity stages
    "Prospecting": "prospecting",
    "Qualification": "qualification",
    "Needs Analysis": "discovery",
    "Id. Decision Makers": "discovery",
    "Value Proposition": "solution",
    "Perception Analysis": "solution",
    "Proposal/Price Quote": "proposal",
    "Negotiation/Review": "negotiation",
    "Closed Won": "closed_won",
    "Closed Lost": "closed_lost",
    # HubSpot's default sales pipeline (labels and internal values)
    "Appointment Scheduled": "qualification",
    "appointmentscheduled": "qualification",
    "Qualified To Buy": "qualification",
    "qualifiedtobuy": "qualification",
    "Presentation Scheduled": "solution",
    "presentationscheduled": "solution",
    "Decision Maker Bought-In": "proposal",
    "decisionmakerboughtin": "proposal",
    "Contract Sent": "negotiation",
    "contractsent": "negotiation",
    "closedwon": "closed_won",
    "closedlost": "closed_lost",
    # Common spreadsheet words
    "Lead": "prospecting",
    "Demo": "solution",
    "Won": "closed_won",
    "Lost": "closed_lost",
}

DEFAULT_ROLE_MAPPING: dict[str, str] = {
    # Salesforce's standard contact roles
    "Economic Decision Maker": "economic_buyer",
    "Economic Buyer": "economic_buyer",
    "Executive Sponsor": "economic_buyer",
    "Decision Maker": "decision_maker",
    "Technical Buyer": "technical_buyer",
    "Evaluator": "technical_buyer",
    "Business User": "user",
    "End User": "user",
    "Influencer": "influencer",
    "Champion": "champion",
    "Coach": "champion",
    "Gatekeeper": "gatekeeper",
    "Procurement": "gatekeeper",
    "Other": NO_ROLE,
    # HubSpot's buying roles (labels and internal values)
    "Budget Holder": "economic_buyer",
    "BUDGET_HOLDER": "economic_buyer",
    "DECISION_MAKER": "decision_maker",
    "Blocker": "gatekeeper",
    "BLOCKER": "gatekeeper",
    "CHAMPION": "champion",
    "INFLUENCER": "influencer",
    "END_USER": "user",
    "Legal & Compliance": "gatekeeper",
    "LEGAL_AND_COMPLIANCE": "gatekeeper",
}


def _key(raw: str) -> str:
    return " ".join(raw.lower().split())


@dataclass(frozen=True)
class ValueMapping:
    """Source stage / role names -> our values (a role may map to '' = no MEDDPICC role)."""

    stages: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_STAGE_MAPPING))
    roles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLE_MAPPING))

    def __post_init__(self):
        for source, target in self.stages.items():
            if target not in STAGES:
                raise ValidationError(f"Stage mapping: '{source}' maps to '{target}', which is "
                                      f"not a stage ({', '.join(STAGES)}).", field="stages")
        for source, target in self.roles.items():
            if target != NO_ROLE and target not in MEDDPICC_ROLES:
                raise ValidationError(f"Role mapping: '{source}' maps to '{target}', which is "
                                      "not a MEDDPICC role.", field="roles")
        object.__setattr__(self, "_stages", {_key(k): v for k, v in self.stages.items()})
        object.__setattr__(self, "_roles", {_key(k): v for k, v in self.roles.items()})

    def stage(self, raw: str) -> str:
        """Our stage for a source stage name; a clear error (with a suggestion) if unknown."""
        mapped = self._stages.get(_key(raw))
        if mapped:
            return mapped
        try:
            return validation.choice(raw, STAGES, field="stage", label="Stage")
        except ValidationError:
            pass
        raise ValidationError(f"Stage '{raw}' is not known{_suggestion(raw, self.stages, STAGES)}"
                              "; add it to the value mapping.", field="stage")

    def roles_of(self, raw: str) -> list[str]:
        """Our MEDDPICC roles for a cell of one or more role names ('Champion; Influencer')."""
        result: list[str] = []
        for part in re.split(r"[;,|]", raw):
            part = part.strip()
            if not part:
                continue
            mapped = self._roles.get(_key(part))
            if mapped is None:
                try:
                    mapped = validation.choice(part, MEDDPICC_ROLES, field="meddpicc_role",
                                               label="MEDDPICC role")
                except ValidationError:
                    raise ValidationError(
                        f"MEDDPICC role '{part}' is not known"
                        f"{_suggestion(part, self.roles, MEDDPICC_ROLES)}; add it to the value "
                        "mapping.", field="meddpicc_role") from None
            if mapped and mapped not in result:
                result.append(mapped)
        return result

    def to_json(self) -> str:
        """The mapping as JSON ({"stages": {...}, "roles": {...}}), for --mapping files."""
        return json.dumps({"stages": dict(self.stages), "roles": dict(self.roles)}, indent=2)


def _suggestion(raw: str, mapping: Mapping[str, str], vocabulary) -> str:
    names = [*mapping, *(t.label for t in vocabulary.terms)]
    close = difflib.get_close_matches(raw.lower(), [n.lower() for n in names], n=1, cutoff=0.75)
    if not close:
        return ""
    original = next(n for n in names if n.lower() == close[0])
    return f" (did you mean '{original}'?)"


def mapping_from_json(text: str) -> tuple[dict[str, str | None], ValueMapping]:
    """(column overrides, value mapping) from a --mapping file; missing parts keep defaults.

    Format: {"columns": {"Header": "field" or null}, "stages": {...}, "roles": {...}}; stage and
    role entries are added to (and override) the defaults.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"The mapping file is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise ValidationError("The mapping file must hold a JSON object.")
    columns = data.get("columns") or {}
    values = ValueMapping(stages={**DEFAULT_STAGE_MAPPING, **(data.get("stages") or {})},
                          roles={**DEFAULT_ROLE_MAPPING, **(data.get("roles") or {})})
    return dict(columns), values


# --- cell parsers ------------------------------------------------------------------------------

def person_name(cells: Mapping[str, str]) -> str | None:
    """The name column, or first + last name joined (Salesforce and HubSpot split it)."""
    name = cells.get("name") or " ".join(
        part for part in (cells.get("first_name"), cells.get("last_name")) if part)
    return name or None


def close_date(raw: str) -> date | None:
    """A date in a usual format; a time part ('2025-03-31 00:00', ISO with zone) is dropped."""
    try:
        return validation.a_date(raw, field="expected_close_date", label="Expected close date")
    except ValidationError as error:
        head = re.split(r"[ T]", raw.strip(), maxsplit=1)[0]
        if head == raw.strip():
            raise
        try:
            return validation.a_date(head, field="expected_close_date",
                                     label="Expected close date")
        except ValidationError:
            raise error from None


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


def website_host(value: Any) -> str | None:
    """The host of a website, lower case and without 'www.' (how companies match by website)."""
    url = validation.url(value) if value else None
    if not url:
        return None
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.")
