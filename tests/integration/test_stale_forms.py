"""Record edit forms carry the version they showed: a colleague's save in between is never
overwritten; the refusal names who changed which field, and nothing is written."""

import pytest
from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict
from crm_core.models import AuditEvent, Company, Opportunity, Stakeholder, User
from crm_core.services import records
from tests.factories import ADMIN, MANAGER, add_company, add_opportunity, add_stakeholder, add_user

# entity type -> (model, update service, the colleague's change, my change)
CASES = {
    "user": (User, records.update_user, {"job_title": "VP Sales"}, {"name": "Ann Lee-Ray"}),
    "company": (Company, records.update_company, {"industry": "Retail"}, {"name": "Acme Inc"}),
    "stakeholder": (Stakeholder, records.update_stakeholder, {"phone": "+1 555 0100"},
                    {"job_title": "CFO"}),
    "opportunity": (Opportunity, records.update_opportunity, {"value": 20_000},
                    {"stage": "proposal"}),
}


@pytest.fixture
def ids(engine):
    with write_session(engine) as s:
        ann = add_user(s, "Ann Lee")
        acme = add_company(s, "Acme")
        sam = add_stakeholder(s, acme, "Sam Stone")
        deal = add_opportunity(s, acme, "Acme Deal")
    return {"user": ann.id, "company": acme.id, "stakeholder": sam.id, "opportunity": deal.id}


def state(engine, model, record_id):
    with read_session(engine) as s:
        row = s.get(model, record_id)
        events = s.scalar(select(func.count()).select_from(AuditEvent))
        return row.version, row.name, events


@pytest.mark.parametrize("entity_type", list(CASES))
def test_a_save_from_a_stale_form_is_refused_naming_the_change(engine, ids, entity_type):
    model, update, theirs, mine = CASES[entity_type]
    key = {f"{entity_type}_id": ids[entity_type]}
    shown_version = state(engine, model, ids[entity_type])[0]
    with write_session(engine) as s:
        update(s, actor=ADMIN, seen_version=shown_version, **key, **theirs)
    before = state(engine, model, ids[entity_type])
    with pytest.raises(Conflict) as refused, write_session(engine) as s:
        update(s, actor=MANAGER, seen_version=shown_version, **key, **mine)
    message = str(refused.value)
    assert f"was changed by {ADMIN.email} at " in message
    assert f"({next(iter(theirs))}) since you opened it" in message
    assert state(engine, model, ids[entity_type]) == before


@pytest.mark.parametrize("entity_type", list(CASES))
def test_a_save_from_a_fresh_form_goes_through_and_bumps_the_version(engine, ids, entity_type):
    model, update, _, mine = CASES[entity_type]
    version, _, events = state(engine, model, ids[entity_type])
    with write_session(engine) as s:
        update(s, actor=MANAGER, seen_version=version, **{f"{entity_type}_id": ids[entity_type]},
               **mine)
    after_version, _, after_events = state(engine, model, ids[entity_type])
    assert (after_version, after_events) == (version + 1, events + 1)
