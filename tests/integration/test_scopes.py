"""Scopes on hand-built data: a manager's team at any depth, regions, people; companies through
the account team, deals through the full team, tasks through their links; orphaned (owner
departed) apart from the stakeholders nobody owns. The answers are written here."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import ValidationError
from crm_core.models import (
    Opportunity,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
)
from crm_core.queries.coverage import coverage_by_company, coverage_summary
from crm_core.queries.coverage_lists import orphaned_stakeholders, single_owner_stakeholders
from crm_core.queries.meddpicc import gap_summary, opportunity_gaps
from crm_core.queries.overview import closing_soon, open_pipeline, pipeline_by_stage
from crm_core.queries.scope import Scope
from crm_core.queries.tasks import task_counts, task_page
from crm_core.queries.team_comparison import team_comparison, team_size
from tests.integration.team_dataset import build_team_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_team_world(session)


def run(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def names(page):
    return sorted(page.rows["stakeholder"])


def test_a_scope_reads_and_writes_as_text():
    assert Scope.parse("team:12") == Scope("team", 12)
    assert str(Scope.parse(" Region:3 ")) == "region:3"
    assert Scope.parse("").whole and Scope.parse("organisation").whole
    with pytest.raises(ValidationError):
        Scope.parse("team:abc")
    with pytest.raises(ValidationError):
        Scope.parse("galaxy:1")


def test_a_team_is_the_manager_and_everyone_below_at_any_depth(engine, world):
    assert run(engine, team_size, manager_id=world.vp.id) == 7   # everyone but Sol
    assert run(engine, team_size, manager_id=world.mia.id) == 3  # Mia, Ray, Gus
    assert run(engine, team_size, manager_id=world.ray.id) == 1


def test_coverage_of_a_team_counts_the_companies_its_members_are_on_the_team_of(engine, world):
    # Mia's team sits on Acme's account team only: Al, Nina, Sam, Tia.
    summary = run(engine, coverage_summary, scope=f"team:{world.mia.id}")
    assert (summary.stakeholders, summary.owned, summary.orphaned,
            summary.orphaned_owner_departed, summary.single_owner,
            summary.multi_owner) == (4, 2, 2, 1, 2, 0)
    companies = run(engine, coverage_by_company, scope=f"team:{world.mia.id}")
    assert list(companies["company"]) == ["Acme"]


def test_an_orphan_is_visible_in_the_scope_of_the_account_team_members_manager(engine, world):
    # Nobody owns Nina; Ray (on Acme's team) reports to Mia, who reports to Dora.
    for manager in (world.mia, world.dora, world.vp):
        page = run(engine, orphaned_stakeholders, scope=f"team:{manager.id}", cause="no_owner")
        assert "Nina Nobody" in names(page)
    assert names(run(engine, orphaned_stakeholders, scope=f"team:{world.eve.id}",
                     cause="no_owner")) == ["Bo Orphan"]


def test_a_departed_sole_owner_makes_the_stakeholder_orphaned_owner_departed(engine, world):
    everyone = run(engine, coverage_summary)
    assert (everyone.stakeholders, everyone.owned, everyone.orphaned,
            everyone.orphaned_owner_departed) == (7, 3, 4, 1)
    assert names(run(engine, orphaned_stakeholders, cause="owner_departed")) == ["Sam Solo"]
    assert names(run(engine, orphaned_stakeholders, cause="no_owner")) == [
        "Bo Orphan", "Cy Orphan", "Nina Nobody"]
    assert run(engine, orphaned_stakeholders).total == 4
    # Tia keeps Eli after Gus left: a single owner, shown with the owner still here.
    single = run(engine, single_owner_stakeholders).rows
    assert dict(zip(single["stakeholder"], single["owner"], strict=True)) == {
        "Al Owned": "Ray Rep", "Tia Two": "Eli Rep", "Bea Owned": "Eli Rep"}


def test_a_deal_is_in_a_teams_scope_through_an_added_deal_team_member(engine, world):
    # Ray is on Acme's account team and was added to the Core deal: both count for Mia's team,
    # though Core's account team (Sol) is not in it.
    totals = run(engine, open_pipeline, scope=f"team:{world.mia.id}")
    assert (totals.open_opportunities, totals.pipeline) == (2, 500.0)
    gaps = run(engine, gap_summary, scope=f"team:{world.mia.id}")
    assert (gaps.open_opportunities, gaps.value_at_risk) == (2, 500.0)
    stages = run(engine, pipeline_by_stage, scope=f"team:{world.mia.id}")
    assert stages.set_index("stage").loc["qualification", "pipeline"] == 500.0
    closing = run(engine, closing_soon, today=date.today(), within_days=60,
                  scope=f"team:{world.mia.id}")
    assert sorted(closing["opportunity"]) == ["Acme deal", "Core deal"]


def test_regions_and_people_are_scopes_too(engine, world):
    east = run(engine, coverage_summary, scope=f"region:{world.east.id}")
    assert east.stakeholders == 3   # Bolt (Eli) and Core (Sol)
    assert run(engine, open_pipeline, scope=f"region:{world.east.id}").pipeline == 600.0
    eli = run(engine, coverage_summary, scope=f"person:{world.eli.id}")
    assert (eli.stakeholders, eli.orphaned) == (2, 1)
    assert run(engine, open_pipeline, scope=f"person:{world.sol.id}").pipeline == 400.0


def test_tasks_of_a_scope_are_the_tasks_linked_to_someone_in_it(engine, world):
    counts = run(engine, task_counts, scope=f"team:{world.mia.id}")
    assert (counts.open, counts.overdue) == (2, 1)   # Ray's overdue call, Gus's letter
    page = run(engine, task_page, scope=f"team:{world.mia.id}", statuses=("open",))
    assert sorted(page.rows["description"]) == ["Call Al", "Write to Sam"]
    assert run(engine, task_counts, scope=f"region:{world.east.id}").overdue == 1
    assert run(engine, task_counts).open == 3


def test_team_comparison_puts_each_direct_reports_team_side_by_side(engine, world):
    frame = run(engine, team_comparison, manager_id=world.vp.id, today=date.today())
    rows = {r.name: r for r in frame.itertuples()}
    assert list(frame["name"]) == ["Dora West", "Eve East"]
    dora, eve = rows["Dora West"], rows["Eve East"]
    assert (dora.scope, dora.team_size, dora.stakeholders, dora.orphaned,
            dora.orphaned_owner_departed, dora.open_opportunities, dora.value_at_risk,
            dora.overdue_tasks) == (f"team:{world.dora.id}", 4, 4, 2, 1, 2, 500.0, 1)
    assert (eve.team_size, eve.stakeholders, eve.orphaned, eve.orphaned_owner_departed,
            eve.open_opportunities, eve.value_at_risk, eve.overdue_tasks) == (
        2, 2, 1, 0, 1, 200.0, 1)
    assert eve.owned_share == 0.5


def test_a_role_held_by_a_stakeholder_whose_owner_departed_is_unowned(engine, world):
    # Sam Solo (owned only by Gus, departed) is Acme deal's economic buyer; Al Owned (Ray) its
    # champion: the economic buyer is held but unowned, the champion covered and owned.
    with write_session(engine) as session:
        deal = session.scalar(select(Opportunity).where(Opportunity.name == "Acme deal"))
        al = session.scalar(select(Stakeholder).where(Stakeholder.name == "Al Owned"))
        session.add_all([StakeholderMeddpiccRole(stakeholder_id=world.sam.id,
                                                 meddpicc_role="economic_buyer"),
                         StakeholderMeddpiccRole(stakeholder_id=al.id, meddpicc_role="champion"),
                         StakeholderOpportunity(stakeholder_id=world.sam.id,
                                                opportunity_id=deal.id),
                         StakeholderOpportunity(stakeholder_id=al.id, opportunity_id=deal.id)])
        deal_id = deal.id
    gaps = run(engine, opportunity_gaps, opportunity_id=deal_id)
    assert (gaps.unowned, gaps.missing, gaps.value_at_risk) == (("economic_buyer",), (), 100.0)
