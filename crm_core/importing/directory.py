"""Every natural key and source identity the database holds, loaded once per import, plus the
records the import will create (`Pending`), so later rows and files can point at them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.importing.sources import FILE, source_object
from crm_core.importing.values import did_you_mean, website_host
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Region,
    SourceIdentity,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)


@dataclass(frozen=True)
class Pending:
    """A record this import creates; its id is known once it is inserted."""

    entity: str
    number: int


Ref = int | Pending
# Suggestions cost a fuzzy search over every name: a file of thousands of unknown names gets
# them for its first few hundred distinct ones.
SUGGESTIONS_PER_IMPORT = 300

RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("name",),
    "users": ("name", "email", "job_title", "region_id", "departed_on"),
    "companies": ("name", "industry", "website"),
    "stakeholders": ("name", "job_title", "email", "phone", "company_id"),
    "opportunities": ("name", "value", "probability", "expected_close_date", "stage",
                      "company_id"),
}
_MODELS = {"regions": Region, "users": User, "companies": Company, "stakeholders": Stakeholder,
           "opportunities": Opportunity}
# Link tables: the columns of their composite key, in the order keys are stored here.
LINK_KEYS: dict[str, tuple[str, ...]] = {
    "company_account_teams": ("user_id", "company_id"),
    "opportunity_account_teams": ("user_id", "opportunity_id"),
    "stakeholder_opportunities": ("stakeholder_id", "opportunity_id"),
    "stakeholder_meddpicc_roles": ("stakeholder_id", "meddpicc_role"),
    "stakeholder_relationship_owners": ("stakeholder_id", "user_id"),
}
_LINK_MODELS = {"company_account_teams": CompanyAccountTeam,
                "opportunity_account_teams": OpportunityAccountTeam,
                "stakeholder_opportunities": StakeholderOpportunity,
                "stakeholder_meddpicc_roles": StakeholderMeddpiccRole,
                "stakeholder_relationship_owners": StakeholderRelationshipOwner}


class Directory:
    """Existing records by id and natural key, loaded lazily, one query per table."""

    def __init__(self, session: Session, *, system: str = FILE):
        self._session = session
        self.system = system
        self.records: dict[str, dict[int, dict[str, Any]]] = {}
        self.by_email: dict[str, dict[str, Ref]] = {}
        self.by_name: dict[str, dict[str, set[Ref]]] = {}
        self.by_host: dict[str, Ref] = {}
        self.by_company_name: dict[str, dict[tuple[Ref, str], set[Ref]]] = {}
        self.company_of: dict[tuple[str, Ref], Ref] = {}
        self.links: dict[str, set[tuple]] = {}
        # (entity, external id) -> record, and back: stored identities, then this batch's.
        self.sources: dict[tuple[str, str], Ref] = {}
        self.claimed: dict[tuple[str, Ref], str] = {}
        self.stored_identities: set[tuple[str, str]] = set()
        self.managers: dict[Ref, Ref | None] = {}
        self.restored_ids: dict[tuple[str, str], Ref] = {}
        self.pending_names: dict[Pending, str | None] = {}
        self._suggested: dict[tuple[str, str, str], str] = {}  # our own export's ids, restored
        self._counters: dict[str, int] = defaultdict(int)

    # --- loading -------------------------------------------------------------------------------

    def load(self, entity: str) -> dict[int, dict[str, Any]]:
        """The existing records of an entity by id (loaded on first use)."""
        if entity in self.records:
            return self.records[entity]
        model = _MODELS[entity]
        columns = RECORD_COLUMNS[entity]
        rows = self._session.execute(
            select(model.id, *(getattr(model, c) for c in columns))).all()
        records = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
        self.records[entity] = records
        self.by_email[entity] = {}
        self.by_name[entity] = defaultdict(set)
        self.by_company_name[entity] = defaultdict(set)
        for record_id, values in records.items():
            self.remember(entity, record_id, values)
        if entity == "users":
            self.managers.update(self._session.execute(select(User.id, User.manager_id)).all())
        self._load_identities(entity, records)
        return records

    def _load_identities(self, entity: str, records: dict[int, Any]) -> None:
        """This source system's stored ids of the entity's records (ignoring deleted ones)."""
        rows = self._session.execute(
            select(SourceIdentity.external_id, SourceIdentity.record_id)
            .where(SourceIdentity.source_system == self.system,
                   SourceIdentity.source_object == source_object(self.system, entity),
                   SourceIdentity.record_table == entity))
        for external, record_id in rows:
            self.stored_identities.add((entity, external))
            if record_id in records:
                self.remember_source(entity, external, record_id)

    def link_set(self, table: str) -> set[tuple]:
        """The existing rows of a link table, as key tuples (loaded on first use)."""
        if table not in self.links:
            model = _LINK_MODELS[table]
            stmt = select(*(getattr(model, c) for c in LINK_KEYS[table]))
            self.links[table] = {tuple(row) for row in self._session.execute(stmt)}
        return self.links[table]

    # --- remembering ---------------------------------------------------------------------------

    def new_pending(self, entity: str) -> Pending:
        self._counters[entity] += 1
        return Pending(entity, self._counters[entity])

    def remember(self, entity: str, ref: Ref, values: dict[str, Any]) -> None:
        """Index a record (existing or pending) under its natural keys."""
        if isinstance(ref, Pending):
            self.pending_names[ref] = values.get("name")
        if values.get("email"):
            self.by_email[entity][values["email"].lower()] = ref
        if values.get("name"):
            self.by_name[entity][values["name"].lower()].add(ref)
        if entity == "companies" and values.get("website"):
            host = website_host(values["website"])
            if host:
                self.by_host.setdefault(host, ref)
        if values.get("company_id") is not None:
            self.company_of[(entity, ref)] = values["company_id"]
            if values.get("name"):
                self.by_company_name[entity][(values["company_id"], values["name"].lower())
                                             ].add(ref)

    def forget(self, entity: str, ref: Ref, values: dict[str, Any]) -> None:
        """Drop a record's old natural keys (before remembering its updated ones)."""
        if values.get("email"):
            self.by_email[entity].pop(values["email"].lower(), None)
        if values.get("name"):
            self.by_name[entity][values["name"].lower()].discard(ref)
        if values.get("company_id") is not None and values.get("name"):
            self.by_company_name[entity][(values["company_id"], values["name"].lower())
                                         ].discard(ref)

    def remember_source(self, entity: str, source_id: str | None, ref: Ref) -> None:
        """The record an external id names (and the id the record is known by)."""
        if source_id:
            self.sources[(entity, source_id)] = ref
            self.claimed[(entity, ref)] = source_id

    def unclaimed(self, entity: str, refs: set[Ref], source_id: str | None) -> set[Ref]:
        """Of records matched by natural key, those a row with `source_id` may be: not already
        another external id's record (two deals named alike are two deals)."""
        if not source_id:
            return refs
        return {r for r in refs if self.claimed.get((entity, r), source_id) == source_id}

    # --- looking up ----------------------------------------------------------------------------

    def suggestion(self, entity: str, raw: str, *, by: str = "name") -> str:
        """' (did you mean 'X'?)' for an unknown name or email of the entity, else ''."""
        key = (entity, by, raw.lower())
        if key not in self._suggested:
            if len(self._suggested) >= SUGGESTIONS_PER_IMPORT:
                return ""
            known = (list(self.by_email[entity]) if by == "email" else
                     [r["name"] for r in self.records[entity].values() if r.get("name")])
            self._suggested[key] = did_you_mean(raw, known)
        return self._suggested[key]

    def name_of(self, entity: str, ref: Ref) -> str:
        """The name of a record, existing or to be created."""
        if isinstance(ref, Pending):
            return self.pending_names.get(ref) or f"a new {entity}"
        return self.records.get(entity, {}).get(ref, {}).get("name") or f"#{ref}"

    def existing(self, entity: str, raw_id: str | None) -> int | None:
        """The id of an existing record named by this database's id (None if not there)."""
        if not raw_id or not raw_id.isdigit():
            return None
        record_id = int(raw_id)
        return record_id if record_id in self.load(entity) else None

    def by_reference_id(self, entity: str, raw_id: str) -> Ref | None:
        """A record named by our id column: an id of this batch's file first, then the database."""
        return self.restored_ids.get((entity, raw_id)) or self.existing(entity, raw_id)
