"""The detail pages' queries on a hand-built dataset, with the right answers written here.

North (team: Ann, Ben) has Nora North (economic buyer + champion, owned by Ann), Ned Noble
(technical buyer, owned by Ann and Ben) and Nia Nobody (gatekeeper, orphaned). South (team: Cat)
has Sam South (champion, owned by Ben, who is off South's team) and Sue Solo (owned by Cat).
North Expansion (proposal, 100,000 at 70%) adds Ben (also inherited) and Cat (added only);
South Pilot (qualification, 20,000 at 20%) adds Ann; North Renewal is closed won.
Dan owns nothing and sits on no team.
"""

from types import SimpleNamespace

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.detail_company import (
    CompanyProfile,
    company_opportunities,
    company_owners,
    company_profile,
    company_stakeholders,
    company_team,
)
from crm_core.queries.detail_opportunity import opportunity_profile, opportunity_stakeholders
from crm_core.queries.detail_stakeholder import (
    stakeholder_opportunities,
    stakeholder_owners,
    stakeholder_profile,
)
from crm_core.queries.detail_user import (
    team_load,
    user_companies,
    user_load,
    user_opportunities,
    user_owned_stakeholders,
    user_profile,
)
from crm_core.queries.teams import opportunity_full_team
from crm_core.services.records import delete_stakeholder, delete_user
from tests.factories import ADMIN, add_company, add_opportunity, add_stakeholder, add_user


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Alder", job_title="Account Executive")
        ben = add_user(session, "Ben Birch", job_title="Solutions Engineer")
        cat = add_user(session, "Cat Cedar", job_title="Sales Director")
        dan = add_user(session, "Dan Dogwood", job_title=None)
        north = add_company(session, "North", team=[ann, ben])
        south = add_company(session, "South", team=[cat])
        nora = add_stakeholder(session, north, "Nora North", job_title="CFO",
                               roles=["champion", "economic_buyer"], owners=[ann])
        ned = add_stakeholder(session, north, "Ned Noble", job_title="CTO",
                              roles=["technical_buyer"], owners=[ann, ben])
        nia = add_stakeholder(session, north, "Nia Nobody", job_title="Buyer",
                              roles=["gatekeeper"])
        sam = add_stakeholder(session, south, "Sam South", roles=["champion"], owners=[ben])
        sue = add_stakeholder(session, south, "Sue Solo", owners=[cat])
        expansion = add_opportunity(session, north, "North Expansion", value=100_000,
                                    stage="proposal", probability=70, close_in_days=30,
                                    stakeholders=[nora, ned, nia], added_team=[ben, cat])
        renewal = add_opportunity(session, north, "North Renewal", value=40_000,
                                  stage="closed_won", close_in_days=-60)
        pilot = add_opportunity(session, south, "South Pilot", value=20_000,
                                stage="qualification", probability=20, close_in_days=10,
                                stakeholders=[sam], added_team=[ann])
        ids = {row.name: row.id for row in (ann, ben, cat, dan, north, south, nora, ned, nia,
                                            sam, sue, expansion, renewal, pilot)}
    return SimpleNamespace(engine=engine, id=ids)


def _read(world, query, **filters):
    with read_session(world.engine) as session:
        return query(session, **filters)


def test_the_full_team_marks_inherited_added_and_a_member_who_is_both(world):
    team = _read(world, opportunity_full_team, opportunity_id=world.id["North Expansion"])
    assert team[["name", "job_title", "inherited", "added"]].to_dict("records") == [
        {"name": "Ann Alder", "job_title": "Account Executive", "inherited": True,
         "added": False},
        {"name": "Ben Birch", "job_title": "Solutions Engineer", "inherited": True,
         "added": True},
        {"name": "Cat Cedar", "job_title": "Sales Director", "inherited": False, "added": True},
    ]


def test_a_users_opportunities_are_open_first_each_marked_inherited_or_added(world):
    ann = _read(world, user_opportunities, user_id=world.id["Ann Alder"])
    assert ann[["opportunity", "company", "inherited", "added"]].to_dict("records") == [
        {"opportunity": "South Pilot", "company": "South", "inherited": False, "added": True},
        {"opportunity": "North Expansion", "company": "North", "inherited": True,
         "added": False},
        {"opportunity": "North Renewal", "company": "North", "inherited": True, "added": False},
    ]
    ben = _read(world, user_opportunities, user_id=world.id["Ben Birch"], open_only=True)
    assert ben[["opportunity", "inherited", "added", "value", "weighted_value"]].to_dict(
        "records") == [{"opportunity": "North Expansion", "inherited": True, "added": True,
                        "value": 100_000.0, "weighted_value": 70_000.0}]


def test_a_users_owned_stakeholders_show_company_roles_and_the_other_owners(world):
    ann = _read(world, user_owned_stakeholders, user_id=world.id["Ann Alder"])
    assert ann[["stakeholder", "company", "roles", "other_owners", "on_account_team"]].to_dict(
        "records") == [
        {"stakeholder": "Ned Noble", "company": "North", "roles": "Technical buyer",
         "other_owners": "Ben Birch", "on_account_team": True},
        {"stakeholder": "Nora North", "company": "North", "roles": "Economic buyer, Champion",
         "other_owners": "", "on_account_team": True},
    ]
    ben = _read(world, user_owned_stakeholders, user_id=world.id["Ben Birch"], limit=1,
                offset=1)
    assert ben[["stakeholder", "company", "on_account_team"]].to_dict("records") == [
        {"stakeholder": "Sam South", "company": "South", "on_account_team": False}]


def test_a_users_load_is_compared_with_the_team_average_and_ranked(world):
    # 5 owner rows over 4 users = 1.25; 3 stakeholders with a single owner over 4 users = 0.75.
    team = _read(world, team_load)
    assert team.size == 4
    assert team.average_owned == pytest.approx(1.25)
    assert team.average_sole_owned == pytest.approx(0.75)
    ann = _read(world, user_load, user_id=world.id["Ann Alder"])
    assert (ann.owned, ann.sole_owned, ann.owned_off_team, ann.companies, ann.opportunities,
            ann.open_opportunities, ann.rank) == (2, 1, 0, 1, 3, 2, 1)
    assert team.times_average(ann.owned) == pytest.approx(1.6)
    ben = _read(world, user_load, user_id=world.id["Ben Birch"])
    assert (ben.owned, ben.sole_owned, ben.owned_off_team, ben.opportunities,
            ben.open_opportunities, ben.rank) == (2, 1, 1, 2, 1, 1)
    cat = _read(world, user_load, user_id=world.id["Cat Cedar"])
    assert (cat.owned, cat.opportunities, cat.open_opportunities, cat.rank) == (1, 2, 2, 3)
    dan = _read(world, user_load, user_id=world.id["Dan Dogwood"])
    assert (dan.owned, dan.sole_owned, dan.companies, dan.opportunities, dan.rank) == \
        (0, 0, 0, 0, 4)
    assert team.times_average(dan.owned) == 0


def test_a_users_account_teams_count_stakeholders_they_own_there(world):
    ann = _read(world, user_companies, user_id=world.id["Ann Alder"])
    assert ann[["company", "stakeholders", "owned_by_user", "open_opportunities"]].to_dict(
        "records") == [{"company": "North", "stakeholders": 3, "owned_by_user": 2,
                        "open_opportunities": 1}]
    assert _read(world, user_companies, user_id=world.id["Dan Dogwood"]).empty


def test_a_stakeholders_profile_lists_roles_in_vocabulary_order_and_the_company(world):
    nora = _read(world, stakeholder_profile, stakeholder_id=world.id["Nora North"])
    assert (nora.name, nora.job_title, nora.company, nora.roles) == (
        "Nora North", "CFO", "North", ("economic_buyer", "champion"))
    assert _read(world, stakeholder_profile, stakeholder_id=999_999) is None


def test_a_stakeholders_owners_carry_job_titles_and_whether_they_are_on_the_account_team(world):
    ned = _read(world, stakeholder_owners, stakeholder_id=world.id["Ned Noble"])
    assert ned[["name", "job_title", "on_account_team"]].to_dict("records") == [
        {"name": "Ann Alder", "job_title": "Account Executive", "on_account_team": True},
        {"name": "Ben Birch", "job_title": "Solutions Engineer", "on_account_team": True}]
    sam = _read(world, stakeholder_owners, stakeholder_id=world.id["Sam South"])
    assert sam[["name", "on_account_team"]].to_dict("records") == [
        {"name": "Ben Birch", "on_account_team": False}]
    assert _read(world, stakeholder_owners, stakeholder_id=world.id["Nia Nobody"]).empty


def test_a_stakeholders_opportunities_say_whether_an_owner_is_on_the_deal_team(world):
    nora = _read(world, stakeholder_opportunities, stakeholder_id=world.id["Nora North"])
    assert nora[["opportunity", "stage", "value", "weighted_value", "owner_on_team"]].to_dict(
        "records") == [{"opportunity": "North Expansion", "stage": "proposal",
                        "value": 100_000.0, "weighted_value": 70_000.0, "owner_on_team": True}]
    sam = _read(world, stakeholder_opportunities, stakeholder_id=world.id["Sam South"])
    assert sam[["opportunity", "owner_on_team"]].to_dict("records") == [
        {"opportunity": "South Pilot", "owner_on_team": False}]


def test_a_company_profile_counts_orphans_and_the_open_pipeline(world):
    assert _read(world, company_profile, company_id=world.id["North"]) == CompanyProfile(
        id=world.id["North"], name="North", industry="Software", website=None, stakeholders=3,
        orphaned=1, open_opportunities=1, open_pipeline=100_000.0,
        weighted_open_pipeline=70_000.0)
    assert _read(world, company_profile, company_id=999_999) is None


def test_a_companys_stakeholders_list_orphans_first_with_roles_and_owners(world):
    north = _read(world, company_stakeholders, company_id=world.id["North"])
    assert north[["stakeholder", "orphaned", "roles", "owners", "opportunities"]].to_dict(
        "records") == [
        {"stakeholder": "Nia Nobody", "orphaned": True, "roles": "Gatekeeper", "owners": "",
         "opportunities": 1},
        {"stakeholder": "Ned Noble", "orphaned": False, "roles": "Technical buyer",
         "owners": "Ann Alder, Ben Birch", "opportunities": 1},
        {"stakeholder": "Nora North", "orphaned": False, "roles": "Economic buyer, Champion",
         "owners": "Ann Alder", "opportunities": 1},
    ]
    orphans = _read(world, company_stakeholders, company_id=world.id["North"],
                    orphaned_only=True)
    assert orphans["stakeholder"].tolist() == ["Nia Nobody"]


def test_a_companys_team_and_owners_show_who_owns_what_there_and_who_is_off_the_team(world):
    team = _read(world, company_team, company_id=world.id["North"])
    assert team[["name", "job_title", "owned_here"]].to_dict("records") == [
        {"name": "Ann Alder", "job_title": "Account Executive", "owned_here": 2},
        {"name": "Ben Birch", "job_title": "Solutions Engineer", "owned_here": 1}]
    owners = _read(world, company_owners, company_id=world.id["South"])
    assert owners[["name", "owned_here", "on_account_team"]].to_dict("records") == [
        {"name": "Ben Birch", "owned_here": 1, "on_account_team": False},
        {"name": "Cat Cedar", "owned_here": 1, "on_account_team": True}]


def test_a_companys_opportunities_come_open_first_with_linked_stakeholder_counts(world):
    frame = _read(world, company_opportunities, company_id=world.id["North"])
    assert frame[["opportunity", "stage", "is_open", "weighted_value", "stakeholders"]].to_dict(
        "records") == [
        {"opportunity": "North Expansion", "stage": "proposal", "is_open": True,
         "weighted_value": 70_000.0, "stakeholders": 3},
        {"opportunity": "North Renewal", "stage": "closed_won", "is_open": False,
         "weighted_value": 40_000.0, "stakeholders": 0}]


def test_an_opportunitys_profile_and_buying_committee_with_owners_on_or_off_the_team(world):
    profile = _read(world, opportunity_profile, opportunity_id=world.id["North Expansion"])
    assert (profile.name, profile.company, profile.value, profile.probability,
            profile.weighted_value, profile.is_open) == (
        "North Expansion", "North", 100_000.0, 70, 70_000.0, True)
    committee = _read(world, opportunity_stakeholders,
                      opportunity_id=world.id["North Expansion"])
    assert committee[["stakeholder", "roles", "owners", "orphaned", "owner_on_team"]].to_dict(
        "records") == [
        {"stakeholder": "Ned Noble", "roles": "Technical buyer",
         "owners": "Ann Alder, Ben Birch", "orphaned": False, "owner_on_team": True},
        {"stakeholder": "Nia Nobody", "roles": "Gatekeeper", "owners": "", "orphaned": True,
         "owner_on_team": False},
        {"stakeholder": "Nora North", "roles": "Economic buyer, Champion",
         "owners": "Ann Alder", "orphaned": False, "owner_on_team": True},
    ]
    pilot = _read(world, opportunity_stakeholders, opportunity_id=world.id["South Pilot"])
    assert pilot[["stakeholder", "owner_on_team"]].to_dict("records") == [
        {"stakeholder": "Sam South", "owner_on_team": False}]


def test_deleted_records_are_not_found_any_more(world):
    with write_session(world.engine) as session:
        delete_stakeholder(session, actor=ADMIN, stakeholder_id=world.id["Nia Nobody"])
        delete_user(session, actor=ADMIN, user_id=world.id["Dan Dogwood"])
    assert _read(world, stakeholder_profile, stakeholder_id=world.id["Nia Nobody"]) is None
    assert _read(world, user_profile, user_id=world.id["Dan Dogwood"]) is None
    assert _read(world, company_profile, company_id=world.id["North"]).orphaned == 0
