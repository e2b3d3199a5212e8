"""What a new task can be linked to: searches scoped by what is already chosen."""

from __future__ import annotations

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.link_choices import company_choices, deal_choices, stakeholder_choices
from tests.factories import add_company, add_opportunity, add_stakeholder


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        acme = add_company(session, "Acme")
        apex = add_company(session, "Apex")
        beta = add_company(session, "Beta")
        ann = add_stakeholder(session, acme, "Ann Acme")
        add_stakeholder(session, acme, "Zed Acme")
        bea = add_stakeholder(session, beta, "Bea Beta")
        add_stakeholder(session, apex, "Abe Apex")
        renewal = add_opportunity(session, acme, "Acme Renewal", stakeholders=[ann])
        add_opportunity(session, acme, "Acme Platform")
        add_opportunity(session, apex, "Apex Pilot")
        beta_deal = add_opportunity(session, beta, "Beta Rollout", stakeholders=[bea])
        return {"acme": acme.id, "apex": apex.id, "beta": beta.id, "renewal": renewal.id,
                "beta_deal": beta_deal.id, "bea": bea.id}


def read(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def names(frame):
    return [label.split(" · ")[0] for label in frame["label"]]


def test_companies_match_the_text_and_keep_the_chosen_first(engine, world):
    assert names(read(engine, company_choices, text="a")) == ["Acme", "Apex", "Beta"]
    assert names(read(engine, company_choices, text="ap", chosen=[world["beta"]])) == [
        "Beta", "Apex"]


def test_without_text_only_the_chosen_companys_deals_are_offered(engine, world):
    assert read(engine, deal_choices).empty   # nothing chosen, nothing typed: nothing to guess
    frame = read(engine, deal_choices, company_ids=[world["acme"]])
    assert names(frame) == ["Acme Platform", "Acme Renewal"]
    assert set(frame["company_id"]) == {world["acme"]}


def test_a_search_puts_the_chosen_companys_deals_first(engine, world):
    # "p" matches deals named with a p or of a company with one: Apex's first, then the others.
    frame = read(engine, deal_choices, text="p", company_ids=[world["apex"]])
    assert names(frame) == ["Apex Pilot", "Acme Platform"]


def test_stakeholders_of_the_chosen_company_and_deal_come_first(engine, world):
    assert names(read(engine, stakeholder_choices, company_ids=[world["acme"]])) == [
        "Ann Acme", "Zed Acme"]
    assert names(read(engine, stakeholder_choices, opportunity_ids=[world["beta_deal"]])) == [
        "Bea Beta"]
    assert names(read(engine, stakeholder_choices, text="a", company_ids=[world["apex"]],
                      chosen=[world["bea"]])) == ["Bea Beta", "Abe Apex", "Ann Acme", "Zed Acme"]
