"""Reference points for the product's queries: hand-written single SQL statements (what a
careful person writes for the figure) and deliberately naive ORM versions (load objects, loop
in Python), measured side by side with our query functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from crm_core.models import Company, Opportunity, StageRequiredRole, Stakeholder
from crm_core.queries import (
    coverage,
    freshness,
    meddpicc,
    owner_load,
    task_rollups,
    tasks,
    teams,
)
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, TASK_STATUSES, UNFINISHED_TASK_STATUSES

_OPEN = ", ".join(f"'{stage}'" for stage in OPEN_STAGES)
# Owners who have departed own nothing any more in the coverage figures.
_STILL_HERE = "user_id NOT IN (SELECT id FROM users WHERE departed_on IS NOT NULL)"
_UNFINISHED = ", ".join(f"'{status}'" for status in UNFINISHED_TASK_STATUSES)
# The task page's candidates: the first 50 of each status, with and without a due date, each
# read in the order of the (status, due_date) index.
_STATUS_HEADS = "\n            UNION ALL ".join(
    f"SELECT id, due_date FROM (SELECT id, due_date FROM tasks WHERE status = '{status}' "
    f"AND due_date IS {dated} ORDER BY {order} LIMIT 50) {status}_{alias}"
    for status in TASK_STATUSES
    for dated, order, alias in (("NOT NULL", "due_date, id", "dated"), ("NULL", "id", "undated")))
_ROLE_BITS = "CASE meddpicc_role " + " ".join(
    f"WHEN '{role}' THEN {1 << bit}" for bit, role in enumerate(MEDDPICC_ROLES)) + " END"
_ROLE_LEVELS = ",\n".join(
    f"  max(CASE WHEN (roles & {1 << bit}) <> 0 THEN level ELSE 0 END) AS \"{role}\""
    for bit, role in enumerate(MEDDPICC_ROLES))
# Cell codes as gap_rows computes them (without a stale threshold): 0 missing, 1 unowned,
# 2 off the deal team, 4 owned, 5 not required, 6 owner departed; from the best level
# (1 owner departed, 2 unowned, 3 off the deal team, 5 owned: a holder whose owners all
# departed ranks below one never owned; 4, owned but stale, needs a stale threshold).
_ROLE_CELLS = ",\n".join(
    f"  CASE WHEN (coalesce(q.mask, 0) & {1 << bit}) = 0 THEN 5 "
    f"WHEN coalesce(l.\"{role}\", 0) = 0 THEN 0 WHEN l.\"{role}\" = 1 THEN 6 "
    f"ELSE l.\"{role}\" - 1 END "
    f"AS \"{role}\"" for bit, role in enumerate(MEDDPICC_ROLES))
_OWNED_CELLS = " + ".join(f"CASE WHEN \"{role}\" = 4 THEN 1 ELSE 0 END" for role in MEDDPICC_ROLES)

HAND_SQL: dict[str, str] = {
    # The per-company breakdown as the Coverage screen shows it: names, industry, the four
    # counts, open pipeline and open opportunities, most orphans first.
    "coverage per company": f"""
        WITH owners AS (SELECT stakeholder_id, count(*) AS n
                        FROM stakeholder_relationship_owners WHERE {_STILL_HERE}
                        GROUP BY stakeholder_id),
        per_company AS (
          SELECT s.company_id, count(*) AS stakeholders, count(o.stakeholder_id) AS owned,
                 sum(CASE WHEN o.n = 1 THEN 1 ELSE 0 END) AS single_owner,
                 sum(CASE WHEN o.n > 1 THEN 1 ELSE 0 END) AS multi_owner
          FROM stakeholders s LEFT JOIN owners o ON o.stakeholder_id = s.id
          GROUP BY s.company_id),
        pipeline AS (
          SELECT company_id, sum(value) AS open_pipeline, count(*) AS open_opportunities
          FROM opportunities WHERE stage IN ({_OPEN}) GROUP BY company_id)
        SELECT c.id AS company_id, c.name AS company, c.industry, p.stakeholders, p.owned,
               p.single_owner, p.multi_owner, coalesce(q.open_pipeline, 0) AS open_pipeline,
               coalesce(q.open_opportunities, 0) AS open_opportunities
        FROM per_company p JOIN companies c ON c.id = p.company_id
        LEFT JOIN pipeline q ON q.company_id = c.id
        ORDER BY p.stakeholders - p.owned DESC, coalesce(q.open_pipeline, 0) DESC, c.name, c.id""",
    "overall coverage": f"""
        SELECT (SELECT count(*) FROM stakeholders) AS stakeholders, count(*) AS owned,
               sum(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS single_owner
        FROM (SELECT stakeholder_id, count(*) AS n FROM stakeholder_relationship_owners
              WHERE {_STILL_HERE} GROUP BY stakeholder_id) owners""",
    # The whole figure: owned, sole owner of (owned minus ownerships of stakeholders with
    # several owners, the few), companies touched, open opportunities and pipeline (each deal
    # once per owner). Ownerships walked per user through (user_id, stakeholder_id) with the
    # company from the narrow (id, company_id) index; links walked in opportunity order.
    "owner load per user": f"""
        WITH owned AS (
          SELECT o.user_id, count(*) AS owned, count(DISTINCT s.company_id) AS companies
          FROM stakeholder_relationship_owners o JOIN stakeholders s ON s.id = o.stakeholder_id
          GROUP BY o.user_id),
        shared AS (
          SELECT o.user_id, count(*) AS shared
          FROM (SELECT stakeholder_id FROM stakeholder_relationship_owners
                GROUP BY stakeholder_id HAVING count(*) > 1) multi
          JOIN stakeholder_relationship_owners o ON o.stakeholder_id = multi.stakeholder_id
          GROUP BY o.user_id),
        pairs AS (
          SELECT o.user_id, so.opportunity_id, max(op.value) AS value
          FROM stakeholder_opportunities so
          JOIN opportunities op ON op.id = so.opportunity_id
          JOIN stakeholder_relationship_owners o ON o.stakeholder_id = so.stakeholder_id
          WHERE op.stage IN ({_OPEN})
          GROUP BY so.opportunity_id, o.user_id),
        pipeline AS (
          SELECT user_id, count(*) AS opportunities, sum(value) AS pipeline
          FROM pairs GROUP BY user_id)
        SELECT u.id AS user_id, u.name, u.job_title,
               coalesce(owned.owned, 0) AS stakeholders_owned,
               coalesce(owned.owned, 0) - coalesce(shared.shared, 0) AS sole_owner_of,
               coalesce(owned.companies, 0) AS companies_touched,
               coalesce(pipeline.opportunities, 0) AS open_opportunities,
               coalesce(pipeline.pipeline, 0) AS open_pipeline
        FROM users u
        LEFT JOIN owned ON owned.user_id = u.id
        LEFT JOIN shared ON shared.user_id = u.id
        LEFT JOIN pipeline ON pipeline.user_id = u.id
        ORDER BY stakeholders_owned DESC, u.name, u.id""",
    # The matrix as gap_matrix answers it: each stakeholder's roles as a bitmask computed once;
    # each link of an open opportunity to a role holder gets its level once (1 owners all
    # departed, 2 never owned, 3 owned off the full team, 5 owned by a member of the company
    # team or the deal's added members);
    # the best level per role, the stage's required roles (5: not required), the coverage score
    # (none for a deal that is not gated) and the value at risk, most value at risk first.
    "MEDDPICC gap matrix": f"""
        WITH flags AS (
          SELECT stakeholder_id, sum({_ROLE_BITS}) AS roles
          FROM stakeholder_meddpicc_roles GROUP BY stakeholder_id),
        required AS (
          SELECT stage, sum({_ROLE_BITS}) AS mask, count(*) AS n
          FROM stage_required_roles GROUP BY stage),
        holdings AS MATERIALIZED (
          SELECT so.opportunity_id, f.roles,
            CASE WHEN NOT EXISTS (SELECT 1 FROM stakeholder_relationship_owners o
                                  WHERE o.stakeholder_id = so.stakeholder_id
                                    AND o.{_STILL_HERE})
                 THEN CASE WHEN EXISTS (SELECT 1 FROM stakeholder_relationship_owners o
                                        WHERE o.stakeholder_id = so.stakeholder_id)
                           THEN 1 ELSE 2 END
                 WHEN EXISTS (
                   SELECT 1 FROM stakeholder_relationship_owners o
                   WHERE o.stakeholder_id = so.stakeholder_id AND o.{_STILL_HERE}
                     AND (EXISTS (SELECT 1 FROM company_account_teams c
                                  WHERE c.company_id = op.company_id AND c.user_id = o.user_id)
                          OR EXISTS (SELECT 1 FROM opportunity_account_teams t
                                     WHERE t.opportunity_id = op.id AND t.user_id = o.user_id)))
                 THEN 5 ELSE 3 END AS level
          FROM opportunities op
          JOIN stakeholder_opportunities so ON so.opportunity_id = op.id
          JOIN flags f ON f.stakeholder_id = so.stakeholder_id
          WHERE op.stage IN ({_OPEN})),
        levels AS (
          SELECT opportunity_id,
          {_ROLE_LEVELS}
          FROM holdings GROUP BY opportunity_id),
        cells AS (
          SELECT op.id, op.name, c.name AS company, op.stage, op.value,
                 op.value * op.probability / 100.0 AS weighted_value,
          {_ROLE_CELLS},
                 coalesce(q.n, 0) AS required
          FROM opportunities op JOIN companies c ON c.id = op.company_id
          LEFT JOIN levels l ON l.opportunity_id = op.id
          LEFT JOIN required q ON q.stage = op.stage
          WHERE op.stage IN ({_OPEN}))
        SELECT id, name, company, stage, value, weighted_value,
               CASE WHEN owned < required THEN value ELSE 0 END AS value_at_risk,
               CASE WHEN required > 0 THEN owned * 1.0 / required END AS coverage_score,
               {", ".join(f'"{role}"' for role in MEDDPICC_ROLES)}
        FROM (SELECT cells.*, {_OWNED_CELLS} AS owned FROM cells) scored
        ORDER BY value_at_risk DESC, value DESC, id""",
    "opportunity full team": """
        SELECT user_id FROM company_account_teams
        WHERE company_id = (SELECT company_id FROM opportunities WHERE id = :opportunity_id)
        UNION SELECT user_id FROM opportunity_account_teams WHERE opportunity_id = :opportunity_id
        """,
    # The page as the Tasks screen shows it, for every status: the first 50 tasks by due date
    # (no due date last), each with its sequence, position, step counts, blocked flag and
    # previous step, one row per linked record with the record's name, and the total. Each
    # status is read in the order of the (status, due_date) index and stops after 50 rows.
    "task page (50 rows)": f"""
        WITH page AS (
          SELECT id, due_date FROM (
            {_STATUS_HEADS}
          ) candidates
          ORDER BY due_date IS NULL, due_date, id LIMIT 50)
        SELECT t.id, t.description, t.status, t.priority, t.due_date, t.next_step_type,
               t.task_type, t.dependency_type, t.created_at, t.completed_at, t.version,
               seq.description AS sequence, t.sequence_order,
               (SELECT count(*) FROM tasks s WHERE s.parent_task_id = t.parent_task_id)
                 AS sequence_steps,
               (SELECT count(*) FROM tasks s WHERE s.parent_task_id = t.id AND s.status = 'done')
                 AS steps_done,
               (SELECT count(*) FROM tasks s WHERE s.parent_task_id = t.id) AS steps_total,
               CASE WHEN t.status IN ({_UNFINISHED})
                     AND ((t.dependency_type = 'finish_to_start' AND prev.status IN ({_UNFINISHED}))
                          OR (t.dependency_type = 'start_to_start' AND prev.status = 'open'))
                    THEN 1 ELSE 0 END AS blocked,
               prev.description AS previous_step,
               te.entity_type, te.entity_id, coalesce(c.name, o.name, sh.name, u.name) AS name,
               (SELECT count(*) FROM tasks) AS total
        FROM page
        JOIN tasks t ON t.id = page.id
        LEFT JOIN tasks seq ON seq.id = t.parent_task_id
        LEFT JOIN tasks prev ON prev.parent_task_id = t.parent_task_id
          AND prev.sequence_order = (SELECT max(p.sequence_order) FROM tasks p
                                     WHERE p.parent_task_id = t.parent_task_id
                                       AND p.sequence_order < t.sequence_order)
        LEFT JOIN task_entities te ON te.task_id = t.id
        LEFT JOIN companies c ON te.entity_type = 'company' AND c.id = te.entity_id
        LEFT JOIN opportunities o ON te.entity_type = 'opportunity' AND o.id = te.entity_id
        LEFT JOIN stakeholders sh ON te.entity_type = 'stakeholder' AND sh.id = te.entity_id
        LEFT JOIN users u ON te.entity_type = 'user' AND u.id = te.entity_id
        ORDER BY page.due_date IS NULL, page.due_date, t.id, te.entity_type, name""",
    # Per user, the linked unfinished tasks (not sequence parents) overdue and due from today
    # through week_end, with the user's name, most overdue first.
    "overdue per user": f"""
        SELECT d.user_id, u.name, d.overdue, d.due_soon
        FROM (SELECT te.entity_id AS user_id,
                     count(CASE WHEN t.due_date < :today THEN 1 END) AS overdue,
                     count(CASE WHEN t.due_date >= :today THEN 1 END) AS due_soon
              FROM tasks t JOIN task_entities te ON te.task_id = t.id
              WHERE te.entity_type = 'user' AND t.status IN ({_UNFINISHED})
                AND t.task_type = 'task' AND t.due_date <= :week_end
              GROUP BY te.entity_id) d
        JOIN users u ON u.id = d.user_id
        ORDER BY d.overdue DESC, d.due_soon DESC, u.name""",
    # Every ownership's last touch (the latest done task linked to both the stakeholder and
    # the owner) and its freshness: the touches of every pair grouped once, then the owners.
    "freshness per ownership": """
        WITH touches AS (
          SELECT ts.entity_id AS stakeholder_id, tu.entity_id AS user_id,
                 max(t.completed_at) AS last_touch
          FROM tasks t
          JOIN task_entities ts ON ts.task_id = t.id AND ts.entity_type = 'stakeholder'
          JOIN task_entities tu ON tu.task_id = t.id AND tu.entity_type = 'user'
          WHERE t.status = 'done'
          GROUP BY ts.entity_id, tu.entity_id)
        SELECT o.stakeholder_id, o.user_id, th.last_touch,
               CASE WHEN th.last_touch IS NULL THEN 'never_touched'
                    WHEN th.last_touch >= :fresh_since THEN 'fresh' ELSE 'stale' END AS freshness
        FROM stakeholder_relationship_owners o
        LEFT JOIN touches th ON th.stakeholder_id = o.stakeholder_id AND th.user_id = o.user_id
        ORDER BY o.stakeholder_id, o.user_id""",
}


@dataclass(frozen=True)
class Comparison:
    """One figure: our query, the hand-written SQL, and (for some) a naive ORM loop."""

    figure: str
    ours: Callable[..., Any]
    naive: Callable[[Session], Any] | None = None


def hand_sql(session: Session, *, figure: str, **params: Any) -> pd.DataFrame:
    """Run the hand-written statement of a figure into a DataFrame."""
    result = session.execute(text(HAND_SQL[figure]), params)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def naive_coverage_per_company(session: Session) -> pd.DataFrame:
    """Coverage per company the naive way: every stakeholder object with its owners, a loop."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for stakeholder in session.scalars(select(Stakeholder)
                                       .options(selectinload(Stakeholder.owners))):
        row = counts[stakeholder.company_id]
        row[0] += 1
        owners = [u for u in stakeholder.owners if u.departed_on is None]
        row[1] += bool(owners)
        row[2] += len(owners) == 1
    return pd.DataFrame([(c, *v) for c, v in counts.items()],
                        columns=["company_id", "stakeholders", "owned", "single_owner"])


def naive_gap_matrix(session: Session) -> pd.DataFrame:
    """The gap matrix the naive way: open opportunity objects with their stakeholders, owners
    and teams, a loop; the same cells, coverage score and value at risk as gap_matrix."""
    required: dict[str, set[str]] = defaultdict(set)
    for setting in session.scalars(select(StageRequiredRole)):
        required[setting.stage].add(setting.meddpicc_role)
    rows = []
    opportunities = session.scalars(
        select(Opportunity).where(Opportunity.stage.in_(OPEN_STAGES)).options(
            selectinload(Opportunity.stakeholders).selectinload(Stakeholder.roles),
            selectinload(Opportunity.stakeholders).selectinload(Stakeholder.owners),
            selectinload(Opportunity.company).selectinload(Company.account_team),
            selectinload(Opportunity.added_team_members)))
    for opportunity in opportunities:
        team = {u.id for u in opportunity.company.account_team}
        team |= {u.id for u in opportunity.added_team_members}
        cells = {}
        for role in MEDDPICC_ROLES:
            if role not in required[opportunity.stage]:
                cells[role] = 5
                continue
            # Levels: 1 owners all departed, 2 never owned, 3 owned off the team, 5 owned (as the
            # hand SQL: 4, stale, needs a threshold).
            level = 0
            for stakeholder in opportunity.stakeholders:
                if any(r.meddpicc_role == role for r in stakeholder.roles):
                    owners = {u.id for u in stakeholder.owners if u.departed_on is None}
                    level = max(level, 5 if owners & team else 3 if owners
                                else 1 if stakeholder.owners else 2)
            cells[role] = {0: 0, 1: 6}.get(level, level - 1)
        owned = sum(1 for c in cells.values() if c == 4)
        needed = len(required[opportunity.stage])
        value = float(opportunity.value)
        rows.append({"id": opportunity.id, "name": opportunity.name,
                     "company": opportunity.company.name, "stage": opportunity.stage,
                     "value": value, "weighted_value": value * opportunity.probability / 100,
                     "value_at_risk": value if owned < needed else 0.0,
                     "coverage_score": owned / needed if needed else None, **cells})
    rows.sort(key=lambda r: (-r["value_at_risk"], -r["value"], r["id"]))
    return pd.DataFrame(rows)


def comparisons(today: date) -> list[Comparison]:
    """Every figure with a hand-written reference, and our query that answers it."""
    return [
        Comparison("coverage per company", coverage.coverage_by_company,
                   naive_coverage_per_company),
        Comparison("overall coverage", coverage.coverage_summary),
        Comparison("owner load per user", owner_load.owner_load),
        Comparison("MEDDPICC gap matrix", meddpicc.gap_matrix, naive_gap_matrix),
        Comparison("opportunity full team", teams.opportunity_full_team),
        Comparison("task page (50 rows)", tasks.task_page),
        Comparison("overdue per user", task_rollups.due_by_user),
        Comparison("freshness per ownership", freshness.ownership_freshness),
    ]


# Arguments each figure needs (filled from the benchmark's sample ids).
FIGURE_PARAMS = {"opportunity full team": ("opportunity_id",), "overdue per user": ("today",),
                 "task page (50 rows)": ("today",), "freshness per ownership": ("today",)}
HAND_PARAMS = {"opportunity full team": ("opportunity_id",),
               "overdue per user": ("today", "week_end"),
               "freshness per ownership": ("fresh_since",)}
