"""Scoped figures for the benchmark: a manager's team (a recursive CTE over the reporting line)
answered by our queries and by one hand-written SQL statement each, side by side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from bench.baselines import Comparison
from crm_core.db import read_session
from crm_core.queries import coverage, overview, tasks
from crm_core.vocab import OPEN_STAGES, UNFINISHED_TASK_STATUSES

_OPEN = ", ".join(f"'{stage}'" for stage in OPEN_STAGES)
_UNFINISHED = ", ".join(f"'{status}'" for status in UNFINISHED_TASK_STATUSES)
_TEAM = """
        WITH RECURSIVE team(id) AS (
          SELECT CAST(:manager_id AS INTEGER)
          UNION SELECT u.id FROM users u JOIN team t ON u.manager_id = t.id)"""

SCOPED_SQL: dict[str, str] = {
    # Stakeholders of the companies someone in the team is on the account team of: owned by
    # someone still here (once, twice or more), and orphaned because every owner departed.
    "team coverage": f"""{_TEAM},
        active AS (
          SELECT stakeholder_id, count(*) AS n FROM stakeholder_relationship_owners
          WHERE user_id NOT IN (SELECT id FROM users WHERE departed_on IS NOT NULL)
          GROUP BY stakeholder_id)
        SELECT count(*) AS stakeholders, count(a.stakeholder_id) AS owned,
               coalesce(sum(CASE WHEN a.n = 1 THEN 1 ELSE 0 END), 0) AS single_owner,
               coalesce(sum(CASE WHEN a.n > 1 THEN 1 ELSE 0 END), 0) AS multi_owner,
               coalesce(sum(CASE WHEN a.stakeholder_id IS NULL AND EXISTS (
                   SELECT 1 FROM stakeholder_relationship_owners o
                   WHERE o.stakeholder_id = s.id) THEN 1 ELSE 0 END), 0)
                 AS orphaned_owner_departed
        FROM stakeholders s LEFT JOIN active a ON a.stakeholder_id = s.id
        WHERE s.company_id IN (SELECT company_id FROM company_account_teams
                               WHERE user_id IN (SELECT id FROM team))""",
    # Open deals whose full team (the company's account team, or added to the deal) includes
    # someone in the team: how many, their value and weighted value.
    "team open pipeline": f"""{_TEAM},
        deals AS (
          SELECT o.id FROM opportunities o
          JOIN company_account_teams c ON c.company_id = o.company_id
          WHERE c.user_id IN (SELECT id FROM team)
          UNION SELECT opportunity_id FROM opportunity_account_teams
          WHERE user_id IN (SELECT id FROM team))
        SELECT count(*) AS open_opportunities, coalesce(sum(value), 0) AS pipeline,
               coalesce(sum(value * probability), 0) / 100.0 AS weighted_pipeline
        FROM opportunities WHERE stage IN ({_OPEN}) AND id IN (SELECT id FROM deals)""",
    # Unfinished tasks (not sequence parents) linked to someone in the team: open, overdue,
    # due in the next week, blocked by an unfinished (or unstarted) previous step.
    "team tasks": f"""{_TEAM},
        mine AS (
          SELECT t.* FROM tasks t
          WHERE t.status IN ({_UNFINISHED}) AND t.task_type = 'task'
            AND t.id IN (SELECT task_id FROM task_entities WHERE entity_type = 'user'
                         AND entity_id IN (SELECT id FROM team)))
        SELECT count(*) AS open,
               count(CASE WHEN m.due_date < :today THEN 1 END) AS overdue,
               count(CASE WHEN m.due_date >= :today AND m.due_date <= :week_end THEN 1 END)
                 AS due_soon,
               count(CASE WHEN (m.dependency_type = 'finish_to_start'
                                AND prev.status IN ({_UNFINISHED}))
                            OR (m.dependency_type = 'start_to_start' AND prev.status = 'open')
                          THEN 1 END) AS blocked
        FROM mine m
        LEFT JOIN tasks prev ON prev.parent_task_id = m.parent_task_id
          AND prev.sequence_order = (SELECT max(p.sequence_order) FROM tasks p
                                     WHERE p.parent_task_id = m.parent_task_id
                                       AND p.sequence_order < m.sequence_order)""",
}


def scoped_comparisons() -> list[Comparison]:
    """The scoped figures with a hand-written reference, and our query answering each."""
    return [Comparison("team coverage", coverage.coverage_summary),
            Comparison("team open pipeline", overview.open_pipeline),
            Comparison("team tasks", tasks.task_counts)]


SCOPED_PARAMS = {"team coverage": ("scope",), "team open pipeline": ("scope",),
                 "team tasks": ("scope", "today")}
SCOPED_HAND_PARAMS = {"team coverage": ("manager_id",), "team open pipeline": ("manager_id",),
                      "team tasks": ("manager_id", "today", "week_end")}


def scoped_hand_sql(session, *, figure: str, **params: Any) -> dict[str, Any]:
    """The hand-written statement's one row, by column name."""
    return dict(session.execute(text(SCOPED_SQL[figure]), params).mappings().one())


def sample_team(engine: Engine) -> int | None:
    """The manager whose team the benchmark scopes to: the first of the top manager's direct
    reports who has a team of their own (a regional VP or director in the seed)."""
    with read_session(engine) as session:
        return session.execute(text(
            "SELECT u.id FROM users u WHERE u.manager_id = (SELECT min(id) FROM users "
            "WHERE manager_id IS NULL AND id IN (SELECT manager_id FROM users)) "
            "AND u.id IN (SELECT manager_id FROM users) ORDER BY u.id LIMIT 1")).scalar()
