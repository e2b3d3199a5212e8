"""Turning another CRM's values into ours: stages and MEDDPICC roles through an editable
mapping (Salesforce and HubSpot defaults), dates, names, websites."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process, utils

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing.formats import DATE_ORDERS, DECIMAL_MARKS, parse_date
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
    """Source stage / role names -> our values (a role may map to '' = no MEDDPICC role), and
    how to read what a file's values cannot tell: the date order, the decimal mark, whether a
    user may be created from a name alone."""

    stages: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_STAGE_MAPPING))
    roles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLE_MAPPING))
    date_order: str | None = None
    decimal_mark: str | None = None
    users_without_email: bool = False

    def __post_init__(self):
        if self.date_order not in (None, *DATE_ORDERS):
            raise ValidationError(f"Date order '{self.date_order}' is not one of: "
                                  f"{', '.join(DATE_ORDERS)}.", field="date_order")
        if self.decimal_mark not in (None, *DECIMAL_MARKS):
            raise ValidationError(f"Decimal mark '{self.decimal_mark}' is not '.' or ','.",
                                  field="decimal_mark")
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
        """The mapping as JSON (see mapping_from_json), for --mapping files."""
        return json.dumps(self.as_dict(), indent=2)

    def as_dict(self) -> dict[str, Any]:
        """The mapping as the --mapping file holds it (options only when set)."""
        options = {"date_order": self.date_order, "decimal_mark": self.decimal_mark,
                   "users_without_email": self.users_without_email or None}
        return {"stages": dict(self.stages), "roles": dict(self.roles),
                **{k: v for k, v in options.items() if v is not None}}


def closest(raw: str, names) -> str | None:
    """The name most like `raw` when one is close enough to be a likely typo."""
    found = process.extractOne(raw, names, scorer=fuzz.WRatio, processor=utils.default_process,
                               score_cutoff=88)
    return found[0] if found else None


def did_you_mean(raw: str, names) -> str:
    """' (did you mean 'X'?)' for the closest name, else ''."""
    found = closest(raw, names)
    return f" (did you mean '{found}'?)" if found else ""


def _suggestion(raw: str, mapping: Mapping[str, str], vocabulary) -> str:
    return did_you_mean(raw, [*mapping, *(t.label for t in vocabulary.terms)])


def suggested_stage(raw: str, mapping: ValueMapping) -> str | None:
    """Our stage for an unknown stage name, when its name is close to one we know."""
    names = {**{k: v for k, v in mapping.stages.items()},
             **{t.label: t.value for t in STAGES.terms}}
    found = process.extractOne(raw, list(names), scorer=fuzz.WRatio,
                               processor=utils.default_process, score_cutoff=60)
    return names[found[0]] if found else None


def mapping_from_json(text: str) -> tuple[dict[str, str | None], ValueMapping]:
    """(column overrides, value mapping) from a --mapping file; missing parts keep defaults.

    Format: {"columns": {"Header": "field" or null}, "stages": {...}, "roles": {...},
    "date_order": "day_first" | "month_first", "decimal_mark": "." | ",",
    "users_without_email": true}; stage and role entries are added to (and override) the
    defaults.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"The mapping file is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise ValidationError("The mapping file must hold a JSON object.")
    columns = data.get("columns") or {}
    values = ValueMapping(stages={**DEFAULT_STAGE_MAPPING, **(data.get("stages") or {})},
                          roles={**DEFAULT_ROLE_MAPPING, **(data.get("roles") or {})},
                          date_order=data.get("date_order"),
                          decimal_mark=data.get("decimal_mark"),
                          users_without_email=bool(data.get("users_without_email")))
    return dict(columns), values


# --- cell parsers ------------------------------------------------------------------------------

def person_name(cells: Mapping[str, str]) -> str | None:
    """The name column, or first + last name joined (Salesforce and HubSpot split it)."""
    name = cells.get("name") or " ".join(
        part for part in (cells.get("first_name"), cells.get("last_name")) if part)
    return name or None


def close_date(raw: str, order: str | None = None) -> date | None:
    """An expected close date (see formats.parse_date)."""
    return parse_date(raw, order=order, field="expected_close_date", label="Expected close date")


def website_host(value: Any) -> str | None:
    """The host of a website, lower case and without 'www.' (how companies match by website)."""
    url = validation.url(value) if value else None
    if not url:
        return None
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.")


def unknown_stages(raw_values, mapping: ValueMapping) -> dict[str, str | None]:
    """Each distinct stage name of a file that the mapping does not know, with our stage its
    name suggests (None when nothing is close)."""
    unknown: dict[str, str | None] = {}
    for raw in raw_values:
        if raw and raw not in unknown:
            try:
                mapping.stage(raw)
            except ValidationError:
                unknown[raw] = suggested_stage(raw, mapping)
    return unknown
