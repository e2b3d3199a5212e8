"""Required roles per stage (admin settings) and the MEDDPICC scorecard (derived and recorded)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent
from crm_core.queries.meddpicc import gap_summary, opportunity_gaps, opportunity_scorecard
from crm_core.queries.settings import required_roles
from crm_core.services.scorecard import NO_ENTRY, record_scorecard_entry
from crm_core.services.settings import set_required_roles, update_required_roles
from tests.factories import ADMIN, MANAGER, VIEWER
from tests.integration.meddpicc_dataset import build_gap_world

OTHER_MANAGER = MANAGER.__class__(email="other@example.com", role="manager")


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_gap_world(session)


def test_the_migration_ships_the_default_required_roles(engine):
    with read_session(engine) as session:
        roles = required_roles(session)
    assert roles["prospecting"] == ()
    assert roles["qualification"] == ("economic_buyer", "champion")
    assert roles["negotiation"] == ("decision_maker", "economic_buyer", "champion",
                                    "gatekeeper", "technical_buyer")
    assert roles["closed_won"] == ()


def test_an_admin_changes_a_stages_required_roles_and_the_gaps_follow(engine, world):
    with write_session(engine) as session:
        changed = set_required_roles(session, actor=ADMIN, stage="solution",
                                     meddpicc_roles=["champion", "Economic buyer"])
    assert changed is True
    with read_session(engine) as session:
        assert required_roles(session)["solution"] == ("economic_buyer", "champion")
        gaps = opportunity_gaps(session, opportunity_id=world["Solution"])
        assert gaps.coverage_score == 1.0 and not gaps.at_risk
        assert gap_summary(session).value_at_risk == 215_000   # 415k without Solution's 200k
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "settings.required_roles")).one()
        assert event.before == {"stage": "solution", "meddpicc_roles": [
            "decision_maker", "economic_buyer", "champion", "technical_buyer"]}
        assert event.after == {"stage": "solution",
                               "meddpicc_roles": ["economic_buyer", "champion"]}
        assert event.actor_email == ADMIN.email
        assert integrity_problems(session) == []


def test_requiring_a_role_in_prospecting_puts_its_deal_at_risk(engine, world):
    with write_session(engine) as session:
        update_required_roles(session, actor=ADMIN,
                              requirements={"prospecting": ["economic_buyer"],
                                            "qualification": ["economic_buyer", "champion"]})
    with read_session(engine) as session:
        gaps = opportunity_gaps(session, opportunity_id=world["Prospect"])
        assert gaps.missing == ("economic_buyer",) and gaps.value_at_risk == 5_000
        assert session.scalar(select(AuditEvent.id).where(
            AuditEvent.summary.like("Qualification%"))) is None   # unchanged: not audited


def test_only_admins_change_required_roles(engine):
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        set_required_roles(session, actor=MANAGER, stage="solution", meddpicc_roles=[])


@pytest.mark.parametrize(("stage", "roles", "field", "words"), [
    ("closed_won", ["champion"], "stage", "closed"),
    ("nowhere", ["champion"], "stage", "'nowhere' is not one of"),
    ("solution", ["champion", "cheerleader"], "meddpicc_roles", "'cheerleader' is not one of"),
])
def test_required_roles_are_validated(engine, stage, roles, field, words):
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        set_required_roles(session, actor=ADMIN, stage=stage, meddpicc_roles=roles)
    assert error.value.field == field and words in error.value.message


def test_economic_buyer_and_champion_are_derived_from_roles_and_ownership(engine, world):
    with read_session(engine) as session:
        def status(name, element):
            card = opportunity_scorecard(session, opportunity_id=world[name]).set_index("element")
            return card.loc[element, "status"], bool(card.loc[element, "derived"])

        assert status("Missing", "economic_buyer") == ("unknown", True)
        assert status("Missing", "champion") == ("confirmed", True)
        assert status("Unowned", "economic_buyer") == ("identified", True)
        assert status("OffTeam", "economic_buyer") == ("identified", True)
        assert status("Added", "economic_buyer") == ("confirmed", True)
        assert status("Missing", "metrics") == ("unknown", False)
        card = opportunity_scorecard(session, opportunity_id=world["Missing"])
    assert list(card["element"]) == ["metrics", "economic_buyer", "decision_criteria",
                                      "decision_process", "paper_process", "identify_pain",
                                      "champion", "competition"]


def test_a_manager_records_an_element_with_who_and_when_and_an_audit_event(engine, world):
    with write_session(engine) as session:
        record_scorecard_entry(session, actor=MANAGER, opportunity_id=world["Missing"],
                               element="metrics", status="confirmed",
                               note="  20% fewer stock-outs  ")
    with read_session(engine) as session:
        card = opportunity_scorecard(session, opportunity_id=world["Missing"])
        metrics = card.set_index("element").loc["metrics"]
        assert (metrics["status"], metrics["note"]) == ("confirmed", "20% fewer stock-outs")
        assert metrics["updated_by"] == MANAGER.email and metrics["updated_at"] is not None
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "scorecard.recorded")).one()
        assert (event.entity_type, event.entity_id) == ("opportunity", world["Missing"])
        assert event.before is None
        assert event.after == {"element": "metrics", "status": "confirmed",
                               "note": "20% fewer stock-outs"}
        assert integrity_problems(session) == []


def test_viewers_cannot_record_the_scorecard(engine, world):
    with pytest.raises(PermissionDenied), write_session(engine) as session:
        record_scorecard_entry(session, actor=VIEWER, opportunity_id=world["Missing"],
                               element="metrics", status="confirmed", note="")


def test_derived_elements_cannot_be_recorded(engine, world):
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        record_scorecard_entry(session, actor=MANAGER, opportunity_id=world["Missing"],
                               element="champion", status="confirmed", note="")
    assert error.value.field == "element" and "derived" in error.value.message


def test_a_bad_status_is_refused_naming_the_field(engine, world):
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        record_scorecard_entry(session, actor=MANAGER, opportunity_id=world["Missing"],
                               element="competition", status="maybe", note="")
    assert error.value.field == "status"


def test_a_form_that_saw_no_entry_is_refused_when_someone_recorded_it_meanwhile(engine, world):
    def save_from_a_form_that_saw_nothing(actor, status: str, note: str) -> None:
        with write_session(engine) as session:
            record_scorecard_entry(session, actor=actor, opportunity_id=world["Missing"],
                                   element="paper_process", status=status, note=note,
                                   seen_updated_at=NO_ENTRY)

    save_from_a_form_that_saw_nothing(OTHER_MANAGER, "confirmed", "Signed")
    with pytest.raises(Conflict) as error:
        save_from_a_form_that_saw_nothing(MANAGER, "unknown", "")
    assert "other@example.com" in str(error.value)
    with read_session(engine) as session:
        card = opportunity_scorecard(session, opportunity_id=world["Missing"])
        assert card.set_index("element").loc["paper_process", "note"] == "Signed"


def test_a_stale_form_is_refused_when_someone_else_changed_the_entry(engine, world):
    with write_session(engine) as session:
        shown = record_scorecard_entry(session, actor=MANAGER, opportunity_id=world["Missing"],
                                       element="competition", status="identified",
                                       note="Globex").updated_at
    with write_session(engine) as session:
        record_scorecard_entry(session, actor=OTHER_MANAGER, opportunity_id=world["Missing"],
                               element="competition", status="confirmed", note="Only Globex",
                               seen_updated_at=shown)
    with pytest.raises(Conflict) as error, write_session(engine) as session:
        record_scorecard_entry(session, actor=MANAGER, opportunity_id=world["Missing"],
                               element="competition", status="unknown", note="",
                               seen_updated_at=shown)
    assert "other@example.com" in str(error.value)
    with read_session(engine) as session:
        card = opportunity_scorecard(session, opportunity_id=world["Missing"])
        assert card.set_index("element").loc["competition", "note"] == "Only Globex"
        befores = session.scalars(select(AuditEvent.before).where(
            AuditEvent.action == "scorecard.recorded").order_by(AuditEvent.id)).all()
    assert befores == [None, {"element": "competition", "status": "identified",
                              "note": "Globex"}]
