"""Assignment services: one row per pair, inherited team members never stored twice, audited."""

import pytest
from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.errors import NotFound, PermissionDenied, ValidationError
from crm_core.models import AuditEvent, StakeholderRelationshipOwner
from crm_core.services import assignments
from tests.factories import MANAGER, VIEWER, add_company, add_opportunity, add_stakeholder, add_user


@pytest.fixture
def acme(engine):
    with write_session(engine) as s:
        ann, bob = add_user(s, "Ann Lee"), add_user(s, "Bob Ray")
        acme = add_company(s, "Acme", team=[ann])
        globex = add_company(s, "Globex")
        sam = add_stakeholder(s, acme, "Sam Stone")
        gil = add_stakeholder(s, globex, "Gil Gray")
        deal = add_opportunity(s, acme, "Acme Deal")
    return {"ann": ann.id, "bob": bob.id, "sam": sam.id, "gil": gil.id, "deal": deal.id}


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_assigning_the_same_owner_twice_stores_one_row_and_one_audit_event(engine, acme):
    for expected in (True, False):
        with write_session(engine) as s:
            assert assignments.assign_owner(s, actor=MANAGER, stakeholder_id=acme["sam"],
                                            user_id=acme["ann"]) is expected
    assert count(engine, StakeholderRelationshipOwner) == 1
    with read_session(engine) as s:
        assert s.scalars(select(AuditEvent.summary)).all() == [
            "Ann Lee now owns the relationship with Sam Stone"]


def test_a_stakeholder_of_another_company_cannot_join_the_buying_committee(engine, acme):
    with pytest.raises(ValidationError, match="Gil Gray works at another company"), \
            write_session(engine) as s:
        assignments.link_stakeholder_to_opportunity(s, actor=MANAGER, stakeholder_id=acme["gil"],
                                                    opportunity_id=acme["deal"])


def test_an_unknown_meddpicc_role_is_refused_with_the_allowed_ones(engine, acme):
    with pytest.raises(ValidationError, match="MEDDPICC role 'sponsor' is not one of"), \
            write_session(engine) as s:
        assignments.add_meddpicc_role(s, actor=MANAGER, stakeholder_id=acme["sam"],
                                      meddpicc_role="sponsor")


def test_a_label_is_accepted_as_a_meddpicc_role(engine, acme):
    with write_session(engine) as s:
        assert assignments.add_meddpicc_role(s, actor=MANAGER, stakeholder_id=acme["sam"],
                                             meddpicc_role="Economic buyer")


def test_a_viewer_cannot_assign_and_a_missing_user_is_not_found(engine, acme):
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        assignments.assign_owner(s, actor=VIEWER, stakeholder_id=acme["sam"],
                                 user_id=acme["ann"])
    with pytest.raises(NotFound, match="no user with id 999"), write_session(engine) as s:
        assignments.assign_owner(s, actor=MANAGER, stakeholder_id=acme["sam"], user_id=999)
    assert count(engine, StakeholderRelationshipOwner) == 0
