"""Bulk handoff: the preview lists exactly what moves, the handoff moves exactly that."""

from datetime import date

import pytest
from sqlalchemy import func, insert, select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import (
    AuditEvent,
    CompanyAccountTeam,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    Task,
    TaskEntity,
)
from crm_core.services.assignments import assign_owner
from crm_core.services.handoff import hand_off, preview_handoff
from crm_core.services.records import delete_user
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
def w(engine):
    """Alice hands off to Bob; Carol's rows must never move."""
    with write_session(engine) as s:
        alice, bob, carol = (add_user(s, n) for n in ("Alice Archer", "Bob Baker", "Carol Chen"))
        idle = add_user(s, "Ivy Idle")
        acme = add_company(s, "Acme", team=[alice, bob])
        globex = add_company(s, "Globex", team=[alice])
        initech = add_company(s, "Initech", team=[carol])
        dana = add_stakeholder(s, acme, "Dana Diaz", owners=[alice])
        eli = add_stakeholder(s, acme, "Eli Evans", owners=[alice, bob])
        fay = add_stakeholder(s, globex, "Fay Fox", owners=[alice])
        gus = add_stakeholder(s, globex, "Gus Gray", owners=[carol])
        hal = add_stakeholder(s, initech, "Hal Hart", owners=[alice])
        acme_deal = add_opportunity(s, acme, "Acme Deal", stage="solution", stakeholders=[dana])
        add_opportunity(s, acme, "Acme Won", stage="closed_won", stakeholders=[eli])
        globex_deal = add_opportunity(s, globex, "Globex Deal", stage="discovery",
                                      stakeholders=[gus])
        initech_deal = add_opportunity(s, initech, "Initech Deal", stage="proposal",
                                       stakeholders=[hal], added_team=[alice])
        initech_two = add_opportunity(s, initech, "Initech Two", added_team=[alice, bob])
        t1 = add_task(s, "Call Dana", links=[("user", alice.id), ("stakeholder", dana.id)])
        t2 = add_task(s, "Call Gus", links=[("user", alice.id), ("stakeholder", gus.id)])
        add_task(s, "Called Fay", status="done", links=[("user", alice.id),
                                                         ("stakeholder", fay.id)])
        add_task(s, "Carol calls Dana", links=[("user", carol.id), ("stakeholder", dana.id)])
        t5 = add_task(s, "Initech proposal", links=[("user", alice.id),
                                                    ("opportunity", initech_deal.id)])
        t6 = add_task(s, "Globex QBR", links=[("user", alice.id), ("company", globex.id)])
    return {k: v.id for k, v in locals().items() if hasattr(v, "id") and k != "s"}


def preview(engine, w, **kw):
    with read_session(engine) as s:
        return preview_handoff(s, from_user_id=w["alice"], to_user_id=w["bob"], **kw)


def owners(engine):
    with read_session(engine) as s:
        return sorted(s.execute(select(StakeholderRelationshipOwner.stakeholder_id,
                                       StakeholderRelationshipOwner.user_id)).all())


def table(engine, model, *columns):
    with read_session(engine) as s:
        return sorted(s.execute(select(*(getattr(model, c) for c in columns))).all())


def audit_count(engine):
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_preview_of_all_relationships_lists_stakeholders_companies_open_deals_and_tasks(engine,
                                                                                       w):
    p = preview(engine, w)
    assert p.stakeholder_ids == (w["dana"], w["eli"], w["fay"], w["hal"])
    assert list(p.stakeholders["receiver_owns"]) == [False, True, False, False]
    assert list(p.companies["company"]) == ["Acme", "Globex", "Initech"]
    assert list(p.companies["stakeholders"]) == [2, 1, 1]
    assert list(p.opportunities["opportunity"]) == ["Acme Deal", "Initech Deal"]
    assert sorted(p.task_ids) == sorted([w["t1"], w["t5"]])
    assert p.account_seat_company_ids == () and p.opportunity_seat_ids == ()


def test_preview_with_team_seats_adds_the_seats_and_what_hangs_off_them(engine, w):
    p = preview(engine, w, include_team_seats=True)
    assert p.account_seat_company_ids == (w["acme"], w["globex"])
    assert p.opportunity_seat_ids == (w["initech_deal"], w["initech_two"])
    assert list(p.opportunities["opportunity"]) == ["Acme Deal", "Globex Deal", "Initech Deal",
                                                    "Initech Two"]
    assert sorted(p.task_ids) == sorted([w["t1"], w["t5"], w["t6"]])


def test_preview_of_a_subset_hands_off_only_the_seats_at_those_companies(engine, w):
    p = preview(engine, w, stakeholder_ids=[w["dana"], w["hal"]], include_team_seats=True)
    assert p.stakeholder_ids == (w["dana"], w["hal"])
    assert p.account_seat_company_ids == (w["acme"],)
    assert p.opportunity_seat_ids == (w["initech_deal"], w["initech_two"])


def test_handoff_with_seats_moves_exactly_the_previewed_rows_without_duplicates(engine, w):
    p = preview(engine, w, include_team_seats=True)
    with write_session(engine) as s:
        result = hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                          include_team_seats=True, seen_preview=p.fingerprint)
    assert (result.stakeholders, result.account_seats, result.opportunity_seats,
            result.tasks) == (4, 2, 2, 3)
    assert owners(engine) == sorted([(w["dana"], w["bob"]), (w["eli"], w["bob"]),
                                     (w["fay"], w["bob"]), (w["gus"], w["carol"]),
                                     (w["hal"], w["bob"])])
    assert table(engine, CompanyAccountTeam, "company_id", "user_id") == sorted([
        (w["acme"], w["bob"]), (w["globex"], w["bob"]), (w["initech"], w["carol"])])
    assert table(engine, OpportunityAccountTeam, "opportunity_id", "user_id") == sorted([
        (w["initech_deal"], w["bob"]), (w["initech_two"], w["bob"])])
    user_links = [(t, e) for t, k, e in table(engine, TaskEntity, "task_id", "entity_type",
                                                "entity_id") if k == "user"]
    assert (w["t2"], w["alice"]) in user_links  # Gus is not handed off, so his task stays
    for task in ("t1", "t5", "t6"):
        assert (w[task], w["bob"]) in user_links and (w[task], w["alice"]) not in user_links
    with read_session(engine) as s:
        assert integrity_problems(s) == []
        actions = s.scalars(select(AuditEvent.action)).all()
    assert sorted(actions) == sorted(["owner.handed_off"] * 4 + ["account_team.handed_off"] * 2
                                     + ["opportunity_team.handed_off"] * 2 + ["user.handed_off"])


def test_handoff_of_a_subset_leaves_the_other_relationships_with_the_giver(engine, w):
    p = preview(engine, w, stakeholder_ids=[w["fay"]])
    with write_session(engine) as s:
        hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                 stakeholder_ids=[w["fay"]], seen_preview=p.fingerprint)
    assert owners(engine) == sorted([(w["dana"], w["alice"]), (w["eli"], w["alice"]),
                                     (w["eli"], w["bob"]), (w["fay"], w["bob"]),
                                     (w["gus"], w["carol"]), (w["hal"], w["alice"])])


def test_the_summary_event_lists_everything_that_moved(engine, w):
    p = preview(engine, w)
    with write_session(engine) as s:
        hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                 seen_preview=p.fingerprint)
    with read_session(engine) as s:
        summary = s.scalars(select(AuditEvent).where(
            AuditEvent.action == "user.handed_off")).one()
        s.expunge(summary)
    assert summary.entity_id == w["alice"] and summary.actor_email == MANAGER.email
    assert summary.after["stakeholder_ids"] == [w["dana"], w["eli"], w["fay"], w["hal"]]
    assert summary.summary == ("Alice Archer handed off 4 stakeholder relationship(s), 0 account "
                               "team seat(s) and 0 opportunity team seat(s) to Bob Baker")


def test_a_handover_task_is_created_for_the_receiver(engine, w):
    p = preview(engine, w)
    with write_session(engine) as s:
        result = hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                          seen_preview=p.fingerprint, create_handover_task=True,
                          due_date="2030-01-31")
    with read_session(engine) as s:
        task = s.get(Task, result.handover_task_id)
        s.expunge(task)
        links = sorted(s.execute(select(TaskEntity.entity_type, TaskEntity.entity_id).where(
            TaskEntity.task_id == task.id)).all())
        assert integrity_problems(s) == []
    assert task.description == ("Handover: take over 4 stakeholder relationship(s) from "
                                "Alice Archer (Acme, Globex, Initech)")
    assert (task.status, task.priority, task.due_date) == ("open", "high", date(2030, 1, 31))
    assert links == sorted([("user", w["bob"]), ("company", w["acme"]),
                            ("company", w["globex"]), ("company", w["initech"])])


def test_a_preview_that_went_stale_is_refused_and_nothing_moves(engine, w):
    p = preview(engine, w)
    with write_session(engine) as s:
        assign_owner(s, actor=MANAGER, stakeholder_id=w["gus"], user_id=w["alice"])
    before_owners, before_events = owners(engine), audit_count(engine)
    with pytest.raises(Conflict, match="changed since the preview .now 5 stakeholder"), \
            write_session(engine) as s:
        hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                 seen_preview=p.fingerprint)
    assert owners(engine) == before_owners and audit_count(engine) == before_events


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"to_user": "alice"}, "to_user_id", "Pick a different user"),
    ({"stakeholder_ids": ["gus"]}, "stakeholder_ids", "does not own .* stakeholder id"),
    ({"from_user": "idle"}, "stakeholder_ids", "Ivy Idle has nothing to hand off"),
    ({"due_date": "next friday"}, "due_date", "Due date 'next friday' is not a date"),
])
def test_a_handoff_that_makes_no_sense_is_refused_and_writes_nothing(engine, w, kwargs, field,
                                                                     message):
    kwargs = dict(kwargs)
    giver, receiver = w[kwargs.pop("from_user", "alice")], w[kwargs.pop("to_user", "bob")]
    if "stakeholder_ids" in kwargs:
        kwargs["stakeholder_ids"] = [w[n] for n in kwargs["stakeholder_ids"]]
    before_owners, before_events = owners(engine), audit_count(engine)
    fingerprint = "0" * 16
    if giver != receiver and "stakeholder_ids" not in kwargs:
        with read_session(engine) as s:
            fingerprint = preview_handoff(s, from_user_id=giver,
                                          to_user_id=receiver).fingerprint
    with pytest.raises(ValidationError, match=message) as refused, write_session(engine) as s:
        hand_off(s, actor=MANAGER, from_user_id=giver, to_user_id=receiver,
                 seen_preview=fingerprint, **kwargs)
    assert refused.value.field == field
    assert owners(engine) == before_owners and audit_count(engine) == before_events


def test_a_viewer_may_not_hand_off(engine, w):
    p = preview(engine, w)
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        hand_off(s, actor=VIEWER, from_user_id=w["alice"], to_user_id=w["bob"],
                 seen_preview=p.fingerprint)
    assert audit_count(engine) == 0


def test_a_user_can_be_deleted_once_their_relationships_are_handed_off(engine, w):
    with pytest.raises(Conflict, match="Alice Archer still owns 4 stakeholder relationship"), \
            write_session(engine) as s:
        delete_user(s, actor=MANAGER, user_id=w["alice"])
    p = preview(engine, w, include_team_seats=True)
    with write_session(engine) as s:
        hand_off(s, actor=MANAGER, from_user_id=w["alice"], to_user_id=w["bob"],
                 include_team_seats=True, seen_preview=p.fingerprint)
    with write_session(engine) as s:
        delete_user(s, actor=MANAGER, user_id=w["alice"])
    with read_session(engine) as s:
        assert integrity_problems(s) == []


def test_a_handoff_above_two_thousand_stakeholders_follows_the_same_rule(engine):
    # Zed owns 2,100 stakeholders at Umbrella (more than any IN list or old threshold held).
    # Of Umbrella's two open deals only "Linked" has one of them on its buying committee, and
    # Zed has a task on each: only "Linked" and its task are affected, as for one stakeholder.
    with write_session(engine) as s:
        zed, yan = add_user(s, "Zed Zane"), add_user(s, "Yan Yoon")
        umbrella = add_company(s, "Umbrella")
        ids = s.execute(insert(Stakeholder).returning(Stakeholder.id), [
            {"name": f"Person {n:04d}", "company_id": umbrella.id,
             "email": f"p{n}@umbrella.example"} for n in range(2_100)]).scalars().all()
        s.execute(insert(StakeholderRelationshipOwner),
                  [{"stakeholder_id": i, "user_id": zed.id} for i in ids])
        linked = add_opportunity(s, umbrella, "Linked", stage="solution")
        s.add(StakeholderOpportunity(stakeholder_id=ids[-1], opportunity_id=linked.id))
        unlinked = add_opportunity(s, umbrella, "Unlinked", stage="solution")
        add_task(s, "Linked call", links=[("user", zed.id), ("opportunity", linked.id)])
        add_task(s, "Unlinked call", links=[("user", zed.id), ("opportunity", unlinked.id)])
        zed_id, yan_id = zed.id, yan.id

    with read_session(engine) as s:
        preview = preview_handoff(s, from_user_id=zed_id, to_user_id=yan_id)
    assert len(preview.stakeholders) == 2_100
    assert preview.opportunities["opportunity"].tolist() == ["Linked"]
    assert preview.tasks["description"].tolist() == ["Linked call"]

    with write_session(engine) as s:
        result = hand_off(s, actor=MANAGER, from_user_id=zed_id, to_user_id=yan_id,
                          seen_preview=preview.fingerprint)
    assert (result.stakeholders, result.tasks) == (2_100, 1)
    with read_session(engine) as s:
        owners = s.scalars(select(StakeholderRelationshipOwner.user_id).distinct()).all()
    assert owners == [yan_id]
