"""Stakeholder ownership coverage, overall and broken down, with the answers written here."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.errors import ValidationError
from crm_core.queries.coverage import (
    CoverageSummary,
    coverage_by_company,
    coverage_by_industry,
    coverage_by_meddpicc_role,
    coverage_by_team_member,
    coverage_summary,
)
from crm_core.queries.coverage_lists import orphaned_stakeholders, single_owner_stakeholders
from tests.integration.coverage_dataset import build_coverage_world

COUNTS = ["stakeholders", "owned", "orphaned", "single_owner", "multi_owner"]


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_coverage_world(session)


def run(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def counts_by(frame, key):
    return {row[key]: tuple(int(row[c]) for c in COUNTS) for _, row in frame.iterrows()}


def test_the_summary_counts_owned_orphaned_single_and_multi_owner_stakeholders(engine, world):
    assert run(engine, coverage_summary) == CoverageSummary(
        stakeholders=9, owned=5, orphaned=4, single_owner=4, multi_owner=1, owned_share=5 / 9)


def test_an_empty_database_has_no_owned_share_rather_than_zero_percent(engine):
    assert run(engine, coverage_summary) == CoverageSummary(0, 0, 0, 0, 0, None)


@pytest.mark.parametrize(("filters", "expected"), [
    ({"industries": ["Retail"]}, (3, 2, 1, 2, 0)),
    ({"company_ids": ["Acme"]}, (4, 3, 1, 2, 1)),
    ({"user_ids": ["Cat"]}, (3, 2, 1, 2, 0)),
    ({"user_ids": ["Dan"]}, (0, 0, 0, 0, 0)),
    ({"meddpicc_roles": ["economic_buyer"]}, (3, 1, 2, 1, 0)),
    ({"meddpicc_roles": ["economic_buyer", "champion"]}, (5, 3, 2, 2, 1)),
    ({"only_with_open_opportunities": True}, (7, 5, 2, 4, 1)),
    ({"industries": ["Software"], "meddpicc_roles": ["economic_buyer"]}, (2, 1, 1, 1, 0)),
])
def test_filters_change_the_summary(engine, world, filters, expected):
    resolved = {k: [world[v] for v in vs] if k in ("company_ids", "user_ids") else vs
                for k, vs in filters.items()}
    summary = run(engine, coverage_summary, **resolved)
    assert (summary.stakeholders, summary.owned, summary.orphaned, summary.single_owner,
            summary.multi_owner) == expected


def test_an_unknown_meddpicc_role_is_refused_with_the_field_named(engine, world):
    with pytest.raises(ValidationError) as error:
        run(engine, coverage_summary, meddpicc_roles=["budget_holder"])
    assert error.value.field == "meddpicc_roles"


def test_coverage_per_company_counts_each_company_and_its_open_pipeline(engine, world):
    frame = run(engine, coverage_by_company)
    assert counts_by(frame, "company") == {"Acme": (4, 3, 1, 2, 1), "Bolt": (3, 2, 1, 2, 0),
                                           "Core": (2, 0, 2, 0, 0)}
    pipeline = dict(zip(frame["company"], frame["open_pipeline"], strict=True))
    assert pipeline == {"Acme": 150_000, "Bolt": 40_000, "Core": 0}
    assert frame.set_index("company").loc["Acme", "owned_share"] == pytest.approx(0.75)


def test_coverage_per_company_sorts_by_orphans_or_by_pipeline_and_pages(engine, world):
    assert list(run(engine, coverage_by_company, sort_by="orphaned")["company"]) == [
        "Core", "Acme", "Bolt"]
    assert list(run(engine, coverage_by_company, sort_by="pipeline")["company"]) == [
        "Acme", "Bolt", "Core"]
    assert list(run(engine, coverage_by_company, sort_by="pipeline", limit=1, offset=1)[
        "company"]) == ["Bolt"]


def test_coverage_per_industry_adds_up_its_companies(engine, world):
    frame = run(engine, coverage_by_industry)
    assert counts_by(frame, "industry") == {"Software": (6, 3, 3, 2, 1), "Retail": (3, 2, 1, 2, 0)}
    assert dict(zip(frame["industry"], frame["companies"], strict=True)) == {
        "Software": 2, "Retail": 1}
    assert dict(zip(frame["industry"], frame["open_pipeline"], strict=True)) == {
        "Software": 150_000, "Retail": 40_000}


def test_coverage_per_account_team_member_covers_the_companies_of_their_teams(engine, world):
    frame = run(engine, coverage_by_team_member)
    assert counts_by(frame, "name") == {"Ann Ames": (4, 3, 1, 2, 1),
                                        "Ben Bell": (4, 3, 1, 2, 1),
                                        "Cat Cole": (3, 2, 1, 2, 0)}
    only_cat = run(engine, coverage_by_team_member, user_ids=[world["Cat"]])
    assert list(only_cat["name"]) == ["Cat Cole"]


def test_coverage_per_meddpicc_role_shows_economic_buyers_without_an_owner(engine, world):
    frame = run(engine, coverage_by_meddpicc_role)
    assert counts_by(frame, "meddpicc_role") == {
        "decision_maker": (1, 1, 0, 0, 1), "economic_buyer": (3, 1, 2, 1, 0),
        "influencer": (0, 0, 0, 0, 0), "champion": (2, 2, 0, 1, 1),
        "gatekeeper": (0, 0, 0, 0, 0), "user": (0, 0, 0, 0, 0),
        "technical_buyer": (1, 0, 1, 0, 0)}
    retail = run(engine, coverage_by_meddpicc_role, industries=["Retail"],
                 meddpicc_roles=["economic_buyer", "champion"])
    assert counts_by(retail, "meddpicc_role") == {"economic_buyer": (1, 0, 1, 0, 0),
                                                  "champion": (1, 1, 0, 1, 0)}


def test_orphaned_stakeholders_come_biggest_open_pipeline_first_with_their_roles(engine, world):
    page = run(engine, orphaned_stakeholders)
    assert page.total == 4
    assert list(page.rows["stakeholder"]) == ["Amy", "Bob", "Cal", "Cy"]
    assert list(page.rows["open_pipeline"]) == [50_000, 40_000, 0, 0]
    assert list(page.rows["meddpicc_roles"]) == ["Economic buyer", "Economic buyer",
                                                 "Technical buyer", ""]
    assert list(page.rows["company"]) == ["Acme", "Bolt", "Core", "Core"]


def test_the_orphan_list_pages_in_sql_and_keeps_the_total(engine, world):
    first = run(engine, orphaned_stakeholders, limit=2, offset=0)
    second = run(engine, orphaned_stakeholders, limit=2, offset=2)
    assert (first.total, list(first.rows["stakeholder"])) == (4, ["Amy", "Bob"])
    assert (second.total, list(second.rows["stakeholder"])) == (4, ["Cal", "Cy"])


def test_filters_narrow_the_orphan_list(engine, world):
    buyers = run(engine, orphaned_stakeholders, meddpicc_roles=["economic_buyer"])
    assert (buyers.total, list(buyers.rows["stakeholder"])) == (2, ["Amy", "Bob"])
    open_only = run(engine, orphaned_stakeholders, only_with_open_opportunities=True)
    assert list(open_only.rows["stakeholder"]) == ["Amy", "Bob"]


def test_single_owner_stakeholders_name_their_one_owner(engine, world):
    page = run(engine, single_owner_stakeholders)
    assert page.total == 4
    assert list(page.rows["stakeholder"]) == ["Ava", "Art", "Bea", "Bud"]
    assert list(page.rows["owner"]) == ["Ann Ames", "Eve Eads", "Cat Cole", "Ann Ames"]
    assert list(page.rows["open_pipeline"]) == [150_000, 100_000, 40_000, 40_000]
    assert list(page.rows["open_opportunities"]) == [2, 1, 1, 1]
    retail = run(engine, single_owner_stakeholders, industries=["Retail"], limit=1)
    assert (retail.total, list(retail.rows["stakeholder"])) == (2, ["Bea"])


@pytest.mark.parametrize("filters, orphaned, single", [
    ({}, 4, 4),                                    # Amy, Bob, Cal, Cy; Ava, Art, Bea, Bud
    ({"industries": ["Software"]}, 3, 2),          # Amy, Cal, Cy; Ava, Art
    ({"meddpicc_roles": ["economic_buyer"]}, 2, 1),  # Amy, Bob; Ava
    ({"user_ids": ["Cat"]}, 1, 2),                 # Bolt's team: Bob; Bea, Bud
])
def test_each_section_count_is_the_total_of_its_list_under_the_same_filters(
        engine, world, filters, orphaned, single):
    filters = {k: [world[v] for v in vs] if k == "user_ids" else vs for k, vs in filters.items()}
    summary = run(engine, coverage_summary, **filters)
    orphans = run(engine, orphaned_stakeholders, limit=None, **filters)
    singles = run(engine, single_owner_stakeholders, limit=None, **filters)
    assert summary.orphaned == orphans.total == len(orphans.rows) == orphaned
    assert summary.single_owner == singles.total == len(singles.rows) == single
