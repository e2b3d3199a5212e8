"""The Teams and Roles & links pages: saves confirmed, inherited members reported, stale forms."""

from datetime import timedelta

from sqlalchemy import select

from crm_core.models import StakeholderMeddpiccRole
from crm_core.queries.assignment_sets import (
    company_team,
    opportunity_team,
    stakeholder_assignments,
)
from crm_core.services.assignment_sets import set_stakeholder_roles
from tests.app.manage_helpers import as_colleague, id_of, read, texts
from tests.factories import TODAY

TEAMS, ROLES = "pages/manage_teams.py", "pages/manage_roles.py"


def test_saving_a_company_account_team(app_as, app_db):
    acme = id_of(app_db, "company", "Acme Corp")
    at = app_as("manager", TEAMS, company=str(acme))
    assert list(at.dataframe[0].value["email"]) == ["alice.archer@ourco.example",
                                                    "bob.baker@ourco.example"]
    at.multiselect(key="teams_company_ids").set_value([id_of(app_db, "user", "Carol Chen")])
    at.button(key="teams_company_save").click().run()
    assert not at.exception
    assert texts(at.success) == ["Saved the account team of Acme Corp: 1 added, 2 removed."]
    assert read(app_db, company_team, company_id=acme).member_ids == (
        id_of(app_db, "user", "Carol Chen"),)


def test_the_opportunity_team_shows_where_each_member_comes_from(app_as, app_db):
    platform = id_of(app_db, "opportunity", "Acme Platform")
    at = app_as("manager", TEAMS, opportunity=str(platform))
    table = at.dataframe[0].value
    assert list(table["source"]) == ["account team of Acme Corp", "account team of Acme Corp",
                                     "added to this opportunity"]
    assert at.multiselect(key="teams_opportunity_ids").value == [
        id_of(app_db, "user", "Carol Chen")]


def test_adding_an_inherited_member_says_already_on_the_company_team(app_as, app_db):
    platform = id_of(app_db, "opportunity", "Acme Platform")
    alice, carol = id_of(app_db, "user", "Alice Archer"), id_of(app_db, "user", "Carol Chen")
    at = app_as("manager", TEAMS, opportunity=str(platform))
    at.multiselect(key="teams_opportunity_ids").set_value([carol, alice])
    at.button(key="teams_opportunity_save").click().run()
    assert texts(at.success) == [
        "Saved the team of Acme Platform: 0 added, 0 removed. Alice Archer: already on the "
        "company team (inherited), so not added again."]
    assert read(app_db, opportunity_team, opportunity_id=platform).added_ids == (carol,)


def test_saving_a_stakeholders_meddpicc_roles(app_as, app_db):
    gus = id_of(app_db, "stakeholder", "Gus Gray")
    at = app_as("manager", ROLES, stakeholder=str(gus))
    assert at.multiselect(key="roles_roles").value == ["champion"]
    at.multiselect(key="roles_roles").set_value(["economic_buyer", "champion"])
    at.button(key="roles_roles_save").click().run()
    assert texts(at.success) == ["Saved the MEDDPICC roles of Gus Gray: 1 added, 0 removed."]
    assert read(app_db, stakeholder_assignments, stakeholder_id=gus).roles == (
        "economic_buyer", "champion")


def test_roles_changed_by_a_colleague_are_not_overwritten_and_the_choice_is_kept(app_as,
                                                                                 app_db):
    gus = id_of(app_db, "stakeholder", "Gus Gray")
    at = app_as("manager", ROLES, stakeholder=str(gus))
    as_colleague(app_db, set_stakeholder_roles, stakeholder_id=gus,
                 meddpicc_roles=["champion", "influencer"])
    at.multiselect(key="roles_roles").set_value(["decision_maker"])
    at.button(key="roles_roles_save").click().run()
    assert "Influencer was added as MEDDPICC role by admin@example.com" in " ".join(
        texts(at.error))
    assert at.multiselect(key="roles_roles").value == ["decision_maker"]
    roles = read(app_db, lambda s: sorted(s.scalars(select(
        StakeholderMeddpiccRole.meddpicc_role).where(
        StakeholderMeddpiccRole.stakeholder_id == gus))))
    assert roles == ["champion", "influencer"]


def test_linking_a_stakeholder_to_an_opportunity_of_their_company(app_as, app_db):
    fay = id_of(app_db, "stakeholder", "Fay Fox")
    platform = id_of(app_db, "opportunity", "Acme Platform")
    renewal = id_of(app_db, "opportunity", "Acme Renewal 2024")
    at = app_as("manager", ROLES, stakeholder=str(fay))
    # The dataset's deals close 30 days ahead and 60 days ago.
    ahead, ago = TODAY + timedelta(days=30), TODAY - timedelta(days=60)
    assert at.multiselect(key="roles_opportunities").options == [
        f"Acme Platform · Solution · $120,000 · closes {ahead:%Y-%m-%d}",
        f"Acme Renewal 2024 · Closed won · $50,000 · closes {ago:%Y-%m-%d}"]
    at.multiselect(key="roles_opportunities").set_value([platform, renewal])
    at.button(key="roles_links_save").click().run()
    assert texts(at.success) == ["Saved the opportunities of Fay Fox: 1 added, 0 removed."]
    assert read(app_db, stakeholder_assignments, stakeholder_id=fay).opportunity_ids == (
        platform, renewal)
    assert list(at.dataframe[0].value["stage"]) == ["Solution", "Closed won"]


def test_an_unknown_stakeholder_id_in_the_url_is_explained(app_as):
    at = app_as("manager", ROLES, stakeholder="9999")
    assert not at.exception
    assert texts(at.warning) == ["There is no stakeholder with id 9999."]
