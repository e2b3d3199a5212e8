"""MEDDPICC roll-ups per stage, team member, company and gap type (answers written here)."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.meddpicc import gap_summary
from crm_core.queries.meddpicc_rollups import (
    gap_overview,
    gaps_by_company,
    gaps_by_stage,
    gaps_by_team_member,
    value_at_risk_by_gap_type,
)
from tests.integration.meddpicc_dataset import build_gap_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


def test_value_at_risk_rolls_up_per_stage_in_stage_order(engine, world):
    with read_session(engine) as session:
        frame = gaps_by_stage(session).set_index("stage")
    assert list(frame.index) == ["prospecting", "qualification", "discovery", "solution"]
    assert frame.loc["qualification", "opportunities"] == 5
    assert frame.loc["qualification", "fully_covered"] == 3
    assert frame.loc["qualification", "pipeline"] == 195_000
    assert frame.loc["qualification", "weighted_pipeline"] == 39_000
    assert frame.loc["qualification", "value_at_risk"] == 150_000
    assert frame.loc["qualification", "weighted_value_at_risk"] == 30_000
    assert frame.loc["discovery", "value_at_risk"] == 65_000
    assert frame.loc["discovery", "off_team"] == 2
    assert frame.loc["solution", "missing"] == 1
    assert frame.loc["prospecting", "value_at_risk"] == 0


def test_each_full_team_member_sees_the_deals_they_are_on(engine, world):
    with read_session(engine) as session:
        frame = gaps_by_team_member(session).set_index("name")
    assert frame.loc["Ann Team", "opportunities"] == 10
    assert frame.loc["Ann Team", "value_at_risk"] == 415_000
    assert frame.loc["Ben Added", "opportunities"] == 1       # added to "Added" only
    assert frame.loc["Ben Added", "value_at_risk"] == 0
    assert frame.loc["Ben Added", "pipeline"] == 30_000
    assert "Cat Outside" not in frame.index                   # on no team at all


def test_companies_roll_up_with_the_most_value_at_risk_first(engine, world):
    with read_session(engine) as session:
        frame = gaps_by_company(session)
    assert list(frame["company"]) == ["Acme"]
    assert frame.iloc[0]["value_at_risk"] == 415_000
    assert frame.iloc[0]["single_threaded"] == 3


def test_value_at_risk_per_gap_type_counts_a_deal_under_each_of_its_gaps(engine, world):
    with read_session(engine) as session:
        frame = value_at_risk_by_gap_type(session).set_index("gap_type")
    assert frame.loc["missing", "opportunities"] == 2
    assert frame.loc["missing", "value"] == 300_000
    assert frame.loc["missing", "weighted_value"] == 120_000
    assert frame.loc["unowned", "value"] == 50_000
    assert frame.loc["off_team", "value"] == 65_000
    assert frame.loc["off_team", "weighted_value"] == 22_750
    assert frame.loc["single_threaded", "opportunities"] == 3
    assert frame.loc["single_threaded", "value"] == 125_000
    assert frame.loc["single_threaded", "weighted_value"] == 24_500


def test_roll_ups_honour_the_filters(engine, world):
    with read_session(engine) as session:
        stages = gaps_by_stage(session, stages=["discovery"])
        members = gaps_by_team_member(session, user_ids=[world["ben"]]).set_index("name")
    assert list(stages["stage"]) == ["discovery"]
    assert members.loc["Ann Team", "opportunities"] == 1      # only "Added" has Ben on it


def test_the_one_pass_overview_matches_the_summary_stages_and_gap_types(engine, world):
    with read_session(engine) as session:
        overview = gap_overview(session)
        assert overview.summary == gap_summary(session)
        assert overview.by_stage.equals(gaps_by_stage(session))
        assert overview.by_gap_type.equals(value_at_risk_by_gap_type(session))
    assert overview.summary.value_at_risk == 415_000
    assert list(overview.by_gap_type["value"]) == [300_000, 50_000, 65_000, 125_000]
