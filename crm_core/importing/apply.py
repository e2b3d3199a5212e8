"""Writing a planned import: Core executemany in chunks, new ids fed to later files, and
light per-record audit events inserted the same way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.orm import Session

from crm_core.access import Actor
from crm_core.data_areas import note_writes
from crm_core.importing.directory import RECORD_COLUMNS, Directory, Pending
from crm_core.importing.plan import FilePlan, singular
from crm_core.importing.sources import source_object
from crm_core.models import AuditEvent, Base, SourceIdentity, User, utcnow

CHUNK = 5_000
# Which record a link's audit event belongs to (as the assignment services do it).
LINK_AUDIT = {
    "company_account_teams": ("account_team.added", "company", "company_id"),
    "opportunity_account_teams": ("opportunity_team.added", "opportunity", "opportunity_id"),
    "stakeholder_opportunities": ("stakeholder.linked", "opportunity", "opportunity_id"),
    "stakeholder_meddpicc_roles": ("meddpicc_role.added", "stakeholder", "stakeholder_id"),
    "stakeholder_relationship_owners": ("owner.assigned", "stakeholder", "stakeholder_id"),
}
TABLES_WITH_IDS = ("regions", "users", "companies", "stakeholders", "opportunities", "tasks",
                   "audit_events")
_RECORD_ORDER = tuple(RECORD_COLUMNS)  # regions before the users in them


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Writer:
    """Applies file plans in batch order, resolving pending references to the new ids."""

    def __init__(self, session: Session, actor: Actor, directory: Directory, *,
                 restore: bool = False, on_progress: Callable[[int], None] | None = None):
        self.session = session
        self.restore = restore
        self.actor = actor
        self.directory = directory
        self.ids: dict[Pending, int] = {}
        self.now = utcnow()
        self.audit_rows: list[dict[str, Any]] = []
        self._progress = on_progress or (lambda _done: None)

    def resolve(self, value: Any) -> Any:
        return self.ids[value] if isinstance(value, Pending) else value

    def apply(self, plan: FilePlan) -> None:
        """Write one file's creates, updates and link inserts (and their audit events)."""
        if plan.creates:
            self._insert_records(plan)
        if plan.updates:
            self._update_records(plan)
        if plan.managers:
            self._set_managers(plan)
        if plan.identities:
            self._remember_identities(plan)
        for table, rows in plan.inserts.items():
            self._insert_links(plan, table, rows)

    def _event(self, action: str, entity_type: str, entity_id: int, summary: str, *,
               before: dict | None = None, after: dict | None = None) -> None:
        self.audit_rows.append({
            "occurred_at": self.now, "actor_email": self.actor.email,
            "actor_role": self.actor.role, "action": action, "entity_type": entity_type,
            "entity_id": entity_id, "summary": summary,
            "before": _jsonable(before) if before is not None else None,
            "after": _jsonable(after) if after is not None else None})

    def _insert_records(self, plan: FilePlan) -> None:
        groups: dict[tuple[str, tuple[str, ...]], list] = defaultdict(list)
        for create in sorted(plan.creates, key=lambda c: _RECORD_ORDER.index(c.ref.entity)):
            values = {"created_at": self.now, **create.values}
            groups[(create.ref.entity, tuple(sorted(values)))].append((create, values))
        for (table_name, _), members in groups.items():
            table, entity = _table(table_name), singular(table_name)
            for chunk in _chunks(members):
                chunk = [(create, {k: self.resolve(v) for k, v in values.items()})
                         for create, values in chunk]
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                new_ids = self.session.execute(stmt, [values for _, values in chunk]).scalars()
                for (create, values), new_id in zip(chunk, new_ids, strict=True):
                    self.ids[create.ref] = new_id
                    self._event(f"{entity}.created", entity, new_id,
                                f"Imported {entity} '{values['name']}' from {plan.name} "
                                f"line {create.line}", after=values)
                self._progress(len(chunk))

    def _update_records(self, plan: FilePlan) -> None:
        groups: dict[tuple[str, frozenset[str]], list] = defaultdict(list)
        for change in plan.updates:
            groups[(change.entity or plan.entity, frozenset(change.changes))].append(change)
        for (table_name, columns), changes in groups.items():
            table, entity = _table(table_name), singular(table_name)
            stmt = (update(table).where(table.c.id == bindparam("record_id"))
                    .values({**{c: bindparam(f"new_{c}") for c in columns},
                             "version": table.c.version + 1}))
            for chunk in _chunks(changes):
                self.session.execute(stmt, [
                    {"record_id": u.record_id,
                     **{f"new_{c}": self.resolve(v) for c, v in u.changes.items()}}
                    for u in chunk])
                for u in chunk:
                    after = {c: self.resolve(v) for c, v in u.changes.items()}
                    self._event(f"{entity}.updated", entity, u.record_id,
                                f"Updated {entity} from {plan.name} line {u.line}",
                                before=u.before, after=after)
                self._progress(len(chunk))

    def _set_managers(self, plan: FilePlan) -> None:
        """Reporting lines, set once every user of the file exists (a restore keeps the
        exported versions)."""
        table = User.__table__
        bump = {} if self.restore else {"version": table.c.version + 1}
        stmt = (update(table).where(table.c.id == bindparam("user_id"))
                .values(manager_id=bindparam("new_manager_id"), **bump))
        rows = [(self.resolve(u), self.resolve(m), self.resolve(b), line)
                for u, m, b, line in plan.managers]
        for chunk in _chunks(rows):
            self.session.execute(stmt, [{"user_id": u, "new_manager_id": m}
                                        for u, m, _, _ in chunk])
            for user, manager, before, line in chunk:
                self._event("user.updated", "user", user,
                            f"Set the manager from {plan.name} line {line}",
                            before={"manager_id": before}, after={"manager_id": manager})
            self._progress(len(chunk))

    def _remember_identities(self, plan: FilePlan) -> None:
        """Each record's id in the source CRM; a stale one (its record deleted) re-pointed."""
        system, stored = self.directory.system, self.directory.stored_identities
        table = SourceIdentity.__table__
        new, moved = [], []
        for entity, external, ref in plan.identities:
            row = {"source_system": system, "source_object": source_object(system, entity),
                   "external_id": external, "record_table": entity,
                   "record_id": self.resolve(ref)}
            (moved if (entity, external) in stored else new).append(row)
        for chunk in _chunks(new):
            self.session.execute(insert(table), [{**r, "created_at": self.now} for r in chunk])
        if moved:
            self.session.execute(
                update(table).where(table.c.source_system == bindparam("s"),
                                    table.c.source_object == bindparam("o"),
                                    table.c.external_id == bindparam("e"))
                .values(record_id=bindparam("r")),
                [{"s": r["source_system"], "o": r["source_object"], "e": r["external_id"],
                  "r": r["record_id"]} for r in moved])

    def _insert_links(self, plan: FilePlan, table_name: str, rows: list) -> None:
        table = _table(table_name)
        action, entity_type, id_column = LINK_AUDIT[table_name]
        resolved = [({"created_at": self.now, **{k: self.resolve(v) for k, v in row.items()}},
                     line) for row, line in rows]
        for chunk in _chunks(resolved):
            self.session.execute(insert(table), [values for values, _ in chunk])
            for values, line in chunk:
                keys = {k: v for k, v in values.items() if k != "created_at"}
                self._event(action, entity_type, values[id_column],
                            f"Imported from {plan.name} line {line}", after=keys)
            self._progress(len(chunk))

    def finish(self, *, summary: str, counts: dict[str, Any]) -> None:
        """Write the per-record audit events and the one event that sums the import up."""
        table = AuditEvent.__table__
        note_writes(self.session, ("import.applied",))  # any table: every area
        for chunk in _chunks(self.audit_rows):
            self.session.execute(insert(table), chunk)
        self.session.execute(insert(table), [{
            "occurred_at": self.now, "actor_email": self.actor.email,
            "actor_role": self.actor.role, "action": "import.applied", "entity_type": "import",
            "entity_id": None, "summary": summary, "before": None, "after": counts}])


def reset_id_sequences(session: Session) -> None:
    """After rows were inserted with their ids kept, let PostgreSQL continue after the max."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in TABLES_WITH_IDS:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"))
