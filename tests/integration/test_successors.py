"""Successor suggestions per company of a rep's book, on hand-built data, with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.successors import successor_suggestions
from tests.factories import add_company, add_region, add_stakeholder, add_user


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        north = add_region(session, "North")
        rep = add_user(session, "Rita Rep", region=north)
        twin = add_user(session, "Tom Twin")               # shares both of Rita's accounts
        local = add_user(session, "Lea Local", region=north)  # same region, same industry
        star = add_user(session, "Sam Star")               # a big book, nothing shared
        idle = add_user(session, "Ida Idle")               # nothing at all, owns nothing
        add_user(session, "Gus Gone", departed_on=date(2026, 1, 1))
        acme = add_company(session, "Acme", industry="Retail", team=[rep, twin])
        beta = add_company(session, "Beta", industry="Retail", team=[rep, twin])
        other = add_company(session, "Other", industry="Retail", team=[local, star])
        add_stakeholder(session, acme, "Ann", owners=[rep])
        add_stakeholder(session, beta, "Bob", owners=[rep, twin])
        for n in range(5):
            add_stakeholder(session, other, f"Big {n}", owners=[star])
        return {"rep": rep.id, "idle": idle.id}


def test_successors_rank_shared_accounts_before_industry_region_and_load(engine, world):
    with read_session(engine) as session:
        frame = successor_suggestions(session, from_user_id=world["rep"], per_company=4)
    acme = frame[frame["company"] == "Acme"]
    assert acme[["rank", "name", "reason"]].values.tolist() == [
        [1, "Tom Twin", "on this account team; shares 2 of 2 accounts; 2 account(s) in "
                        "Retail; owns 1"],
        [2, "Lea Local", "shares 0 of 2 accounts; 1 account(s) in Retail; same region; owns 0"],
        [3, "Sam Star", "shares 0 of 2 accounts; 1 account(s) in Retail; owns 5"],
        [4, "Ida Idle", "shares 0 of 2 accounts; 0 account(s) in Retail; owns 0"],
    ]
    assert list(frame["company"].unique()) == ["Acme", "Beta"]   # Gus Gone never suggested


def test_a_user_without_a_book_gets_no_suggestion(engine, world):
    with read_session(engine) as session:
        assert successor_suggestions(session, from_user_id=world["idle"]).empty
