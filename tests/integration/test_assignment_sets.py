"""Saving assignment sets as a whole: exact results, refusals, stale-form conflicts, audit."""

import pytest
from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crm_core.integrity import integrity_problems
from crm_core.models import (
    AuditEvent,
    CompanyAccountTeam,
    OpportunityAccountTeam,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
)
from crm_core.services import assignment_sets as sets
from crm_core.services.assignments import assign_owner, replace_owner
from tests.factories import (
    ADMIN,
    MANAGER,
    VIEWER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_user,
)


@pytest.fixture
def world(engine):
    with write_session(engine) as s:
        ann, bob, cat = add_user(s, "Ann Lee"), add_user(s, "Bob Baker"), add_user(s, "Cat Cole")
        acme = add_company(s, "Acme", team=[ann])
        globex = add_company(s, "Globex")
        sam = add_stakeholder(s, acme, "Sam Stone", owners=[ann], roles=["champion"])
        deal = add_opportunity(s, acme, "Acme Deal", stakeholders=[sam])
        pilot = add_opportunity(s, acme, "Acme Pilot")
        other = add_opportunity(s, globex, "Globex Deal")
    return {"ann": ann.id, "bob": bob.id, "cat": cat.id, "acme": acme.id, "sam": sam.id,
            "deal": deal.id, "pilot": pilot.id, "other": other.id}


def rows(engine, model, *columns):
    with read_session(engine) as s:
        return sorted(s.execute(select(*(getattr(model, c) for c in columns))).all())


def events(engine):
    with read_session(engine) as s:
        return s.scalars(select(AuditEvent.summary).order_by(AuditEvent.id)).all()


def count_all(engine):
    with read_session(engine) as s:
        return [s.scalar(select(func.count()).select_from(m)) for m in (
            AuditEvent, StakeholderRelationshipOwner, CompanyAccountTeam, OpportunityAccountTeam,
            StakeholderMeddpiccRole, StakeholderOpportunity)]


def test_setting_owners_adds_and_removes_exactly_the_difference_and_audits_each(engine, world):
    with write_session(engine) as s:
        change = sets.set_stakeholder_owners(
            s, actor=MANAGER, stakeholder_id=world["sam"], user_ids=[world["bob"], world["cat"]],
            seen_owner_ids=[world["ann"]])
    assert change.added == (world["bob"], world["cat"]) and change.removed == (world["ann"],)
    assert rows(engine, StakeholderRelationshipOwner, "user_id") == [(world["bob"],),
                                                                      (world["cat"],)]
    assert events(engine) == ["Ann Lee no longer owns the relationship with Sam Stone",
                              "Bob Baker now owns the relationship with Sam Stone",
                              "Cat Cole now owns the relationship with Sam Stone"]
    with read_session(engine) as s:
        assert integrity_problems(s) == []


def test_saving_the_same_owners_again_writes_nothing(engine, world):
    with write_session(engine) as s:
        change = sets.set_stakeholder_owners(s, actor=MANAGER, stakeholder_id=world["sam"],
                                             user_ids=[world["ann"]],
                                             seen_owner_ids=[world["ann"]])
    assert not change.changed
    assert events(engine) == []


def test_owner_form_opened_before_a_colleague_added_bob_is_refused_naming_the_change(engine,
                                                                                    world):
    with write_session(engine) as s:
        assign_owner(s, actor=ADMIN, stakeholder_id=world["sam"], user_id=world["bob"])
    before = count_all(engine)
    with pytest.raises(Conflict) as refused, write_session(engine) as s:
        sets.set_stakeholder_owners(s, actor=MANAGER, stakeholder_id=world["sam"],
                                    user_ids=[world["cat"]], seen_owner_ids=[world["ann"]])
    message = str(refused.value)
    assert "Bob Baker was added as owner by admin@example.com at " in message
    assert "since you opened this form" in message
    assert count_all(engine) == before


def test_a_second_click_of_a_stale_form_that_wants_what_is_stored_is_no_conflict(engine, world):
    for _ in range(2):  # both clicks were made on the form that showed only Ann
        with write_session(engine) as s:
            change = sets.set_stakeholder_owners(
                s, actor=MANAGER, stakeholder_id=world["sam"],
                user_ids=[world["ann"], world["bob"]], seen_owner_ids=[world["ann"]])
    assert not change.changed
    assert rows(engine, StakeholderRelationshipOwner, "user_id") == [(world["ann"],),
                                                                      (world["bob"],)]
    assert events(engine) == ["Bob Baker now owns the relationship with Sam Stone"]


def test_roles_form_names_a_role_removed_by_someone_else(engine, world):
    with write_session(engine) as s:
        sets.set_stakeholder_roles(s, actor=ADMIN, stakeholder_id=world["sam"],
                                   meddpicc_roles=[], seen_roles=["champion"])
    with pytest.raises(Conflict, match="Champion was removed as MEDDPICC role by "
                                       "admin@example.com"), write_session(engine) as s:
        sets.set_stakeholder_roles(s, actor=MANAGER, stakeholder_id=world["sam"],
                                   meddpicc_roles=["champion", "decision_maker"],
                                   seen_roles=["champion"])


def test_a_replaced_owner_is_named_in_the_conflict(engine, world):
    with write_session(engine) as s:
        replace_owner(s, actor=ADMIN, stakeholder_id=world["sam"], old_user_id=world["ann"],
                      new_user_id=world["bob"])
    with pytest.raises(Conflict) as refused, write_session(engine) as s:
        sets.set_stakeholder_owners(s, actor=MANAGER, stakeholder_id=world["sam"],
                                    user_ids=[world["ann"], world["cat"]],
                                    seen_owner_ids=[world["ann"]])
    assert "Bob Baker was added as owner by admin@example.com" in str(refused.value)
    assert "Ann Lee was removed as owner by admin@example.com" in str(refused.value)


def test_setting_roles_keeps_the_vocabulary_order_and_refuses_an_unknown_role(engine, world):
    with write_session(engine) as s:
        change = sets.set_stakeholder_roles(s, actor=MANAGER, stakeholder_id=world["sam"],
                                            meddpicc_roles=["Economic buyer", "champion"],
                                            seen_roles=["champion"])
    assert change.added == ("economic_buyer",) and change.removed == ()
    before = count_all(engine)
    with pytest.raises(ValidationError) as refused, write_session(engine) as s:
        sets.set_stakeholder_roles(s, actor=MANAGER, stakeholder_id=world["sam"],
                                   meddpicc_roles=["wizard"])
    assert refused.value.field == "meddpicc_roles" and "'wizard'" in str(refused.value)
    assert count_all(engine) == before


def test_company_team_set_and_unknown_user_refused(engine, world):
    with write_session(engine) as s:
        sets.set_company_team(s, actor=MANAGER, company_id=world["acme"],
                              user_ids=[world["bob"]], seen_user_ids=[world["ann"]])
    assert rows(engine, CompanyAccountTeam, "company_id", "user_id") == [
        (world["acme"], world["bob"])]
    before = count_all(engine)
    with pytest.raises(ValidationError, match="no user with id 999") as refused, \
            write_session(engine) as s:
        sets.set_company_team(s, actor=MANAGER, company_id=world["acme"],
                              user_ids=[world["bob"], 999])
    assert refused.value.field == "user_ids"
    assert count_all(engine) == before


def test_opportunity_team_reports_inherited_members_and_stores_only_the_others(engine, world):
    with write_session(engine) as s:
        change = sets.set_opportunity_team(s, actor=MANAGER, opportunity_id=world["deal"],
                                           user_ids=[world["ann"], world["cat"]],
                                           seen_user_ids=[])
    assert change.added == (world["cat"],)
    assert change.already_inherited == (world["ann"],)
    assert rows(engine, OpportunityAccountTeam, "opportunity_id", "user_id") == [
        (world["deal"], world["cat"])]


def test_stakeholder_links_set_and_another_companys_opportunity_refused(engine, world):
    with write_session(engine) as s:
        change = sets.set_stakeholder_opportunities(
            s, actor=MANAGER, stakeholder_id=world["sam"], opportunity_ids=[world["pilot"]],
            seen_opportunity_ids=[world["deal"]])
    assert change.added == (world["pilot"],) and change.removed == (world["deal"],)
    assert rows(engine, StakeholderOpportunity, "opportunity_id") == [(world["pilot"],)]
    before = count_all(engine)
    with pytest.raises(ValidationError, match="another company than Globex Deal"), \
            write_session(engine) as s:
        sets.set_stakeholder_opportunities(s, actor=MANAGER, stakeholder_id=world["sam"],
                                           opportunity_ids=[world["pilot"], world["other"]])
    assert count_all(engine) == before


def test_links_form_names_an_opportunity_linked_by_someone_else(engine, world):
    with write_session(engine) as s:
        sets.set_stakeholder_opportunities(s, actor=ADMIN, stakeholder_id=world["sam"],
                                           opportunity_ids=[world["deal"], world["pilot"]])
    with pytest.raises(Conflict, match="Acme Pilot was added as opportunity by "
                                       "admin@example.com"), write_session(engine) as s:
        sets.set_stakeholder_opportunities(s, actor=MANAGER, stakeholder_id=world["sam"],
                                           opportunity_ids=[],
                                           seen_opportunity_ids=[world["deal"]])


@pytest.mark.parametrize("save", [
    lambda s, w: sets.set_stakeholder_owners(s, actor=VIEWER, stakeholder_id=w["sam"],
                                             user_ids=[]),
    lambda s, w: sets.set_company_team(s, actor=VIEWER, company_id=w["acme"], user_ids=[]),
    lambda s, w: sets.set_opportunity_team(s, actor=VIEWER, opportunity_id=w["deal"],
                                           user_ids=[]),
    lambda s, w: sets.set_stakeholder_roles(s, actor=VIEWER, stakeholder_id=w["sam"],
                                            meddpicc_roles=[]),
    lambda s, w: sets.set_stakeholder_opportunities(s, actor=VIEWER, stakeholder_id=w["sam"],
                                                    opportunity_ids=[]),
    lambda s, w: replace_owner(s, actor=VIEWER, stakeholder_id=w["sam"],
                               old_user_id=w["ann"], new_user_id=w["bob"]),
])
def test_a_viewer_may_not_save_any_assignment_set(engine, world, save):
    before = count_all(engine)
    with pytest.raises(PermissionDenied), write_session(engine) as s:
        save(s, world)
    assert count_all(engine) == before


def test_a_deleted_stakeholder_is_not_found(engine, world):
    with pytest.raises(NotFound), write_session(engine) as s:
        sets.set_stakeholder_owners(s, actor=MANAGER, stakeholder_id=9999, user_ids=[])


def test_replacing_an_owner_moves_the_relationship_in_one_audited_change(engine, world):
    with write_session(engine) as s:
        replace_owner(s, actor=MANAGER, stakeholder_id=world["sam"], old_user_id=world["ann"],
                      new_user_id=world["bob"])
    assert rows(engine, StakeholderRelationshipOwner, "user_id") == [(world["bob"],)]
    assert events(engine) == ["Bob Baker took over the relationship with Sam Stone from Ann Lee"]


def test_replacing_into_an_existing_owner_keeps_one_row(engine, world):
    with write_session(engine) as s:
        assign_owner(s, actor=MANAGER, stakeholder_id=world["sam"], user_id=world["bob"])
        replace_owner(s, actor=MANAGER, stakeholder_id=world["sam"], old_user_id=world["ann"],
                      new_user_id=world["bob"])
    assert rows(engine, StakeholderRelationshipOwner, "user_id") == [(world["bob"],)]


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("bob", "cat", "old_user_id", "Bob Baker does not own the relationship with Sam Stone"),
    ("ann", "ann", "new_user_id", "Pick a different user"),
])
def test_replacing_an_owner_is_refused_when_it_makes_no_sense(engine, world, old, new, field,
                                                               message):
    before = count_all(engine)
    with pytest.raises(ValidationError, match=message) as refused, write_session(engine) as s:
        replace_owner(s, actor=MANAGER, stakeholder_id=world["sam"], old_user_id=world[old],
                      new_user_id=world[new])
    assert refused.value.field == field
    assert count_all(engine) == before


def test_a_stakeholder_of_a_company_without_deals_has_empty_opportunity_lists(engine):
    from crm_core.queries.assignment_sets import stakeholder_assignments

    with write_session(engine) as s:
        dealless = add_company(s, "Initech")
        pat = add_stakeholder(s, dealless, "Pat Park")
    with read_session(engine) as s:
        found = stakeholder_assignments(s, stakeholder_id=pat.id)
    assert found.name == "Pat Park"
    assert len(found.opportunities) == 0 and len(found.company_opportunities) == 0
