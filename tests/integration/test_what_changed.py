"""What changed, on a hand-built sequence of writes through the services: a handoff, a
departure, an owner assigned (closing a gap and leaving a deal fully covered), an owner removed,
a stakeholder unlinked (opening a gap). The expected lists are written here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries.what_changed import became_orphaned, gap_changes, largest_handoffs
from crm_core.services.assignment_sets import (
    set_stakeholder_opportunities,
    set_stakeholder_owners,
)
from crm_core.services.assignments import assign_owner
from crm_core.services.handoff import hand_off, preview_handoff
from crm_core.services.people import mark_departed
from tests.factories import MANAGER, add_company, add_opportunity, add_stakeholder, add_user

SINCE, UNTIL = date.today() - timedelta(days=1), date.today() + timedelta(days=1)


@pytest.fixture
def world(engine):
    """Ann manages Ben and Cat (Acme's account team); Dan is on no team. The Acme deal needs
    an economic buyer (Sue, owned by Ben) and a champion (Tom, owned by nobody yet); the
    expansion deal has Wes, an economic buyer owned by Ben."""
    with write_session(engine) as session:
        ann = add_user(session, "Ann Lead")
        ben = add_user(session, "Ben Rep", manager=ann)
        cat = add_user(session, "Cat Rep", manager=ann)
        dan = add_user(session, "Dan Temp")
        acme = add_company(session, "Acme", team=[ben, cat])
        sue = add_stakeholder(session, acme, "Sue Buyer", roles=["economic_buyer"], owners=[ben])
        tom = add_stakeholder(session, acme, "Tom Champ", roles=["champion"])
        uma = add_stakeholder(session, acme, "Uma User", owners=[cat])
        vic = add_stakeholder(session, acme, "Vic Vendor", owners=[cat])
        wes = add_stakeholder(session, acme, "Wes Wallet", roles=["economic_buyer"],
                              owners=[ben])
        deal = add_opportunity(session, acme, "Acme deal", stakeholders=[sue, tom])
        expansion = add_opportunity(session, acme, "Acme expansion", stakeholders=[wes])
        return {k: v.id for k, v in locals().items() if hasattr(v, "id")}


def write(engine, service, **kwargs):
    with write_session(engine) as session:
        return service(session, actor=MANAGER, **kwargs)


@pytest.fixture
def changes(engine, world):
    w = world
    with read_session(engine) as session:
        fingerprint = preview_handoff(session, from_user_id=w["cat"], to_user_id=w["dan"],
                                      stakeholder_ids=[w["uma"]]).fingerprint
    write(engine, hand_off, from_user_id=w["cat"], to_user_id=w["dan"],
          stakeholder_ids=[w["uma"]], seen_preview=fingerprint)
    write(engine, mark_departed, user_id=w["dan"], departed_on=date.today())
    write(engine, assign_owner, stakeholder_id=w["tom"], user_id=w["ben"])
    write(engine, set_stakeholder_owners, stakeholder_id=w["vic"], user_ids=[])
    write(engine, set_stakeholder_opportunities, stakeholder_id=w["wes"], opportunity_ids=[])
    return w


def ask(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, since=SINCE, until=UNTIL, **kwargs)


def test_orphaned_relationships_name_the_change_that_orphaned_them(engine, changes):
    orphaned = ask(engine, became_orphaned, scope="organisation")
    # Uma was handed to Dan, who then departed: the departure is what left her orphaned.
    assert orphaned[["stakeholder", "cause"]].values.tolist() == [
        ["Vic Vendor", "owner removed"], ["Uma User", "owner departed"]]
    assert orphaned["actor"].unique().tolist() == ["manager@example.com"]
    # The team of Ann sits on Acme's account team; Dan alone sits on no team.
    assert ask(engine, became_orphaned, scope=f"team:{changes['ann']}")["stakeholder"].tolist() \
        == ["Vic Vendor", "Uma User"]
    assert ask(engine, became_orphaned, scope=f"person:{changes['dan']}").empty


def test_gaps_opened_and_closed_and_the_deal_that_became_fully_covered(engine, changes):
    gaps, covered = ask(engine, gap_changes, scope="organisation")
    assert gaps[["opportunity", "role", "change", "action"]].values.tolist() == [
        ["Acme expansion", "Economic buyer", "opened", "stakeholder.unlinked"],
        ["Acme deal", "Champion", "closed", "owner.assigned"]]
    assert covered["opportunity"].tolist() == ["Acme deal"]
    assert ask(engine, gap_changes, scope=f"person:{changes['dan']}")[0].empty


def test_the_largest_handoffs_of_the_period(engine, changes):
    handoffs = ask(engine, largest_handoffs, scope="organisation")
    assert handoffs[["from_user", "to_user", "stakeholders"]].values.tolist() == [
        ["Cat Rep", "Dan Temp", 1]]
    assert len(ask(engine, largest_handoffs, scope=f"person:{changes['dan']}")) == 1
    assert ask(engine, largest_handoffs, scope=f"person:{changes['ben']}").empty
