"""The integrity check finds what the database cannot prevent, and nothing on sound data."""

from sqlalchemy import insert, update

from crm_core.db import read_session, write_session
from crm_core.integrity import integrity_problems
from crm_core.models import Task, TaskEntity
from tests.factories import add_company, add_task


def test_a_sound_database_has_no_problems(engine):
    with write_session(engine) as session:
        acme = add_company(session, "Acme")
        add_task(session, "Call", links=[("company", acme.id)])
    with read_session(engine) as session:
        assert integrity_problems(session) == []


def test_a_task_link_to_a_missing_entity_is_reported(engine):
    with write_session(engine) as session:
        task = add_task(session, "Call")
        session.execute(insert(TaskEntity).values(task_id=task.id, entity_type="stakeholder",
                                                  entity_id=404))
    with read_session(engine) as session:
        assert integrity_problems(session) == [f"task {task.id} links to missing stakeholder 404"]


def test_a_parent_cycle_and_a_step_of_a_non_sequence_are_reported(engine):
    with write_session(engine) as session:
        first = add_task(session, "First", task_type="sequence")
        second = add_task(session, "Second", task_type="sequence", parent=first,
                          sequence_order=1)
        plain = add_task(session, "Plain")
        add_task(session, "Step of plain", parent=plain, sequence_order=1)
        session.execute(update(Task).where(Task.id == first.id)
                        .values(parent_task_id=second.id, sequence_order=1))
    with read_session(engine) as session:
        problems = integrity_problems(session)
    assert f"task {plain.id + 1} is a step of task {plain.id}, which is not a sequence" in problems
    assert f"task {first.id} is its own ancestor (parent cycle)" in problems
    assert f"task {second.id} is its own ancestor (parent cycle)" in problems
    assert len(problems) == 3
