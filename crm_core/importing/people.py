"""Planning users and regions: a user's name (never their login), email (optional when the
mapping allows users from a name alone), region (created when new), whether they left, and their
manager, decided once the whole file is read so a manager may come after their reports; a
reporting line that would go round in a circle is refused."""

from __future__ import annotations

from typing import Any

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing import refs
from crm_core.importing.directory import Pending, Ref
from crm_core.importing.formats import parse_date
from crm_core.importing.plan import Create, FilePlan, Planner, Rejection, Row, parsed
from crm_core.importing.values import person_name
from crm_core.services.records import USER_FIELDS

MANAGER_FIELDS = ("manager_id", "manager_source_id", "manager_email", "manager_name")
_TRUE = {"true", "1", "yes", "y", "active", "x"}
_FALSE = {"false", "0", "no", "n", "inactive", "departed", ""}


def plan_region(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A region (a sales territory): matched by id, source id, then name."""
    directory, errors = planner.directory, planner.errors
    directory.load("regions")
    values = {}
    if "name" in row:
        values["name"] = errors.attempt(validation.text, row["name"], field="name",
                                        label="Name", max_length=100)
    errors.raise_any()
    target = planner.match("regions", row, lambda: set(directory.by_name["regions"].get(
        (values.get("name") or "").lower(), set())))
    planner.upsert(plan, "regions", target, values, row, line)


def _region(planner: Planner, plan: FilePlan, row: Row, line: int) -> Ref | None:
    """The region a user row names by id or name; a new name plans a new region."""
    directory = planner.directory
    directory.load("regions")
    if "region_id" in row:
        return refs.by_id(directory, "regions", row, "region_id", "region")
    name = validation.text(row["region_name"], field="region_name", label="Region",
                           max_length=100)
    known = directory.by_name["regions"].get(name.lower())
    if known:
        return next(iter(known))
    region = directory.new_pending("regions")
    plan.creates.append(Create(region, {"name": name}, line))
    directory.remember("regions", region, {"name": name})
    return region


def _active(raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValidationError(f"Active '{raw}' is not true or false.", field="is_active")


def plan_user(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A user row; its manager is resolved at the end of the file (finish_users)."""
    directory, errors = planner.directory, planner.errors
    directory.load("users")
    values: dict[str, Any] = parsed(errors, USER_FIELDS, row, ("job_title",))
    email = errors.attempt(validation.email, row["email"]) if "email" in row else None
    if email:
        values["email"] = email
    if name := person_name(row):
        values["name"] = errors.attempt(USER_FIELDS["name"], name)
    departed = None
    if "departed_on" in row:
        errors.attempt(planner.column_error, "departed_on")
        departed = errors.attempt(parse_date, row["departed_on"],
                                  order=planner.formats.get("departed_on"),
                                  field="departed_on", label="Departed on")
    active = errors.attempt(_active, row["is_active"]) if "is_active" in row else None
    errors.raise_any()

    def natural() -> set:
        if email:
            found = directory.by_email["users"].get(email)
            return {found} if found is not None else set()
        return set(directory.by_name["users"].get((values.get("name") or "").lower(), set()))

    target = planner.match("users", row, natural, ambiguous=f" are named "
                           f"'{values.get('name')}'; give their emails or ids")
    if target is None and not (email or planner.values.users_without_email or planner.restore):
        raise ValidationError("Email is required (or let the value mapping create users from "
                              "a name alone).", field="email")
    if "region_id" in row or "region_name" in row:
        values["region_id"] = _region(planner, plan, row, line)
    if departed is not None or active is not None:
        record = directory.records["users"].get(target, {}) if isinstance(target, int) else {}
        if active is True and departed is None:
            values["departed_on"] = None
        elif active is False or departed is not None:
            # No better date than the import's for a user the source merely marks inactive.
            values["departed_on"] = departed or record.get("departed_on") or planner.today
    user = planner.upsert(plan, "users", target, values, row, line,
                          check=lambda t, c: planner.email_free("users", t, c))
    manager = {k: row[k] for k in MANAGER_FIELDS if k in row}
    if manager:
        plan.managers.append((user, None, None, line))
        planner.manager_cells[line] = manager


def _resolve_manager(planner: Planner, plan: FilePlan, cells: Row, line: int) -> Ref:
    directory = planner.directory
    if "manager_id" in cells:
        return refs.by_id(directory, "users", cells, "manager_id", "manager")
    try:
        return refs.person_ref(directory, cells, prefix="manager", what="manager")
    except ValidationError:
        name = cells.get("manager_name")
        if not (planner.values.users_without_email and name and "manager_source_id" not in cells
                and "@" not in name and not directory.by_name["users"].get(name.lower())):
            raise
    # A spreadsheet of reps names managers who have no row of their own: they are users too.
    manager = directory.new_pending("users")
    values = {"name": USER_FIELDS["name"](name), "email": None, "job_title": None,
              "region_id": None, "departed_on": None}
    plan.creates.append(Create(manager, values, line))
    directory.remember("users", manager, values)
    return manager


def _name(planner: Planner, plan: FilePlan, ref: Ref) -> str:
    if isinstance(ref, Pending):
        return next((c.values["name"] for c in plan.creates if c.ref == ref), "a new user")
    return planner.directory.records["users"].get(ref, {}).get("name", f"user {ref}")


def _cycle(graph: dict[Ref, Ref | None], user: Ref) -> list[Ref] | None:
    """The circle the reporting line from `user` goes round, if it returns to them."""
    path, current = [user], graph.get(user)
    while current is not None and current not in path:
        path.append(current)
        current = graph.get(current)
    return path if current == user else None


def _drop_row(planner: Planner, plan: FilePlan, line: int) -> Ref | None:
    """Take a planned user row back out of the plan; returns the user it created, if any."""
    directory = planner.directory
    create = next((c for c in plan.creates if c.line == line and c.ref.entity == "users"),
                  None)
    if create is not None:
        plan.creates.remove(create)
        plan.created -= 1
        directory.forget("users", create.ref, create.values)
        for key in [k for k, v in directory.sources.items() if v == create.ref]:
            del directory.sources[key]
        plan.identities = [i for i in plan.identities if i[2] != create.ref]
        return create.ref
    update = next((u for u in plan.updates if u.line == line), None)
    if update is not None:
        plan.updates.remove(update)
        plan.updated -= 1
        record = directory.records["users"][update.record_id]
        directory.forget("users", update.record_id, record)
        record.update(update.before)
        directory.remember("users", update.record_id, record)
    else:
        plan.unchanged -= 1
    return None


def finish_users(planner: Planner, plan: FilePlan, cells_by_line: dict[int, tuple]) -> None:
    """Resolve every manager of the file; refuse rows with an unknown manager or a reporting
    line that would go round in a circle (and rows whose manager's row is refused)."""
    directory = planner.directory
    wanted: dict[Ref, tuple[Ref, int]] = {}
    refused: dict[int, str] = {}
    for user, _, _, line in plan.managers:
        try:
            manager = _resolve_manager(planner, plan, planner.manager_cells[line], line)
        except ValidationError as error:
            refused[line] = error.message
            continue
        if manager == user:
            refused[line] = "A user cannot be their own manager."
        else:
            wanted[user] = (manager, line)
    graph = {**directory.managers, **{u: m for u, (m, _) in wanted.items()}}
    for user, (_, line) in wanted.items():
        if line not in refused and (circle := _cycle(graph, user)):
            names = " → ".join(_name(planner, plan, r) for r in [*circle, user])
            refused[line] = f"The reporting line would go round in a circle: {names}."
    dropped: dict[Ref, int] = {}  # user created by a refused row -> that row's line
    while True:
        for line in refused:
            if line not in {r.line for r in plan.rejected}:
                created = _drop_row(planner, plan, line)
                if created is not None:
                    dropped[created] = line
                plan.rejected.append(Rejection(line, refused[line], "manager",
                                               " | ".join(cells_by_line.get(line, ()))))
        orphaned = {line: f"Its manager's row (line {dropped[m]}) is rejected."
                    for m, line in wanted.values() if m in dropped and line not in refused}
        if not orphaned:
            break
        refused.update(orphaned)
    plan.rejected.sort(key=lambda r: r.line)
    plan.managers = []
    rejected = {r.line for r in plan.rejected}
    for user, (manager, line) in wanted.items():
        before = directory.managers.get(user)
        if line in rejected or before == manager:
            continue
        plan.managers.append((user, manager, before, line))
        directory.managers[user] = manager
        if not any(c.ref == user for c in plan.creates) and \
                not any(u.line == line for u in plan.updates):
            plan.unchanged, plan.updated = plan.unchanged - 1, plan.updated + 1
