"""MEDDPICC gaps per open opportunity, on a hand-built dataset with the answers written here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.meddpicc import (
    gap_matrix,
    gap_summary,
    opportunity_gap_list,
    opportunity_gaps,
)
from tests.factories import TODAY
from tests.integration.meddpicc_dataset import build_gap_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


def gaps_of(engine, world, name):
    with read_session(engine) as session:
        return opportunity_gaps(session, opportunity_id=world[name])


def test_a_required_role_no_linked_stakeholder_holds_is_missing(engine, world):
    gaps = gaps_of(engine, world, "Missing")
    assert gaps.missing == ("economic_buyer",)
    assert gaps.cells["champion"] == "covered_owned"
    assert gaps.gaps_in_words == ("no economic buyer",)
    assert gaps.coverage_score == 0.5
    assert (gaps.value_at_risk, gaps.weighted_value_at_risk) == (100_000, 20_000)


def test_a_role_held_only_by_unowned_stakeholders_is_unowned(engine, world):
    gaps = gaps_of(engine, world, "Unowned")
    assert gaps.unowned == ("economic_buyer",)
    assert gaps.missing == () and gaps.off_team == ()
    assert gaps.gaps_in_words == ("economic buyer unowned",)


def test_a_role_whose_holders_owners_are_all_off_the_deal_team_is_owned_off_it(engine, world):
    gaps = gaps_of(engine, world, "OffTeam")
    assert gaps.off_team == ("economic_buyer",)
    assert gaps.cells["economic_buyer"] == "covered_off_team"
    assert gaps.gaps_in_words == ("economic buyer owned off the deal team",)


def test_an_owner_added_to_the_opportunity_counts_as_team_but_not_on_other_deals(engine, world):
    assert gaps_of(engine, world, "Added").cells["economic_buyer"] == "covered_owned"
    assert gaps_of(engine, world, "NotAdded").cells["economic_buyer"] == "covered_off_team"


def test_inherited_company_team_members_own_for_every_deal_of_the_company(engine, world):
    for name in ("TwoOwners", "SameOwner"):
        gaps = gaps_of(engine, world, name)
        assert gaps.cells["economic_buyer"] == gaps.cells["champion"] == "covered_owned"
        assert gaps.coverage_score == 1.0 and not gaps.at_risk


def test_an_owned_holder_on_the_team_covers_a_role_an_unowned_one_also_holds(engine, world):
    assert gaps_of(engine, world, "Mixed").cells["economic_buyer"] == "covered_owned"


def test_single_threaded_means_one_stakeholder_or_all_owned_by_one_user(engine, world):
    assert gaps_of(engine, world, "Missing").single_threaded          # one stakeholder
    assert gaps_of(engine, world, "SameOwner").single_threaded        # both owned by Ann only
    assert not gaps_of(engine, world, "TwoOwners").single_threaded    # Ann and Dan
    assert not gaps_of(engine, world, "Unowned").single_threaded      # one of two is unowned
    assert gaps_of(engine, world, "Prospect").single_threaded         # nobody linked


def test_later_stages_require_more_roles(engine, world):
    gaps = gaps_of(engine, world, "Solution")
    assert gaps.required_roles == ("decision_maker", "economic_buyer", "champion",
                                   "technical_buyer")
    assert gaps.missing == ("decision_maker", "technical_buyer")
    assert gaps.coverage_score == 0.5
    assert gaps.gaps_in_words == ("no decision maker", "no technical buyer")


def test_a_stage_requiring_no_roles_is_not_gated_and_has_no_score(engine, world):
    gaps = gaps_of(engine, world, "Prospect")
    assert gaps.required_roles == ()
    assert gaps.coverage_score is None
    assert set(gaps.cells.values()) == {"not_required"}
    assert gaps.value_at_risk == 0


def test_a_closed_opportunity_is_never_at_risk(engine, world):
    gaps = gaps_of(engine, world, "Closed")
    assert not gaps.is_open and gaps.value_at_risk == 0 and gaps.gaps_in_words == ()


def test_the_summary_counts_open_opportunities_pipeline_and_value_at_risk(engine, world):
    with read_session(engine) as session:
        summary = gap_summary(session)
    assert summary.open_opportunities == 10
    assert (summary.gated, summary.not_gated) == (9, 1)
    assert summary.fully_covered == 4
    assert summary.fully_covered_share == 4 / 9
    assert summary.pipeline == 495_000
    assert summary.weighted_pipeline == 172_750
    assert summary.value_at_risk == 415_000
    assert summary.weighted_value_at_risk == 152_750
    assert summary.single_threaded == 3


def test_a_deal_closing_exactly_on_a_boundary_date_is_inside_the_window(engine, world):
    # Solution closes in exactly 90 days, every other open deal in exactly 30: both ends of
    # the close-date window are inclusive.
    day_30, day_90 = TODAY + timedelta(days=30), TODAY + timedelta(days=90)
    with read_session(engine) as session:
        def names(**filters):
            return set(opportunity_gap_list(session, **filters)["name"])

        everyone = names()
        assert names(close_from=day_90) == {"Solution"}
        assert names(close_to=day_90) == everyone
        assert names(close_from=day_30, close_to=day_30) == everyone - {"Solution"}
        assert names(close_to=day_30 - timedelta(days=1)) == set()
        assert names(close_from=day_90 + timedelta(days=1)) == set()
        assert gap_summary(session, close_from=day_90, close_to=day_90).pipeline == 200_000


def test_filters_narrow_the_opportunities(engine, world):
    with read_session(engine) as session:
        def names(**filters):
            return set(opportunity_gap_list(session, **filters)["name"])

        assert names(stages=["discovery"]) == {"OffTeam", "Added", "NotAdded"}
        assert names(close_from=TODAY + timedelta(days=60)) == {"Solution"}
        assert names(close_to=TODAY + timedelta(days=60)) == names() - {"Solution"}
        assert names(min_value=100_000) == {"Missing", "Solution"}
        assert names(user_ids=[world["ben"]]) == {"Added"}
        assert names(company_ids=[world["acme"]]) == names()
        assert names(company_ids=[world["acme"] + 1000]) == set()
        assert names(gap_types=["off_team"]) == {"OffTeam", "NotAdded"}
        assert names(gap_types=["missing", "unowned"]) == {"Missing", "Solution", "Unowned"}
        assert names(gap_types=["single_threaded"]) == {"Missing", "SameOwner", "Prospect"}
        assert names(stages=["closed_won"]) == set()
        assert gap_summary(session, gap_types=["off_team"]).value_at_risk == 65_000


def test_the_matrix_lists_most_value_at_risk_first_with_a_state_per_role(engine, world):
    with read_session(engine) as session:
        matrix = gap_matrix(session)
        top = gap_matrix(session, limit=2, offset=1)
    assert list(matrix["name"]) == ["Solution", "Missing", "Unowned", "OffTeam", "NotAdded",
                                    "Added", "SameOwner", "Mixed", "TwoOwners", "Prospect"]
    solution = matrix.iloc[0]
    assert solution["decision_maker"] == "missing"
    assert solution["economic_buyer"] == "covered_owned"
    assert solution["technical_buyer"] == "missing"
    assert solution["influencer"] == "not_required"
    assert matrix.iloc[1]["economic_buyer"] == "missing"
    assert matrix.iloc[2]["economic_buyer"] == "covered_unowned"
    assert matrix.iloc[3]["economic_buyer"] == "covered_off_team"
    assert list(top["name"]) == ["Missing", "Unowned"]


def test_the_gap_list_names_gaps_in_words_and_the_full_team(engine, world):
    with read_session(engine) as session:
        listed = opportunity_gap_list(session, limit=3).set_index("name")
    assert list(listed.index) == ["Solution", "Missing", "Unowned"]
    assert listed.loc["Solution", "gaps"] == "no decision maker; no technical buyer"
    assert listed.loc["Missing", "team"] == "Ann Team, Dan Team"
    assert listed.loc["Missing", "value_at_risk"] == 100_000
    assert bool(listed.loc["Missing", "single_threaded"]) is True


def test_an_unknown_opportunity_has_no_gaps(engine, world):
    with read_session(engine) as session:
        assert opportunity_gaps(session, opportunity_id=world["Closed"] + 1000) is None


def test_stakeholders_with_several_owners(engine):
    """Beta's team is Ann. "Shared" (EB, CH) and "Pair" (CH) are each owned by Ann and Cat;
    "Outsiders" (EB) by Ben and Cat, neither on the team."""
    from tests.factories import add_company, add_opportunity, add_stakeholder, add_user

    with write_session(engine) as session:
        ann, ben, cat = (add_user(session, name) for name in ("Ann", "Ben", "Cat"))
        beta = add_company(session, "Beta", team=[ann])
        shared = add_stakeholder(session, beta, "Shared", roles=["economic_buyer", "champion"],
                                 owners=[ann, cat])
        pair = add_stakeholder(session, beta, "Pair", roles=["champion"], owners=[cat, ann])
        outsiders = add_stakeholder(session, beta, "Outsiders", roles=["economic_buyer"],
                                    owners=[ben, cat])
        co_owned = add_opportunity(session, beta, "CoOwned", value=10_000,
                                   stakeholders=[shared, pair]).id
        off_team = add_opportunity(session, beta, "OffTeamPair", value=20_000,
                                   stakeholders=[outsiders, pair]).id
        beta_id = beta.id
    with read_session(engine) as session:
        one_owner_on_team = opportunity_gaps(session, opportunity_id=co_owned)
        none_on_team = opportunity_gaps(session, opportunity_id=off_team)
        matrix = gap_matrix(session, company_ids=[beta_id]).set_index("name")
    # One of each holder's owners (Ann) is on the team: owned, and not single-threaded, since
    # both stakeholders are owned by two users.
    assert one_owner_on_team.cells["economic_buyer"] == "covered_owned"
    assert one_owner_on_team.cells["champion"] == "covered_owned"
    assert not one_owner_on_team.single_threaded and not one_owner_on_team.at_risk
    assert none_on_team.off_team == ("economic_buyer",)
    assert none_on_team.cells["champion"] == "covered_owned"
    assert not none_on_team.single_threaded
    # The many-opportunity formulation agrees with the single-opportunity one.
    assert matrix.loc["CoOwned", "economic_buyer"] == "covered_owned"
    assert matrix.loc["OffTeamPair", "economic_buyer"] == "covered_off_team"
    assert matrix.loc["OffTeamPair", "value_at_risk"] == 20_000
