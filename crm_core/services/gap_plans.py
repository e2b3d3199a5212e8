"""Gap plans: one action turns a deal's MEDDPICC gaps into a task sequence that closes them.

Each gap gets its steps (a missing role: identify, introduce an owner, meet; an unowned one:
introduce an owner, meet; one owned off the deal team: bring the owner onto it, meet), due
dates spread before the expected close date, each gap's steps assigned to one member of the
deal team in turn, every step linked to the deal and its company. The gap cell states are read
from the MEDDPICC queries, never computed here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.access import Actor, Permission
from crm_core.errors import ValidationError
from crm_core.glossary import name
from crm_core.models import GapPlanStep, Opportunity, Task
from crm_core.queries.meddpicc import opportunity_gaps
from crm_core.queries.pickers import people_to_choose
from crm_core.services._common import get_or_raise
from crm_core.services.task_sequences import create_sequence
from crm_core.vocab import FINISHED_TASK_STATUSES, MEDDPICC_ROLES


def _steps_for(kind: str, role: str) -> list[tuple[str, str]]:
    """(description, next step type) of the steps that close one gap."""
    label = MEDDPICC_ROLES.label(role).lower()
    introduce = (f"Introduce an owner from the deal team to the {label}", "internal")
    meet = (f"Meet the {label}", "meeting")
    if kind == "missing":
        return [(f"Identify the {label} and link them to the deal", "call"), introduce, meet]
    if kind in ("unowned", "owner_departed"):  # owners who departed own nothing
        return [introduce, meet]
    return [(f"The {label}'s owner is {name('off_deal_team').lower()}: add them to the deal "
             "team or introduce an owner from it", "internal"), meet]


def planned_roles(session: Session, *, opportunity_id: int) -> set[str]:
    """The roles of the deal with an unfinished gap plan step."""
    return set(session.scalars(
        select(GapPlanStep.meddpicc_role).join(Task, Task.id == GapPlanStep.task_id)
        .where(GapPlanStep.opportunity_id == opportunity_id,
               Task.status.not_in(FINISHED_TASK_STATUSES))))


def due_dates(count: int, *, today: date, close: date | None) -> list[date]:
    """`count` dates spread evenly after today and before the close date (weekly without a
    close date; a day apart when it is too near to fit them all before it)."""
    days = (close - today).days if close else 7 * (count + 1)
    days = max(days, count + 1)
    return [today + timedelta(days=days * i // (count + 1)) for i in range(1, count + 1)]


def create_gap_plan(session: Session, *, actor: Actor, opportunity_id: int,
                    today: date | None = None) -> Task:
    """A sequence closing every gap of the deal that has no unfinished plan yet."""
    actor.require(Permission.EDIT)
    today = today or date.today()
    opportunity = get_or_raise(session, Opportunity, opportunity_id, for_update=True)
    gaps = opportunity_gaps(session, opportunity_id=opportunity_id)
    if gaps is None or not gaps.at_risk:
        raise ValidationError(f"{opportunity.name} has no MEDDPICC gap to plan for.")
    planned = planned_roles(session, opportunity_id=opportunity_id)
    todo = [(kind, role) for kind, roles in (("missing", gaps.missing),
                                             ("unowned", gaps.unowned),
                                             ("owner_departed", gaps.owner_departed),
                                             ("off_team", gaps.off_team))
            for role in roles if role not in planned]
    if not todo:
        raise ValidationError(f"Every gap of {opportunity.name} already has a plan.")
    team = people_to_choose(session, opportunity_id=opportunity_id)
    members = [int(u) for u in team.loc[team["on_team"], "user_id"]]
    deal_links = [("opportunity", opportunity.id), ("company", opportunity.company_id)]
    plan = [(role, step, ([("user", members[n % len(members)])] if members else []))
            for n, (kind, role) in enumerate(todo) for step in _steps_for(kind, role)]
    dates = due_dates(len(plan), today=today, close=opportunity.expected_close_date)
    steps = [{"description": description, "next_step_type": step_type, "due_date": due,
              "priority": "high", "links": deal_links + user}
             for (_, (description, step_type), user), due in zip(plan, dates, strict=True)]
    sequence = create_sequence(
        session, actor=actor, description=f"Gap plan: {opportunity.name}", steps=steps,
        links=deal_links + [("user", m) for m in members], due_date=dates[-1],
        priority="high")
    step_ids = session.scalars(select(Task.id).where(Task.parent_task_id == sequence.id)
                               .order_by(Task.sequence_order)).all()
    session.add_all([GapPlanStep(task_id=task_id, opportunity_id=opportunity.id,
                                 meddpicc_role=role)
                     for task_id, (role, _, _) in zip(step_ids, plan, strict=True)])
    session.flush()
    audit.record(session, actor, "gap_plan.created", "opportunity", opportunity.id,
                 summary=f"Planned {len(todo)} gap(s) of {opportunity.name} in "
                         f"{len(steps)} steps",
                 after={"sequence_id": sequence.id,
                        "gaps": [f"{kind}:{role}" for kind, role in todo]})
    return sequence
