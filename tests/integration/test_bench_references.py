"""The benchmark's references answer the same figure as our query: the hand-written gap matrix
and the naive ORM loop give the cells, order and value at risk written here for the hand-built
MEDDPICC dataset (meddpicc_dataset.py); the hand-written coverage per company gives the
Coverage screen's rows for the ownership dataset (coverage_dataset.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.baselines import hand_sql, naive_gap_matrix
from crm_core.db import read_session, write_session
from crm_core.vocab import MEDDPICC_ROLES
from tests.integration.coverage_dataset import build_coverage_world
from tests.integration.meddpicc_dataset import build_gap_world

# Cell codes: 0 missing, 1 unowned, 2 owned off the deal team, 4 owned by the full team,
# 5 not required (3, owned but stale, needs a stale threshold, which the references do not take).
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
