"""Record services on both databases: create, validate, update, stale form, delete."""

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, Company, Opportunity, TaskEntity, User
from crm_core.services import records
from tests.factories import (
    MANAGER,
    VIEWER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_task,
    add_user,
)


def test_a_manager_creates_a_company_and_an_audit_event_is_written(engine):
    with write_session(engine) as session:
        company = records.create_company(session, actor=MANAGER, name=" Acme ",
                                         industry="Retail", website="acme.com")
    with read_session(engine) as session:
        stored = session.get(Company, company.id)
        assert (stored.name, stored.website) == ("Acme", "https://acme.com")
        events = session.query(AuditEvent).all()
        assert [(e.action, e.actor_email) for e in events] == [
            ("company.created", "manager@example.com")]
        assert integrity_problems(session) == []


def test_a_viewer_cannot_create_a_company(engine):
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        records.create_company(session, actor=VIEWER, name="Acme")


def test_probability_out_of_range_is_refused_and_nothing_is_written(engine):
    with write_session(engine) as session:
        company = records.create_company(session, actor=MANAGER, name="Acme")
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        records.create_opportunity(session, actor=MANAGER, name="Deal", value="1,000",
                                   probability=150, stage="proposal", company_id=company.id,
                                   expected_close_date="2030-01-31")
    assert str(error.value) == "Probability must be between 0 and 100, got 150."
    assert error.value.field == "probability"
    with read_session(engine) as session:
        assert session.query(AuditEvent).count() == 1


def test_a_stale_form_is_refused_naming_what_changed(engine):
    with write_session(engine) as session:
        company = records.create_company(session, actor=MANAGER, name="Acme", industry="Retail")
    with write_session(engine) as session:
        records.update_company(session, actor=MANAGER, company_id=company.id, seen_version=1,
                               industry="Banking")
    with pytest.raises(Conflict, match=r"manager@example.com .*\(industry\)"), \
            write_session(engine) as session:
        records.update_company(session, actor=MANAGER, company_id=company.id, seen_version=1,
                               name="Acme Corp")
    with read_session(engine) as session:
        stored = session.get(Company, company.id)
        assert (stored.name, stored.industry, stored.version) == ("Acme", "Banking", 2)


def test_a_new_opportunity_gets_its_stage_default_probability(engine):
    with write_session(engine) as session:
        company = records.create_company(session, actor=MANAGER, name="Acme")
        deal = records.create_opportunity(session, actor=MANAGER, name="Deal", value="$5,000",
                                          stage="Proposal", company_id=company.id,
                                          expected_close_date="2030-06-30")
    assert (deal.stage, deal.probability, deal.value) == ("proposal", 70, 5000.0)


def test_an_email_already_used_by_another_user_is_refused_whatever_its_case(engine):
    with write_session(engine) as session:
        records.create_user(session, actor=MANAGER, name="Ann Lee", email="ann@ourco.example")
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        records.create_user(session, actor=MANAGER, name="Ann Two", email="ANN@ourco.example")
    assert str(error.value) == "Email ann@ourco.example already belongs to Ann Lee."
    assert error.value.field == "email"


def test_a_user_who_owns_relationships_cannot_be_deleted_until_handed_off(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Lee")
        acme = add_company(session, "Acme", team=[ann])
        add_stakeholder(session, acme, "Sam Stone", owners=[ann])
    with pytest.raises(Conflict, match="Ann Lee still owns 1 stakeholder relationship"), \
            write_session(engine) as session:
        records.delete_user(session, actor=MANAGER, user_id=ann.id)
    with read_session(engine) as session:
        assert session.get(User, ann.id) is not None


def test_deleting_a_company_removes_the_task_links_of_everything_that_goes_with_it(engine):
    with write_session(engine) as session:
        ann = add_user(session, "Ann Lee")
        acme = add_company(session, "Acme", team=[ann])
        sam = add_stakeholder(session, acme, "Sam Stone", owners=[ann])
        deal = add_opportunity(session, acme, "Deal", stakeholders=[sam])
        task = add_task(session, "Call Sam", links=[("stakeholder", sam.id),
                                                    ("opportunity", deal.id),
                                                    ("company", acme.id), ("user", ann.id)])
    with read_session(engine) as session:
        assert records.deletion_impact(session, entity_type="company", entity_id=acme.id) == {
            "stakeholders": 1, "opportunities": 1, "account team seats": 1, "task links": 1}
    with write_session(engine) as session:
        records.delete_company(session, actor=MANAGER, company_id=acme.id)
    with read_session(engine) as session:
        links = session.execute(select(TaskEntity.entity_type, TaskEntity.entity_id)
                                .where(TaskEntity.task_id == task.id)).all()
        assert links == [("user", ann.id)]
        assert integrity_problems(session) == []


def test_updating_a_record_that_was_deleted_says_it_is_gone(engine):
    with pytest.raises(NotFound, match="no company with id 42"), \
            write_session(engine) as session:
        records.update_company(session, actor=MANAGER, company_id=42, name="X")


def test_two_deals_of_one_company_may_share_a_name(engine):
    with write_session(engine) as session:
        company = add_company(session, "Acme")
        for stage in ("qualification", "proposal"):
            records.create_opportunity(session, actor=MANAGER, name="Renewal", value="5000",
                                       stage=stage, expected_close_date="2027-01-31",
                                       company_id=company.id)
    with read_session(engine) as session:
        assert session.execute(select(Opportunity.name, Opportunity.stage)
                               .order_by(Opportunity.id)).all() == [
            ("Renewal", "qualification"), ("Renewal", "proposal")]


def test_a_user_known_by_name_alone_can_be_edited_without_an_email(engine):
    with write_session(engine) as session:
        rep = records.create_user(session, actor=MANAGER, name="Anna Snelling", email="",
                                  job_title="")
        records.update_user(session, actor=MANAGER, user_id=rep.id, name="Anna Snelling",
                            email="", job_title="Sales agent")
    with read_session(engine) as session:
        assert session.execute(select(User.name, User.email, User.job_title)).all() == [
            ("Anna Snelling", None, "Sales agent")]
