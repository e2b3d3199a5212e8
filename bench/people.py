"""What a simulated person does in a Monday pipeline review, as scripted sessions.

A reader opens the Overview, switches scope, opens a company and one of its deals, then the
coverage lists (Coverage, MEDDPICC). A writer does the same, then assigns an owner to an
orphaned stakeholder and completes a task, the way the forms do it (widget states and the
save button). Between views a person reads for a moment (THINK seconds).
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass

from sqlalchemy import Engine, exists, select

from bench.sessions import ScriptedSession, View, choose, text_value, trigger
from crm_core.db import read_session
from crm_core.models import (
    Company,
    Opportunity,
    Region,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
)
from crm_core.vocab import OPEN_STAGES

THINK = (0.5, 2.0)  # seconds a person looks at a view before the next click


@dataclass(frozen=True)
class Targets:
    """Records the people open: companies, open deals, orphaned stakeholders, a user."""

    companies: list[int]
    deals: list[int]
    orphans: list[int]
    scopes: list[str]  # what the scope control offers: "team:<manager id>", "region:<id>"


def pick_targets(engine: Engine, *, count: int = 400, seed: int = 7) -> Targets:
    """A repeatable sample of records to visit (ids spread over the whole table)."""
    rng = random.Random(seed)
    with read_session(engine) as session:
        companies = list(session.scalars(select(Company.id)))
        deals = list(session.scalars(select(Opportunity.id).where(
            Opportunity.stage.in_(OPEN_STAGES))))
        owned = exists().where(StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
        orphans = list(session.scalars(select(Stakeholder.id).where(~owned)))
        managers = session.scalars(select(User.manager_id).where(
            User.manager_id.is_not(None)).distinct())
        scopes = [*(f"team:{m}" for m in managers),
                  *(f"region:{r}" for r in session.scalars(select(Region.id)))]
    return Targets(companies=rng.sample(companies, min(count, len(companies))),
                   deals=rng.sample(deals, min(count, len(deals))),
                   orphans=rng.sample(orphans, min(count, len(orphans))),
                   scopes=sorted(scopes))


async def _think(rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(*THINK))


async def switch_scope(session: ScriptedSession, rng: random.Random, targets: Targets) -> View:
    """Narrow the Overview to a manager's team or a region, as the scope control does (it puts
    the scope in the URL: `?scope=team:12`)."""
    view = await session.view("", f"scope={rng.choice(targets.scopes)}")
    if any(text.startswith("The scope in the link does not exist") for text in view.texts):
        view.exceptions.append("the scope was refused")
    return view


async def assign_owner(session: ScriptedSession, rng: random.Random, targets: Targets) -> View:
    """Give an orphaned stakeholder an owner through the Ownership form."""
    query = f"stakeholder={rng.choice(targets.orphans)}"
    form = await session.view("ownership", query)
    owners = form.widget("ownership_owner_ids")
    added = rng.choice([o for o in owners.options if o not in owners.raw_values])
    saved = await session.view("ownership", query, widgets=[
        choose(owners, [*owners.raw_values, added]),
        trigger(form.widget("ownership_owners_save"))])
    if not any(text.startswith("Saved the owners") for text in saved.texts):
        saved.exceptions.append("the owner was not saved: " + " | ".join(saved.texts[-3:]))
    return saved


def _select_row(table, row: int):
    return text_value(table, json.dumps({"selection": {"rows": [row], "columns": [],
                                                       "cells": []}}))


async def complete_task(session: ScriptedSession, rng: random.Random) -> View:
    """Select an open task in the Tasks list and press Complete (as a manager does)."""
    tasks = await session.view("tasks")
    for _ in range(5):  # a blocked step has no Complete button: pick another row
        row = _select_row(tasks.widget("tasks_table"), rng.randrange(25))
        selected = await session.view("tasks", widgets=[row])
        if "task_act_complete" in selected.widgets:
            done = await session.view("tasks", widgets=[
                row, trigger(selected.widget("task_act_complete"))])
            return done
    selected.exceptions.append("no completable task among the rows tried")
    return selected


async def person(base_url: str, *, writer: bool, rounds: int, targets: Targets,
                 seed: int, record, user_cookie: str | None = None) -> None:
    """One person's session: `rounds` times the review script; `record(step, view)` each view."""
    rng = random.Random(seed)
    session = ScriptedSession(base_url, user_cookie=user_cookie)
    try:
        await session.open()
    except Exception as error:  # noqa: BLE001 - a refused connection is a measured error
        record("connect", View(path="", seconds=0.0, finished=False,
                               exceptions=[f"connect: {error!r}"]))
        return
    try:
        for _ in range(rounds):
            overview = await session.view("")
            if overview.headings[:1] != ["Overview"]:  # the sign-in gate, or no access
                overview.exceptions.append(f"no Overview: {overview.headings[:1]}")
            record("Overview", overview)
            await _think(rng)
            record("Switch scope", await switch_scope(session, rng, targets))
            await _think(rng)
            record("Company", await session.view("company", f"id={rng.choice(targets.companies)}"))
            await _think(rng)
            record("Opportunity", await session.view("opportunity",
                                                     f"id={rng.choice(targets.deals)}"))
            await _think(rng)
            record("Coverage", await session.view("coverage"))
            await _think(rng)
            record("MEDDPICC", await session.view("meddpicc"))
            await _think(rng)
            if writer:
                record("Assign owner", await assign_owner(session, rng, targets))
                await _think(rng)
                record("Complete task", await complete_task(session, rng))
                await _think(rng)
    except Exception as error:  # noqa: BLE001 - a broken session is a measured error
        record("session", View(path="", seconds=0.0, finished=False,
                               exceptions=[f"session: {error!r}"]))
    finally:
        await session.close()
