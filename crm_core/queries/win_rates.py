"""What coverage is worth here: win rates of closed deals grouped by their coverage.

Per closed deal, in SQL: won or lost, linked stakeholders, whether the deal team owned every
role the open stages require, single-threaded or not, and how fresh the economic buyer's
owner was at the close. Each comparison counts won and lost deals per group; the Wilson 95%
interval and the 30-won-and-30-lost rule turn the counts into what the screen may draw.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Float, and_, case, func, literal, select, true, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from crm_core import glossary
from crm_core.models import (
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
)
from crm_core.queries.meddpicc_sql import (
    COVERED_OWNED,
    OPP,
    is_single_threaded,
    opportunity_filter_conditions,
    role_levels,
)
from crm_core.queries.settings import required_roles, stale_after_days
from crm_core.vocab import CLOSED_STAGES, Term, Vocabulary

MIN_WON = MIN_LOST = 30
Z_95 = 1.959963984540054  # the standard normal quantile of 97.5%

# Each comparison's label is its glossary name; `doc` holds the glossary key.
COMPARISONS = Vocabulary("comparison", [
    Term(value, glossary.name(key), key) for value, key in (
        ("linked_stakeholders", "linked_stakeholders"),
        ("roles_owned", "roles_owned_by_deal_team"),
        ("single_threaded", "single_threaded"),
        ("economic_buyer", "economic_buyer_freshness"))])
# Each comparison's groups in display order (value -> label), in the glossary's words.
GROUPS: dict[str, dict[str, str]] = {
    "linked_stakeholders": {"0": "None", "1": "1", "2": "2", "3": "3", "4+": "4 or more"},
    "roles_owned": {"yes": "All owned", "no": "Not all owned"},
    "single_threaded": {"yes": glossary.name("single_threaded"),
                        "no": f"Not {glossary.name('single_threaded').lower()}"},
    "economic_buyer": {"fresh": f"{glossary.name('fresh')} at close",
                       "stale": f"{glossary.name('stale')} at close",
                       "never_touched": glossary.name("never_touched"),
                       "none": "No owned economic buyer"},
}


class day_number(FunctionElement):
    """Days since a fixed origin of a date or timestamp, as a float, on either database."""

    inherit_cache = True
    name = "day_number"
    type = Float()


@compiles(day_number)
def _epoch_days(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400.0)"


@compiles(day_number, "sqlite")
def _julian_day(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"


def _economic_buyer_touch(opportunity_id, close_day):
    """The last touch, on or before the close day, of a linked economic buyer by one of
    their owners (NULL when none)."""
    link, role, owner = (aliased(StakeholderOpportunity, name="eb_link"),
                         aliased(StakeholderMeddpiccRole, name="eb_role"),
                         aliased(StakeholderRelationshipOwner, name="eb_owner"))
    by_stakeholder = aliased(TaskEntity, name="eb_touch_stakeholder")
    by_user = aliased(TaskEntity, name="eb_touch_user")
    return (select(func.max(Task.completed_at)).select_from(link)
            .join(role, and_(role.stakeholder_id == link.stakeholder_id,
                             role.meddpicc_role == "economic_buyer"))
            .join(owner, owner.stakeholder_id == link.stakeholder_id)
            .join(by_stakeholder, and_(by_stakeholder.entity_type == "stakeholder",
                                       by_stakeholder.entity_id == link.stakeholder_id))
            .join(by_user, and_(by_user.task_id == by_stakeholder.task_id,
                                by_user.entity_type == "user",
                                by_user.entity_id == owner.user_id))
            .join(Task, Task.id == by_stakeholder.task_id)
            .where(link.opportunity_id == opportunity_id, Task.status == "done",
                   day_number(Task.completed_at) < close_day + 1)
            .scalar_subquery())


def _has_owned_economic_buyer(opportunity_id):
    link, role = (aliased(StakeholderOpportunity, name="eb_link2"),
                  aliased(StakeholderMeddpiccRole, name="eb_role2"))
    owner = aliased(StakeholderRelationshipOwner, name="eb_owner2")
    return (select(literal(1)).select_from(link)
            .join(role, and_(role.stakeholder_id == link.stakeholder_id,
                             role.meddpicc_role == "economic_buyer"))
            .join(owner, owner.stakeholder_id == link.stakeholder_id)
            .where(link.opportunity_id == opportunity_id).exists())


def closed_deal_groups(session: Session, *, today: date, scope: str | None = None):
    """One row per closed deal: won (1/0) and its group in each comparison (a common table
    expression: the four comparisons read it, both databases compute it once)."""
    closed = opportunity_filter_conditions(stages=CLOSED_STAGES, open_only=False, scope=scope)
    levels = role_levels(closed).subquery("closed_levels")
    required = sorted({r for roles in required_roles(session).values() for r in roles})
    owned_all = and_(*(levels.c[r] == COVERED_OWNED for r in required)) if required else true()
    linked = levels.c.linked
    close = func.coalesce(OPP.expected_close_date, today)
    facts = (select(levels.c.opportunity_id, linked,
                    case((levels.c.stage == "closed_won", 1), else_=0).label("won"),
                    case((owned_all, "yes"), else_="no").label("roles_owned"),
                    case((is_single_threaded(levels), "yes"), else_="no")
                    .label("single_threaded"),
                    day_number(close).label("close_day"))
             .join(OPP, OPP.id == levels.c.opportunity_id).subquery("closed_facts"))
    touched = (select(facts, _has_owned_economic_buyer(facts.c.opportunity_id)
                      .label("has_buyer"),
                      day_number(_economic_buyer_touch(facts.c.opportunity_id,
                                                       facts.c.close_day)).label("touch_day"))
               .offset(0).subquery("closed_touches"))  # OFFSET 0: each touch looked up once
    threshold = stale_after_days(session)
    return select(
        touched.c.won,
        case(*((touched.c.linked == n, str(n)) for n in range(4)), else_="4+")
        .label("linked_stakeholders"),
        touched.c.roles_owned, touched.c.single_threaded,
        case((~touched.c.has_buyer, "none"), (touched.c.touch_day.is_(None), "never_touched"),
             (touched.c.close_day - touched.c.touch_day <= threshold, "fresh"),
             else_="stale").label("economic_buyer")).cte("closed_deals")


def win_rate_counts(session: Session, *, today: date, scope: str | None = None) -> pd.DataFrame:
    """Won and lost closed deals per comparison and group: comparison, group, won, lost (of
    the deals whose full team includes someone in scope)."""
    deals = closed_deal_groups(session, today=today, scope=scope)
    parts = [select(literal(name).label("comparison"), deals.c[name].label("group"),
                    func.sum(deals.c.won).label("won"),
                    func.sum(1 - deals.c.won).label("lost"))
             .group_by(deals.c[name]) for name in COMPARISONS]
    rows = session.connection().execute(union_all(*parts)).all()
    return pd.DataFrame(rows, columns=["comparison", "group", "won", "lost"])


def wilson_interval(won: int, total: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion won/total (None when total is 0)."""
    if total == 0:
        return None
    p = won / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def win_rates(session: Session, *, today: date, scope: str | None = None) -> pd.DataFrame:
    """Every comparison's groups in display order, each with: comparison, group, label, won,
    lost, deals, win_rate, low, high (the Wilson 95% interval), drawn, and why_not (why a
    group too small to compare is not drawn)."""
    counts = win_rate_counts(session, today=today, scope=scope)
    rows = []
    for comparison in COMPARISONS:
        found = counts[counts["comparison"] == comparison].set_index("group")
        for group, label in GROUPS[comparison].items():
            won = int(found.loc[group, "won"]) if group in found.index else 0
            lost = int(found.loc[group, "lost"]) if group in found.index else 0
            if comparison == "linked_stakeholders" and group == "0" and won + lost == 0:
                continue  # deals without a buying committee are rare: no empty row for them
            interval = wilson_interval(won, won + lost)
            drawn = won >= MIN_WON and lost >= MIN_LOST
            rows.append({
                "comparison": comparison, "group": group, "label": label, "won": won,
                "lost": lost, "deals": won + lost,
                "win_rate": won / (won + lost) if won + lost else None,
                "low": round(interval[0], 12) if interval else None,
                "high": round(interval[1], 12) if interval else None, "drawn": drawn,
                "why_not": "" if drawn else
                f"Too few to compare: {won} won and {lost} lost (needs {MIN_WON} of each)."})
    return pd.DataFrame(rows, columns=["comparison", "group", "label", "won", "lost", "deals",
                                       "win_rate", "low", "high", "drawn", "why_not"])
