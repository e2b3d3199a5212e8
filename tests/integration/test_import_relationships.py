"""Importing the relationship tables: teams, stakeholder links with contact roles, MEDDPICC roles
and relationship owners, by natural key and by Salesforce ids within one ZIP batch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.importing import import_data
from crm_core.integrity import integrity_problems
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Stakeholder,
    StakeholderMeddpiccRole,
    StakeholderOpportunity,
    StakeholderRelationshipOwner,
    User,
)
from tests.factories import (
    MANAGER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_user,
    zip_of,
)


@pytest.fixture
def crm(engine):
    with write_session(engine) as session:
        alice = add_user(session, "Alice Archer", email="alice@ourco.example")
        add_user(session, "Bob Baker", email="bob@ourco.example")
        acme = add_company(session, "Acme Corp", team=[alice])
        globex = add_company(session, "Globex")
        add_stakeholder(session, acme, "Dana Diaz", email="dana@acme.example")
        add_stakeholder(session, acme, "Eli Evans", email="eli@acme.example")
        add_stakeholder(session, globex, "Gus Gray", email="gus@globex.example")
        add_opportunity(session, acme, "Acme Platform")
        add_opportunity(session, globex, "Globex Pilot")
    return engine


def _import(engine, data: bytes, entity: str | None, mode: str = "valid_only",
            name: str = "file.csv"):
    with write_session(engine) as session:
        return import_data(session, actor=MANAGER, data=data, name=name, entity=entity,
                           mode=mode)


def _pairs(engine, stmt) -> set[tuple]:
    with read_session(engine) as session:
        assert integrity_problems(session) == []
        return {tuple(r) for r in session.execute(stmt)}


def _rejections(report) -> list[tuple[int, str]]:
    return list(zip(report.rejected_rows["line"], report.rejected_rows["reason"], strict=True))


def test_contact_roles_link_stakeholders_and_record_their_meddpicc_roles(crm):
    data = (b"Contact.Email,Opportunity.Name,Role\n"
            b"dana@acme.example,Acme Platform,Economic Decision Maker\n"  # 2 link + role
            b"eli@acme.example,Acme Platform,Other\n"                      # 3 link only
            b"gus@globex.example,Acme Platform,Champion\n"                 # 4 other company
            b"eli@acme.example,Acme Platform,Other\n"                      # 5 duplicate
            b"zoe@acme.example,Acme Platform,Champion\n"                   # 6 unknown
            b"dana@acme.example,Acme Renewal,Champion\n"                   # 7 unknown deal
            b"eli@acme.example,Acme Platform,Chief Bottle Washer\n")       # 8 unknown role
    report = _import(crm, data, "stakeholder_opportunities", name="OpportunityContactRole.csv")
    assert (report.created, report.rejected) == (2, 5)
    assert _rejections(report) == [
        (4, "The stakeholder works at another company than the opportunity."),
        (5, "Duplicate of line 3."),
        (6, "Unknown stakeholder: no stakeholder has the email zoe@acme.example."),
        (7, "Unknown opportunity 'Acme Renewal'."),
        (8, "MEDDPICC role 'Chief Bottle Washer' is not known; add it to the value mapping."),
    ]
    links = _pairs(crm, select(Stakeholder.name, Opportunity.name)
                   .join(StakeholderOpportunity, StakeholderOpportunity.stakeholder_id ==
                         Stakeholder.id)
                   .join(Opportunity, Opportunity.id == StakeholderOpportunity.opportunity_id))
    assert links == {("Dana Diaz", "Acme Platform"), ("Eli Evans", "Acme Platform")}
    roles = _pairs(crm, select(Stakeholder.name, StakeholderMeddpiccRole.meddpicc_role)
                   .join(StakeholderMeddpiccRole))
    assert roles == {("Dana Diaz", "economic_buyer")}


def test_meddpicc_roles_owners_and_teams_import_by_email_and_name(crm):
    roles = b"Email,MEDDPICC roles\ndana@acme.example,Champion; Technical Buyer\n"
    owners = (b"stakeholder_email,owner_email\ndana@acme.example,bob@ourco.example\n"
              b"eli@acme.example,nobody@ourco.example\n"
              b"eli@acme.example,bobb@ourco.example\n")
    teams = b"User Email,Account Name\nbob@ourco.example,Globex\nbob@ourco.example,Globex\n"
    deal_team = (b"User.Email,Opportunity.Name\nbob@ourco.example,Acme Platform\n"
                 b"alice@ourco.example,Acme Platform\n")  # Alice inherits it from Acme's team
    assert _import(crm, roles, "meddpicc_roles").created == 1
    report = _import(crm, owners, "relationship_owners")
    assert _rejections(report) == [
        (3, "Unknown user: no user has the email nobody@ourco.example."),
        (4, "Unknown user: no user has the email bobb@ourco.example (did you mean "
            "'bob@ourco.example'?).")]
    report = _import(crm, teams, "account_teams", name="AccountTeamMember.csv")
    assert (report.created, _rejections(report)) == (1, [(3, "Duplicate of line 2.")])
    report = _import(crm, deal_team, "opportunity_teams")
    assert (report.created, report.unchanged) == (1, 1)
    assert _pairs(crm, select(Stakeholder.name, StakeholderMeddpiccRole.meddpicc_role)
                  .join(StakeholderMeddpiccRole)) == {("Dana Diaz", "champion"),
                                                      ("Dana Diaz", "technical_buyer")}
    assert _pairs(crm, select(StakeholderRelationshipOwner.stakeholder_id, User.name)
                  .join(User)) == {(1, "Bob Baker")}
    assert _pairs(crm, select(Company.name, User.name).select_from(CompanyAccountTeam)
                  .join(Company).join(User)) == {("Acme Corp", "Alice Archer"),
                                                 ("Globex", "Bob Baker")}
    assert _pairs(crm, select(User.name).join(OpportunityAccountTeam)) == {("Bob Baker",)}


def test_reimporting_relationships_changes_nothing(crm):
    roles = b"Email,Role\ndana@acme.example,Champion\n"
    assert _import(crm, roles, "meddpicc_roles").created == 1
    again = _import(crm, roles, "meddpicc_roles")
    assert (again.created, again.unchanged) == (0, 1)


SALESFORCE_BATCH = {
    # Files in any order: the import takes records before the relationships that use them.
    "OpportunityContactRole.csv": "ContactId,OpportunityId,Role\n"
                                  "003A,006A,Economic Buyer\n"
                                  "003B,006A,Technical Buyer\n"
                                  "003B,006X,Champion\n",
    "AccountTeamMember.csv": "UserId,AccountId,TeamMemberRole\n005A,001A,Account Manager\n",
    "OpportunityTeamMember.csv": "UserId,OpportunityId,TeamMemberRole\n005B,006A,Sales Engineer\n",
    "Account.csv": "Id,Name,Industry,Website\n001A,Initech,Software,initech.example\n",
    "Contact.csv": "Id,FirstName,LastName,Email,AccountId,OwnerId\n"
                   "003A,Peter,Gibbons,peter@initech.example,001A,005A\n"
                   "003B,Milton,Waddams,milton@initech.example,001A,\n",
    "Opportunity.csv": "Id,Name,Amount,StageName,CloseDate,AccountId\n"
                       "006A,TPS Reports,\"$48,000.00\",Value Proposition,2027-06-30,001A\n",
    "User.csv": "Id,Name,Email,Title\n005A,Bill Lumbergh,bill@ourco.example,VP Sales\n"
                "005B,Tom Smykowski,tom@ourco.example,Sales Engineer\n",
}


def test_a_salesforce_zip_resolves_its_own_ids_across_files(crm):
    data = zip_of(SALESFORCE_BATCH)
    dry = _import(crm, data, None, mode="dry_run", name="salesforce.zip")
    assert [(f.file, f.created, f.rejected) for f in dry.files] == [
        ("User.csv", 2, 0), ("Account.csv", 1, 0), ("Contact.csv", 2, 0),
        ("Opportunity.csv", 1, 0), ("AccountTeamMember.csv", 1, 0),
        ("OpportunityTeamMember.csv", 1, 0), ("OpportunityContactRole.csv", 2, 1)]
    assert _rejections(dry) == [
        (4, "Unknown opportunity: source CRM id 006X is neither in this import nor in an "
            "earlier one (import the opportunities first).")]
    report = _import(crm, data, None, mode="valid_only", name="salesforce.zip")
    assert report.applied and report.created == 10
    assert _pairs(crm, select(Stakeholder.name, StakeholderMeddpiccRole.meddpicc_role)
                  .join(StakeholderMeddpiccRole)) == {("Peter Gibbons", "economic_buyer"),
                                                      ("Milton Waddams", "technical_buyer")}
    assert _pairs(crm, select(Opportunity.name, Opportunity.stage, Opportunity.value, Company.name)
                  .join(Company).where(Company.name == "Initech")) == {
        ("TPS Reports", "solution", 48000.0, "Initech")}
    assert _pairs(crm, select(User.name).join(OpportunityAccountTeam)) == {("Tom Smykowski",)}
    assert _pairs(crm, select(User.name).join(StakeholderRelationshipOwner)) == {
        ("Bill Lumbergh",)}
    again = _import(crm, data, None, mode="valid_only", name="salesforce.zip")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)


def test_a_contact_owner_column_makes_the_user_a_relationship_owner(crm):
    hubspot = (b"First Name,Last Name,Email,Associated Company,Contact owner\n"
               b"Dana,Diaz,dana@acme.example,Acme Corp,Bob Baker\n"       # existing; new owner
               b"Nia,Ng,nia@acme.example,Acme Corp,alice@ourco.example\n"  # new, owner by email
               b"Oli,Orr,oli@acme.example,Acme Corp,Zed Zero\n")         # unknown owner
    report = _import(crm, hubspot, "stakeholders", name="hubspot-contacts.csv")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert _rejections(report) == [
        (4, "Unknown relationship owner: no user is 'Zed Zero'.")]
    assert _pairs(crm, select(Stakeholder.name, User.name)
                  .join(StakeholderRelationshipOwner,
                        StakeholderRelationshipOwner.stakeholder_id == Stakeholder.id)
                  .join(User, User.id == StakeholderRelationshipOwner.user_id)) == {
        ("Dana Diaz", "Bob Baker"), ("Nia Ng", "Alice Archer")}
    again = _import(crm, hubspot, "stakeholders", name="hubspot-contacts.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
