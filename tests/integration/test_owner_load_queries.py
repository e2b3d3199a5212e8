"""Owner load, owners off the account team and the users x companies matrix, with the answers
written here."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.owner_load import coverage_matrix, off_account_team_owners, owner_load
from tests.integration.coverage_dataset import build_coverage_world

LOAD = ["stakeholders_owned", "sole_owner_of", "companies_touched", "open_opportunities",
        "open_pipeline"]


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_coverage_world(session)


def run(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def load_by_name(frame):
    return {row["name"]: tuple(row[c] for c in LOAD) for _, row in frame.iterrows()}


def test_owner_load_counts_each_opportunity_once_per_owner(engine, world):
    # Ann owns Ava and Abe, both on Acme Deal: 100k counts once (190k, not 290k).
    frame = run(engine, owner_load)
    assert load_by_name(frame) == {
        "Ann Ames": (3, 2, 2, 3, 190_000),
        "Ben Bell": (1, 0, 1, 1, 100_000),
        "Cat Cole": (1, 1, 1, 1, 40_000),
        "Eve Eads": (1, 1, 1, 1, 100_000),
        "Dan Dorn": (0, 0, 0, 0, 0),
    }
    assert list(frame["name"]) == ["Ann Ames", "Ben Bell", "Cat Cole", "Eve Eads", "Dan Dorn"]


def test_users_who_own_nobody_are_listed(engine, world):
    frame = run(engine, owner_load)
    assert list(frame.loc[frame["owns_nobody"], "name"]) == ["Dan Dorn"]


def test_owner_load_follows_the_filters(engine, world):
    retail = run(engine, owner_load, industries=["Retail"])
    assert load_by_name(retail) == {
        "Ann Ames": (1, 1, 1, 1, 40_000), "Cat Cole": (1, 1, 1, 1, 40_000),
        "Ben Bell": (0, 0, 0, 0, 0), "Dan Dorn": (0, 0, 0, 0, 0), "Eve Eads": (0, 0, 0, 0, 0)}
    only_ann = run(engine, owner_load, user_ids=[world["Ann"]])
    assert load_by_name(only_ann) == {"Ann Ames": (3, 2, 2, 3, 190_000)}
    # Both: the user's ownerships lead and the industry is only tested (another plan).
    ann_in_retail = run(engine, owner_load, user_ids=[world["Ann"]], industries=["Retail"])
    assert load_by_name(ann_in_retail) == {"Ann Ames": (1, 1, 1, 1, 40_000)}
    software = run(engine, owner_load, user_ids=[world["Ann"], world["Ben"]],
                   industries=["Software"])
    assert load_by_name(software) == {"Ann Ames": (2, 1, 1, 2, 150_000),
                                      "Ben Bell": (1, 0, 1, 1, 100_000)}


def test_an_owner_only_on_a_deal_team_is_still_off_the_account_team(engine, world):
    # Eve owns Art at Acme without being on Acme's account team; she was added to the team of
    # Acme Deal, which Art is on, but only the account team counts. Ann owns Bud at Bolt and
    # is on no Bolt team at all. Ann's and Ben's other ownerships are on their account team.
    page = run(engine, off_account_team_owners)
    assert page.total == 2
    assert page.rows[["stakeholder", "company", "owner"]].values.tolist() == [
        ["Art", "Acme", "Eve Eads"], ["Bud", "Bolt", "Ann Ames"]]


def test_owners_off_the_account_team_follow_the_filters(engine, world):
    assert run(engine, off_account_team_owners, user_ids=[world["Cat"]]).total == 0
    assert run(engine, off_account_team_owners, industries=["Software"]).total == 1
    assert run(engine, off_account_team_owners, user_ids=[world["Ann"]]).total == 1


def test_the_whole_list_of_owners_off_the_account_team_has_every_row(engine, world):
    page = run(engine, off_account_team_owners, limit=None)
    assert page.total == 2 and len(page.rows) == 2


def test_the_matrix_crosses_owners_and_team_members_with_the_top_companies(engine, world):
    frame = run(engine, coverage_matrix, top_n=2)
    cells = {(r["user"], r["company"]): (r["owned"], bool(r["on_account_team"]))
             for _, r in frame.iterrows()}
    assert cells == {
        ("Ann Ames", "Acme"): (2, True), ("Ann Ames", "Bolt"): (1, False),
        ("Ben Bell", "Acme"): (1, True), ("Ben Bell", "Bolt"): (0, False),
        ("Cat Cole", "Acme"): (0, False), ("Cat Cole", "Bolt"): (1, True),
        ("Eve Eads", "Acme"): (1, False), ("Eve Eads", "Bolt"): (0, False),
    }
    # Ann owns 3 there, then Ben / Cat / Eve own 1 each: Ben and Cat are on a team, Eve not.
    ranks = frame.drop_duplicates("user").set_index("user")["user_rank"].to_dict()
    assert ranks == {"Ann Ames": 1, "Ben Bell": 2, "Cat Cole": 3, "Eve Eads": 4}
    companies = frame.drop_duplicates("company").set_index("company")
    assert companies.loc["Acme", "company_rank"] == 1
    assert companies.loc["Acme", "company_orphaned"] == 1
    assert companies.loc["Bolt", "company_open_pipeline"] == 40_000


def test_the_matrix_keeps_only_the_top_n_companies_and_the_chosen_users(engine, world):
    top_one = run(engine, coverage_matrix, top_n=1)
    assert set(top_one["company"]) == {"Acme"}
    assert set(top_one["user"]) == {"Ann Ames", "Ben Bell", "Eve Eads"}
    top_two_users = run(engine, coverage_matrix, top_n=2, max_users=2)
    assert set(top_two_users["user"]) == {"Ann Ames", "Ben Bell"}
    ann = run(engine, coverage_matrix, top_n=5, user_ids=[world["Ann"]])
    assert sorted(ann["company"]) == ["Acme", "Bolt"]  # Core has no open pipeline
    assert set(ann["user"]) == {"Ann Ames"}


def test_an_empty_database_gives_an_empty_matrix_and_no_load(engine):
    assert run(engine, coverage_matrix).empty
    assert run(engine, owner_load).empty
    assert run(engine, off_account_team_owners).total == 0
