"""MEDDPICC gaps of open opportunities: the headline, the opportunities × roles matrix, the gap
list and one opportunity's gaps. Roll-ups live in meddpicc_rollups, the scorecard in
meddpicc_scorecard (re-exported here under the shared names)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Float, Select, String, case, cast, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session

from crm_core.models import Opportunity as OPP
from crm_core.models import User
from crm_core.queries.detail_common import id_chunks
from crm_core.queries.freshness import days_since, stale_cutoff, team_last_touch_by_role
from crm_core.queries.meddpicc_scorecard import opportunity_scorecard
from crm_core.queries.meddpicc_sql import (
    CELL_STATES,
    COVERED_OFF_TEAM,
    COVERED_OWNER_DEPARTED,
    COVERED_STALE,
    COVERED_UNOWNED,
    MISSING,
    NOT_REQUIRED,
    ROLE_COLUMNS,
    gap_rows,
)
from crm_core.queries.scope import Scope, scoped_opportunity_ids
from crm_core.queries.teams import full_team_select
from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES

__all__ = ["GapSummary", "OpportunityGaps", "gap_summary", "gap_summaries_by_scope",
           "gap_matrix", "opportunity_gap_list",
           "opportunity_gaps", "opportunity_scorecard", "gap_words"]

_GAP_WORDS = {MISSING: "no {role}", COVERED_UNOWNED: "{role} unowned",
              COVERED_OWNER_DEPARTED: "{role}: owner departed",
              COVERED_OFF_TEAM: "{role} owned off the deal team",
              COVERED_STALE: "{role} owned but stale"}


@dataclass(frozen=True)
class GapSummary:
    """The headline of the MEDDPICC screen over the filtered open opportunities."""

    open_opportunities: int
    gated: int
    fully_covered: int
    pipeline: float
    weighted_pipeline: float
    value_at_risk: float
    weighted_value_at_risk: float
    single_threaded: int = 0
    not_gated_pipeline: float = 0.0

    @property
    def not_gated(self) -> int:
        """Open opportunities whose stage requires no MEDDPICC role."""
        return self.open_opportunities - self.gated

    @property
    def fully_covered_share(self) -> float | None:
        """Fully covered gated deals ÷ gated deals (None without a gated deal)."""
        return self.fully_covered / self.gated if self.gated else None


@dataclass(frozen=True)
class OpportunityGaps:
    """One opportunity's MEDDPICC gaps (for its detail page and the scorecard view)."""

    opportunity_id: int
    is_open: bool
    required_roles: tuple[str, ...]
    cells: dict[str, str]
    missing: tuple[str, ...]
    unowned: tuple[str, ...]
    owner_departed: tuple[str, ...]
    off_team: tuple[str, ...]
    stale: tuple[str, ...]
    single_threaded: bool
    linked_stakeholders: int
    coverage_score: float | None  # None: not gated (the stage requires no role)
    value_at_risk: float
    weighted_value_at_risk: float
    gaps_in_words: tuple[str, ...]

    @property
    def at_risk(self) -> bool:
        return bool(self.missing or self.unowned or self.owner_departed or self.off_team)


def gap_summary(session: Session, **filters) -> GapSummary:
    """Open opportunities (gated or not), fully covered gated ones, pipeline and what of it is
    at risk."""
    rows = gap_rows(**filters).subquery()
    return _as_summary(session.execute(select(*_summary_columns(rows))).one())


def gap_summaries_by_scope(session: Session, *, scopes: Sequence[str]) -> dict[str, GapSummary]:
    """gap_summary(scope=s) of each scope, from one pass over every open deal's gaps joined to
    each scope's deals (as scope.scoped_opportunity_ids selects them)."""
    members = []
    for text in scopes:
        ids = scoped_opportunity_ids(Scope.parse(text))
        ids = select(OPP.id) if ids is None else select(ids.subquery().c[0])
        members.append(ids.add_columns(literal(text, String(40)).label("scope")))
    pairs = union_all(*members).subquery("scope_deals")
    rows = gap_rows().subquery()
    found = session.execute(
        select(pairs.c.scope, *_summary_columns(rows))
        .join(rows, rows.c.opportunity_id == pairs.c[0]).group_by(pairs.c.scope)).all()
    by_scope = {row[0]: _as_summary(row[1:]) for row in found}
    return {text: by_scope.get(text, _as_summary((0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0, 0.0)))
            for text in scopes}


def _summary_columns(rows) -> list:
    money = [func.coalesce(func.sum(c), 0.0) for c in (
        rows.c.value, rows.c.weighted_value, rows.c.value_at_risk,
        rows.c.weighted_value_at_risk)]
    return [func.count(), func.coalesce(func.sum(rows.c.gated), 0),
            func.coalesce(func.sum(rows.c.gated - rows.c.at_risk), 0),
            *(cast(m, Float) for m in money),
            func.coalesce(func.sum(rows.c.single_threaded), 0),
            cast(func.coalesce(func.sum(case((rows.c.gated == 0, rows.c.value), else_=0.0)),
                               0.0), Float)]


def _as_summary(row) -> GapSummary:
    return GapSummary(open_opportunities=int(row[0]), gated=int(row[1]),
                      fully_covered=int(row[2]), pipeline=float(row[3]),
                      weighted_pipeline=float(row[4]), value_at_risk=float(row[5]),
                      weighted_value_at_risk=float(row[6]), single_threaded=int(row[7]),
                      not_gated_pipeline=float(row[8]))


def _ordered(stmt: Select, rows) -> Select:
    return stmt.order_by(rows.c.value_at_risk.desc(), rows.c.value.desc(),
                         rows.c.opportunity_id)


def gap_matrix(session: Session, *, limit: int | None = None, offset: int = 0,
               **filters) -> pd.DataFrame:
    """Opportunities × MEDDPICC roles, most value at risk first: one row per opportunity.

    Columns: opportunity_id, name, company, stage, value, weighted_value, value_at_risk,
    coverage_score, then one categorical column per role (values of CELL_STATES).
    """
    rows = gap_rows(**filters).subquery()
    # The seven cell codes travel packed in one integer (3 bits each): far fewer values to
    # fetch for ~40k opportunities; numpy unpacks them.
    packed = sum((rows.c[column] * (8 ** i) for i, column in enumerate(ROLE_COLUMNS.values())),
                 start=literal(0))
    stmt = _ordered(select(rows.c.opportunity_id, rows.c.name, rows.c.company, rows.c.stage,
                           rows.c.value, rows.c.weighted_value, rows.c.value_at_risk,
                           rows.c.coverage_score, packed.label("cells")), rows)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    # Core execution: ORM row handling costs more than the query's own work at this size.
    result = session.connection().execute(stmt)
    frame = pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    cells = frame.pop("cells").to_numpy(dtype="int64")
    states = list(CELL_STATES)
    for i, role in enumerate(ROLE_COLUMNS):
        frame[role] = pd.Categorical.from_codes((cells >> (3 * i)) & 7, categories=states)
    return frame


def gap_words(cells: dict[str, int]) -> list[str]:
    """The gaps of one opportunity in words ("no economic buyer", "champion unowned",
    "economic buyer: owner departed")."""
    words = []
    for role, code in cells.items():
        if code in _GAP_WORDS:
            words.append(_GAP_WORDS[code].format(role=MEDDPICC_ROLES.label(role).lower()))
    return words


def _team_names(session: Session, opportunity_ids: list[int]) -> dict[int, str]:
    team = full_team_select().subquery()
    rows = [row for chunk in id_chunks(opportunity_ids) for row in session.execute(
        select(distinct(team.c.opportunity_id), User.name)
        .join(User, User.id == team.c.user_id).where(team.c.opportunity_id.in_(chunk))
        .order_by(team.c.opportunity_id, User.name)).all()]
    names: dict[int, list[str]] = {}
    for opportunity_id, name in rows:
        names.setdefault(opportunity_id, []).append(name)
    return {k: ", ".join(v) for k, v in names.items()}


def opportunity_gap_list(session: Session, *, limit: int | None = 50, offset: int = 0,
                         **filters) -> pd.DataFrame:
    """A page of opportunities (limit=None: all of them), most value at risk first, with their
    gaps in words, their full team and the cell state of each MEDDPICC role (so one page can
    feed the heatmap too)."""
    rows = gap_rows(**filters).subquery()
    stmt = _ordered(select(rows), rows).limit(limit).offset(offset)
    result = session.execute(stmt)
    return described_gap_rows(session, pd.DataFrame(result.all(), columns=list(result.keys())))


def described_gap_rows(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of `gap_rows` as the gap list shows them: gaps in words, full team, role cells."""
    columns = ["opportunity_id", "name", "company_id", "company", "stage",
               "expected_close_date", "value", "weighted_value", "probability",
               "coverage_score", "gaps", "single_threaded", "linked_stakeholders", "team",
               "value_at_risk", "weighted_value_at_risk", *MEDDPICC_ROLES]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    codes = zip(*(frame[c] for c in ROLE_COLUMNS.values()), strict=True)
    frame["gaps"] = ["; ".join(gap_words(dict(zip(ROLE_COLUMNS, row, strict=True))))
                     for row in codes]
    frame["single_threaded"] = frame["single_threaded"].astype(bool)
    teams = _team_names(session, [int(i) for i in frame["opportunity_id"]])
    frame["team"] = [teams.get(int(i), "") for i in frame["opportunity_id"]]
    states = list(CELL_STATES)
    for role, column in ROLE_COLUMNS.items():
        frame[role] = pd.Categorical.from_codes(frame[column].astype("int64"), categories=states)
    return frame[columns]


def opportunity_gaps(session: Session, *, opportunity_id: int,
                     today: date | None = None) -> OpportunityGaps | None:
    """The gaps of one opportunity; None if it does not exist. Closed ones are never at risk.
    With `today`, roles owned by the team but not touched within the threshold are stale
    ("economic buyer owned, last touch 140 days ago")."""
    fresh_since = stale_cutoff(session, today=today) if today is not None else None
    row = session.execute(gap_rows(opportunity_ids=[opportunity_id], open_only=False,
                                   fresh_since=fresh_since)).mappings().first()
    if row is None:
        return None
    is_open = row["stage"] in OPEN_STAGES
    codes = {role: int(row[column]) for role, column in ROLE_COLUMNS.items()}
    by_code = {code: tuple(r for r, c in codes.items() if c == code)
               for code in (MISSING, COVERED_UNOWNED, COVERED_OWNER_DEPARTED, COVERED_OFF_TEAM,
                            COVERED_STALE)}
    required = tuple(r for r, c in codes.items() if c != NOT_REQUIRED)
    return OpportunityGaps(
        opportunity_id=opportunity_id, is_open=is_open, required_roles=required,
        cells={role: list(CELL_STATES)[code] for role, code in codes.items()},
        missing=by_code[MISSING], unowned=by_code[COVERED_UNOWNED],
        owner_departed=by_code[COVERED_OWNER_DEPARTED],
        off_team=by_code[COVERED_OFF_TEAM], stale=by_code[COVERED_STALE],
        single_threaded=bool(row["single_threaded"]) and is_open,
        linked_stakeholders=int(row["linked_stakeholders"]),
        coverage_score=(None if row["coverage_score"] is None
                        else float(row["coverage_score"])),
        value_at_risk=float(row["value_at_risk"]) if is_open else 0.0,
        weighted_value_at_risk=float(row["weighted_value_at_risk"]) if is_open else 0.0,
        gaps_in_words=tuple(_stale_words(gap_words(codes), session, opportunity_id,
                                         by_code[COVERED_STALE], today)) if is_open else ())


def _stale_words(words: list[str], session: Session, opportunity_id: int,
                 stale_roles: tuple[str, ...], today: date | None) -> list[str]:
    # The stale cells' words name how long ago the team last touched the role's holders.
    if not stale_roles or today is None:
        return words
    touches = team_last_touch_by_role(session, opportunity_id=opportunity_id)
    for role in stale_roles:
        label = MEDDPICC_ROLES.label(role).lower()
        days = days_since(touches.get(role), today)
        detail = "never touched" if days is None else f"last touch {days} days ago"
        words[words.index(f"{label} owned but stale")] = f"{label} owned, {detail}"
    return words
