"""Data versions per area: which writes change which area, which queries read which areas.

A write's audit actions name the areas it changes; the session remembers them and, just before
it commits, adds 1 to each area's row in `data_versions` (same transaction, so the versions live
in the database and hold across app processes). A cached figure is keyed by the versions of the
areas its query reads, so completing a task no longer recomputes the coverage figures.

The bump runs at commit, not at the write, and goes to one of STRIPES rows of the area chosen
at random (an area's version is the sum of its rows): on PostgreSQL a bumped row stays locked
until its transaction has committed, so writers of one area would otherwise commit one at a
time (bench/write_contention.py measures it).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from crm_core.models import DataVersion

OWNERSHIP = "ownership"  # relationship owners, account and opportunity teams, reporting lines
DEALS = "deals"  # opportunities, buying committees, MEDDPICC roles, scorecards
TASKS = "tasks"  # tasks, steps, sequences and their links
SETTINGS = "settings"  # the stage x MEDDPICC role requirements
ACCESS = "access"  # access grants
SNAPSHOTS = "snapshots"  # the daily snapshots that trends read (taken, never rewritten)
AREAS = (OWNERSHIP, DEALS, TASKS, SETTINGS, ACCESS, SNAPSHOTS)
STRIPES = 16  # rows per area: concurrent writers of one area rarely need the same one

# A record (user, company, stakeholder, opportunity) shows by name everywhere, and deleting one
# takes its assignments and task links with it: its writes change every area of data.
RECORDS = (OWNERSHIP, DEALS, TASKS)

ACTION_AREAS: dict[str, tuple[str, ...]] = {
    **{f"{entity}.{verb}": RECORDS
       for entity in ("user", "company", "stakeholder", "opportunity", "region")
       for verb in ("created", "updated", "deleted")},
    **{f"{kind}.{verb}": (OWNERSHIP,)
       for kind, verbs in (("owner", ("assigned", "removed", "replaced", "handed_off")),
                           ("account_team", ("added", "removed", "handed_off")),
                           ("opportunity_team", ("added", "removed", "handed_off")))
       for verb in verbs},
    "user.handed_off": (OWNERSHIP, TASKS),  # open tasks move to the receiver too
    # The reporting line, regions and departures decide every scope and the departed-owner
    # orphans: every area of data.
    **{action: RECORDS for action in ("user.manager_set", "user.region_set", "user.departed",
                                      "user.returned", "region.renamed")},
    **{action: (DEALS,) for action in ("stakeholder.linked", "stakeholder.unlinked",
                                       "meddpicc_role.added", "meddpicc_role.removed",
                                       "scorecard.recorded")},
    **{f"task.{verb}": (TASKS,) for verb in ("created", "updated", "linked", "unlinked",
                                             "moved", "completed", "reopened", "cancelled")},
    **{f"sequence.{verb}": (TASKS,) for verb in ("created", "step_added", "reordered")},
    "settings.required_roles": (SETTINGS,),
    "settings.stale_after_days": (SETTINGS,),
    "access.granted": (ACCESS,),
    "access.revoked": (ACCESS,),
    "snapshot.taken": (SNAPSHOTS,),
    "gap_plan.created": (TASKS,),
    # Undoing a handoff moves relationships, seats and open tasks back to the giver.
    "handoff.undone": (OWNERSHIP, TASKS),
    "user.handoff_undone": (OWNERSHIP, TASKS),
    # Whole-database writes: a seed, an import or a restore may touch any table.
    "seed.loaded": AREAS,
    "import.applied": AREAS,
}

# Which areas each query module reads. A module missing here reads every area (always right,
# only cached less); tests/integration/test_data_areas.py requires every query module listed.
QUERY_AREAS: dict[str, tuple[str, ...]] = {
    "crm_core.queries.access": (ACCESS,),
    "crm_core.queries.assignment_sets": (OWNERSHIP, DEALS),
    "crm_core.queries.audit_log": AREAS,
    "crm_core.queries.coverage": (OWNERSHIP, DEALS),
    "crm_core.queries.coverage_lists": (OWNERSHIP, DEALS),
    "crm_core.queries.coverage_scope": (OWNERSHIP, DEALS),
    "crm_core.queries.detail_common": (OWNERSHIP, DEALS),
    # Freshness: the last touch of an ownership is a completed task (crm_core.queries.freshness),
    # so whatever shows stale owners reads tasks too.
    "crm_core.queries.freshness": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.detail_company": (OWNERSHIP, DEALS, SETTINGS),
    "crm_core.queries.detail_opportunity": (OWNERSHIP, DEALS, SETTINGS),
    "crm_core.queries.detail_search": (OWNERSHIP, DEALS),
    "crm_core.queries.detail_stakeholder": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.detail_user": (OWNERSHIP, DEALS, SETTINGS),
    "crm_core.queries.lookups": (OWNERSHIP,),
    "crm_core.queries.meddpicc": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.meddpicc_rollups": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.meddpicc_scorecard": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.meddpicc_screen": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.meddpicc_sql": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.overview": (OWNERSHIP, DEALS, SETTINGS),
    "crm_core.queries.owner_load": (OWNERSHIP, DEALS),
    "crm_core.queries.people": (OWNERSHIP,),
    "crm_core.queries.relationship_map": (OWNERSHIP, DEALS, SETTINGS),
    "crm_core.queries.scope": (OWNERSHIP, DEALS, TASKS),
    "crm_core.queries.settings": (SETTINGS,),
    "crm_core.queries.task_details": (TASKS,),
    "crm_core.queries.task_rollups": (TASKS,),
    "crm_core.queries.task_sequences": (TASKS,),
    "crm_core.queries.tasks": (TASKS,),
    "crm_core.queries._task_sql": (TASKS,),
    "crm_core.queries.scope_rollups": (OWNERSHIP, DEALS),
    "crm_core.queries.pickers": (OWNERSHIP,),
    "crm_core.queries.link_choices": (OWNERSHIP, DEALS),
    "crm_core.queries.gap_plans": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.successors": (OWNERSHIP, DEALS),
    "crm_core.queries.handoff_history": AREAS,
    "crm_core.queries.trends": (SNAPSHOTS,),
    # What changed reads the audit trail of every kind of write.
    "crm_core.queries.what_changed": AREAS,
    "crm_core.queries.team_comparison": (OWNERSHIP, DEALS, TASKS, SETTINGS),
    "crm_core.queries.teams": (OWNERSHIP,),
    "crm_core.queries.win_rates": (OWNERSHIP, DEALS, TASKS, SETTINGS),
}

_PENDING = "crm_data_areas"  # session.info key: the areas this transaction has changed


def areas_changed_by(action: str) -> tuple[str, ...]:
    """The areas an audit action changes; an action nobody mapped is refused."""
    try:
        return ACTION_AREAS[action]
    except KeyError:
        raise LookupError(f"Audit action {action!r} changes no known data area: "
                          "add it to crm_core.data_areas.ACTION_AREAS") from None


def areas_read_by(query_module: str) -> tuple[str, ...]:
    """The areas a query module reads (every area when it is not listed)."""
    return QUERY_AREAS.get(query_module, AREAS)


def note_writes(session: Session, actions: Iterable[str]) -> None:
    """Remember that this transaction changes the areas of these actions (bumped at commit)."""
    pending = session.info.setdefault(_PENDING, set())
    for action in set(actions):
        pending.update(areas_changed_by(action))


def data_versions(session: Session) -> dict[str, int]:
    """Every area's version (0 for an area never written)."""
    stored = dict(session.execute(select(DataVersion.area, func.sum(DataVersion.version))
                                  .group_by(DataVersion.area)).tuples().all())
    return {area: int(stored.get(area, 0)) for area in AREAS}


# Upsert in both dialects: a stripe has no row until its first write.
_BUMP = text("INSERT INTO data_versions (area, stripe, version) VALUES (:area, :stripe, 1) "
             "ON CONFLICT (area, stripe) DO UPDATE SET version = data_versions.version + 1")


@event.listens_for(Session, "before_commit")
def _bump_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    # In area order: two transactions lock their rows in one order, so they never deadlock.
    for area in sorted(pending or ()):
        session.execute(_BUMP, {"area": area, "stripe": random.randrange(STRIPES)})


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)
