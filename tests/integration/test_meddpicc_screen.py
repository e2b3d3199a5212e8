"""The MEDDPICC screen's one-pass query: headline, stage roll-up, gap types and the top rows
(answers written here; the hand-built world is tests/integration/meddpicc_dataset.py)."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.meddpicc import gap_summary, opportunity_gap_list, opportunity_gaps
from crm_core.queries.meddpicc_screen import gap_screen
from tests.integration.meddpicc_dataset import build_gap_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


def test_the_screen_headline_counts_pipeline_and_value_at_risk(engine, world):
    with read_session(engine) as session:
        summary = gap_screen(session, limit=3).summary
    assert summary.open_opportunities == 10
    assert summary.gated == 9
    assert summary.fully_covered == 4      # Added, SameOwner, TwoOwners, Mixed
    assert summary.fully_covered_share == 4 / 9
    assert summary.pipeline == 495_000
    assert summary.weighted_pipeline == 172_750
    assert summary.value_at_risk == 415_000
    assert summary.weighted_value_at_risk == 152_750
    assert summary.single_threaded == 3


def test_the_screen_rolls_up_per_stage_and_per_gap_type(engine, world):
    with read_session(engine) as session:
        screen = gap_screen(session, limit=3)
    stages = screen.by_stage.set_index("stage")
    assert list(stages.index) == ["prospecting", "qualification", "discovery", "solution"]
    assert stages.loc["qualification", "opportunities"] == 5
    assert stages.loc["qualification", "fully_covered"] == 3
    assert (stages.loc["prospecting", "opportunities"], stages.loc["prospecting", "gated"],
            stages.loc["prospecting", "fully_covered"]) == (1, 0, 0)
    assert stages.loc["qualification", "pipeline"] == 195_000
    assert stages.loc["qualification", "weighted_value_at_risk"] == 30_000
    assert stages.loc["discovery", "off_team"] == 2
    assert stages.loc["solution", "missing"] == 1
    assert list(screen.by_gap_type["value"]) == [300_000, 50_000, 65_000, 125_000]
    assert list(screen.by_gap_type["weighted_value"]) == [120_000, 10_000, 22_750, 24_500]


def test_the_screen_lists_the_most_value_at_risk_first_like_the_gap_list(engine, world):
    with read_session(engine) as session:
        screen = gap_screen(session, limit=3)
        listed = opportunity_gap_list(session, limit=3)
    top = screen.top.set_index("name")
    assert list(top.index) == ["Solution", "Missing", "Unowned"]
    assert top.loc["Solution", "gaps"] == "no decision maker; no technical buyer"
    assert top.loc["Missing", "team"] == "Ann Team, Dan Team"
    assert top.loc["Missing", "value_at_risk"] == 100_000
    assert top.loc["Solution", "economic_buyer"] == "covered_owned"
    assert screen.top.equals(listed)


def test_the_screen_matches_the_separate_queries_under_filters(engine, world):
    with read_session(engine) as session:
        for filters in ({"stages": ("discovery",)}, {"gap_types": ("off_team",)},
                        {"user_ids": (world["ben"],)}):
            screen = gap_screen(session, limit=50, **filters)
            assert screen.summary == gap_summary(session, **filters)
            assert screen.top.equals(opportunity_gap_list(session, limit=50, **filters))
        assert gap_screen(session, gap_types=("off_team",)).summary.value_at_risk == 65_000


def test_a_screen_with_no_matching_opportunity_is_empty(engine, world):
    with read_session(engine) as session:
        screen = gap_screen(session, stages=("closed_won",))
    assert screen.summary.open_opportunities == 0
    assert screen.summary.fully_covered_share is None
    assert screen.by_stage.empty and screen.top.empty
    assert list(screen.by_gap_type["opportunities"]) == [0, 0, 0, 0]


def test_a_deal_whose_stage_requires_no_role_is_not_gated(engine, world):
    # "Prospect" (prospecting requires no MEDDPICC role): no score, not fully covered, never
    # at risk, and out of the fully covered share's denominator.
    with read_session(engine) as session:
        summary = gap_summary(session, stages=("prospecting", "qualification"))
        prospect = opportunity_gaps(session, opportunity_id=world["Prospect"])
        listed = opportunity_gap_list(session, stages=("prospecting",))
    assert (summary.open_opportunities, summary.gated, summary.not_gated) == (6, 5, 1)
    assert (summary.fully_covered, summary.fully_covered_share) == (3, 3 / 5)
    assert prospect.coverage_score is None and not prospect.at_risk
    assert listed["coverage_score"].isna().tolist() == [True]


def test_only_deals_that_are_not_gated_have_no_fully_covered_share(engine, world):
    with read_session(engine) as session:
        summary = gap_summary(session, stages=("prospecting",))
    assert (summary.open_opportunities, summary.not_gated, summary.fully_covered) == (1, 1, 0)
    assert summary.fully_covered_share is None
