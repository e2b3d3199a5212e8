"""The one SQL formulation of MEDDPICC gaps: per open opportunity, each role's cell state.

One pass over the links of the matching opportunities, joined to their stakeholders' owners and
roles and to the owners' full-team rows (the rule of full_team_select), grouped per
opportunity: MAX per role gives the best level a holder reaches, and the stage's required roles
(a bitmask per stage) turn levels into cells. Every gap query builds on `gap_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    Float,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from crm_core import glossary
from crm_core.models import (
    Company,
    Opportunity,
    StageRequiredRole,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
)
from crm_core.queries.freshness import fresh_pairs
from crm_core.queries.scope import Scope, departed_user_ids, scoped_opportunity_ids
from crm_core.queries.teams import full_team_member_joins, full_team_select
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, Term, Vocabulary

ROLE_BITS: dict[str, int] = {role: 1 << i for i, role in enumerate(MEDDPICC_ROLES)}

# Cell codes, as computed in SQL: the best state any linked holder of the role reaches.
MISSING, COVERED_UNOWNED, COVERED_OFF_TEAM, COVERED_STALE, COVERED_OWNED, NOT_REQUIRED = range(6)
# Numbered after the others (the codes above keep their meaning); ranked below never-owned.
COVERED_OWNER_DEPARTED = NOT_REQUIRED + 1
# The order MAX compares holders in: a role shows "owner departed" only when every holder's
# owners have all departed (a handoff would cover it), "unowned" when one was never owned.
_RANK = {COVERED_OWNER_DEPARTED: 1, COVERED_UNOWNED: 2, COVERED_OFF_TEAM: 3, COVERED_STALE: 4,
         COVERED_OWNED: 5}


def _glossary_term(value: str, key: str) -> Term:
    entry = glossary.term(key)
    return Term(value, entry.name, entry.definition)


# Values as stored in frames and filters; names and definitions from the glossary.
CELL_STATES = Vocabulary("cell_state", [
    _glossary_term("missing", "missing"),
    _glossary_term("covered_unowned", "covered_unowned"),
    _glossary_term("covered_off_team", "covered_off_deal_team"),
    _glossary_term("covered_stale", "covered_stale"),
    _glossary_term("covered_owned", "covered_owned"),
    _glossary_term("not_required", "not_required"),
    _glossary_term("covered_owner_departed", "covered_owner_departed"),
])

GAP_TYPES = Vocabulary("gap_type", [
    _glossary_term("missing", "missing_role"),
    _glossary_term("unowned", "unowned_role"),
    _glossary_term("owner_departed", "owner_departed_role"),
    _glossary_term("off_team", "owned_off_deal_team"),
    _glossary_term("single_threaded", "single_threaded"),
])

# The column holding each role's cell code in `gap_rows`.
ROLE_COLUMNS: dict[str, str] = {role: f"cell_{role}" for role in MEDDPICC_ROLES}


def _role_bitmask(role_column: ColumnElement) -> ColumnElement:
    # (stakeholder, role) is the primary key, so SUM of distinct bits is their bitwise OR.
    return func.sum(case(ROLE_BITS, value=role_column, else_=0))


def _has_bit(mask: ColumnElement, bit: int) -> ColumnElement:
    return mask.op("&")(bit) != 0


# The outer opportunities get an alias of their own: full_team_select() reads `opportunities`
# inside, and SQLite can mis-resolve a correlated name shared with the subquery's own table.
OPP = aliased(Opportunity, name="opp")


def opportunity_filter_conditions(*, stages: Sequence[str] = (), close_from: date | None = None,
                                  close_to: date | None = None, company_ids: Sequence[int] = (),
                                  user_ids: Sequence[int] = (),
                                  min_value: float | None = None,
                                  open_only: bool = True,
                                  scope: str | None = None) -> list[ColumnElement]:
    """WHERE conditions on opportunities: open (unless told), then the screen's filters."""
    conditions: list[ColumnElement] = []
    if open_only:
        open_stages = [s for s in OPEN_STAGES if not stages or s in stages]
        conditions.append(OPP.stage.in_(open_stages) if open_stages else false())
    elif stages:
        conditions.append(OPP.stage.in_(list(stages)))
    if close_from is not None:
        conditions.append(OPP.expected_close_date >= close_from)
    if close_to is not None:
        conditions.append(OPP.expected_close_date <= close_to)
    if company_ids:
        conditions.append(OPP.company_id.in_(list(company_ids)))
    if min_value is not None:
        conditions.append(OPP.value >= min_value)
    if user_ids:
        team = full_team_select().subquery()
        conditions.append(OPP.id.in_(
            select(team.c.opportunity_id).where(team.c.user_id.in_(list(user_ids)))))
    in_scope = scoped_opportunity_ids(Scope.parse(scope))
    if in_scope is not None:
        conditions.append(OPP.id.in_(in_scope))
    return conditions


def gap_rows(*, stages: Sequence[str] = (), close_from: date | None = None,
             close_to: date | None = None, company_ids: Sequence[int] = (),
             user_ids: Sequence[int] = (), min_value: float | None = None,
             gap_types: Sequence[str] = (), opportunity_ids: Sequence[int] = (),
             open_only: bool = True, scope: str | None = None,
             fresh_since: datetime | None = None) -> Select:
    """One row per matching open opportunity with its cell codes, gap counts and money at risk,
    as a statement (the same for both databases).

    Columns: opportunity_id, name, company_id, company, stage, value, probability,
    weighted_value, expected_close_date, linked_stakeholders, single_threaded, cell_<role> per
    MEDDPICC role, required_count, covered_owned, missing, unowned, owner_departed, off_team,
    gated,
    coverage_score, at_risk, value_at_risk, weighted_value_at_risk. A deal whose stage requires
    no role is not gated: gated 0, coverage_score NULL, never at risk (see the glossary).

    With `fresh_since`, a role whose full-team owners last touched its holders before then is
    *covered, owned but stale* (still covered and owned for the score and the risk: the
    relationship exists, it has gone quiet); without it no cell is stale.
    """
    conditions = opportunity_filter_conditions(
        stages=stages, close_from=close_from, close_to=close_to, company_ids=company_ids,
        user_ids=user_ids, min_value=min_value, open_only=open_only, scope=scope)
    if opportunity_ids:
        conditions.append(OPP.id.in_(list(opportunity_ids)))
    per_opportunity = role_levels(conditions, fresh_since=fresh_since).subquery("per_opportunity")
    required = (select(StageRequiredRole.stage,
                       _role_bitmask(StageRequiredRole.meddpicc_role).label("mask"),
                       func.count().label("roles"))
                .group_by(StageRequiredRole.stage).subquery("required"))

    mask = func.coalesce(required.c.mask, 0)
    cells = {role: case((~_has_bit(mask, bit), NOT_REQUIRED), else_=per_opportunity.c[role])
             for role, bit in ROLE_BITS.items()}
    linked = per_opportunity.c.linked
    single_threaded = is_single_threaded(per_opportunity)
    weighted = cast(per_opportunity.c.value * per_opportunity.c.probability / 100.0, Float)
    base = (select(per_opportunity.c.opportunity_id, per_opportunity.c.name,
                   per_opportunity.c.company_id, Company.name.label("company"),
                   per_opportunity.c.stage, cast(per_opportunity.c.value, Float).label("value"),
                   per_opportunity.c.probability, weighted.label("weighted_value"),
                   per_opportunity.c.expected_close_date, linked.label("linked_stakeholders"),
                   case((single_threaded, 1), else_=0).label("single_threaded"),
                   *(cell.label(ROLE_COLUMNS[role]) for role, cell in cells.items()),
                   func.coalesce(required.c.roles, 0).label("required_count"))
            .join(Company, Company.id == per_opportunity.c.company_id)
            .outerjoin(required, required.c.stage == per_opportunity.c.stage)
            .offset(0).subquery("base"))
    return _with_counts(base, gap_types)


def is_single_threaded(levels) -> ColumnElement:
    """Over a `role_levels` subquery: at most one linked stakeholder, or every one owned and all
    by the same single user (a stakeholder with two owners makes lowest and highest differ)."""
    return or_(levels.c.linked <= 1, and_(levels.c.any_unowned == 0, levels.c.lo == levels.c.hi))


def role_levels(conditions: Sequence[ColumnElement], *,
                fresh_since: datetime | None = None) -> Select:
    """Per opportunity matching the conditions: its columns, linked stakeholders, whether any
    linked one is unowned, the lowest and highest user owning a linked stakeholder, and per
    MEDDPICC role the best cell code a linked holder reaches (MISSING: none, COVERED_UNOWNED:
    held but never owned, COVERED_OWNER_DEPARTED: held only by stakeholders whose owners all
    departed, COVERED_OFF_TEAM: owned off the deal team, COVERED_STALE: owned by a full-team
    member who has not touched the holder since `fresh_since`, COVERED_OWNED: owned by a
    member of the opportunity's full team); holders are compared by `_RANK`.

    One statement grouped by opportunity: a row per link, owner of its stakeholder and role
    the stakeholder holds, each with the owner's full-team rows (primary keys, so no extra
    rows); a role's level is the best over its rows. Both engines walk it in opportunity order
    and group without sorting (SQLite by primary-key lookups, PostgreSQL by merge joins).
    """
    link, owner = StakeholderOpportunity, StakeholderRelationshipOwner
    role_row = StakeholderMeddpiccRole
    team_joins, on_team = full_team_member_joins(OPP, owner.user_id)
    # No owner still here: departed if the stakeholder is among the few the departed owned.
    departed_owned = select(StakeholderRelationshipOwner.stakeholder_id).where(
        StakeholderRelationshipOwner.user_id.in_(departed_user_ids()))
    unowned = case((link.stakeholder_id.in_(departed_owned), _RANK[COVERED_OWNER_DEPARTED]),
                   else_=_RANK[COVERED_UNOWNED])
    # The pairs touched since `fresh_since`, once each: an outer join adds no rows.
    fresh = fresh_pairs(fresh_since) if fresh_since is not None else None
    level = case((owner.user_id.is_(None), unowned), (~on_team, _RANK[COVERED_OFF_TEAM]),
                 *(((fresh.c.user_id.is_(None), _RANK[COVERED_STALE]),)
                   if fresh is not None else ()),
                 else_=_RANK[COVERED_OWNED])
    codes = {rank: code for code, rank in _RANK.items()}
    # The owner and role joins repeat a link, so its count is read from the link table.
    counted = aliased(StakeholderOpportunity, name="counted_link")
    linked = (select(func.count()).where(counted.opportunity_id == OPP.id)
              .correlate(OPP).scalar_subquery())
    stmt = (select(OPP.id.label("opportunity_id"), OPP.name, OPP.company_id, OPP.stage,
                   OPP.value, OPP.probability, OPP.expected_close_date, linked.label("linked"),
                   func.max(case((and_(link.stakeholder_id.is_not(None),
                                       owner.user_id.is_(None)), 1), else_=0))
                   .label("any_unowned"),
                   func.min(owner.user_id).label("lo"), func.max(owner.user_id).label("hi"),
                   *(case(codes, value=func.max(case({role: level},
                                                     value=role_row.meddpicc_role)),
                          else_=MISSING).label(role) for role in MEDDPICC_ROLES))
            .select_from(OPP)
            .outerjoin(link, link.opportunity_id == OPP.id)
            # Owners who departed own nothing any more (their holders count as unowned).
            .outerjoin(owner, and_(owner.stakeholder_id == link.stakeholder_id,
                                   owner.user_id.not_in(departed_user_ids())))
            .outerjoin(role_row, role_row.stakeholder_id == link.stakeholder_id))
    for target, onclause in team_joins:
        stmt = stmt.outerjoin(target, onclause)
    if fresh is not None:
        stmt = stmt.outerjoin(fresh, and_(fresh.c.stakeholder_id == link.stakeholder_id,
                                          fresh.c.user_id == owner.user_id))
    return stmt.where(*conditions).group_by(OPP.id)


def _count_cells(base, code: int) -> ColumnElement:
    return sum((case((base.c[column] == code, 1), else_=0) for column in ROLE_COLUMNS.values()),
               start=literal(0))


def _with_counts(base, gap_types: Sequence[str]) -> Select:
    counted = select(
        *base.c,
        _count_cells(base, MISSING).label("missing"),
        _count_cells(base, COVERED_UNOWNED).label("unowned"),
        _count_cells(base, COVERED_OWNER_DEPARTED).label("owner_departed"),
        _count_cells(base, COVERED_OFF_TEAM).label("off_team")).offset(0).subquery("counted")
    # Every required cell is in exactly one state, so the owned ones need no count of their own.
    # Stale cells count as covered and owned here.
    covered_owned = (counted.c.required_count - counted.c.missing - counted.c.unowned
                     - counted.c.owner_departed - counted.c.off_team)
    at_risk = covered_owned < counted.c.required_count
    gated = counted.c.required_count > 0
    stmt = select(
        *counted.c, covered_owned.label("covered_owned"),
        case((gated, 1), else_=0).label("gated"),
        case((gated, cast(covered_owned, Float) / counted.c.required_count),
             else_=None).label("coverage_score"),
        case((at_risk, 1), else_=0).label("at_risk"),
        case((at_risk, counted.c.value), else_=0.0).label("value_at_risk"),
        case((at_risk, counted.c.weighted_value), else_=0.0).label("weighted_value_at_risk"))
    chosen = [counted.c[g] > 0 for g in ("missing", "unowned", "owner_departed", "off_team")
              if g in gap_types]
    if "single_threaded" in gap_types:
        chosen.append(counted.c.single_threaded == 1)
    if gap_types:
        stmt = stmt.where(or_(*chosen) if chosen else false())
    return stmt
