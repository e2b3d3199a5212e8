"""The database itself rejects bad rows: one test per CHECK, foreign key, unique pair and email
rule, on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from crm_core.db import read_session, write_session
from crm_core.models import (
    AccessGrant,
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    ScorecardEntry,
    StageRequiredRole,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
    User,
)


@pytest.fixture
def base(engine):
    """One user, company, stakeholder, opportunity and task: each id 1 in a fresh database."""
    with write_session(engine) as s:
        s.execute(insert(User).values(name="Ann", email="ann@ourco.example"))
        s.execute(insert(Company).values(name="Acme"))
        s.execute(insert(Stakeholder).values(name="Sam", email="sam@acme.example",
                                             company_id=1))
        s.execute(insert(Opportunity).values(name="Deal", value=100, probability=20,
                                             stage="qualification", company_id=1))
        s.execute(insert(Task).values(description="Call", task_type="sequence"))
    return engine


def rejected(engine, model, **values) -> bool:
    try:
        with write_session(engine) as s:
            s.execute(insert(model).values(**values))
    except IntegrityError:
        return True
    return False


OPPORTUNITY = {"name": "X", "value": 1, "probability": 10, "stage": "prospecting",
               "company_id": 1}
TASK = {"description": "T", "priority": "low", "status": "open", "task_type": "task",
        "dependency_type": "none"}


@pytest.mark.parametrize("bad", [{"probability": 150}, {"probability": -1}, {"value": -5},
                                 {"stage": "won"}, {"company_id": 99}])
def test_an_opportunity_with_a_bad_value_is_rejected(base, bad):
    assert rejected(base, Opportunity, **{**OPPORTUNITY, **bad})


def test_a_good_opportunity_is_accepted(base):
    assert not rejected(base, Opportunity, **OPPORTUNITY)


@pytest.mark.parametrize("bad", [
    {"priority": "whenever"}, {"status": "paused"}, {"next_step_type": "fax"},
    {"task_type": "epic"}, {"dependency_type": "finish_to_finish"},
    {"parent_task_id": 1, "sequence_order": 0},
    {"parent_task_id": 1},                      # a step without a position
    {"sequence_order": 1},                      # a position without a parent
    {"parent_task_id": 99, "sequence_order": 1},
    {"status": "done"},                         # done without completed_at
    {"status": "open", "completed_at": datetime(2026, 1, 1)},
])
def test_a_task_with_a_bad_value_is_rejected(base, bad):
    assert rejected(base, Task, **{**TASK, **bad})


def test_a_done_step_with_completed_at_is_accepted(base):
    assert not rejected(base, Task, **{**TASK, "parent_task_id": 1, "sequence_order": 1,
                                       "status": "done", "completed_at": datetime(2026, 1, 1)})


def test_two_steps_cannot_share_a_position_in_one_sequence(base):
    step = {**TASK, "parent_task_id": 1, "sequence_order": 1}
    assert not rejected(base, Task, **step)
    assert rejected(base, Task, **step)


@pytest.mark.parametrize("model, row", [
    (StakeholderMeddpiccRole, {"stakeholder_id": 1, "meddpicc_role": "champion"}),
    (StakeholderRelationshipOwner, {"stakeholder_id": 1, "user_id": 1}),
    (CompanyAccountTeam, {"company_id": 1, "user_id": 1}),
    (OpportunityAccountTeam, {"opportunity_id": 1, "user_id": 1}),
    (StakeholderOpportunity, {"stakeholder_id": 1, "opportunity_id": 1}),
    (TaskEntity, {"task_id": 1, "entity_type": "company", "entity_id": 1}),
    (StageRequiredRole, {"stage": "prospecting", "meddpicc_role": "champion"}),
])
def test_an_assignment_pair_can_never_be_stored_twice(base, model, row):
    assert not rejected(base, model, **row)
    assert rejected(base, model, **row)


@pytest.mark.parametrize("model, row", [
    (StakeholderMeddpiccRole, {"stakeholder_id": 99, "meddpicc_role": "champion"}),
    (StakeholderRelationshipOwner, {"stakeholder_id": 1, "user_id": 99}),
    (StakeholderRelationshipOwner, {"stakeholder_id": 99, "user_id": 1}),
    (CompanyAccountTeam, {"company_id": 99, "user_id": 1}),
    (CompanyAccountTeam, {"company_id": 1, "user_id": 99}),
    (OpportunityAccountTeam, {"opportunity_id": 99, "user_id": 1}),
    (OpportunityAccountTeam, {"opportunity_id": 1, "user_id": 99}),
    (StakeholderOpportunity, {"stakeholder_id": 99, "opportunity_id": 1}),
    (StakeholderOpportunity, {"stakeholder_id": 1, "opportunity_id": 99}),
    (TaskEntity, {"task_id": 99, "entity_type": "company", "entity_id": 1}),
    (Stakeholder, {"name": "Nobody", "company_id": 99}),
    (ScorecardEntry, {"opportunity_id": 99, "element": "metrics", "status": "unknown",
                      "updated_by": "x"}),
])
def test_a_row_pointing_at_a_missing_parent_is_rejected(base, model, row):
    assert rejected(base, model, **row)


@pytest.mark.parametrize("model, row", [
    (StakeholderMeddpiccRole, {"stakeholder_id": 1, "meddpicc_role": "sponsor"}),
    (TaskEntity, {"task_id": 1, "entity_type": "contact", "entity_id": 1}),
    (StageRequiredRole, {"stage": "won", "meddpicc_role": "champion"}),
    (StageRequiredRole, {"stage": "proposal", "meddpicc_role": "sponsor"}),
    (AccessGrant, {"email": "a@b.example", "access_role": "owner", "granted_by": "x"}),
    (AccessGrant, {"email": "A@b.example", "access_role": "viewer", "granted_by": "x"}),
    (ScorecardEntry, {"opportunity_id": 1, "element": "economic_buyer", "status": "unknown",
                      "updated_by": "x"}),   # derived, never recorded
    (ScorecardEntry, {"opportunity_id": 1, "element": "metrics", "status": "maybe",
                      "updated_by": "x"}),
])
def test_a_value_outside_its_vocabulary_is_rejected(base, model, row):
    assert rejected(base, model, **row)


@pytest.mark.parametrize("model, extra", [(User, {}), (Stakeholder, {"company_id": 1})])
def test_emails_are_unique_whatever_their_case(base, model, extra):
    taken = "ann@ourco.example" if model is User else "sam@acme.example"
    assert rejected(base, model, name="Twin", email=taken.upper(), **extra)
    assert not rejected(base, model, name="Other", email="other@x.example", **extra)


def test_stakeholders_without_email_do_not_collide(base):
    assert not rejected(base, Stakeholder, name="A", company_id=1)
    assert not rejected(base, Stakeholder, name="B", company_id=1)


def test_deleting_a_company_deletes_its_stakeholders_opportunities_and_their_rows(base):
    with write_session(base) as s:
        s.execute(insert(StakeholderOpportunity).values(stakeholder_id=1, opportunity_id=1))
        s.execute(insert(StakeholderRelationshipOwner).values(stakeholder_id=1, user_id=1))
        s.execute(insert(CompanyAccountTeam).values(company_id=1, user_id=1))
        s.execute(delete(Company).where(Company.id == 1))
    with read_session(base) as s:
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (
            Stakeholder, Opportunity, StakeholderOpportunity, StakeholderRelationshipOwner,
            CompanyAccountTeam, User)]
    assert counts == [0, 0, 0, 0, 0, 1]


def test_deleting_a_sequence_deletes_its_steps(base):
    with write_session(base) as s:
        s.execute(insert(Task).values(**{**TASK, "parent_task_id": 1, "sequence_order": 1}))
        s.execute(delete(Task).where(Task.id == 1))
    with read_session(base) as s:
        assert s.scalar(select(func.count()).select_from(Task)) == 0
