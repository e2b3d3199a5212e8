"""Freshness on the User and Stakeholder pages, and the screen "What coverage is worth here",
in AppTest on the known dataset (plus touches and closed deals added per test)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm_core.db import make_engine, write_session
from crm_core.models import Company, Stakeholder, User
from dashboard.charts.win_rates import win_rate_chart
from tests.factories import TODAY, add_opportunity, add_stakeholder, add_touch

PAGE = "pages/win_rates.py"


def _add(app_db: str, build) -> None:
    engine = make_engine(app_db)
    with write_session(engine) as session:
        def named(model, name):
            return session.scalar(select(model).where(model.name == name))
        build(session, named)
    engine.dispose()


def _id(app_db: str, model, name: str) -> int:
    found = []
    _add(app_db, lambda session, named: found.append(named(model, name).id))
    return found[0]


def test_the_user_page_lists_their_stale_relationships_oldest_first(app_as, app_db):
    _add(app_db, lambda s, named: add_touch(s, named(User, "Alice Archer"),
                                            named(Stakeholder, "Eli Evans"), days_ago=100))
    at = app_as("viewer", "pages/user.py", id=str(_id(app_db, User, "Alice Archer")))
    assert not at.exception
    stale = next(d.value for d in at.dataframe if "days_since" in d.value.columns)
    # Dana was never touched by Alice (older than any touch), Eli 100 days ago (> 90).
    assert [link.rsplit("name=", 1)[1] for link in stale["stakeholder"]] == [
        "Dana+Diaz", "Eli+Evans"]
    assert list(stale["freshness"]) == ["Never touched", "Stale"]
    assert stale["days_since"].iloc[1] == 100


def test_the_stakeholder_page_gives_each_owners_last_touch(app_as, app_db):
    _add(app_db, lambda s, named: add_touch(s, named(User, "Bob Baker"),
                                            named(Stakeholder, "Eli Evans"), days_ago=12))
    at = app_as("viewer", "pages/stakeholder.py", id=str(_id(app_db, Stakeholder, "Eli Evans")))
    assert not at.exception
    # Captions escape markdown (user text is never markdown): compare without the escapes.
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert "Account Executive · on the account team · never touched" in captions  # Alice
    touched = (TODAY - timedelta(days=12)).isoformat()
    assert (f"Solutions Engineer · on the account team · last touch {touched}, 12 days ago "
            "(fresh)") in captions  # Bob


def test_with_few_closed_deals_nothing_is_drawn_and_each_group_says_why(app_as):
    at = app_as("viewer", PAGE)
    assert not at.exception
    assert at.title[0].value == "What coverage is worth here"
    assert at.info[0].value.startswith("**Association, not cause.**")
    assert "not what causes a win" in at.info[0].value
    assert [h.value for h in at.subheader] == [
        "Linked stakeholders", "Required roles owned by the deal team", "Single-threaded",
        "Economic buyer's owner at close"]
    assert not at.get("vega_lite_chart")
    captions = [c.value for c in at.caption]
    assert "1 closed deals: 1 won and 0 lost." in captions[0]
    # The renewal Acme won had no stakeholder linked.
    assert "None: Too few to compare: 1 won and 0 lost (needs 30 of each)." in captions


def _closed_history(session, named):
    acme = named(Company, "Acme Corp")
    ivy = add_stakeholder(session, acme, "Ivy Ines")
    jon = add_stakeholder(session, acme, "Jon Jones")
    for stage in ("closed_won", "closed_lost"):
        for n in range(30):
            add_opportunity(session, acme, f"Deal {stage} {n}", stage=stage, close_in_days=-30,
                            stakeholders=[ivy, jon])


def test_groups_with_30_won_and_30_lost_are_drawn_as_charts(app_as, app_db):
    _add(app_db, _closed_history)
    at = app_as("viewer", PAGE)
    assert not at.exception
    # Each comparison has one group holding the 60 new deals (plus the renewal in some).
    assert len(at.get("vega_lite_chart")) == 4
    linked = next(d.value for d in at.dataframe if d.value["label"].iloc[0] == "None")
    assert linked.set_index("label").loc["2", ["won", "lost"]].tolist() == [30, 30]


def test_the_chart_draws_the_win_rate_bar_and_its_interval():
    import pandas as pd

    groups = pd.DataFrame({"label": ["2"], "won": [30], "lost": [30], "deals": [60],
                           "win_rate": [0.5], "low": [0.3774], "high": [0.6226]})
    spec = win_rate_chart(groups).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule"]
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "high"
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert values == [{"label": "2", "won": 30, "lost": 30, "deals": 60, "win_rate": 0.5,
                       "low": 0.3774, "high": 0.6226}]
