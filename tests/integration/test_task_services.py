"""Task services on both databases: links, editing, completion rules, bulk, refusals."""

import pytest
from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, Task, TaskEntity
from crm_core.services import records, task_status, tasks
from crm_core.services import task_sequences as sequences
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
def world(engine):
    with write_session(engine) as session:
        alice = add_user(session, "Alice Archer")
        acme = add_company(session, "Acme Corp")
        dana = add_stakeholder(session, acme, "Dana Diaz")
        deal = add_opportunity(session, acme, "Acme Platform")
        ids = {"alice": alice.id, "acme": acme.id, "dana": dana.id, "deal": deal.id}
    return engine, ids


def _sound(engine) -> None:
    with read_session(engine) as session:
        assert integrity_problems(session) == []


def _audits(engine) -> list[tuple[str, str]]:
    with read_session(engine) as session:
        return [(e.action, e.summary) for e in session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


def _status(engine, task_id):
    with read_session(engine) as session:
        task = session.get(Task, task_id)
        return task.status, task.completed_at is not None


def _sequence(engine, ids, dependencies=("finish_to_start", "finish_to_start")):
    with write_session(engine) as session:
        sequence = sequences.create_sequence(
            session, actor=MANAGER, description="Onboarding", links=[("company", ids["acme"])],
            steps=[{"description": f"Step {n}", "dependency_type": d}
                   for n, d in enumerate(("none",) + tuple(dependencies), start=1)])
        steps = [s.id for s in sequence.steps]
    return sequence.id, steps


def test_a_task_is_created_linked_to_entities_of_every_type(world):
    engine, ids = world
    with write_session(engine) as session:
        task = tasks.create_task(
            session, actor=MANAGER, description=" Send pricing ", due_date="2030-06-10",
            priority="High", links=[("stakeholder", ids["dana"]), ("opportunity", ids["deal"]),
                                    {"entity_type": "company", "entity_id": ids["acme"]},
                                    ("user", ids["alice"]), ("user", ids["alice"])])
    with read_session(engine) as session:
        stored = session.get(Task, task.id)
        assert (stored.description, str(stored.due_date), stored.priority, stored.status) == (
            "Send pricing", "2030-06-10", "high", "open")
        links = session.execute(select(TaskEntity.entity_type, TaskEntity.entity_id)
                                .where(TaskEntity.task_id == task.id)).all()
    assert sorted(links) == sorted([("stakeholder", ids["dana"]), ("opportunity", ids["deal"]),
                                    ("company", ids["acme"]), ("user", ids["alice"])])
    assert _audits(engine) == [("task.created", "Created task 'Send pricing'")]
    _sound(engine)


@pytest.mark.parametrize("links, message", [
    ([("contact", 1)], "Cannot link to 'contact': the entity type must be one of company, "
                       "opportunity, stakeholder, user."),
    ([("stakeholder", 999)], "Cannot link to stakeholder 999: there is no stakeholder with "
                             "that id."),
    ([("company", "abc")], "Company id 'abc' is not a valid id."),
])
def test_a_link_to_an_unknown_type_or_a_missing_entity_is_refused(world, links, message):
    engine, _ = world
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        tasks.create_task(session, actor=MANAGER, description="Call", links=links)
    assert (str(error.value), error.value.field) == (message, "links")
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_a_due_date_that_cannot_be_parsed_is_refused(world):
    engine, _ = world
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        tasks.create_task(session, actor=MANAGER, description="Call", due_date="next Tuesday")
    assert str(error.value) == "Due date 'next Tuesday' is not a date (use YYYY-MM-DD)."
    assert error.value.field == "due_date"


def test_a_viewer_can_neither_create_nor_complete_a_task(world):
    engine, _ = world
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        tasks.create_task(session, actor=VIEWER, description="Call")
    with write_session(engine) as session:
        task_id = add_task(session, "Call").id
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        task_status.complete_task(session, actor=VIEWER, task_id=task_id)


def test_an_edit_from_a_stale_form_is_refused(world):
    engine, _ = world
    with write_session(engine) as session:
        task = tasks.create_task(session, actor=MANAGER, description="Call")
    with write_session(engine) as session:
        tasks.edit_task(session, actor=MANAGER, task_id=task.id, seen_version=1,
                        priority="urgent", status="in_progress")
    with pytest.raises(Conflict, match=r"manager@example.com .*priority"), \
            write_session(engine) as session:
        tasks.edit_task(session, actor=MANAGER, task_id=task.id, seen_version=1,
                        description="Call back")
    assert _status(engine, task.id) == ("in_progress", False)
    with pytest.raises(ValidationError, match="Use Complete, Cancel or Reopen"), \
            write_session(engine) as session:
        tasks.edit_task(session, actor=MANAGER, task_id=task.id, status="done")
    _sound(engine)


def test_complete_sets_completed_at_reopen_clears_it_and_cancel_cancels(world):
    engine, _ = world
    with write_session(engine) as session:
        task_id = add_task(session, "Call").id
    with write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=task_id)
    assert _status(engine, task_id) == ("done", True)
    with pytest.raises(Conflict, match="'Call' is already done."), \
            write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=task_id)
    with write_session(engine) as session:
        task_status.reopen_task(session, actor=MANAGER, task_id=task_id)
    assert _status(engine, task_id) == ("open", False)
    with write_session(engine) as session:
        task_status.cancel_task(session, actor=MANAGER, task_id=task_id, reason="Deal lost")
    assert _status(engine, task_id) == ("cancelled", False)
    with pytest.raises(Conflict, match="cancelled; reopen it before completing it"), \
            write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=task_id)
    assert [a for a, _ in _audits(engine)] == ["task.completed", "task.reopened",
                                               "task.cancelled"]
    _sound(engine)


def test_a_finish_to_start_step_cannot_be_completed_before_the_previous_step(world):
    engine, ids = world
    _, (first, second, third) = _sequence(engine, ids)
    with pytest.raises(Conflict) as error, write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=second)
    assert str(error.value) == (
        "'Step 2' is blocked: it depends on the previous step 'Step 1' (finish to start), "
        "which is open. Complete that step first, or force it with a reason.")
    with write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=first)
        task_status.complete_task(session, actor=MANAGER, task_id=second)
    assert _status(engine, second) == ("done", True)
    _sound(engine)


def test_a_start_to_start_step_waits_only_until_the_previous_step_has_started(world):
    engine, ids = world
    _, (first, second, _) = _sequence(engine, ids, ("start_to_start", "none"))
    with pytest.raises(Conflict, match="which is open"), write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=second)
    with write_session(engine) as session:
        tasks.edit_task(session, actor=MANAGER, task_id=first, status="in_progress")
        task_status.complete_task(session, actor=MANAGER, task_id=second)
    assert _status(engine, second) == ("done", True)


def test_a_step_without_dependency_is_never_blocked(world):
    engine, ids = world
    _, (_, _, third) = _sequence(engine, ids, ("finish_to_start", "none"))
    with write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=third)
    assert _status(engine, third) == ("done", True)


def test_forcing_a_blocked_step_needs_a_reason_which_is_audited(world):
    engine, ids = world
    _, (_, second, _) = _sequence(engine, ids)
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=second, force=True, reason=" ")
    assert (str(error.value), error.value.field) == ("Reason for forcing is required.",
                                                     "reason")
    with write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=second, force=True,
                            reason="Customer signed early")
    with read_session(engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.after["forced_reason"] == "Customer signed early"
        assert event.summary == ("Completed task 'Step 2' (forced past its dependency: "
                                 "Customer signed early)")
    _sound(engine)


def test_a_sequence_with_unfinished_steps_cannot_be_completed(world):
    engine, ids = world
    sequence_id, _ = _sequence(engine, ids)
    with pytest.raises(Conflict, match="still has 3 unfinished step\\(s\\): Step 1, Step 2"), \
            write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=sequence_id)


def test_bulk_complete_is_all_or_nothing_and_names_the_blocked_tasks(world):
    engine, ids = world
    _, (first, second, third) = _sequence(engine, ids)
    with write_session(engine) as session:
        lone = add_task(session, "Lone call").id
    with pytest.raises(Conflict) as error, write_session(engine) as session:
        task_status.bulk_complete(session, actor=MANAGER, task_ids=[lone, third])
    assert str(error.value).startswith("Nothing was completed: 'Step 3' is blocked: it depends "
                                       "on the previous step 'Step 2'")
    assert _status(engine, lone) == ("open", False)
    # Selected together, each step's previous step is completed in the same batch.
    with write_session(engine) as session:
        done = task_status.bulk_complete(session, actor=MANAGER,
                                         task_ids=[third, lone, second, first])
    assert done == 4
    assert [_status(engine, i) for i in (first, second, third, lone)] == [("done", True)] * 4
    _sound(engine)


def test_cancelling_a_sequence_cancels_its_open_steps(world):
    engine, ids = world
    sequence_id, steps = _sequence(engine, ids)
    with write_session(engine) as session:
        task_status.complete_task(session, actor=MANAGER, task_id=steps[0])
        task_status.cancel_task(session, actor=MANAGER, task_id=sequence_id)
    assert [_status(engine, i)[0] for i in [sequence_id, *steps]] == [
        "cancelled", "done", "cancelled", "cancelled"]
    _sound(engine)


def test_links_are_added_and_removed_and_audited(world):
    engine, ids = world
    with write_session(engine) as session:
        task_id = add_task(session, "Call").id
    with write_session(engine) as session:
        assert tasks.link_entities(session, actor=MANAGER, task_id=task_id,
                                   links=[("user", ids["alice"]), ("company", ids["acme"])]) == 2
        assert tasks.link_entities(session, actor=MANAGER, task_id=task_id,
                                   links=[("user", ids["alice"])]) == 0
        assert tasks.unlink_entity(session, actor=MANAGER, task_id=task_id,
                                   entity_type="user", entity_id=ids["alice"]) is True
    with read_session(engine) as session:
        links = session.execute(select(TaskEntity.entity_type)
                                .where(TaskEntity.task_id == task_id)).scalars().all()
    assert links == ["company"]
    assert [a for a, _ in _audits(engine)] == ["task.linked", "task.unlinked"]
    _sound(engine)


def test_deleting_any_linked_entity_removes_its_task_links(world):
    engine, ids = world
    with write_session(engine) as session:
        task_id = tasks.create_task(session, actor=MANAGER, description="Call", links=[
            ("stakeholder", ids["dana"]), ("opportunity", ids["deal"]),
            ("company", ids["acme"]), ("user", ids["alice"])]).id
    with write_session(engine) as session:
        records.delete_stakeholder(session, actor=MANAGER, stakeholder_id=ids["dana"])
        records.delete_user(session, actor=MANAGER, user_id=ids["alice"])
    with read_session(engine) as session:
        remaining = sorted(session.scalars(select(TaskEntity.entity_type)
                                           .where(TaskEntity.task_id == task_id)))
    assert remaining == ["company", "opportunity"]
    _sound(engine)
    with write_session(engine) as session:
        records.delete_company(session, actor=MANAGER, company_id=ids["acme"])
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(TaskEntity)) == 0
        assert session.get(Task, task_id) is not None
    _sound(engine)


def test_the_missing_task_of_a_bulk_selection_is_named(world):
    engine, _ = world
    with pytest.raises(NotFound, match="There is no task with id 4242"), \
            write_session(engine) as session:
        task_status.bulk_complete(session, actor=MANAGER, task_ids=[4242])
