"""What coverage is worth, on hand-built closed deals: won and lost per group, win rates with
their Wilson intervals, and the 30-won-and-30-lost rule."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.win_rates import win_rates
from tests.factories import (
    TODAY,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_touch,
    add_user,
)


@pytest.fixture
def history(engine):
    """Acme (team: Ann). Dana is its economic buyer, owned by Ann, who touched her 30 and 400
    days ago; Eli and Fay hold no role and nobody owns them.
    - 30 won deals closed 20 days ago with Dana and Eli (Dana touched 10 days before);
    - 30 lost deals closed 200 days ago with Dana and Eli (last touch 200 days before);
    - 5 won and 40 lost deals closed 50 days ago with Fay alone (single-threaded)."""
    with write_session(engine) as session:
        ann = add_user(session, "Ann Able")
        acme = add_company(session, "Acme", team=[ann])
        dana = add_stakeholder(session, acme, "Dana Diaz", roles=["economic_buyer"],
                               owners=[ann])
        eli = add_stakeholder(session, acme, "Eli Evans")
        fay = add_stakeholder(session, acme, "Fay Fox")
        add_touch(session, ann, dana, days_ago=30)
        add_touch(session, ann, dana, days_ago=400)
        for stage, count, close, people in (("closed_won", 30, -20, [dana, eli]),
                                            ("closed_lost", 30, -200, [dana, eli]),
                                            ("closed_won", 5, -50, [fay]),
                                            ("closed_lost", 40, -50, [fay])):
            for n in range(count):
                add_opportunity(session, acme, f"{stage} {n}", stage=stage,
                                close_in_days=close, stakeholders=people)
        add_opportunity(session, acme, "Still open", stage="proposal", stakeholders=[fay])


def _rows(engine, comparison):
    with read_session(engine) as session:
        frame = win_rates(session, today=TODAY)
    return frame[frame["comparison"] == comparison].set_index("group")


def test_linked_stakeholders_count_won_and_lost_with_their_interval(engine, history):
    rows = _rows(engine, "linked_stakeholders")
    assert list(rows.index) == ["1", "2", "3", "4+"]  # no deal without stakeholders: no row
    assert rows.loc["2", ["won", "lost", "deals"]].tolist() == [30, 30, 60]
    assert rows.loc["2", "win_rate"] == 0.5
    assert rows.loc["2", "low"] == pytest.approx(0.3774, abs=1e-4)
    assert rows.loc["2", "high"] == pytest.approx(0.6226, abs=1e-4)
    assert bool(rows.loc["2", "drawn"]) is True and rows.loc["2", "why_not"] == ""
    assert rows.loc["3", ["won", "lost"]].tolist() == [0, 0]


def test_a_group_without_30_won_and_30_lost_is_not_drawn_and_says_why(engine, history):
    rows = _rows(engine, "linked_stakeholders")
    assert rows.loc["1", ["won", "lost"]].tolist() == [5, 40]
    assert rows.loc["1", "win_rate"] == pytest.approx(5 / 45)
    assert bool(rows.loc["1", "drawn"]) is False
    assert rows.loc["1", "why_not"] == (
        "Too few to compare: 5 won and 40 lost (needs 30 of each).")


def test_single_threaded_deals_against_the_others(engine, history):
    rows = _rows(engine, "single_threaded")
    assert rows.loc["yes", ["won", "lost"]].tolist() == [5, 40]
    assert rows.loc["no", ["won", "lost"]].tolist() == [30, 30]
    assert [bool(d) for d in rows["drawn"]] == [False, True]


def test_required_roles_owned_by_the_deal_team(engine, history):
    # Every open stage's required roles include more than the economic buyer: never all owned.
    rows = _rows(engine, "roles_owned")
    assert rows.loc["yes", ["won", "lost"]].tolist() == [0, 0]
    assert rows.loc["no", ["won", "lost"]].tolist() == [35, 70]


def test_the_economic_buyers_owner_at_close(engine, history):
    rows = _rows(engine, "economic_buyer")
    # Won: last touch 10 days before the close (fresh); lost: the touch 30 days ago came after
    # their close, the one before it 200 days before (stale); Fay's deals have no buyer.
    assert rows.loc["fresh", ["won", "lost"]].tolist() == [30, 0]
    assert rows.loc["stale", ["won", "lost"]].tolist() == [0, 30]
    assert rows.loc["never_touched", ["won", "lost"]].tolist() == [0, 0]
    assert rows.loc["none", ["won", "lost"]].tolist() == [5, 40]


def test_a_scope_keeps_the_deals_whose_full_team_includes_someone_in_it(engine, history):
    with write_session(engine) as session:
        bob = add_user(session, "Bob Bold")
        bolt = add_company(session, "Bolt", team=[bob])
        gil = add_stakeholder(session, bolt, "Gil Grey")
        for n in range(3):
            add_opportunity(session, bolt, f"Bolt won {n}", stage="closed_won",
                            close_in_days=-10, stakeholders=[gil])
        bob_id = bob.id
    with read_session(engine) as session:
        everyone = win_rates(session, today=TODAY).set_index(["comparison", "group"])
        bobs = win_rates(session, today=TODAY, scope=f"person:{bob_id}").set_index(
            ["comparison", "group"])
    assert everyone.loc[("linked_stakeholders", "1"), ["won", "lost"]].tolist() == [8, 40]
    # Bob sits on Bolt's account team only: his three won deals, nothing of Acme's.
    assert bobs.loc[("linked_stakeholders", "1"), ["won", "lost"]].tolist() == [3, 0]
    assert bobs["deals"].groupby(level="comparison").sum().to_dict() == {
        "economic_buyer": 3, "linked_stakeholders": 3, "roles_owned": 3, "single_threaded": 3}
