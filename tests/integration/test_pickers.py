"""The owner and member picker: the team first and marked, each user's load, departed users never
offered; and which chosen owners are off the stakeholder's account team."""

from __future__ import annotations

from datetime import date

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.pickers import OffTeam, off_account_team_names, people_to_choose
from tests.factories import add_company, add_opportunity, add_stakeholder, add_user


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Able")
        ben = add_user(session, "Ben Bold", job_title="Solutions Engineer")
        cat = add_user(session, "Cat Cole")
        dan = add_user(session, "Dan Dale")
        gone = add_user(session, "Gil Gone", departed_on=date(2026, 1, 31))
        acme = add_company(session, "Acme", team=[cat, gone])
        other = add_company(session, "Other", team=[ann])
        add_stakeholder(session, other, "Oli One", owners=[ann, ben])
        add_stakeholder(session, other, "Ola Two", owners=[ann])
        fay = add_stakeholder(session, acme, "Fay Fox", owners=[gone])
        deal = add_opportunity(session, acme, "Acme Deal", added_team=[dan])
        return {"acme": acme.id, "deal": deal.id, "fay": fay.id,
                "ids": {u.name: u.id for u in (ann, ben, cat, dan, gone)}}


def read(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def test_the_company_team_comes_first_then_everyone_by_name_with_their_load(engine, world):
    frame = read(engine, people_to_choose, company_id=world["acme"])
    assert frame[["name", "on_team", "owned"]].values.tolist() == [
        ["Cat Cole", True, 0],          # on Acme's account team
        ["Ann Able", False, 2],
        ["Ben Bold", False, 1],
        ["Dan Dale", False, 0],
    ]                                   # Gil Gone, departed, is never offered


def test_a_deals_full_team_comes_first(engine, world):
    frame = read(engine, people_to_choose, opportunity_id=world["deal"])
    assert list(frame["name"]) == ["Cat Cole", "Dan Dale", "Ann Able", "Ben Bold"]
    assert list(frame["on_team"]) == [True, True, False, False]


def test_without_a_record_everyone_is_listed_by_name_none_on_a_team(engine, world):
    frame = read(engine, people_to_choose)
    assert list(frame["name"]) == ["Ann Able", "Ben Bold", "Cat Cole", "Dan Dale"]
    assert not frame["on_team"].any()


def test_the_owners_off_the_account_team_are_named_with_the_company(engine, world):
    ids = world["ids"]
    assert read(engine, off_account_team_names, stakeholder_id=world["fay"],
                user_ids=[ids["Ben Bold"], ids["Cat Cole"], ids["Ann Able"]]) == OffTeam(
        company="Acme", names=("Ann Able", "Ben Bold"))
    assert read(engine, off_account_team_names, stakeholder_id=world["fay"],
                user_ids=[ids["Cat Cole"]]) is None
