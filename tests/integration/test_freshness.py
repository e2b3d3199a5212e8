"""Relationship freshness on hand-built data: what counts as a touch, the stale threshold, the
coverage split, a user's stale list and the 'owned but stale' gap cell."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied, ValidationError
from crm_core.models import Company, Stakeholder
from crm_core.queries.detail_stakeholder import stakeholder_owners
from crm_core.queries.freshness import (
    owned_freshness,
    ownership_freshness,
    stale_relationships_of_user,
)
from crm_core.queries.meddpicc import opportunity_gaps
from crm_core.queries.settings import stale_after_days
from crm_core.services.settings import set_stale_after_days
from tests.factories import (
    ADMIN,
    MANAGER,
    TODAY,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_touch,
    add_user,
)


def noon(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(12))


@pytest.fixture
def book(engine):
    """Ann owns Dana (touched 10 days ago), Eli (touched 100 days ago) and Fay (never);
    Ben owns Dana too (never touched by him). Tasks that must not count surround them."""
    with write_session(engine) as session:
        ann, ben = add_user(session, "Ann Able"), add_user(session, "Ben Bold")
        acme = add_company(session, "Acme", team=[ann])
        dana = add_stakeholder(session, acme, "Dana Diaz", roles=["economic_buyer"],
                               owners=[ann, ben])
        eli = add_stakeholder(session, acme, "Eli Evans", owners=[ann])
        fay = add_stakeholder(session, acme, "Fay Fox", owners=[ann])
        add_stakeholder(session, acme, "Gus Gray")  # orphaned: in no ownership figure
        add_touch(session, ann, dana, days_ago=10)
        add_touch(session, ann, eli, days_ago=100)
        # Linked to Dana but not to Ben: no touch of Ben's ownership (nor a later one of Ann's).
        add_touch(session, ann, dana, days_ago=2, links=[("stakeholder", dana.id)])
        add_touch(session, ann, dana, days_ago=1, status="cancelled")    # cancelled: no touch
        add_touch(session, ann, fay, days_ago=3, status="in_progress")   # unfinished: no touch
        deal = add_opportunity(session, acme, "Acme Platform", stage="qualification",
                               stakeholders=[dana])
        return {"ann": ann.id, "ben": ben.id, "dana": dana.id, "eli": eli.id, "fay": fay.id,
                "deal": deal.id}


def test_last_touch_is_the_latest_done_task_linked_to_both_owner_and_stakeholder(engine, book):
    with read_session(engine) as session:
        frame = ownership_freshness(session, today=TODAY)
    got = {(r.stakeholder_id, r.user_id): (r.last_touch, r.freshness) for r in frame.itertuples()}
    assert got[(book["dana"], book["ann"])] == (noon(10), "fresh")
    assert got[(book["eli"], book["ann"])] == (noon(100), "stale")
    # A task on Dana without Ben, and Fay's unfinished task, are no touches.
    assert got[(book["dana"], book["ben"])][1] == "never_touched"
    assert got[(book["fay"], book["ann"])][1] == "never_touched"
    assert len(got) == 4


def test_the_threshold_decides_stale_and_an_admin_moves_it(engine, book):
    with write_session(engine) as session:
        assert stale_after_days(session) == 90
        assert set_stale_after_days(session, actor=ADMIN, days="120", shown_days=90) is True
    with read_session(engine) as session:
        frame = ownership_freshness(session, today=TODAY).set_index(["stakeholder_id",
                                                                     "user_id"])
        split = owned_freshness(session, today=TODAY)
    assert frame.loc[(book["eli"], book["ann"]), "freshness"] == "fresh"  # 100 days <= 120
    # Dana and Eli are owned and fresh; Fay is owned but stale (never touched).
    assert (split.owned, split.owned_fresh, split.owned_stale) == (3, 2, 1)


def test_the_day_of_the_threshold_is_still_fresh_and_the_day_after_is_stale(engine, book):
    with write_session(engine) as session:
        set_stale_after_days(session, actor=ADMIN, days=100, shown_days=90)
    with read_session(engine) as session:
        assert owned_freshness(session, today=TODAY).owned_fresh == 2
        later = owned_freshness(session, today=TODAY + timedelta(days=1))
    assert (later.owned_fresh, later.owned_stale) == (1, 2)


def test_the_threshold_setting_refuses_bad_values_stale_forms_and_non_admins(engine, book):
    with write_session(engine) as session:
        with pytest.raises(ValidationError, match="between 1 and 3,650 days, got 0"):
            set_stale_after_days(session, actor=ADMIN, days=0, shown_days=90)
        with pytest.raises(ValidationError, match="'soon' is not a whole number"):
            set_stale_after_days(session, actor=ADMIN, days="soon", shown_days=90)
        with pytest.raises(PermissionDenied):
            set_stale_after_days(session, actor=MANAGER, days=30, shown_days=90)
        with pytest.raises(Conflict, match="changed the stale threshold to 90 days"):
            set_stale_after_days(session, actor=ADMIN, days=30, shown_days=60)
        assert set_stale_after_days(session, actor=ADMIN, days=90, shown_days=90) is False


def test_a_users_stale_relationships_come_oldest_first_never_touched_first(engine, book):
    with read_session(engine) as session:
        frame = stale_relationships_of_user(session, user_id=book["ann"], today=TODAY)
    assert list(frame["stakeholder"]) == ["Fay Fox", "Eli Evans"]
    assert list(frame["freshness"]) == ["never_touched", "stale"]
    assert frame["days_since"].iloc[1] == 100
    assert frame["total"].iloc[0] == 2


def test_the_stakeholder_page_gives_each_owners_last_touch(engine, book):
    with read_session(engine) as session:
        owners = stakeholder_owners(session, stakeholder_id=book["dana"]).set_index("name")
    assert owners.loc["Ann Able", "last_touch"] == noon(10)
    assert owners["last_touch"].isna().to_dict() == {"Ann Able": False, "Ben Bold": True}


def test_a_team_owned_role_not_touched_within_the_threshold_is_owned_but_stale(engine, book):
    with write_session(engine) as session:
        set_stale_after_days(session, actor=ADMIN, days=5, shown_days=90)
    with read_session(engine) as session:
        gaps = opportunity_gaps(session, opportunity_id=book["deal"], today=TODAY)
        without_today = opportunity_gaps(session, opportunity_id=book["deal"])
    # Qualification requires the economic buyer: Dana, owned by Ann (on Acme's team), whom
    # Ann last touched 10 days ago; stale, yet covered and owned for the score and the risk.
    assert gaps.cells["economic_buyer"] == "covered_stale"
    assert gaps.stale == ("economic_buyer",)
    assert "economic buyer owned, last touch 10 days ago" in gaps.gaps_in_words
    assert without_today.cells["economic_buyer"] == "covered_owned"
    assert (gaps.coverage_score, gaps.value_at_risk) == (without_today.coverage_score,
                                                         without_today.value_at_risk)


def test_a_fresh_touch_makes_the_role_covered_and_owned(engine, book):
    with read_session(engine) as session:
        gaps = opportunity_gaps(session, opportunity_id=book["deal"], today=TODAY)
    assert gaps.cells["economic_buyer"] == "covered_owned"
    assert not [w for w in gaps.gaps_in_words if "economic buyer" in w]


def test_a_departed_owners_touch_makes_nobody_owned_and_fresh(engine, book):
    with write_session(engine) as session:
        gone = add_user(session, "Gil Gone", departed_on=TODAY - timedelta(days=1))
        acme = session.get(Company, session.get(Stakeholder, book["fay"]).company_id)
        ivy = add_stakeholder(session, acme, "Ivy Ines", owners=[gone])
        add_touch(session, gone, ivy, days_ago=3)
    with read_session(engine) as session:
        split = owned_freshness(session, today=TODAY)
    # Ivy's only owner departed: she is orphaned, in neither owned figure.
    assert (split.owned, split.owned_fresh, split.owned_stale) == (3, 1, 2)
