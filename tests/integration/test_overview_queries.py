"""The overview's pipeline queries on a hand-built dataset, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.overview import (
    PipelineTotals,
    closing_soon,
    open_pipeline,
    pipeline_by_stage,
)
from tests.factories import TODAY, add_company, add_opportunity


@pytest.fixture
def pipeline_db(engine):
    """Four open deals (170,000; weighted 91,000) and two closed ones that must not count."""
    with write_session(engine) as session:
        acme = add_company(session, "Acme")
        globex = add_company(session, "Globex")
        add_opportunity(session, acme, "Acme Pilot", value=10_000, stage="prospecting",
                        probability=10, close_in_days=-5)
        add_opportunity(session, acme, "Acme Expansion", value=40_000, stage="qualification",
                        probability=25, close_in_days=10)
        add_opportunity(session, globex, "Globex Platform", value=100_000, stage="proposal",
                        probability=70, close_in_days=45)
        add_opportunity(session, globex, "Globex Add-on", value=20_000, stage="proposal",
                        probability=50, close_in_days=30)
        add_opportunity(session, acme, "Acme Renewal", value=500_000, stage="closed_won",
                        close_in_days=5)
        add_opportunity(session, globex, "Globex Lost", value=70_000, stage="closed_lost",
                        close_in_days=1)
    return engine


def test_open_pipeline_counts_only_open_stages_and_weights_by_each_deals_probability(
        pipeline_db):
    with read_session(pipeline_db) as session:
        assert open_pipeline(session) == PipelineTotals(
            open_opportunities=4, pipeline=170_000.0, weighted_pipeline=91_000.0)


def test_pipeline_by_stage_lists_every_open_stage_in_order_with_zeros_for_empty_ones(
        pipeline_db):
    with read_session(pipeline_db) as session:
        frame = pipeline_by_stage(session)
    assert frame.to_dict("records") == [
        {"stage": "prospecting", "stage_label": "Prospecting", "opportunities": 1,
         "pipeline": 10_000.0, "weighted_pipeline": 1_000.0},
        {"stage": "qualification", "stage_label": "Qualification", "opportunities": 1,
         "pipeline": 40_000.0, "weighted_pipeline": 10_000.0},
        {"stage": "discovery", "stage_label": "Discovery", "opportunities": 0,
         "pipeline": 0.0, "weighted_pipeline": 0.0},
        {"stage": "solution", "stage_label": "Solution", "opportunities": 0,
         "pipeline": 0.0, "weighted_pipeline": 0.0},
        {"stage": "proposal", "stage_label": "Proposal", "opportunities": 2,
         "pipeline": 120_000.0, "weighted_pipeline": 80_000.0},
        {"stage": "negotiation", "stage_label": "Negotiation", "opportunities": 0,
         "pipeline": 0.0, "weighted_pipeline": 0.0},
    ]


def test_closing_soon_lists_open_deals_due_within_the_window_slipped_ones_first(pipeline_db):
    with read_session(pipeline_db) as session:
        frame = closing_soon(session, today=TODAY, within_days=30)
    assert list(zip(frame["opportunity"], frame["company"], frame["slipped"],
                    strict=True)) == [
        ("Acme Pilot", "Acme", True),
        ("Acme Expansion", "Acme", False),
        ("Globex Add-on", "Globex", False),
    ]
    assert list(frame["expected_close_date"]) == [
        TODAY - timedelta(days=5), TODAY + timedelta(days=10), TODAY + timedelta(days=30)]
    assert list(frame["value"]) == [10_000.0, 40_000.0, 20_000.0]


def test_closing_soon_stops_at_the_limit(pipeline_db):
    with read_session(pipeline_db) as session:
        frame = closing_soon(session, today=TODAY, within_days=60, limit=2)
    assert list(frame["opportunity"]) == ["Acme Pilot", "Acme Expansion"]


def test_an_empty_database_has_an_empty_pipeline(engine):
    with read_session(engine) as session:
        assert open_pipeline(session) == PipelineTotals(0, 0.0, 0.0)
        frame = pipeline_by_stage(session)
        assert list(frame["opportunities"]) == [0, 0, 0, 0, 0, 0]
        assert closing_soon(session, today=TODAY).empty
