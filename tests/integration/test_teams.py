"""The full team of an opportunity: its company's account team (inherited) plus members added
to that deal, as full_team_select, opportunity_full_team and the per-row join
full_team_member_joins answer it (answers written here)."""

from __future__ import annotations

import pytest
from sqlalchemy import case, select, true
from sqlalchemy.orm import aliased

from crm_core.db import read_session, write_session
from crm_core.models import Opportunity, User
from crm_core.queries.teams import full_team_member_joins, full_team_select, opportunity_full_team
from tests.factories import add_company, add_opportunity, add_user


@pytest.fixture
def world(engine) -> dict[str, int]:
    """Acme's account team: Ann, Bea. Acme Big has Cid added and Bea added too (both sources);
    Acme Small has nobody added. Bolt's account team: Dee; Bolt Deal has Ann added."""
    with write_session(engine) as session:
        ann, bea = add_user(session, "Ann Ames"), add_user(session, "Bea Bird")
        cid, dee = add_user(session, "Cid Cole"), add_user(session, "Dee Dunn")
        acme = add_company(session, "Acme", team=[ann, bea])
        bolt = add_company(session, "Bolt", team=[dee])
        big = add_opportunity(session, acme, "Acme Big", added_team=[cid, bea])
        small = add_opportunity(session, acme, "Acme Small")
        deal = add_opportunity(session, bolt, "Bolt Deal", added_team=[ann])
        return {"ann": ann.id, "bea": bea.id, "cid": cid.id, "dee": dee.id, "big": big.id,
                "small": small.id, "deal": deal.id}


def test_the_full_team_lists_each_member_once_per_source(engine, world):
    team = full_team_select().subquery()
    with read_session(engine) as session:
        rows = set(session.execute(select(team.c.opportunity_id, team.c.user_id,
                                          team.c.source)).all())
    w = world
    assert rows == {(w["big"], w["ann"], "inherited"), (w["big"], w["bea"], "inherited"),
                    (w["big"], w["bea"], "added"), (w["big"], w["cid"], "added"),
                    (w["small"], w["ann"], "inherited"), (w["small"], w["bea"], "inherited"),
                    (w["deal"], w["dee"], "inherited"), (w["deal"], w["ann"], "added")}


def test_a_member_added_to_one_deal_is_not_on_the_companys_other_deals(engine, world):
    with read_session(engine) as session:
        big = opportunity_full_team(session, opportunity_id=world["big"])
        small = opportunity_full_team(session, opportunity_id=world["small"])
    assert big[["name", "inherited", "added"]].values.tolist() == [
        ["Ann Ames", True, False], ["Bea Bird", True, True], ["Cid Cole", False, True]]
    assert small["name"].tolist() == ["Ann Ames", "Bea Bird"]


def test_the_per_row_join_finds_added_members_on_their_own_deal_only(engine, world):
    # Every (opportunity, user) pair through full_team_member_joins: on the team or not.
    opportunity, member = aliased(Opportunity), aliased(User)
    joins, on_team = full_team_member_joins(opportunity, member.id)
    stmt = select(opportunity.name, member.name, case((on_team, True), else_=False))
    stmt = stmt.select_from(opportunity).join(member, true())  # every pair
    for target, onclause in joins:
        stmt = stmt.outerjoin(target, onclause)
    with read_session(engine) as session:
        on = {(deal, user) for deal, user, yes in session.execute(stmt).all() if yes}
    assert on == {("Acme Big", "Ann Ames"), ("Acme Big", "Bea Bird"), ("Acme Big", "Cid Cole"),
                  ("Acme Small", "Ann Ames"), ("Acme Small", "Bea Bird"),
                  ("Bolt Deal", "Dee Dunn"), ("Bolt Deal", "Ann Ames")}
