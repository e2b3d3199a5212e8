"""The benchmark's references answer the same figure as our query: the hand-written gap matrix
and the naive ORM loop give the cells, order and value at risk written here for the hand-built
MEDDPICC dataset (meddpicc_dataset.py); the hand-written coverage per company gives the
Coverage screen's rows for the ownership dataset (coverage_dataset.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from bench.baselines import hand_sql, naive_gap_matrix
from bench.scoped import scoped_hand_sql
from crm_core.db import read_session, write_session
from crm_core.queries.coverage import coverage_summary
from crm_core.queries.overview import open_pipeline
from crm_core.queries.tasks import task_counts
from crm_core.vocab import MEDDPICC_ROLES
from tests.factories import TODAY, add_company, add_stakeholder, add_touch, add_user
from tests.integration.coverage_dataset import build_coverage_world
from tests.integration.meddpicc_dataset import build_gap_world
from tests.integration.team_dataset import add_role_holders, build_team_world

# Cell codes: 0 missing, 1 unowned, 2 owned off the deal team, 4 owned by the full team,
# 5 not required, 6 owner departed (3, owned but stale, needs a stale threshold, which the
# references do not take).
# Per opportunity, most value at risk first: value at risk, then the cells of economic buyer,
# champion, decision maker and technical buyer (influencer, gatekeeper and user are never
# required by these stages, so always 5).
EXPECTED = [
    ("Solution", 200_000, (4, 4, 0, 0)),   # the solution stage also requires DM and TB
    ("Missing", 100_000, (0, 4, 5, 5)),    # nobody holds the economic buyer role
    ("Unowned", 50_000, (1, 4, 5, 5)),     # its economic buyer has no owner
    ("OffTeam", 40_000, (2, 4, 5, 5)),     # owned by Cat, on no team
    ("NotAdded", 25_000, (2, 4, 5, 5)),    # Ben is added to another deal only
    ("Added", 0, (4, 4, 5, 5)),            # Ben is added to this deal
    ("SameOwner", 0, (4, 4, 5, 5)),
    ("Mixed", 0, (4, 4, 5, 5)),            # an owned holder on the team beats an unowned one
    ("TwoOwners", 0, (4, 4, 5, 5)),
    ("Prospect", 0, (5, 5, 5, 5)),         # prospecting requires no role
]
SHOWN = ("economic_buyer", "champion", "decision_maker", "technical_buyer")


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


@pytest.mark.parametrize("reference", ["hand-written SQL", "naive ORM loop"])
def test_the_gap_matrix_references_give_the_products_cells(engine, world, reference):
    with read_session(engine) as session:
        matrix = (hand_sql(session, figure="MEDDPICC gap matrix")
                  if reference == "hand-written SQL" else naive_gap_matrix(session))

    assert list(matrix["name"]) == [name for name, _, _ in EXPECTED]
    assert [float(v) for v in matrix["value_at_risk"]] == [risk for _, risk, _ in EXPECTED]
    for (name, _, cells), (_, row) in zip(EXPECTED, matrix.iterrows(), strict=True):
        assert tuple(int(row[role]) for role in SHOWN) == cells, name
        assert {int(row[role]) for role in MEDDPICC_ROLES if role not in SHOWN} == {5}, name
    # Solution: two of its four required roles owned; Missing: one of two; Prospect: not gated
    # (its stage requires no role), so no score.
    scores = dict(zip(matrix["name"], matrix["coverage_score"], strict=True))
    assert (float(scores["Solution"]), float(scores["Missing"])) == (0.5, 0.5)
    assert pd.isna(scores["Prospect"])


@pytest.mark.parametrize("reference", ["hand-written SQL", "naive ORM loop"])
def test_the_gap_matrix_references_tell_owner_departed_from_unowned(engine, reference):
    with write_session(engine) as session:
        add_role_holders(session, build_team_world(session))
    with read_session(engine) as session:
        matrix = (hand_sql(session, figure="MEDDPICC gap matrix")
                  if reference == "hand-written SQL" else naive_gap_matrix(session))
    cells = {row.name: (int(row.economic_buyer), int(row.champion))
             for row in matrix.itertuples()}
    # 6: owner departed (Sam Solo alone), 4: owned by the team, 1: unowned (Nina Nobody beside
    # Sam Solo), 2: owned off the deal team (Tia Two, still Eli's), 0: missing.
    assert cells == {"Acme deal": (6, 4), "Acme expansion": (1, 2), "Bolt deal": (0, 0),
                     "Core deal": (0, 0)}
    assert list(matrix["name"]) == ["Core deal", "Bolt deal", "Acme deal", "Acme expansion"]


def test_the_coverage_reference_gives_the_screens_rows_most_orphans_first(engine):
    with write_session(engine) as session:
        build_coverage_world(session)
    with read_session(engine) as session:
        frame = hand_sql(session, figure="coverage per company")

    # company, industry, stakeholders, owned, single owner, multi owner, pipeline, open deals
    assert [(r.company, r.industry, r.stakeholders, r.owned, r.single_owner, r.multi_owner,
             float(r.open_pipeline), r.open_opportunities) for r in frame.itertuples()] == [
        ("Core", "Software", 2, 0, 0, 0, 0.0, 0),
        ("Acme", "Software", 4, 3, 2, 1, 150_000.0, 2),
        ("Bolt", "Retail", 3, 2, 2, 0, 40_000.0, 1)]


def test_the_freshness_reference_gives_every_ownerships_last_touch_and_state(engine):
    with write_session(engine) as session:
        ann, ben = add_user(session, "Ann Able"), add_user(session, "Ben Bold")
        acme = add_company(session, "Acme", team=[ann])
        dana = add_stakeholder(session, acme, "Dana Diaz", owners=[ann, ben])
        eli = add_stakeholder(session, acme, "Eli Evans", owners=[ann])
        add_touch(session, ann, dana, days_ago=10)
        add_touch(session, ann, eli, days_ago=100)
        add_touch(session, ben, dana, days_ago=1, links=[("stakeholder", dana.id)])  # not Ben
        add_touch(session, ben, dana, days_ago=1, status="cancelled")
        ids = {"ann": ann.id, "ben": ben.id, "dana": dana.id, "eli": eli.id}
    fresh_since = datetime.combine(TODAY - timedelta(days=90), time.min)
    with read_session(engine) as session:
        frame = hand_sql(session, figure="freshness per ownership", fresh_since=fresh_since)

    def noon(days_ago):
        return datetime.combine(TODAY - timedelta(days=days_ago), time(12))

    assert [(r.stakeholder_id, r.user_id,
             None if pd.isna(r.last_touch) else pd.Timestamp(r.last_touch),
             r.freshness) for r in frame.itertuples()] == sorted([
        (ids["dana"], ids["ann"], noon(10), "fresh"),
        (ids["dana"], ids["ben"], None, "never_touched"),
        (ids["eli"], ids["ann"], noon(100), "stale")])


@pytest.mark.parametrize("figure, ours, our_params, expected", [
    # Mia's team (Mia, Ray, departed Gus) is on Acme's account team: Al (Ray), Nina (nobody),
    # Sam (only Gus), Tia (Gus and Eli).
    ("team coverage", coverage_summary, {}, {
        "stakeholders": 4, "owned": 2, "single_owner": 2, "multi_owner": 0,
        "orphaned_owner_departed": 1}),
    # Acme deal through Ray on Acme's team, Core deal through Ray added to it (qualification:
    # 20% probability by default).
    ("team open pipeline", open_pipeline, {}, {
        "open_opportunities": 2, "pipeline": 500.0, "weighted_pipeline": 100.0}),
    # Ray's overdue call and Gus's letter due in five days.
    ("team tasks", task_counts, {"today": date.today()}, {
        "open": 2, "overdue": 1, "due_soon": 1, "blocked": 0}),
])
def test_the_scoped_references_give_the_products_figures(engine, figure, ours, our_params,
                                                         expected):
    with write_session(engine) as session:
        mia = build_team_world(session).mia.id
    with read_session(engine) as session:
        hand = scoped_hand_sql(session, figure=figure, manager_id=mia, today=date.today(),
                               week_end=date.today() + timedelta(days=7))
        product = ours(session, scope=f"team:{mia}", **our_params)
    assert {k: float(v) for k, v in hand.items()} == expected
    assert {k: float(getattr(product, k)) for k in expected} == expected
