"""Races on PostgreSQL with two connections, staged step by step: the second transaction starts
while the first holds its locks uncommitted, and the test waits until it is blocked (or done)
before the first commits. No timing guesses: the waits are on pg_stat_activity."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import pytest
from sqlalchemy import Engine, func, select, text

from crm_core.access import Actor
from crm_core.db import read_session, run_write, write_session
from crm_core.errors import Conflict, ValidationError
from crm_core.models import AccessGrant, User
from crm_core.services.access import revoke_access
from crm_core.services.records import create_user

ANN = Actor(email="ann@example.com", role="admin", name="Ann")
BEN = Actor(email="ben@example.com", role="admin", name="Ben")


def _blocked_or_done(engine: Engine, future: Future, timeout: float = 30) -> None:
    """Wait until the other transaction waits for a lock, or has finished without waiting."""
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if future.done():
                return
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar()
            if waiting:
                return
            conn.rollback()
            wait([future], timeout=0.05)  # returns at once when the transaction ends
    raise TimeoutError("the second transaction neither blocked nor finished")


def _second_while_first_is_open(engine: Engine, first: Callable, second: Callable):
    """Run `first` in an open write transaction, start `second` (through run_write) beside
    it, wait until it blocks or ends, commit the first; return the second's future."""
    pool = ThreadPoolExecutor(max_workers=1)
    with write_session(engine) as session:
        first(session)
        future = pool.submit(run_write, engine, second)
        _blocked_or_done(engine, future)
    pool.shutdown(wait=True)
    return future


def test_two_admins_taking_admin_from_each_other_leave_one_admin(postgres_engine):
    with write_session(postgres_engine) as session:
        session.add_all([AccessGrant(email=a.email, access_role="admin", granted_by="tests")
                         for a in (ANN, BEN)])
    future = _second_while_first_is_open(
        postgres_engine, lambda s: revoke_access(s, actor=BEN, email=ANN.email),
        lambda s: revoke_access(s, actor=ANN, email=BEN.email))
    with pytest.raises(Conflict, match="ben@example.com is the last admin"):
        future.result()
    with read_session(postgres_engine) as session:
        assert list(session.scalars(select(AccessGrant.email))) == [BEN.email]


def test_the_same_email_created_twice_at_once_gets_the_services_own_message(postgres_engine):
    def create(name: str):
        return lambda s: create_user(s, actor=ANN, name=name, email="Sam@ourco.example",
                                     job_title="Account Executive")

    future = _second_while_first_is_open(postgres_engine, create("Sam Smith"), create("Sam Other"))
    with pytest.raises(ValidationError) as error:
        future.result()
    assert error.value.field == "email"
    assert error.value.message == "Email sam@ourco.example already belongs to Sam Smith."
    with read_session(postgres_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_a_transaction_chosen_as_a_deadlock_victim_is_run_again(postgres_engine):
    with write_session(postgres_engine) as session:
        session.add_all([User(name=n, email=f"{n}@ourco.example") for n in ("one", "two")])
    both_hold_one = threading.Barrier(2, timeout=30)
    runs = {"one": 0, "two": 0}

    def rename_both(first: str, second: str) -> Callable:
        def work(session) -> str:
            runs[first] += 1
            session.execute(text("UPDATE users SET job_title = :t WHERE name = :n"),
                            {"t": f"by {first}", "n": first})
            if runs[first] == 1:
                both_hold_one.wait()  # each holds its own row and now wants the other's
            session.execute(text("UPDATE users SET job_title = :t WHERE name = :n"),
                            {"t": f"by {first}", "n": second})
            return first
        return work

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [pool.submit(run_write, postgres_engine, rename_both("one", "two")),
                pool.submit(run_write, postgres_engine, rename_both("two", "one"))]
        assert sorted(f.result(timeout=60) for f in done) == ["one", "two"]
    # At least one deadlock victim ran again and then both committed. On a busy machine the
    # victim's retry can take its first row before the survivor wakes and deadlock once more,
    # so a side may run three times.
    assert min(runs.values()) >= 1 and sum(runs.values()) >= 3
    with read_session(postgres_engine) as session:
        titles = set(session.scalars(select(User.job_title)))
    assert len(titles) == 1 and titles <= {"by one", "by two"}
