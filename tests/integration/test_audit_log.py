"""The history query: filters, newest first, pagination in SQL with the full total."""

from datetime import date, datetime

import pytest

from crm_core.db import read_session, write_session
from crm_core.models import AuditEvent
from crm_core.queries.audit_log import audit_actors, audit_events, describe_changes


@pytest.fixture
def trail(engine):
    """Seven events by two people over three days (ids 1..7 in this order)."""
    rows = [
        ("2026-03-01 09:00", "ann@ourco.example", "company.created", "company", 1, None,
         {"name": "Acme"}),
        ("2026-03-01 10:00", "ann@ourco.example", "company.updated", "company", 1,
         {"name": "Acme"}, {"name": "Acme Corp"}),
        ("2026-03-02 11:00", "bob@ourco.example", "owner.assigned", "stakeholder", 5, None,
         {"stakeholder_id": 5, "user_id": 2}),
        ("2026-03-02 12:00", "bob@ourco.example", "owner.removed", "stakeholder", 5,
         {"stakeholder_id": 5, "user_id": 2}, None),
        ("2026-03-02 23:59", "ann@ourco.example", "opportunity.updated", "opportunity", 9,
         {"value": 100.0, "version": 1}, {"value": 120.0, "version": 2}),
        ("2026-03-03 08:00", "Bob@ourco.example", "stakeholder.updated", "stakeholder", 6,
         {"job_title": "CTO"}, {"job_title": "CIO"}),
        ("2026-03-03 09:00", "ann@ourco.example", "company.updated", "company", 1,
         {"industry": None}, {"industry": "Retail"}),
    ]
    with write_session(engine) as s:
        for when, who, action, etype, eid, before, after in rows:
            s.add(AuditEvent(occurred_at=datetime.fromisoformat(when), actor_email=who,
                             actor_role="manager", action=action, entity_type=etype,
                             entity_id=eid, summary=f"{action} {eid}", before=before,
                             after=after))


def ids(page):
    return list(page.events["id"])


def test_every_event_newest_first_with_the_total(engine, trail):
    with read_session(engine) as s:
        page = audit_events(s)
    assert ids(page) == [7, 6, 5, 4, 3, 2, 1] and page.total == 7
    assert list(page.events.columns) == ["id", "when", "who", "action", "entity_type",
                                         "entity_id", "summary", "changes"]


def test_a_page_holds_limit_rows_and_the_total_counts_all_matches(engine, trail):
    with read_session(engine) as s:
        first = audit_events(s, limit=3)
        third = audit_events(s, limit=3, offset=6)
    assert ids(first) == [7, 6, 5] and first.total == 7
    assert ids(third) == [1] and third.total == 7


def test_filter_by_entity(engine, trail):
    with read_session(engine) as s:
        page = audit_events(s, entity_type="company", entity_id=1)
    assert ids(page) == [7, 2, 1] and page.total == 3


def test_filter_by_actor_ignores_case(engine, trail):
    with read_session(engine) as s:
        page = audit_events(s, actor_email="BOB@ourco.example")
    assert ids(page) == [6, 4, 3]


def test_filter_by_dates_includes_the_whole_last_day(engine, trail):
    with read_session(engine) as s:
        page = audit_events(s, since=date(2026, 3, 2), until=date(2026, 3, 2))
    assert ids(page) == [5, 4, 3] and page.total == 3


def test_changes_read_before_to_after(engine, trail):
    with read_session(engine) as s:
        changes = dict(zip(ids(audit_events(s)), audit_events(s).events["changes"], strict=True))
    assert changes[2] == "name: Acme → Acme Corp"
    assert changes[5] == "value: 100.0 → 120.0"
    assert changes[7] == "industry: — → Retail"
    assert changes[3] == "→ stakeholder_id: 5; user_id: 2"
    assert changes[4] == "removed: stakeholder_id: 5; user_id: 2"


def test_the_actor_filter_offers_everyone_who_wrote(engine, trail):
    with read_session(engine) as s:
        assert audit_actors(s) == ["ann@ourco.example", "bob@ourco.example"]


def test_no_match_is_an_empty_page(engine, trail):
    with read_session(engine) as s:
        page = audit_events(s, entity_type="user")
    assert page.total == 0 and page.events.empty


def test_describe_changes_of_nothing_is_empty():
    assert describe_changes(None, None) == ""
