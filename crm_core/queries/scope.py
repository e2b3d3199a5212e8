"""Scopes: the whole organisation, a region, a manager's team or one person, resolved in SQL.

A manager's team is the manager and everyone below them at any depth (a recursive CTE over
users.manager_id). A scope selects the companies where someone in scope sits on the account
team, the deals whose full team includes someone in scope, and the tasks linked to someone in
scope; never "owned by someone in scope", which would hide the orphans a leader must see.
Queries take the scope as its text ("team:12") so cached loaders key on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CTE, ColumnElement, CompoundSelect, Integer, Select, literal, select, union
from sqlalchemy.orm import aliased

from crm_core.errors import ValidationError
from crm_core.models import (
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    TaskEntity,
    User,
)

SCOPE_KINDS = ("organisation", "region", "team", "person")
WHOLE = "organisation"


@dataclass(frozen=True)
class Scope:
    """What a dashboard is narrowed to: kind and the id of the region, manager or person."""

    kind: str = WHOLE
    id: int | None = None

    @classmethod
    def parse(cls, text: Scope | str | None) -> Scope:
        """'organisation' (or empty), 'region:3', 'team:12' or 'person:5'."""
        if isinstance(text, Scope):
            return text
        raw = (text or "").strip().lower()
        if raw in ("", WHOLE):
            return cls()
        kind, _, number = raw.partition(":")
        if kind not in SCOPE_KINDS[1:] or not number.isdigit() or int(number) <= 0:
            raise ValidationError(f"'{text}' is not a scope: use organisation, region:<id>, "
                                  "team:<id> or person:<id>.", field="scope")
        return cls(kind=kind, id=int(number))

    def __str__(self) -> str:
        return WHOLE if self.whole else f"{self.kind}:{self.id}"

    @property
    def whole(self) -> bool:
        return self.kind == WHOLE


def team_cte(manager_id, *, name: str = "team") -> CTE:
    """(user_id) of the manager and everyone reporting to them at any depth.

    UNION (not UNION ALL) also ends the recursion on a cycle, which the services refuse anyway.
    Nested: the WITH goes inside the subquery using it, so one statement can hold several.
    """
    team = select(_value(manager_id).label("user_id")).cte(name, recursive=True, nesting=True)
    below = aliased(User, name=f"{name}_below")
    return team.union(select(below.id).where(below.manager_id == team.c.user_id))


def scope_user_ids(scope: Scope) -> Select | None:
    """The ids of the users in scope, as a statement; None for the whole organisation."""
    if scope.whole:
        return None
    if scope.kind == "region":
        return select(User.id).where(User.region_id == scope.id)
    if scope.kind == "team":
        team = team_cte(scope.id)
        return select(team.c.user_id)
    return select(_value(scope.id).label("user_id"))


def _value(value) -> ColumnElement:
    # An id given as a number, or as a bound parameter a cached statement fills in later.
    return value if isinstance(value, ColumnElement) else literal(value, Integer)


def scoped_company_ids(scope: Scope) -> Select | None:
    """Companies where someone in scope sits on the account team (None: every company)."""
    users = scope_user_ids(scope)
    if users is None:
        return None
    return select(CompanyAccountTeam.company_id).where(CompanyAccountTeam.user_id.in_(users))


def scoped_opportunity_ids(scope: Scope) -> CompoundSelect | None:
    """Opportunities whose full team (account team, inherited, plus members added to the deal)
    includes someone in scope (None: every opportunity)."""
    if scope.whole:
        return None
    # The two sources of the full team (as in teams.full_team_select), each narrowed to the
    # users in scope before the union: PostgreSQL then reads only their rows.
    inherited = select(Opportunity.id).where(Opportunity.company_id.in_(
        select(CompanyAccountTeam.company_id)
        .where(CompanyAccountTeam.user_id.in_(scope_user_ids(scope)))))
    added = select(OpportunityAccountTeam.opportunity_id).where(
        OpportunityAccountTeam.user_id.in_(scope_user_ids(scope)))
    return union(inherited, added)


def scoped_task_ids(scope: Scope) -> Select | None:
    """Tasks linked to someone in scope (None: every task)."""
    users = scope_user_ids(scope)
    if users is None:
        return None
    return select(TaskEntity.task_id).where(TaskEntity.entity_type == "user",
                                            TaskEntity.entity_id.in_(users))


def departed_user_ids() -> Select:
    """The ids of the users who have departed (few)."""
    return select(User.id).where(User.departed_on.is_not(None))
