"""Sequence services on both databases: create, add a step, move, reorder, and the refusals."""

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import Task, TaskEntity
from crm_core.services import task_sequences as sequences
from tests.factories import MANAGER, add_company, add_task


def _steps(engine, sequence_id) -> list[tuple[int, str]]:
    with read_session(engine) as session:
        return session.execute(select(Task.sequence_order, Task.description)
                               .where(Task.parent_task_id == sequence_id)
                               .order_by(Task.sequence_order)).all()


def _ids(engine, sequence_id) -> list[int]:
    with read_session(engine) as session:
        return list(session.scalars(select(Task.id).where(Task.parent_task_id == sequence_id)
                                    .order_by(Task.sequence_order)))


def _sound(engine) -> None:
    with read_session(engine) as session:
        assert integrity_problems(session) == []


@pytest.fixture
def onboarding(engine):
    with write_session(engine) as session:
        acme = add_company(session, "Acme Corp")
        sequence = sequences.create_sequence(
            session, actor=MANAGER, description="Onboarding", links=[("company", acme.id)],
            steps=[{"description": "Kickoff", "dependency_type": "none"},
                   {"description": "Contract", "due_date": "2030-07-01"},
                   {"description": "Signature", "links": []}])
    return engine, sequence.id


def test_a_sequence_is_created_with_its_steps_in_order(onboarding):
    engine, sequence_id = onboarding
    assert _steps(engine, sequence_id) == [(1, "Kickoff"), (2, "Contract"), (3, "Signature")]
    with read_session(engine) as session:
        steps = session.scalars(select(Task).where(Task.parent_task_id == sequence_id)
                                .order_by(Task.sequence_order)).all()
        assert [s.dependency_type for s in steps] == ["none", "finish_to_start",
                                                      "finish_to_start"]
        linked = [session.scalar(select(TaskEntity.entity_type)
                                 .where(TaskEntity.task_id == s.id)) for s in steps]
        assert session.get(Task, sequence_id).task_type == "sequence"
    # Steps without their own links get the sequence's; an explicit empty list means none.
    assert linked == ["company", "company", None]
    _sound(engine)


def test_a_sequence_without_steps_or_with_a_bad_step_is_refused(engine):
    with pytest.raises(ValidationError, match="A sequence needs at least one step."), \
            write_session(engine) as session:
        sequences.create_sequence(session, actor=MANAGER, description="Empty", steps=[])
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        sequences.create_sequence(session, actor=MANAGER, description="Bad", steps=[
            {"description": "One"}, {"description": "Two", "due_date": "31/31/2030"}])
    assert str(error.value) == "Step 2: Due date '31/31/2030' is not a date (use YYYY-MM-DD)."
    with read_session(engine) as session:
        assert session.scalars(select(Task)).all() == []


def test_a_step_is_added_at_the_end_or_at_a_free_position_only(onboarding):
    engine, sequence_id = onboarding
    with write_session(engine) as session:
        sequences.add_step(session, actor=MANAGER, sequence_id=sequence_id,
                           description="Welcome pack")
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        sequences.add_step(session, actor=MANAGER, sequence_id=sequence_id,
                           description="Training", sequence_order=2)
    assert str(error.value) == ("Position 2 of the sequence 'Onboarding' is already taken by "
                                "'Contract'. Pick a free position, or reorder the steps.")
    with write_session(engine) as session:
        sequences.add_step(session, actor=MANAGER, sequence_id=sequence_id,
                           description="Training", sequence_order=5)
    assert [d for _, d in _steps(engine, sequence_id)] == [
        "Kickoff", "Contract", "Signature", "Welcome pack", "Training"]
    _sound(engine)


def test_a_task_cannot_be_a_step_of_a_task_that_is_not_a_sequence(engine):
    with write_session(engine) as session:
        plain, other = add_task(session, "Plain"), add_task(session, "Other")
    with pytest.raises(ValidationError, match="'Plain' is not a sequence"), \
            write_session(engine) as session:
        sequences.add_step(session, actor=MANAGER, sequence_id=plain.id, description="Step")
    with pytest.raises(ValidationError, match="'Plain' is not a sequence"), \
            write_session(engine) as session:
        sequences.move_task(session, actor=MANAGER, task_id=other.id, sequence_id=plain.id)


def test_a_parent_cycle_is_refused(engine):
    with write_session(engine) as session:
        outer = sequences.create_sequence(session, actor=MANAGER, description="Outer",
                                          steps=[{"description": "A"}])
        inner = sequences.create_sequence(session, actor=MANAGER, description="Inner",
                                          steps=[{"description": "B"}])
        sequences.move_task(session, actor=MANAGER, task_id=inner.id, sequence_id=outer.id)
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        sequences.move_task(session, actor=MANAGER, task_id=outer.id, sequence_id=inner.id)
    assert str(error.value) == ("'Inner' is inside 'Outer'; making 'Outer' its step would make "
                                "a parent cycle.")
    with pytest.raises(ValidationError, match="cannot be a step of itself"), \
            write_session(engine) as session:
        sequences.move_task(session, actor=MANAGER, task_id=outer.id, sequence_id=outer.id)
    _sound(engine)


def test_moving_a_step_out_closes_the_gap_it_leaves(onboarding):
    engine, sequence_id = onboarding
    contract = _ids(engine, sequence_id)[1]
    with write_session(engine) as session:
        sequences.move_task(session, actor=MANAGER, task_id=contract, sequence_id=None)
    assert _steps(engine, sequence_id) == [(1, "Kickoff"), (2, "Signature")]
    with read_session(engine) as session:
        moved = session.get(Task, contract)
        assert (moved.parent_task_id, moved.sequence_order) == (None, None)
    _sound(engine)


def test_steps_are_reordered_without_colliding_positions(onboarding):
    engine, sequence_id = onboarding
    kickoff, contract, signature = _ids(engine, sequence_id)
    with write_session(engine) as session:
        sequences.reorder_steps(session, actor=MANAGER, sequence_id=sequence_id,
                                step_ids=[signature, kickoff, contract])
    assert _steps(engine, sequence_id) == [(1, "Signature"), (2, "Kickoff"), (3, "Contract")]
    with write_session(engine) as session:
        sequences.reorder_steps(session, actor=MANAGER, sequence_id=sequence_id,
                                step_ids=[contract, signature, kickoff])
    assert _steps(engine, sequence_id) == [(1, "Contract"), (2, "Signature"), (3, "Kickoff")]
    _sound(engine)


def test_an_order_that_repeats_misses_or_adds_a_step_is_refused(onboarding):
    engine, sequence_id = onboarding
    kickoff, contract, signature = _ids(engine, sequence_id)
    with write_session(engine) as session:
        stranger = add_task(session, "Stranger").id
    cases = [
        ([kickoff, kickoff, contract, signature], f"The new order lists step(s) {kickoff} more "
                                                  "than once: two steps cannot share a position."),
        ([kickoff, signature], "The new order leaves out 'Contract': list every step once."),
        ([kickoff, contract, signature, stranger], f"Task(s) {stranger} are not steps of "
                                                   "'Onboarding'."),
    ]
    for order, message in cases:
        with pytest.raises(ValidationError) as error, write_session(engine) as session:
            sequences.reorder_steps(session, actor=MANAGER, sequence_id=sequence_id,
                                    step_ids=order)
        assert str(error.value) == message
    assert [d for _, d in _steps(engine, sequence_id)] == ["Kickoff", "Contract", "Signature"]
