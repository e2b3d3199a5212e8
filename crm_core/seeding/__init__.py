"""The seed generator: a realistic, deterministic sales organisation at demo or large scale.

`seed_database(engine)` fills a migrated, empty database; the same seed gives the same rows
(ids, names, emails, values, roles, links, task trees), with dates relative to `today`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from crm_core import audit
from crm_core.access import SYSTEM
from crm_core.db import is_empty, read_session, write_session
from crm_core.errors import Conflict
from crm_core.seeding.accounts import generate_companies, generate_stakeholders, generate_users
from crm_core.seeding.deals import generate_opportunities
from crm_core.seeding.history import HISTORY_DAYS, seed_history
from crm_core.seeding.loader import COLUMNS, Progress, bulk_loader
from crm_core.seeding.organisation import generate_organisation, hand_off_partly
from crm_core.seeding.people import People
from crm_core.seeding.reset import reset_database
from crm_core.seeding.tasks import generate_tasks
from crm_core.seeding.world import SCALES, Calendar, FastRandom, Scale, World

DEFAULT_SEED = 20_261_125
SYNTHETIC_NOTE = (
    "Synthetic data. The closed deals' outcomes are made up with a deliberate link to "
    "coverage (won deals were less often single-threaded, had bigger buying committees, more "
    "often an economic buyer, and were worked closer to their close), so \"What coverage is "
    "worth\" has a pattern to show; it proves nothing about real selling.")


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run wrote: rows per table, and how long it took."""

    scale: str
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    note: str = SYNTHETIC_NOTE
    snapshots: int = 0  # today's real snapshots and the synthetic history before them
    history_days: int = 0

    @property
    def total_rows(self) -> int:
        """Rows written over all tables."""
        return sum(self.rows.values())


def seed_database(engine: Engine, *, scale: str = "demo", seed: int = DEFAULT_SEED,
                  progress: Progress | None = None, today: date | None = None) -> SeedSummary:
    """Fill a migrated, empty database with the scale's dataset; one audit event records it.

    `progress(step, done, total)` is called (from the loading thread) as each table and its
    indexes load. `today` anchors every date (default: the current date).
    """
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}.")
    started = time.perf_counter()
    with read_session(engine) as session:
        if not is_empty(session):
            raise Conflict("The database already holds users, companies or stakeholders; "
                           "seed only an empty database (reset it first).")
    world = World(SCALES[scale], FastRandom(seed), Calendar(today or date.today()))
    people = People(world.rng, seed)
    rows: dict[str, int] = {}
    with bulk_loader(engine, progress) as loader:

        def load(table: str, table_rows: list[tuple]) -> None:
            loader.insert(table, table_rows)
            loader.complete(table)
            rows[table] = len(table_rows)

        regions, users = generate_organisation(world, generate_users(world, people),
                                               scale=scale, seed=seed)
        load("regions", regions)
        load("users", users)
        companies, teams, profiles = generate_companies(world, people)
        load("companies", companies)
        load("company_account_teams", teams)
        stakeholders = generate_stakeholders(world, people, profiles)
        owners = "stakeholder_relationship_owners"
        stakeholders[owners] = hand_off_partly(
            world, stakeholders[owners], [u[0] for u in users if u[-1] is not None], seed=seed)
        for generated in (stakeholders, generate_opportunities(world)):
            for table, table_rows in generated.items():
                load(table, table_rows)
        rows["tasks"] = rows["task_entities"] = 0
        for tasks, links in generate_tasks(world):
            rows["tasks"] += len(tasks)
            rows["task_entities"] += len(links)
            loader.insert("tasks", tasks, expected_total=world.scale.tasks)
            loader.insert("task_entities", links, expected_total=round(
                rows["task_entities"] * world.scale.tasks / max(1, rows["tasks"])))
        loader.complete("tasks")
        loader.complete("task_entities")
    snapshots = seed_history(engine, today=world.calendar.today, seed=seed)
    summary = SeedSummary(scale=scale, seed=seed, rows={t: rows[t] for t in COLUMNS},
                          seconds=round(time.perf_counter() - started, 2),
                          snapshots=snapshots, history_days=HISTORY_DAYS)
    with write_session(engine) as session:
        audit.record(session, SYSTEM, "seed.loaded", "database", None,
                     summary=f"Loaded the {scale} dataset (seed {seed}): "
                             f"{summary.total_rows:,} rows. {summary.note}",
                     after={"scale": scale, "seed": seed, "rows": summary.rows})
    return summary


__all__ = ["DEFAULT_SEED", "SCALES", "Scale", "SeedSummary", "reset_database", "seed_database"]
