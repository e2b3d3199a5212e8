"""Importing messy real-world files: the dry-run report, all-or-nothing, valid rows only,
idempotent re-import, updates, and the audit trail (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.errors import PermissionDenied
from crm_core.importing import ValueMapping, import_data
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, Company, Opportunity, Stakeholder, User
from tests.factories import MANAGER, VIEWER, add_company, add_stakeholder, add_user

# A Salesforce Contact export saved by Excel: BOM, semicolons, blank lines, padded cells.
SALESFORCE_CONTACTS = (
    "\ufeffFirstName;LastName;Title;Email;Phone;Account.Name\n"       # line 1
    "Dana;Diaz;CFO;dana@acme.example;+1 555 0100;Acme Corp\n"          # 2 new
    "\n"                                                               # 3 blank
    "  Eli ; Evans ; CTO ;ELI@acme.example;;acme corp\n"               # 4 new (padding, case)
    "Fay;Fox;Buyer;fay@initech.example;;Initech\n"                     # 5 unknown company
    "Gus;Gray;VP;gus(at)acme.example;;Acme Corp\n"                     # 6 bad email
    "Dana;Diaz;Chief Financial Officer;dana@acme.example;;Acme Corp\n"  # 7 duplicate of 2
    ";;;;;\n"                                                          # 8 blank
    "Hana;Hill;Analyst;hana@globex.example;call me;Globex\n"           # 9 bad phone
    "Ivo;Ito;Engineer;ivo@globex.example;;Globex\n"                    # 10 new
).encode()

SALESFORCE_OPPORTUNITIES = (
    "Name,Amount,Probability,StageName,CloseDate,Account.Name\n"             # 1
    'Acme Platform,"$120,000.50",,Negotiation/Review,3/31/2027,Acme Corp\n'   # 2 new
    "Acme Pilot,\"€ 9.500,00\",40%,Id. Decision Makers,2027-01-15,Acme Corp\n"  # 3 new
    "Globex Renewal,50000,150,Closed Won,2027-02-01,Globex\n"                 # 4 probability
    "Globex Expansion,1000,,Closed Wonn,2027-02-01,Globex\n"                  # 5 stage typo
    "Initech Deal,1000,,Prospecting,2027-02-01,Initech\n"                     # 6 company
    "Globex Expansion,1000,,Perception Analysis,next week,Globex\n"           # 7 bad date
).encode()


@pytest.fixture
def crm(engine):
    with write_session(engine) as session:
        add_company(session, "Acme Corp", website="https://acme.example")
        add_company(session, "Globex", website="https://globex.example")
    return engine


def _import(engine, data: bytes, entity: str, mode: str = "dry_run", actor=MANAGER,
            name: str = "Contact.csv", **kwargs):
    with write_session(engine) as session:
        return import_data(session, actor=actor, data=data, name=name, entity=entity,
                           mode=mode, **kwargs)


def _count(engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def _rejections(report) -> list[tuple[int, str]]:
    return list(zip(report.rejected_rows["line"], report.rejected_rows["reason"], strict=True))


def test_the_dry_run_reports_counts_and_each_rejected_row_with_its_line(crm):
    report = _import(crm, SALESFORCE_CONTACTS, "stakeholders")
    assert (report.rows, report.created, report.updated, report.unchanged, report.rejected) == \
        (7, 3, 0, 0, 4)
    assert _rejections(report) == [
        (5, "Unknown company 'Initech'."),
        (6, "Email 'gus(at)acme.example' is not a valid email address."),
        (7, "Duplicate of line 2."),
        (9, "Phone 'call me' may only hold digits, spaces and + - ( ) . x /."),
    ]
    assert not report.applied
    assert _count(crm, Stakeholder) == 0


def test_opportunity_values_from_salesforce_are_mapped_and_bad_ones_rejected(crm):
    report = _import(crm, SALESFORCE_OPPORTUNITIES, "opportunities", mode="valid_only",
                     name="Opportunity.csv")
    assert (report.created, report.rejected) == (2, 4)
    assert _rejections(report) == [
        (4, "Probability must be between 0 and 100, got 150."),
        (5, "Stage 'Closed Wonn' is not known (did you mean 'Closed Won'?); add it to the "
            "value mapping."),
        (6, "Unknown company 'Initech'."),
        (7, "Expected close date 'next week' is not a date (use YYYY-MM-DD)."),
    ]
    with read_session(crm) as session:
        rows = session.execute(select(Opportunity.name, Opportunity.value,
                                      Opportunity.probability, Opportunity.stage,
                                      Opportunity.expected_close_date)
                               .order_by(Opportunity.name)).all()
    assert [tuple(r) for r in rows] == [
        ("Acme Pilot", 9500.0, 40, "discovery", date(2027, 1, 15)),
        ("Acme Platform", 120000.5, 85, "negotiation", date(2027, 3, 31)),
    ]


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(crm):
    with read_session(crm) as session:
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    report = _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="all_or_nothing")
    assert not report.applied
    assert report.summary() == ("Nothing written: 4 row(s) rejected. 7 rows: 3 to create, "
                                "0 to update, 0 unchanged, 4 rejected.")
    assert _count(crm, Stakeholder) == 0
    assert _count(crm, AuditEvent) == events_before


def test_valid_only_applies_exactly_the_valid_rows(crm):
    report = _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    assert report.applied and report.created == 3
    with read_session(crm) as session:
        rows = session.execute(select(Stakeholder.name, Stakeholder.email, Stakeholder.job_title,
                                      Company.name).join(Company)
                               .order_by(Stakeholder.name)).all()
        assert integrity_problems(session) == []
    assert [tuple(r) for r in rows] == [
        ("Dana Diaz", "dana@acme.example", "CFO", "Acme Corp"),
        ("Eli Evans", "eli@acme.example", "CTO", "Acme Corp"),
        ("Ivo Ito", "ivo@globex.example", "Engineer", "Globex"),
    ]


def test_reimporting_the_same_file_creates_and_updates_nothing(crm):
    _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    events = _count(crm, AuditEvent)
    again = _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _count(crm, Stakeholder) == 3
    assert _count(crm, AuditEvent) == events  # unchanged rows are not audited


def test_an_import_is_audited_once_in_sum_and_once_per_record(crm):
    _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    with read_session(crm) as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.entity_type,
                                        AuditEvent.actor_email, AuditEvent.summary)
                                 .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["stakeholder.created"] * 3 + ["import.applied"]
    assert events[0].summary == "Imported stakeholder 'Dana Diaz' from Contact.csv line 2"
    assert events[-1].summary == "Imported Contact.csv: 3 created, 0 updated"
    assert {e.actor_email for e in events} == {MANAGER.email}


def test_a_changed_row_updates_the_record_and_bumps_its_version(crm):
    _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    changed = (b"Email,Title,Phone\n"
               b"dana@acme.example,Chief Financial Officer,\n"   # title changes; blank phone
               b"eli@acme.example,CTO,\n")              # nothing changes
    report = _import(crm, changed, "stakeholders", mode="all_or_nothing")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    with read_session(crm) as session:
        dana = session.scalars(select(Stakeholder).where(
            Stakeholder.email == "dana@acme.example")).one()
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "stakeholder.updated")).one()
        assert (dana.job_title, dana.phone, dana.version) == ("Chief Financial Officer",
                                                              "+1 555 0100", 2)
        assert (event.before, event.after) == ({"job_title": "CFO"},
                                               {"job_title": "Chief Financial Officer"})


def test_hubspot_contacts_and_deals_are_imported(crm):
    contacts = (b"First Name,Last Name,Email,Job Title,Phone Number,Associated Company\n"
                b"Kim,Kay,kim@globex.example,Head of IT,(555) 010-2000,Globex\n")
    deals = (b"Deal Name,Amount,Deal Stage,Close Date,Associated Company\n"
             b"Globex Rollout,\"25,000\",contractsent,2027-05-01 00:00,Globex\n"
             b"Globex Trial,0,Appointment Scheduled,,Globex\n")
    assert _import(crm, contacts, "stakeholders", mode="all_or_nothing").created == 1
    # "25,000" alone could be 25000 or 25.000: the mapping says the decimal mark is a point.
    assert _import(crm, deals, "opportunities", mode="all_or_nothing",
                   values=ValueMapping(decimal_mark=".")).created == 2
    with read_session(crm) as session:
        assert session.scalar(select(Opportunity.value).where(
            Opportunity.name == "Globex Rollout")) == 25_000
        stages = dict(session.execute(select(Opportunity.name, Opportunity.stage)).all())
        probability = session.scalar(select(Opportunity.probability).where(
            Opportunity.name == "Globex Trial"))
    assert stages == {"Globex Rollout": "negotiation", "Globex Trial": "qualification"}
    assert probability == 20  # the stage's default when the file gives none


def test_companies_match_by_website_and_users_by_email(crm):
    companies = (b"Company name,Company Domain Name,Industry\n"
                 b"ACME Corporation,www.acme.example,Manufacturing\n"   # matches by website
                 b"Umbrella,umbrella.example,Pharma\n")
    report = _import(crm, companies, "companies", mode="all_or_nothing", name="companies.csv")
    assert (report.created, report.updated) == (1, 1)
    with write_session(crm) as session:
        add_user(session, "Alice Archer", email="alice@ourco.example")
    users = (b"Name,Email,Title\nAlice Archer,ALICE@ourco.example,Sales Director\n"
             b"Bob Baker,bob@ourco.example,\n")
    report = _import(crm, users, "users", mode="all_or_nothing", name="User.csv")
    assert (report.created, report.updated) == (1, 1)
    assert _count(crm, User) == 2


def test_a_manager_may_import_and_a_viewer_may_not_even_dry_run(crm):
    with pytest.raises(PermissionDenied):
        _import(crm, SALESFORCE_CONTACTS, "stakeholders", actor=VIEWER)


def test_a_stakeholder_moves_company_when_the_file_says_so(crm):
    with write_session(crm) as session:
        acme = session.scalars(select(Company).where(Company.name == "Acme Corp")).one()
        add_stakeholder(session, acme, "Lee Lo", email="lee@acme.example")
    report = _import(crm, b"Email,Company\nlee@acme.example,Globex\n", "stakeholders",
                     mode="all_or_nothing")
    assert report.updated == 1
    with read_session(crm) as session:
        company = session.scalar(select(Company.name).join(Stakeholder).where(
            Stakeholder.email == "lee@acme.example"))
    assert company == "Globex"


def test_progress_is_reported_while_checking_and_while_writing(crm):
    calls = []
    _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only",
            on_progress=lambda done, total, message: calls.append((done, total, message)))
    assert calls == [(7, 7, "Checking rows"), (3, 3, "Writing")]


def test_the_report_previews_each_record_to_create_or_update(crm):
    _import(crm, SALESFORCE_CONTACTS, "stakeholders", mode="valid_only")
    changed = (b"Email,Title,Account Name\n"
               b"dana@acme.example,Chief Financial Officer,Globex\n"
               b"new@acme.example,,Acme Corp\n")
    report = _import(crm, changed, "stakeholders")
    assert report.rejected_rows["reason"].tolist() == ["Name is required."]
    assert report.changes.to_dict("records") == [
        {"file": "Contact.csv", "line": 2, "action": "update", "record": "Dana Diaz",
         "changes": "job_title: CFO → Chief Financial Officer; company_id: Acme Corp → Globex"}]


def test_rows_that_cannot_be_matched_safely_are_rejected_with_the_reason(crm):
    with write_session(crm) as session:
        add_company(session, "Globex", website="https://globex-emea.example")
    companies = (b"Name,Industry\n"
                 b"Globex,Retail\n"                       # two companies are named Globex
                 b"Umbrella,Pharma,extra,cells\n")        # an unquoted separator shifted cells
    report = _import(crm, companies, "companies", name="companies.csv")
    assert _rejections(report) == [
        (2, "2 companies are named 'Globex'; give their websites to tell them apart."),
        (3, "The row has 4 cells but the header has 2 (an unquoted separator?)."),
    ]


def test_two_deals_of_one_company_may_share_a_name(crm):
    _import(crm, SALESFORCE_OPPORTUNITIES, "opportunities", mode="valid_only",
            name="Opportunity.csv")
    with read_session(crm) as session:
        pilot = session.scalar(select(Opportunity.id).where(Opportunity.name == "Acme Pilot"))
    report = _import(crm, f"id,name\n{pilot},Acme Platform\n".encode(), "opportunities",
                     name="opportunities.csv", mode="all_or_nothing")
    assert (report.updated, report.rejected) == (1, 0)
    with read_session(crm) as session:
        assert session.scalars(select(Opportunity.name).where(Opportunity.company_id == 1)
                               .order_by(Opportunity.id)).all() == ["Acme Platform",
                                                                    "Acme Platform"]
