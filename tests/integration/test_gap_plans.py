"""Gap plans: one action turns a deal's gaps into a sequence of steps, due before the close
date, assigned to the deal team, linked to the deal and its company; its progress per gap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import PermissionDenied, ValidationError
from crm_core.models import Stakeholder, StakeholderRelationshipOwner, Task, TaskEntity
from crm_core.queries.gap_plans import closed_gap_of_step, gap_plan_progress
from crm_core.queries.meddpicc import opportunity_gaps
from crm_core.services.assignments import add_meddpicc_role, assign_owner
from crm_core.services.gap_plans import create_gap_plan
from crm_core.services.task_status import complete_task
from tests.factories import (
    MANAGER,
    TODAY,
    VIEWER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_user,
)


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Able")
        dan = add_user(session, "Dan Dale")
        acme = add_company(session, "Acme", team=[ann])
        eve = add_stakeholder(session, acme, "Eve Payer", roles=["economic_buyer"])
        # Qualification requires an economic buyer and a champion: Eve, linked, is the
        # economic buyer but nobody owns her (unowned); nobody is the champion (missing).
        deal = add_opportunity(session, acme, "Acme Deal", stage="qualification",
                               close_in_days=60, stakeholders=[eve], added_team=[dan])
        covered = add_opportunity(session, acme, "Acme Early", stage="prospecting")
        return {"ann": ann.id, "dan": dan.id, "acme": acme.id, "deal": deal.id,
                "covered": covered.id}


def plan(engine, opportunity_id, actor=MANAGER):
    with write_session(engine) as session:
        return create_gap_plan(session, actor=actor, opportunity_id=opportunity_id,
                               today=TODAY).id


def steps(engine, sequence_id):
    with read_session(engine) as session:
        rows = session.scalars(select(Task).where(Task.parent_task_id == sequence_id)
                               .order_by(Task.sequence_order)).all()
        links = {t.id: set(session.execute(
            select(TaskEntity.entity_type, TaskEntity.entity_id)
            .where(TaskEntity.task_id == t.id)).tuples()) for t in rows}
        return [(t.id, t.description, t.due_date, t.dependency_type, links[t.id])
                for t in rows]


def test_a_plan_has_steps_per_gap_due_before_close_assigned_and_linked(engine, world):
    sequence_id = plan(engine, world["deal"])
    shown = steps(engine, sequence_id)
    deal = {("opportunity", world["deal"]), ("company", world["acme"])}
    ann, dan = ("user", world["ann"]), ("user", world["dan"])
    day = timedelta(days=1)
    assert [s[1:] for s in shown] == [
        ("Identify the champion and link them to the deal", TODAY + 10 * day,
         "finish_to_start", deal | {ann}),
        ("Introduce an owner from the deal team to the champion", TODAY + 20 * day,
         "finish_to_start", deal | {ann}),
        ("Meet the champion", TODAY + 30 * day, "finish_to_start", deal | {ann}),
        ("Introduce an owner from the deal team to the economic buyer", TODAY + 40 * day,
         "finish_to_start", deal | {dan}),
        ("Meet the economic buyer", TODAY + 50 * day, "finish_to_start", deal | {dan}),
    ]
    with read_session(engine) as session:
        sequence = session.get(Task, sequence_id)
        assert (sequence.description, sequence.task_type) == ("Gap plan: Acme Deal", "sequence")


def test_progress_per_gap_counts_the_done_steps(engine, world):
    sequence_id = plan(engine, world["deal"])
    first = steps(engine, sequence_id)[0][0]
    with write_session(engine) as session:
        complete_task(session, actor=MANAGER, task_id=first)
    with read_session(engine) as session:
        progress = gap_plan_progress(session, opportunity_ids=[world["deal"]])
    assert progress[["meddpicc_role", "steps", "done"]].values.tolist() == [
        ["champion", 3, 1], ["economic_buyer", 2, 0]]
    assert set(progress["sequence_id"]) == {sequence_id}


def test_a_gap_already_planned_is_not_planned_twice(engine, world):
    plan(engine, world["deal"])
    with pytest.raises(ValidationError, match="Every gap of Acme Deal already has a plan"):
        plan(engine, world["deal"])


def test_a_deal_without_gaps_and_a_viewer_are_refused(engine, world):
    with pytest.raises(ValidationError, match="Acme Early has no MEDDPICC gap to plan for"):
        plan(engine, world["covered"])
    with pytest.raises(PermissionDenied):
        plan(engine, world["deal"], actor=VIEWER)


def test_a_step_knows_when_its_gap_has_closed(engine, world):
    sequence_id = plan(engine, world["deal"])
    identify, *_ = (s[0] for s in steps(engine, sequence_id))
    with read_session(engine) as session:
        assert closed_gap_of_step(session, task_id=identify) is None
        assert closed_gap_of_step(session, task_id=sequence_id) is None   # not a step of a gap
    with write_session(engine) as session:   # Eve becomes the champion, owned by Ann
        eve = session.scalar(select(Stakeholder.id).where(Stakeholder.name == "Eve Payer"))
        add_meddpicc_role(session, actor=MANAGER, stakeholder_id=eve, meddpicc_role="champion")
        assign_owner(session, actor=MANAGER, stakeholder_id=eve, user_id=world["ann"])
    with read_session(engine) as session:
        assert closed_gap_of_step(session, task_id=identify) == "champion"


def test_a_role_whose_owners_departed_is_planned_like_an_unowned_one(engine, world):
    with write_session(engine) as session:   # Eve's only owner has departed
        gone = add_user(session, "Gil Gone", departed_on=TODAY - timedelta(days=30))
        eve = session.scalar(select(Stakeholder.id).where(Stakeholder.name == "Eve Payer"))
        session.add(StakeholderRelationshipOwner(stakeholder_id=eve, user_id=gone.id))
    with read_session(engine) as session:
        gaps = opportunity_gaps(session, opportunity_id=world["deal"])
    assert (gaps.owner_departed, gaps.unowned) == (("economic_buyer",), ())
    sequence_id = plan(engine, world["deal"])
    assert [s[1] for s in steps(engine, sequence_id)][3:] == [
        "Introduce an owner from the deal team to the economic buyer",
        "Meet the economic buyer"]
    introduce = steps(engine, sequence_id)[3][0]
    with read_session(engine) as session:
        assert closed_gap_of_step(session, task_id=introduce) is None   # still a gap
