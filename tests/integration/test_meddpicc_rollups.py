"""MEDDPICC roll-ups per account team member and company (answers written here; per stage and
per gap type: test_meddpicc_screen.py)."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.meddpicc_rollups import gaps_by_company, gaps_by_team_member
from tests.integration.meddpicc_dataset import build_gap_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


def test_each_full_team_member_sees_the_deals_they_are_on(engine, world):
    with read_session(engine) as session:
        frame = gaps_by_team_member(session).set_index("name")
    assert frame.loc["Ann Team", "opportunities"] == 10
    assert frame.loc["Ann Team", "gated"] == 9                # "Prospect" requires no role
    assert frame.loc["Ann Team", "fully_covered"] == 4
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


def test_roll_ups_honour_the_filters(engine, world):
    with read_session(engine) as session:
        members = gaps_by_team_member(session, user_ids=[world["ben"]]).set_index("name")
    assert members.loc["Ann Team", "opportunities"] == 1      # only "Added" has Ben on it
