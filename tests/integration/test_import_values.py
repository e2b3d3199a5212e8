"""Nothing silently wrong: day-first and month-first files, every error of a row, 'did you
mean', the encoding said, contact roles that differ by deal (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.importing import ValueMapping, import_data
from crm_core.models import Opportunity, StakeholderMeddpiccRole
from tests.factories import MANAGER, add_company, add_opportunity, add_stakeholder


@pytest.fixture
def crm(engine):
    with write_session(engine) as session:
        add_company(session, "Bouchet Engineering Groupe")
    return engine


def _import(engine, text: str | bytes, entity: str, *, mode: str = "dry_run",
            name: str = "deals.csv", **kwargs):
    data = text.encode() if isinstance(text, str) else text
    with write_session(engine) as session:
        return import_data(session, actor=MANAGER, data=data, name=name, entity=entity,
                           mode=mode, **kwargs)


def _rejections(report) -> list[tuple[int, str]]:
    return list(zip(report.rejected_rows["line"], report.rejected_rows["reason"], strict=True))


def _close_dates(engine) -> dict[str, date]:
    with read_session(engine) as session:
        return dict(session.execute(select(Opportunity.name,
                                          Opportunity.expected_close_date)).all())


HEADER = "Name,Stage,Close Date,Account\n"


@pytest.mark.parametrize(("second_row", "expected"), [
    ("31/12/2026", {"A": date(2026, 12, 3), "B": date(2026, 12, 31)}),   # day-first
    ("12/31/2026", {"A": date(2026, 3, 12), "B": date(2026, 12, 31)}),   # month-first
])
def test_a_file_is_read_in_the_date_order_its_column_shows_throughout(crm, second_row,
                                                                     expected):
    rows = ("A,Won,03/12/2026,Bouchet Engineering Groupe\n"
            f"B,Won,{second_row},Bouchet Engineering Groupe\n")
    report = _import(crm, HEADER + rows, "opportunities", mode="all_or_nothing")
    assert report.rejected == 0
    assert _close_dates(crm) == expected


def test_a_column_mixing_both_orders_is_refused_and_an_undecidable_one_needs_the_mapping(crm):
    mixed = ("A,Won,31/12/2026,Bouchet Engineering Groupe\n"
             "B,Won,12/31/2026,Bouchet Engineering Groupe\n")
    reason = ("The dates mix day-first ('31/12/2026') and month-first ('12/31/2026'); fix the "
              "file or split it.")
    assert _rejections(_import(crm, HEADER + mixed, "opportunities")) == [(2, reason),
                                                                        (3, reason)]
    undecided = "A,Won,03/12/2026,Bouchet Engineering Groupe\n"
    assert _rejections(_import(crm, HEADER + undecided, "opportunities")) == [
        (2, "Expected close date '03/12/2026' could be day-first or month-first; say which in "
            "the value mapping.")]
    report = _import(crm, HEADER + undecided, "opportunities", mode="all_or_nothing",
                     values=ValueMapping(date_order="day_first"))
    assert report.rejected == 0 and _close_dates(crm) == {"A": date(2026, 12, 3)}


def test_every_error_of_a_row_is_reported_and_an_unknown_company_gets_a_suggestion(crm):
    deals = ("Name,Stage,Probability,Close Date,Amount,Account\n"
             "A,Closed Wonn,150,next week,1.234,Bouchet Engineering Group\n")
    assert _rejections(_import(crm, deals, "opportunities")) == [(2, " ".join([
        "Stage 'Closed Wonn' is not known (did you mean 'Closed Won'?); add it to the value "
        "mapping.",
        "Value '1.234' could be 1234 or 1.234; name the decimal mark in the value mapping.",
        "Probability must be between 0 and 100, got 150.",
        "Expected close date 'next week' is not a date (use YYYY-MM-DD).",
        "Unknown company 'Bouchet Engineering Group' (did you mean 'Bouchet Engineering "
        "Groupe'?).",
    ]))]
    assert _import(crm, deals, "opportunities").rejected_rows["field"].tolist() == [
        "stage, value, probability, expected_close_date, company_name"]


def test_a_windows_1252_file_imports_and_the_report_names_the_encoding(crm):
    contacts = "Name,Email,Company\nJosé Núñez,jose@bouchet.example,Bouchet Engineering Groupe\n"
    report = _import(crm, contacts.encode("cp1252"), "stakeholders", mode="all_or_nothing",
                     name="contacts.csv")
    assert report.created == 1
    assert report.notes == ("contacts.csv was read as cp1252 (it is not UTF-8).",)


def test_contact_roles_that_differ_by_deal_become_the_stakeholders_roles_with_a_note(crm):
    with write_session(crm) as session:
        company = add_company(session, "Acme Corp")
        add_stakeholder(session, company, "Dana Diaz", email="dana@acme.example")
        add_opportunity(session, company, "Platform")
        add_opportunity(session, company, "Pilot")
    roles = ("Email,Opportunity,Company,Role\n"
             "dana@acme.example,Platform,Acme Corp,Champion\n"
             "dana@acme.example,Pilot,Acme Corp,Economic Decision Maker\n")
    report = _import(crm, roles, "stakeholder_opportunities", mode="all_or_nothing",
                     name="OpportunityContactRole.csv")
    assert report.notes == ("Dana Diaz has different roles on different deals (Platform: "
                            "champion; Pilot: economic_buyer); they now hold all of them.",)
    with read_session(crm) as session:
        assert set(session.scalars(select(StakeholderMeddpiccRole.meddpicc_role))) == {
            "champion", "economic_buyer"}
