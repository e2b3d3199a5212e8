"""Two processes writing the same rows at once: no duplicate, no lost update, no lock error."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from sqlalchemy import func, select

from crm_core.db import make_engine, read_session, write_session
from crm_core.errors import Conflict
from crm_core.models import AuditEvent, Opportunity, StakeholderRelationshipOwner
from crm_core.services.assignment_sets import set_stakeholder_owners
from crm_core.services.assignments import assign_owner
from crm_core.services.handoff import hand_off, preview_handoff
from crm_core.services.records import update_opportunity
from tests.factories import MANAGER, add_company, add_opportunity, add_stakeholder, add_user

INCREMENTS = 15  # per process
START_DELAY = 1.5  # seconds: both processes are up before either starts writing


def _wait_for(start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))


def increment_value(url: str, opportunity_id: int, times: int, start_at: float) -> dict:
    """Add 1 to the opportunity's value `times` times, re-reading and retrying on Conflict."""
    engine = make_engine(url)
    conflicts, errors = 0, []
    _wait_for(start_at)
    for _ in range(times):
        while True:
            with read_session(engine) as s:
                value, version = s.execute(select(Opportunity.value, Opportunity.version).where(
                    Opportunity.id == opportunity_id)).one()
            try:
                with write_session(engine) as s:
                    update_opportunity(s, actor=MANAGER, opportunity_id=opportunity_id,
                                       seen_version=version, value=value + 1)
                break
            except Conflict:
                conflicts += 1
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails
                errors.append(repr(error))
                break
    engine.dispose()
    return {"conflicts": conflicts, "errors": errors}


def assign_same_owner(url: str, stakeholder_id: int, user_id: int, times: int,
                      start_at: float) -> dict:
    """Assign the same owner again and again (a double click from two browsers)."""
    engine = make_engine(url)
    errors = []
    _wait_for(start_at)
    for _ in range(times):
        try:
            with write_session(engine) as s:
                assign_owner(s, actor=MANAGER, stakeholder_id=stakeholder_id, user_id=user_id)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails
            errors.append(repr(error))
    engine.dispose()
    return {"conflicts": 0, "errors": errors}


def add_owners_one_by_one(url: str, stakeholder_id: int, user_ids: list[int],
                          start_at: float) -> dict:
    """Add each user to the owner set through the form service, retrying on Conflict."""
    engine = make_engine(url)
    conflicts, errors = 0, []
    _wait_for(start_at)
    for user_id in user_ids:
        while True:
            with read_session(engine) as s:
                shown = set(s.scalars(select(StakeholderRelationshipOwner.user_id).where(
                    StakeholderRelationshipOwner.stakeholder_id == stakeholder_id)))
            try:
                with write_session(engine) as s:
                    set_stakeholder_owners(s, actor=MANAGER, stakeholder_id=stakeholder_id,
                                           user_ids=shown | {user_id}, seen_owner_ids=shown)
                break
            except Conflict:
                conflicts += 1
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails
                errors.append(repr(error))
                break
    engine.dispose()
    return {"conflicts": conflicts, "errors": errors}


def hand_off_once(url: str, from_user_id: int, to_user_id: int, fingerprint: str,
                  start_at: float) -> dict:
    """Confirm the same handoff preview (two managers clicking at once)."""
    engine = make_engine(url)
    conflicts, errors = 0, []
    _wait_for(start_at)
    try:
        with write_session(engine) as s:
            hand_off(s, actor=MANAGER, from_user_id=from_user_id, to_user_id=to_user_id,
                     seen_preview=fingerprint)
    except Conflict:
        conflicts += 1
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails
        errors.append(repr(error))
    engine.dispose()
    return {"conflicts": conflicts, "errors": errors}


def run_in_two_processes(target, args_per_process: list[tuple]) -> list[dict]:
    start_at = time.time() + START_DELAY
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(target, [(*args, start_at) for args in args_per_process])
    for result in results:
        assert result["errors"] == [], result["errors"]
    print("conflicts retried:", [r["conflicts"] for r in results])
    return results


@pytest.fixture
def deal(engine):
    with write_session(engine) as s:
        acme = add_company(s, "Acme")
        users = [add_user(s, f"User {i}") for i in range(8)]
        sam = add_stakeholder(s, acme, "Sam Stone")
        opportunity = add_opportunity(s, acme, "Acme Deal", value=1000)
    return {"opportunity": opportunity.id, "stakeholder": sam.id, "users": [u.id for u in users]}


def test_increments_from_two_processes_are_never_lost(engine, db_url, deal):
    run_in_two_processes(increment_value, [(db_url, deal["opportunity"], INCREMENTS)] * 2)
    with read_session(engine) as s:
        assert s.get(Opportunity, deal["opportunity"]).value == 1000 + 2 * INCREMENTS
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 2 * INCREMENTS


def test_two_processes_assigning_the_same_owner_store_one_row_and_one_event(engine, db_url,
                                                                            deal):
    user = deal["users"][0]
    run_in_two_processes(assign_same_owner, [(db_url, deal["stakeholder"], user, 10)] * 2)
    with read_session(engine) as s:
        assert s.execute(select(StakeholderRelationshipOwner.stakeholder_id,
                                StakeholderRelationshipOwner.user_id)).all() == [
            (deal["stakeholder"], user)]
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_owner_forms_saved_from_two_processes_lose_no_owner(engine, db_url, deal):
    first, second = deal["users"][:4], deal["users"][4:]
    run_in_two_processes(add_owners_one_by_one, [(db_url, deal["stakeholder"], first),
                                                 (db_url, deal["stakeholder"], second)])
    with read_session(engine) as s:
        owners = sorted(s.scalars(select(StakeholderRelationshipOwner.user_id)))
        assigned = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "owner.assigned"))
    assert owners == sorted(deal["users"])
    assert assigned == 8


def test_the_same_handoff_confirmed_twice_at_once_moves_the_rows_once(engine, db_url):
    with write_session(engine) as s:
        acme = add_company(s, "Acme")
        giver, receiver = add_user(s, "Gia Giver"), add_user(s, "Rex Receiver")
        people = [add_stakeholder(s, acme, f"Person {i}", owners=[giver]) for i in range(20)]
    with read_session(engine) as s:
        fingerprint = preview_handoff(s, from_user_id=giver.id,
                                      to_user_id=receiver.id).fingerprint
    results = run_in_two_processes(hand_off_once, [(db_url, giver.id, receiver.id,
                                                    fingerprint)] * 2)
    assert sorted(r["conflicts"] for r in results) == [0, 1]  # one moves, one is told
    with read_session(engine) as s:
        owners = sorted(s.execute(select(StakeholderRelationshipOwner.stakeholder_id,
                                         StakeholderRelationshipOwner.user_id)).all())
        summaries = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "user.handed_off"))
    assert owners == sorted((p.id, receiver.id) for p in people)
    assert summaries == 1
