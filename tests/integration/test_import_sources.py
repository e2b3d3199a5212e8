"""Migrations from real export shapes: Salesforce (15- and 18-character ids, users with managers
and leavers, owners onto teams, a second file resolved against the first import), HubSpot (its
own export file names), flat spreadsheets (reps without email, unnamed deals), records of one
name told apart by their source ids (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.importing import DEFAULT_STAGE_MAPPING, ValueMapping, import_data
from crm_core.models import (
    Company,
    CompanyAccountTeam,
    Opportunity,
    OpportunityAccountTeam,
    Region,
    SourceIdentity,
    Stakeholder,
    StakeholderRelationshipOwner,
    User,
    utcnow,
)
from tests.factories import MANAGER, add_user, zip_of

TODAY = utcnow().date()


def _import(engine, data: bytes, *, entity: str | None = None, name: str = "export.zip",
            mode: str = "valid_only", **kwargs):
    with write_session(engine) as session:
        return import_data(session, actor=MANAGER, data=data, name=name, entity=entity,
                           mode=mode, **kwargs)


def _rows(engine, stmt) -> list[tuple]:
    with read_session(engine) as session:
        return [tuple(r) for r in session.execute(stmt)]


def _rejections(report) -> list[tuple[int, str]]:
    return list(zip(report.rejected_rows["line"], report.rejected_rows["reason"], strict=True))


# Salesforce: users by login and name, a manager named by the 18-character form of the id,
# a user no longer active; two accounts named alike (a subsidiary); two deals of one name.
SALESFORCE = {
    "User.csv": "Id,Username,FirstName,LastName,Email,Title,ManagerId,IsActive\n"
                "005A000003BiLLl,bill@ourco.example.prod,Bill,Lumbergh,bill@ourco.example,"
                "VP Sales,,true\n"
                "005A000003ToMsS,tom@ourco.example.prod,Tom,Smykowski,tom@ourco.example,"
                "Sales Engineer,005A000003BiLLlIAN,true\n"
                "005A000003PeGgY,peggy@ourco.example.prod,Peggy,Pen,peggy@ourco.example,"
                "Account Executive,005A000003BiLLl,false\n",
    "Account.csv": "Id,Name,Website,OwnerId\n"
                   "001A000001AbCdE,Initech,initech.example,005A000003BiLLl\n"
                   "001A000001XyZzQ,Initech,,005A000003ToMsS\n",
    "Opportunity.csv": "Id,Name,Amount,StageName,CloseDate,AccountId,OwnerId\n"
                       "006A000004TpSrE,TPS Reports,48000,Value Proposition,2027-06-30,"
                       "001A000001AbCdE,005A000003ToMsS\n"
                       "006A000004TpSrF,TPS Reports,9000,Prospecting,2027-09-30,"
                       "001A000001AbCdE,005A000003BiLLl\n",
}
# Exported later on its own: the account by the 18-character id, the owner by the 15.
SALESFORCE_CONTACTS = ("Id,FirstName,LastName,Email,AccountId,OwnerId\n"
                       "003A000002MiLtN,Milton,Waddams,milton@initech.example,"
                       "001A000001XyZzQIAV,005A000003PeGgY\n")


def test_a_salesforce_export_arrives_whole(engine):
    report = _import(engine, zip_of(SALESFORCE), name="salesforce.zip")
    assert (report.created, report.rejected) == (7, 0)
    users = _rows(engine, select(User.name, User.job_title, User.manager_id, User.departed_on)
                  .order_by(User.id))
    assert users == [("Bill Lumbergh", "VP Sales", None, None),
                     ("Tom Smykowski", "Sales Engineer", 1, None),
                     ("Peggy Pen", "Account Executive", 1, TODAY)]
    assert _rows(engine, select(Company.id, Company.name, Company.website)
                 .order_by(Company.id)) == [(1, "Initech", "https://initech.example"),
                                            (2, "Initech", None)]
    assert _rows(engine, select(Opportunity.name, Opportunity.stage, Opportunity.value,
                                Opportunity.company_id).order_by(Opportunity.id)) == [
        ("TPS Reports", "solution", 48000.0, 1), ("TPS Reports", "prospecting", 9000.0, 1)]
    assert _rows(engine, select(CompanyAccountTeam.company_id, CompanyAccountTeam.user_id)
                 .order_by(CompanyAccountTeam.company_id)) == [(1, 1), (2, 2)]
    # Bill owns the second deal through the account team; Tom is added to the first.
    assert _rows(engine, select(OpportunityAccountTeam.opportunity_id,
                                OpportunityAccountTeam.user_id)) == [(1, 2)]
    assert _rows(engine, select(SourceIdentity.source_object, SourceIdentity.external_id,
                                SourceIdentity.record_id)
                 .where(SourceIdentity.source_object == "Account")
                 .order_by(SourceIdentity.record_id)) == [("Account", "001A000001AbCdE", 1),
                                                          ("Account", "001A000001XyZzQ", 2)]


def test_a_later_salesforce_file_resolves_against_the_first_import(engine):
    _import(engine, zip_of(SALESFORCE), name="salesforce.zip")
    report = _import(engine, SALESFORCE_CONTACTS.encode(), entity="stakeholders",
                     name="Contact.csv", mode="all_or_nothing")
    assert (report.created, report.rejected) == (1, 0)
    assert _rows(engine, select(Stakeholder.name, Stakeholder.company_id, User.name)
                 .select_from(StakeholderRelationshipOwner).join(Stakeholder).join(User)) == [
        ("Milton Waddams", 2, "Peggy Pen")]
    again = _import(engine, zip_of(SALESFORCE), name="salesforce.zip")
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 0)


def test_a_hubspot_zip_with_its_own_file_names_imports(engine):
    with write_session(engine) as session:
        add_user(session, "Ann Alder")
        add_user(session, "Ben Birch")
    hubspot = {
        "hubspot-crm-exports-all-companies-2026-12-01.csv":
            "Record ID,Company name,Company Domain Name,Company owner\n"
            "9001,Globex,globex.example,Ann Alder\n"
            "9002,Globex,globex-emea.example,Ben Birch\n",
        "hubspot-crm-exports-all-contacts-2026-12-01.csv":
            "Record ID,First Name,Last Name,Email,Associated Company IDs,Contact owner\n"
            "501,Kim,Kay,kim@globex.example,9002,Ben Birch\n",
        "hubspot-crm-exports-all-deals-2026-12-01.csv":
            "Record ID,Deal Name,Amount,Deal Stage,Close Date,Associated Company IDs,"
            "Deal owner\n"
            "701,Renewal,12000,Verbal Commit,2027-01-31,9001,Ann Alder\n"
            "702,Renewal,,appointmentscheduled,2027-02-28,9002,Ann Alder\n",
    }
    report = _import(engine, zip_of(hubspot), name="hubspot-export.zip", mode="all_or_nothing",
                     values=ValueMapping(stages={**DEFAULT_STAGE_MAPPING,
                                                 "Verbal Commit": "negotiation"}))
    assert [(f.entity, f.created, f.rejected) for f in report.files] == [
        ("companies", 2, 0), ("stakeholders", 1, 0), ("opportunities", 2, 0)]
    assert "hubspot-crm-exports-all-deals-2026-12-01.csv: 1 new deal(s) have no amount and " \
           "get the value $0 (line 3)." in report.notes
    assert _rows(engine, select(Opportunity.name, Company.website, Opportunity.stage,
                                Opportunity.value).join(Company).order_by(Opportunity.id)) == [
        ("Renewal", "https://globex.example", "negotiation", 12000.0),
        ("Renewal", "https://globex-emea.example", "qualification", 0.0)]
    # Ann is on the first Globex's account team; on the second deal she is added.
    assert _rows(engine, select(OpportunityAccountTeam.opportunity_id, User.name)
                 .join(User)) == [(2, "Ann Alder")]


FLAT_TEAM = ("sales_agent,manager,regional_office\n"
             "Anna Snelling,Dustin Brinkmann,Central\n"
             "Cecily Lampkin,Dustin Brinkmann,Central\n"
             "Versie Hillebrand,Melvin Marxen,East\n")
FLAT_ACCOUNTS = "account,sector\nAcme Corporation,technolgy\nBetasoloin,medical\n"
FLAT_PIPELINE = ("opportunity_id,sales_agent,product,account,deal_stage,engage_date,"
                 "close_date,close_value\n"
                 "1C1I7A6R,Anna Snelling,GTX Plus Basic,Acme Corporation,Won,2026-10-20,"
                 "2027-03-01,1054\n"
                 "Z063OYW0,Versie Hillebrand,MG Special,Betasoloin,Engaging,2026-10-25,,\n")


def test_a_flat_team_file_needs_the_mapping_to_create_users_from_names(engine):
    report = _import(engine, FLAT_TEAM.encode(), entity="users", name="sales_teams.csv",
                     mode="dry_run")
    assert report.rejected == 3
    assert set(report.rejected_rows["reason"]) == {
        "Email is required (or let the value mapping create users from a name alone)."}


def test_flat_spreadsheets_of_reps_accounts_and_deals_arrive_whole(engine):
    files = {"sales_teams.csv": FLAT_TEAM, "accounts.csv": FLAT_ACCOUNTS,
             "sales_pipeline.csv": FLAT_PIPELINE}
    report = _import(engine, zip_of(files), name="pipeline.zip", mode="all_or_nothing",
                     values=ValueMapping(users_without_email=True,
                                         stages={**DEFAULT_STAGE_MAPPING,
                                                 "Engaging": "discovery"}))
    assert report.rejected == 0 and report.applied
    users = _rows(engine, select(User.name, User.email, Region.name).outerjoin(Region)
                  .order_by(User.name))
    assert users == [("Anna Snelling", None, "Central"), ("Cecily Lampkin", None, "Central"),
                     ("Dustin Brinkmann", None, None), ("Melvin Marxen", None, None),
                     ("Versie Hillebrand", None, "East")]
    manager = User.__table__.alias("manager")
    assert _rows(engine, select(User.name, manager.c.name)
                 .join(manager, manager.c.id == User.manager_id).order_by(User.name)) == [
        ("Anna Snelling", "Dustin Brinkmann"), ("Cecily Lampkin", "Dustin Brinkmann"),
        ("Versie Hillebrand", "Melvin Marxen")]
    assert _rows(engine, select(Opportunity.name, Opportunity.stage, Opportunity.value,
                                Opportunity.expected_close_date).order_by(Opportunity.id)) == [
        ("Acme Corporation – GTX Plus Basic", "closed_won", 1054.0, date(2027, 3, 1)),
        ("Betasoloin – MG Special", "discovery", 0.0, None)]
    assert _rows(engine, select(Opportunity.name, User.name).select_from(OpportunityAccountTeam)
                 .join(Opportunity).join(User).order_by(Opportunity.id)) == [
        ("Acme Corporation – GTX Plus Basic", "Anna Snelling"),
        ("Betasoloin – MG Special", "Versie Hillebrand")]


def test_a_reporting_line_that_goes_round_in_a_circle_is_refused(engine):
    with write_session(engine) as session:
        add_user(session, "Xena Exec", email="xena@ourco.example")
    team = ("Name,Email,Manager\n"
            "Ann Alder,ann@ourco.example,bob@ourco.example\n"       # 2: Ann -> Bob -> Ann
            "Bob Baker,bob@ourco.example,Ann Alder\n"               # 3
            "Cid Cole,cid@ourco.example,Ann Alder\n"                # 4: his manager is refused
            "Dee Dunn,dee@ourco.example,Xena Exec\n"                # 5: fine
            "Xena Exec,xena@ourco.example,Dee Dunn\n"               # 6: Xena -> Dee -> Xena
            "Eve Eng,eve@ourco.example,Xena Exce\n")                # 7: a typo
    report = _import(engine, team.encode(), entity="users", name="team.csv")
    assert _rejections(report) == [
        (2, "The reporting line would go round in a circle: Ann Alder → Bob Baker → Ann Alder."),
        (3, "The reporting line would go round in a circle: Bob Baker → Ann Alder → Bob Baker."),
        (4, "Its manager's row (line 2) is rejected."),
        (5, "The reporting line would go round in a circle: Dee Dunn → Xena Exec → Dee Dunn."),
        (6, "The reporting line would go round in a circle: Xena Exec → Dee Dunn → Xena Exec."),
        (7, "Unknown manager: no user is 'Xena Exce' (did you mean 'Xena Exec'?)."),
    ]
    assert _rows(engine, select(User.name, User.manager_id)) == [("Xena Exec", None)]


def test_records_of_one_name_are_told_apart_by_their_source_ids(engine):
    companies = "Id,Name\nC1,Globex\nC2,Globex\n"
    contacts = "Id,Name,Email,AccountId\nP1,Kim Kay,kim@globex.example,C2\n"
    assert _import(engine, companies.encode(), entity="companies", name="accounts.csv",
                   mode="all_or_nothing").created == 2
    assert _import(engine, contacts.encode(), entity="stakeholders", name="contacts.csv",
                   mode="all_or_nothing").created == 1
    assert _rows(engine, select(Stakeholder.name, Stakeholder.company_id)) == [("Kim Kay", 2)]
    # A third Globex without an id cannot be matched safely to either.
    report = _import(engine, b"Name,Industry\nGlobex,Retail\n", entity="companies",
                     name="more.csv", mode="dry_run")
    assert _rejections(report) == [
        (2, "2 companies are named 'Globex'; give their websites to tell them apart.")]


def test_team_member_roles_become_the_job_titles_of_users_who_have_none(engine):
    files = {
        "User.csv": "Id,Name,Email,Title\n"
                    "005A000003BiLLl,Bill Lumbergh,bill@ourco.example,VP Sales\n"
                    "005A000003ToMsS,Tom Smykowski,tom@ourco.example,\n",
        "Account.csv": "Id,Name\n001A000001AbCdE,Initech\n",
        "AccountTeamMember.csv": "UserId,AccountId,TeamMemberRole\n"
                                 "005A000003BiLLl,001A000001AbCdE,Account Manager\n"
                                 "005A000003ToMsS,001A000001AbCdE,Sales Engineer\n",
    }
    report = _import(engine, zip_of(files), name="salesforce.zip", mode="all_or_nothing")
    assert report.notes == (
        "Read as an export of Salesforce: each record keeps its id there, so a later import "
        "finds it by that id.",
        "Bill Lumbergh's team role (Account Manager) differs from their job title 'VP Sales', "
        "which is kept.")
    assert _rows(engine, select(User.name, User.job_title).order_by(User.id)) == [
        ("Bill Lumbergh", "VP Sales"), ("Tom Smykowski", "Sales Engineer")]
    # An existing user without a title gets it from a later team file too.
    with write_session(engine) as session:
        session.get(User, 2).job_title = None
    later = "UserId,AccountId,TeamMemberRole\n005A000003ToMsS,001A000001AbCdE,Pre-sales\n"
    _import(engine, later.encode(), entity="account_teams", name="AccountTeamMember.csv",
            mode="all_or_nothing")
    assert _rows(engine, select(User.job_title).where(User.id == 2)) == [("Pre-sales",)]


def test_a_record_deleted_since_its_import_is_created_again_and_its_id_remembered(engine):
    from crm_core.services.records import delete_company

    accounts = b"Id,Name\n001A000001AbCdE,Initech\n"
    _import(engine, accounts, entity="companies", name="Account.csv", mode="all_or_nothing")
    with write_session(engine) as session:
        delete_company(session, actor=MANAGER, company_id=1)
    report = _import(engine, accounts, entity="companies", name="Account.csv",
                     mode="all_or_nothing")
    assert report.created == 1
    [(company_id, name)] = _rows(engine, select(Company.id, Company.name))
    assert name == "Initech"
    assert _rows(engine, select(SourceIdentity.external_id, SourceIdentity.record_id)) == [
        ("001A000001AbCdE", company_id)]


def test_deleting_a_record_forgets_its_source_id_so_a_reused_id_is_not_matched(engine):
    from crm_core.services.records import delete_company

    accounts = b"Id,Name\n001A000001AbCdE,Initech\n"
    contacts = "Id,Name,Email,AccountId\n003A000002MiLtN,Milton,m@initech.example,001A000001AbCdE\n"
    _import(engine, accounts, entity="companies", name="Account.csv", mode="all_or_nothing")
    _import(engine, contacts.encode(), entity="stakeholders", name="Contact.csv",
            mode="all_or_nothing")
    with write_session(engine) as session:
        delete_company(session, actor=MANAGER, company_id=1)
    assert _rows(engine, select(SourceIdentity.external_id)) == []
