"""The dry run of record files: what each row would do (create, update, nothing) or why it is
rejected; parsed with the write services' validation, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing import refs
from crm_core.importing.directory import RECORD_COLUMNS, Directory, Pending, Ref
from crm_core.importing.links import LINK_PLANNERS, add_link
from crm_core.importing.reading import SourceTable
from crm_core.importing.values import ValueMapping, close_date, person_name, timestamp
from crm_core.services.records import COMPANY_FIELDS, STAKEHOLDER_FIELDS, USER_FIELDS
from crm_core.vocab import default_probability

Row = dict[str, str]
Progress = Callable[[int, int, str], None]

_DEFAULTS: dict[str, Any] = {"job_title": None, "industry": None, "website": None,
                             "email": None, "phone": None, "value": 0.0,
                             "expected_close_date": None}
_SINGULAR = {"users": "user", "companies": "company", "stakeholders": "stakeholder",
             "opportunities": "opportunity"}


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str
    field: str | None = None
    values: str = ""


@dataclass
class Create:
    ref: Pending
    values: dict[str, Any]
    line: int


@dataclass
class Update:
    record_id: int
    changes: dict[str, Any]
    before: dict[str, Any]
    line: int


@dataclass
class FilePlan:
    """The outcome of every row of one file; `creates`/`updates`/`inserts` are what apply does."""

    name: str
    entity: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    inserts: dict[str, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)


class Planner:
    """Plans the files of one import batch in order, against one Directory."""

    def __init__(self, directory: Directory, values: ValueMapping, *, restore: bool = False):
        self.directory = directory
        self.values = values
        self.restore = restore
        self.seen: dict[tuple, tuple[str, int]] = {}

    def plan_file(self, table: SourceTable, entity: str, columns: Mapping[str, str | None], *,
                  on_row: Callable[[], None] | None = None) -> FilePlan:
        """Plan every row of a file whose headers map to fields as `columns` says."""
        handler = {"users": self._user, "companies": self._company,
                   "stakeholders": self._stakeholder, "opportunities": self._opportunity,
                   **{k: (lambda p, r, n, f=f: f(self, p, r, n)) for k, f in LINK_PLANNERS.items()}
                   }[entity]
        positions = {key: i for i, header in enumerate(table.headers)
                     if (key := columns.get(header))}
        plan = FilePlan(name=table.name, entity=entity, rows=len(table.rows))
        for line, cells in table.rows:
            try:
                if len(cells) > len(table.headers) and any(cells[len(table.headers):]):
                    raise ValidationError(f"The row has {len(cells)} cells but the header has "
                                          f"{len(table.headers)} (an unquoted separator?).")
                row = {k: cells[i] for k, i in positions.items() if i < len(cells) and cells[i]}
                handler(plan, row, line)
            except ValidationError as error:
                plan.rejected.append(Rejection(line, error.message, error.field,
                                               " | ".join(cells)))
            if on_row:
                on_row()
        return plan

    # --- shared steps --------------------------------------------------------------------------

    def check_duplicate(self, plan: FilePlan, key: tuple) -> None:
        """Refuse a row that names what an earlier row of this batch already did."""
        if key in self.seen:
            name, line = self.seen[key]
            where = f"line {line}" if name == plan.name else f"{name} line {line}"
            raise ValidationError(f"Duplicate of {where}.")

    def mark_seen(self, plan: FilePlan, key: tuple, line: int) -> None:
        self.seen[key] = (plan.name, line)

    def created_at(self, row: Row) -> dict[str, Any]:
        """Our own export's created_at, kept on created rows."""
        stamp = timestamp(row.get("created_at", ""))
        return {"created_at": stamp} if stamp else {}

    def _upsert(self, plan: FilePlan, entity: str, target: Ref | None, values: dict[str, Any],
                row: Row, line: int, *, check: Callable[[Ref, dict], None] | None = None) -> Ref:
        directory = self.directory
        if target is not None:
            self.check_duplicate(plan, (entity, target))
        if target is None:
            if "name" not in values:
                raise ValidationError("Name is required.", field="name")
            full = {c: values.get(c, _DEFAULTS.get(c)) for c in RECORD_COLUMNS[entity]}
            extras = self.created_at(row)
            if self.restore and row.get("id", "").isdigit():
                extras["id"] = int(row["id"])
                if row.get("version", "").isdigit():
                    extras["version"] = int(row["version"])
            target = directory.new_pending(entity)
            plan.creates.append(Create(target, {**full, **extras}, line))
            directory.remember(entity, target, full)
            plan.created += 1
        else:
            assert isinstance(target, int)  # a pending target is a duplicate, refused above
            existing = directory.records[entity][target]
            changes = {k: v for k, v in values.items() if existing.get(k) != v}
            if check:
                check(target, changes)
            if changes:
                plan.updates.append(Update(target, changes, {k: existing[k] for k in changes},
                                           line))
                directory.forget(entity, target, existing)
                existing.update(changes)
                directory.remember(entity, target, existing)
                plan.updated += 1
            else:
                plan.unchanged += 1
        directory.remember_source(entity, row.get("source_id"), target)
        directory.remember_source(entity, row.get("id"), target)
        self.mark_seen(plan, (entity, target), line)
        return target

    def _email_free(self, entity: str, target: Ref, changes: dict) -> None:
        email = changes.get("email")
        owner = self.directory.by_email[entity].get(email) if email else None
        if owner is not None and owner != target:
            holder = self.directory.records[entity].get(owner, {}).get("name", "another record")
            raise ValidationError(f"Email {email} already belongs to {holder}.", field="email")

    @staticmethod
    def _parsed(parsers: Mapping[str, Callable], row: Row, names: tuple[str, ...]) -> dict:
        return {n: parsers[n](row[n]) for n in names if n in row}

    # --- records -------------------------------------------------------------------------------

    def _user(self, plan: FilePlan, row: Row, line: int) -> None:
        directory = self.directory
        directory.load("users")
        values = self._parsed(USER_FIELDS, row, ("job_title",))
        values["email"] = USER_FIELDS["email"](row.get("email"))
        if name := person_name(row):
            values["name"] = USER_FIELDS["name"](name)
        target = (directory.existing("users", row.get("id"))
                  or directory.by_email["users"].get(values["email"]))
        self._upsert(plan, "users", target, values, row, line,
                     check=lambda t, c: self._email_free("users", t, c))

    def _company(self, plan: FilePlan, row: Row, line: int) -> None:
        directory = self.directory
        directory.load("companies")
        values = self._parsed(COMPANY_FIELDS, row, ("name", "industry", "website"))
        target = directory.existing("companies", row.get("id"))
        if target is None and values.get("website"):
            target = directory.by_host.get(refs.website_host(values["website"]))
        if target is None and values.get("name"):
            named = directory.by_name["companies"].get(values["name"].lower(), set())
            target = refs._unique(named, "companies", values["name"], "name",
                                  "give their websites to tell them apart")
        self._upsert(plan, "companies", target, values, row, line)

    def _stakeholder(self, plan: FilePlan, row: Row, line: int) -> None:
        directory = self.directory
        directory.load("stakeholders")
        values = self._parsed(STAKEHOLDER_FIELDS, row, ("job_title", "email", "phone"))
        if name := person_name(row):
            values["name"] = STAKEHOLDER_FIELDS["name"](name)
        company = refs.company_ref(directory, row)
        if company is not None:
            values["company_id"] = company
        target = directory.existing("stakeholders", row.get("id"))
        if target is None and values.get("email"):
            target = directory.by_email["stakeholders"].get(values["email"])
        if target is None and company is not None and values.get("name"):
            same_name = directory.by_company_name["stakeholders"].get(
                (company, values["name"].lower()))
            record = directory.records["stakeholders"].get(same_name) if same_name else None
            if same_name is not None and not (values.get("email") and record
                                              and record.get("email")):
                target = same_name
        if target is None and company is None:
            raise ValidationError("A new stakeholder needs a company (name, website or id).",
                                  field="company_name")
        owner = refs.owner_ref(directory, row)
        unchanged = plan.unchanged
        stakeholder = self._upsert(plan, "stakeholders", target, values, row, line,
                                   check=lambda t, c: self._email_free("stakeholders", t, c))
        if owner is not None and add_link(self, plan, "stakeholder_relationship_owners", {
                "stakeholder_id": stakeholder, "user_id": owner}, row, line):
            if plan.unchanged > unchanged:  # the record is as it was; its owners are not
                plan.unchanged, plan.updated = plan.unchanged - 1, plan.updated + 1

    def _opportunity(self, plan: FilePlan, row: Row, line: int) -> None:
        directory = self.directory
        directory.load("opportunities")
        values: dict[str, Any] = {}
        if "name" in row:
            values["name"] = validation.text(row["name"], field="name", label="Name")
        if "stage" in row:
            values["stage"] = self.values.stage(row["stage"])
        if "value" in row:
            values["value"] = validation.amount(row["value"])
        if "probability" in row:
            values["probability"] = validation.probability(row["probability"])
        if "expected_close_date" in row:
            values["expected_close_date"] = close_date(row["expected_close_date"])
        company = refs.company_ref(directory, row)
        if company is not None:
            values["company_id"] = company
        target = directory.existing("opportunities", row.get("id"))
        if target is None and company is not None and values.get("name"):
            target = directory.by_company_name["opportunities"].get(
                (company, values["name"].lower()))
        if target is None:
            refs.require(company, "company (name, website or id)", "company_name")
            if "stage" not in values:
                raise ValidationError("Stage is required.", field="stage")
            values.setdefault("probability", default_probability(values["stage"]))
        self._upsert(plan, "opportunities", target, values, row, line,
                     check=self._opportunity_name_free)

    def _opportunity_name_free(self, target: Ref, changes: dict) -> None:
        if "name" not in changes and "company_id" not in changes:
            return
        record = self.directory.records["opportunities"][target]
        key = (changes.get("company_id", record["company_id"]),
               changes.get("name", record["name"]).lower())
        other = self.directory.by_company_name["opportunities"].get(key)
        if other is not None and other != target:
            raise ValidationError(f"This company already has an opportunity named "
                                  f"'{changes.get('name', record['name'])}'.", field="name")


def singular(entity: str) -> str:
    """'stakeholder' for 'stakeholders' (the audit entity type of a record file)."""
    return _SINGULAR.get(entity, entity)
