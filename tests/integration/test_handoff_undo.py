"""Undo of a whole handoff: everything goes back to the giver, what the receiver had before
stays theirs; refused, saying what changed, when a moved record changed since."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied
from crm_core.models import (
    AuditEvent,
    CompanyAccountTeam,
    OpportunityAccountTeam,
    StakeholderRelationshipOwner,
    TaskEntity,
)
from crm_core.services.assignments import assign_owner
from crm_core.services.handoff import hand_off, preview_handoff
from crm_core.services.handoff_split import hand_off_split
from crm_core.services.handoff_undo import undo_handoff
from tests.factories import (
    MANAGER,
    VIEWER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_task,
    add_user,
)


@pytest.fixture
def w(engine):
    with write_session(engine) as session:
        alice, bob, carol = (add_user(session, n) for n in ("Alice", "Bob", "Carol"))
        acme = add_company(session, "Acme", team=[alice])
        beta = add_company(session, "Beta", team=[alice, bob])
        ann = add_stakeholder(session, acme, "Ann", owners=[alice])
        ben = add_stakeholder(session, beta, "Ben", owners=[alice, bob])
        deal = add_opportunity(session, beta, "Beta Deal", stakeholders=[ben], added_team=[alice])
        task = add_task(session, "Call Ann", links=[("stakeholder", ann.id), ("user", alice.id)])
        return {"alice": alice.id, "bob": bob.id, "carol": carol.id, "acme": acme.id,
                "beta": beta.id, "ann": ann.id, "ben": ben.id, "deal": deal.id,
                "task": task.id}


def state(engine):
    with read_session(engine) as s:
        return {
            "owners": set(s.execute(select(StakeholderRelationshipOwner.stakeholder_id,
                                           StakeholderRelationshipOwner.user_id)).tuples()),
            "accounts": set(s.execute(select(CompanyAccountTeam.company_id,
                                             CompanyAccountTeam.user_id)).tuples()),
            "deals": set(s.execute(select(OpportunityAccountTeam.opportunity_id,
                                          OpportunityAccountTeam.user_id)).tuples()),
            "task_users": set(s.scalars(select(TaskEntity.entity_id).where(
                TaskEntity.entity_type == "user"))),
        }


def handoff(engine, w) -> int:
    with write_session(engine) as s:
        seen = preview_handoff(s, from_user_id=w["alice"], to_user_id=w["bob"],
                               include_team_seats=True).fingerprint
        hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                 include_team_seats=True, seen_preview=seen)
        return s.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.handed_off"))


def undo(engine, event_id, actor=MANAGER):
    with write_session(engine) as s:
        return undo_handoff(s, actor=actor, event_id=event_id)


def test_undo_puts_everything_back_and_leaves_the_receiver_what_they_had(engine, w):
    before = state(engine)
    event_id = handoff(engine, w)
    moved = state(engine)
    assert moved["owners"] == {(w["ann"], w["bob"]), (w["ben"], w["bob"])}
    assert moved["task_users"] == {w["bob"]}
    result = undo(engine, event_id)
    assert (result.stakeholders, result.account_seats, result.opportunity_seats,
            result.tasks) == (2, 2, 1, 1)
    # Bob owned Ben and sat on Beta's team before: he still does.
    assert state(engine) == before


def test_undo_is_refused_when_a_moved_record_changed_since(engine, w):
    event_id = handoff(engine, w)
    with write_session(engine) as s:
        assign_owner(s, actor=MANAGER, stakeholder_id=w["ann"], user_id=w["carol"])
    changed = state(engine)
    with pytest.raises(Conflict) as error:
        undo(engine, event_id)
    assert "This handoff cannot be undone: 1+ record(s) it moved changed since" in str(error.value)
    assert '"Carol now owns the relationship with Ann" by manager@example.com' in str(error.value)
    assert state(engine) == changed   # nothing moved back


def test_a_handoff_is_undone_once_and_only_by_a_manager(engine, w):
    event_id = handoff(engine, w)
    with pytest.raises(PermissionDenied):
        undo(engine, event_id, actor=VIEWER)
    undo(engine, event_id)
    with pytest.raises(Conflict, match="This handoff was undone already"):
        undo(engine, event_id)


def test_a_book_split_between_two_receivers_is_two_handoffs_undone_one_at_a_time(engine, w):
    with write_session(engine) as s:
        parts = [(receiver, ids, preview_handoff(
            s, from_user_id=w["alice"], to_user_id=receiver, stakeholder_ids=ids,
            include_team_seats=True).fingerprint)
            for receiver, ids in ((w["carol"], [w["ann"]]), (w["bob"], [w["ben"]]))]
        results = hand_off_split(s, actor=MANAGER, from_user_id=w["alice"], parts=parts)
    assert [(r.stakeholders, r.account_seats) for r in results] == [(1, 1), (1, 1)]
    moved = state(engine)
    assert moved["owners"] == {(w["ann"], w["carol"]), (w["ben"], w["bob"])}
    assert moved["accounts"] == {(w["acme"], w["carol"]), (w["beta"], w["bob"])}
    with read_session(engine) as s:
        first, second = s.scalars(select(AuditEvent.id).where(
            AuditEvent.action == "user.handed_off").order_by(AuditEvent.id)).all()
    undo(engine, second)   # Bob gives Beta back; Carol keeps Acme
    assert state(engine)["owners"] == {(w["ann"], w["carol"]), (w["ben"], w["alice"]),
                                       (w["ben"], w["bob"])}
