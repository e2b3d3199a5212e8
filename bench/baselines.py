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

from crm_core.models import Opportunity, StageRequiredRole, Stakeholder
from crm_core.queries import coverage, meddpicc, owner_load, task_rollups, tasks, teams
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, TASK_STATUSES, UNFINISHED_TASK_STATUSES

_OPEN = ", ".join(f"'{stage}'" for stage in OPEN_STAGES)
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
    f"  coalesce(max(CASE WHEN (f.roles & {1 << bit}) <> 0 THEN f.level ELSE 0 END), 0) "
    f"AS {role}" for bit, role in enumerate(MEDDPICC_ROLES))

HAND_SQL: dict[str, str] = {
    "coverage per company": """
        WITH owners AS (SELECT stakeholder_id, count(*) AS n
                        FROM stakeholder_relationship_owners GROUP BY stakeholder_id)
        SELECT s.company_id, count(*) AS stakeholders, count(o.stakeholder_id) AS owned,
               sum(CASE WHEN o.n = 1 THEN 1 ELSE 0 END) AS single_owner
        FROM stakeholders s LEFT JOIN owners o ON o.stakeholder_id = s.id
        GROUP BY s.company_id""",
    "overall coverage": """
        SELECT (SELECT count(*) FROM stakeholders) AS stakeholders, count(*) AS owned,
               sum(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS single_owner
        FROM (SELECT stakeholder_id, count(*) AS n FROM stakeholder_relationship_owners
              GROUP BY stakeholder_id) owners""",
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
    # Each stakeholder's roles as a bitmask and its has-owner flag, computed once; then one
    # pass over the links of open opportunities combines them per opportunity.
    "MEDDPICC gap matrix": f"""
        WITH flags AS (
          SELECT r.stakeholder_id, sum({_ROLE_BITS}) AS roles,
                 CASE WHEN EXISTS (SELECT 1 FROM stakeholder_relationship_owners o
                                   WHERE o.stakeholder_id = r.stakeholder_id)
                      THEN 2 ELSE 1 END AS level
          FROM stakeholder_meddpicc_roles r GROUP BY r.stakeholder_id)
        SELECT op.id, op.name, op.stage, op.value,
        {_ROLE_LEVELS}
        FROM opportunities op
        LEFT JOIN stakeholder_opportunities so ON so.opportunity_id = op.id
        LEFT JOIN flags f ON f.stakeholder_id = so.stakeholder_id
        WHERE op.stage IN ({_OPEN})
        GROUP BY op.id, op.name, op.stage, op.value""",
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
    "overdue per user": f"""
        SELECT te.entity_id AS user_id, count(*) AS overdue
        FROM task_entities te JOIN tasks t ON t.id = te.task_id
        WHERE te.entity_type = 'user' AND t.status IN ({_UNFINISHED}) AND t.due_date < :today
        GROUP BY te.entity_id""",
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
        row[1] += bool(stakeholder.owners)
        row[2] += len(stakeholder.owners) == 1
    return pd.DataFrame([(c, *v) for c, v in counts.items()],
                        columns=["company_id", "stakeholders", "owned", "single_owner"])


def naive_gap_matrix(session: Session) -> pd.DataFrame:
    """The gap matrix the naive way: open opportunity objects, their stakeholders, a loop."""
    required: dict[str, set[str]] = defaultdict(set)
    for setting in session.scalars(select(StageRequiredRole)):
        required[setting.stage].add(setting.meddpicc_role)
    rows = []
    opportunities = session.scalars(
        select(Opportunity).where(Opportunity.stage.in_(OPEN_STAGES)).options(
            selectinload(Opportunity.stakeholders).selectinload(Stakeholder.roles),
            selectinload(Opportunity.stakeholders).selectinload(Stakeholder.owners)))
    for opportunity in opportunities:
        levels = {}
        for role in MEDDPICC_ROLES:
            holders = [s for s in opportunity.stakeholders
                       if any(r.meddpicc_role == role for r in s.roles)]
            level = 2 if any(s.owners for s in holders) else 1 if holders else 0
            levels[role] = level if role in required[opportunity.stage] else -1
        rows.append({"id": opportunity.id, "name": opportunity.name, **levels})
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
    ]


# Arguments each figure needs (filled from the benchmark's sample ids).
FIGURE_PARAMS = {"opportunity full team": ("opportunity_id",), "overdue per user": ("today",),
                 "task page (50 rows)": ("today",)}
HAND_PARAMS = {"opportunity full team": ("opportunity_id",), "overdue per user": ("today",)}
