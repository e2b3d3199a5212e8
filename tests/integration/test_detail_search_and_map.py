"""Pick-box searches (top matches only, prefix first) and the relationship map's rows, on a
hand-built dataset, on SQLite and PostgreSQL."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.detail_search import (
    search_companies,
    search_opportunities,
    search_stakeholders,
    search_users,
)
from crm_core.queries.relationship_map import relationship_map
from tests.factories import TODAY, add_company, add_opportunity, add_stakeholder, add_user


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Alder", job_title="Account Executive")
        ben = add_user(session, "Ben Birch", job_title=None, email="ben@nowhere.example")
        cat = add_user(session, "Cat Cedar")
        north = add_company(session, "North", industry="Retail", team=[ann, ben])
        south = add_company(session, "South 100%_off", industry=None, team=[cat])
        nora = add_stakeholder(session, north, "Nora North", job_title="CFO",
                               roles=["champion", "economic_buyer"], owners=[ann])
        ned = add_stakeholder(session, north, "Ned Noble", job_title="CTO",
                              roles=["technical_buyer"], owners=[ann, ben])
        nia = add_stakeholder(session, north, "Nia Nobody", roles=["gatekeeper"])
        add_stakeholder(session, north, "Abe Plain")
        sam = add_stakeholder(session, south, "Sam South", roles=["champion"], owners=[ben])
        add_stakeholder(session, south, "Sue Solo", owners=[cat])
        deal = add_opportunity(session, north, "Expansion", stakeholders=[nora, ned, nia],
                               added_team=[cat])
        pilot = add_opportunity(session, south, "Pilot", stakeholders=[sam])
        ids = {"North": north.id, "South": south.id, "Expansion": deal.id, "Pilot": pilot.id}
    return SimpleNamespace(engine=engine, id=ids)


def _read(world, query, **filters):
    with read_session(world.engine) as session:
        return query(session, **filters)


def test_stakeholder_search_puts_names_starting_with_the_text_first(world):
    found = _read(world, search_stakeholders, text="no")
    assert found["label"].tolist() == ["Nora North · CFO · North",
                                       "Ned Noble · CTO · North",
                                       "Nia Nobody · Director · North"]


def test_search_is_case_insensitive_limited_and_matches_emails_too(world):
    assert _read(world, search_users, text="NOWHERE")["label"].tolist() == [
        "Ben Birch · — · ben@nowhere.example"]
    assert _read(world, search_users, text="", limit=2)["label"].str[:9].tolist() == [
        "Ann Alder", "Ben Birch"]


def test_search_text_with_like_wildcards_matches_them_literally(world):
    assert _read(world, search_companies, text="100%_")["label"].tolist() == [
        "South 100%_off · —"]
    assert _read(world, search_companies, text="%").shape[0] == 1
    assert _read(world, search_stakeholders, text="_").empty


def test_opportunity_search_matches_the_company_name_and_shows_stage_value_and_close(world):
    closes = TODAY + timedelta(days=30)  # the factory's default close date
    assert _read(world, search_opportunities, text="north")["label"].tolist() == [
        f"Expansion · North · Qualification · $10,000 · closes {closes:%Y-%m-%d}"]


def test_the_opportunity_map_has_a_row_per_owner_and_one_ownerless_row_per_orphan(world):
    edges = _read(world, relationship_map, opportunity_id=world.id["Expansion"])
    assert edges[["stakeholder", "roles", "user", "on_team"]].to_dict("records") == [
        {"stakeholder": "Ned Noble", "roles": ("technical_buyer",), "user": "Ann Alder",
         "on_team": True},
        {"stakeholder": "Ned Noble", "roles": ("technical_buyer",), "user": "Ben Birch",
         "on_team": True},
        {"stakeholder": "Nia Nobody", "roles": ("gatekeeper",), "user": None, "on_team": False},
        {"stakeholder": "Nora North", "roles": ("economic_buyer", "champion"),
         "user": "Ann Alder", "on_team": True},
    ]
    assert edges["user_id"].isna().tolist() == [False, False, True, False]


def test_the_company_map_puts_stakeholders_with_roles_first_and_flags_off_team_owners(world):
    edges = _read(world, relationship_map, company_id=world.id["South"])
    assert edges[["stakeholder", "user", "on_team"]].to_dict("records") == [
        {"stakeholder": "Sam South", "user": "Ben Birch", "on_team": False},
        {"stakeholder": "Sue Solo", "user": "Cat Cedar", "on_team": True}]
    limited = _read(world, relationship_map, company_id=world.id["North"], limit=3)
    assert sorted(set(limited["stakeholder"])) == ["Ned Noble", "Nia Nobody", "Nora North"]


def test_the_map_needs_exactly_one_of_company_or_opportunity(world):
    with pytest.raises(ValueError):
        _read(world, relationship_map)


def test_without_text_stakeholders_and_opportunities_list_the_newest_first(world):
    assert _read(world, search_stakeholders, limit=2)["label"].tolist() == [
        "Sue Solo · Director · South 100%_off", "Sam South · Director · South 100%_off"]
    assert _read(world, search_opportunities)["label"].str.split(" · ").str[0].tolist() == [
        "Pilot", "Expansion"]
