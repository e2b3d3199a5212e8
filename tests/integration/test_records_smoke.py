"""Record services on both databases: create, validate, update, stale form, delete."""

import pytest

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, Company
from crm_core.services import records
from tests.factories import MANAGER, VIEWER


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
