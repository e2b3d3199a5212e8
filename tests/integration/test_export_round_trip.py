"""The full export is a ZIP of every table; importing it into an empty database gives back
identical tables (ids, timestamps, tasks and settings included) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, select

from crm_core.db import make_engine, read_session, write_session
from crm_core.exporting import export_zip
from crm_core.importing import import_data
from crm_core.integrity import integrity_problems
from crm_core.models import (
    AuditEvent,
    Base,
    ScorecardEntry,
    SourceIdentity,
    StageRequiredRole,
)
from crm_core.seeding import seed_database
from tests.app.dataset import build_known_dataset
from tests.conftest import fresh_database_url
from tests.factories import (
    ADMIN,
    MANAGER,
    VIEWER,
    add_company,
    add_opportunity,
    add_region,
    add_stakeholder,
    add_task,
    add_user,
)

COMPARED = [t.name for t in Base.metadata.sorted_tables
            # data_versions is cache bookkeeping (every write, the restore included, bumps it);
            # snapshots are derived figures the restore does not bring back (history starts
            # again with the next daily snapshot).
            if t.name not in ("audit_events", "access_grants", "data_versions", "snapshots")]


@pytest.fixture
def empty_engine(engine, request, tmp_path) -> Iterator[Engine]:
    """A second fresh database on the same backend as `engine`."""
    folder = tmp_path / "restored"
    folder.mkdir()
    urls = fresh_database_url(engine.dialect.name, request, folder)
    restored = make_engine(next(urls))
    yield restored
    restored.dispose()
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture
def source(engine) -> Engine:
    with write_session(engine) as session:
        dataset = build_known_dataset(session)
        sequence = add_task(session, "Onboarding", task_type="sequence", due_in_days=None)
        add_task(session, "Kick-off", parent=sequence, sequence_order=1,
                 dependency_type="finish_to_start")
        add_company(session, "Odd, \"quoted\"\nname", industry=None, website=None)
        session.add(ScorecardEntry(opportunity_id=1, element="metrics", status="identified",
                                   note="30% faster close", updated_by="manager@example.com"))
        session.delete(session.get(StageRequiredRole, ("negotiation", "gatekeeper")))
        assert dataset
    return engine


def _rows(engine: Engine, table_name: str) -> list[tuple]:
    table = Base.metadata.tables[table_name]
    with read_session(engine) as session:
        return [tuple(r) for r in session.execute(
            select(table).order_by(*table.primary_key.columns))]


def test_the_export_holds_one_csv_per_table_with_our_column_names(source):
    with read_session(source) as session:
        data = export_zip(session, actor=MANAGER)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        stakeholders = list(csv.reader(io.StringIO(archive.read("stakeholders.csv").decode())))
    assert names == {f"{t}.csv" for t in Base.metadata.tables if t != "access_grants"} | {
        "manifest.json"}
    assert stakeholders[0] == ["id", "name", "job_title", "email", "phone", "company_id",
                               "created_at", "version"]
    assert len(stakeholders) == 1 + 5


def test_only_an_admin_export_holds_the_access_grants(source):
    with read_session(source) as session:
        names = zipfile.ZipFile(io.BytesIO(export_zip(session, actor=ADMIN))).namelist()
        viewer_names = zipfile.ZipFile(io.BytesIO(export_zip(session, actor=VIEWER))).namelist()
    assert "access_grants.csv" in names and "access_grants.csv" not in viewer_names


def test_only_an_admin_export_holds_the_audit_events_of_access_grants(source):
    from crm_core.services.access import grant_access

    with write_session(source) as session:
        grant_access(session, actor=ADMIN, email="new.admin@example.com", access_role="admin")
        session.add(AuditEvent(actor_email="ann@ourco.example", actor_role="manager",
                               action="company.updated", entity_type="company", entity_id=1,
                               summary="Updated company 'Acme Corp'"))

    def summaries(actor) -> list[str]:
        with read_session(source) as session:
            archive = zipfile.ZipFile(io.BytesIO(export_zip(session, actor=actor)))
        rows = csv.DictReader(io.StringIO(archive.read("audit_events.csv").decode()))
        return [row["summary"] for row in rows]

    assert summaries(ADMIN) == ["Granted admin to new.admin@example.com",
                                "Updated company 'Acme Corp'"]
    assert summaries(VIEWER) == summaries(MANAGER) == ["Updated company 'Acme Corp'"]


def test_export_then_import_into_an_empty_database_gives_identical_tables(source, empty_engine):
    with read_session(source) as session:
        data = export_zip(session, actor=ADMIN)
    with write_session(empty_engine) as session:
        report = import_data(session, actor=ADMIN, data=data, name="export.zip",
                             mode="all_or_nothing")
    assert report.applied and report.restored and report.rejected == 0
    for table_name in COMPARED:
        assert _rows(empty_engine, table_name) == _rows(source, table_name), table_name
    with write_session(empty_engine) as session:
        assert integrity_problems(session) == []
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_type == "import")).all()
        # New records continue after the restored ids (PostgreSQL sequences were moved on).
        newcomer = add_company(session, "After the restore")
        assert newcomer.id == max(r[0] for r in _rows(source, "companies")) + 1
    assert actions == ["import.applied"]


def test_importing_the_export_again_changes_nothing(source, empty_engine):
    with read_session(source) as session:
        data = export_zip(session, actor=ADMIN)
    with write_session(empty_engine) as session:
        import_data(session, actor=ADMIN, data=data, name="export.zip", mode="all_or_nothing")
    with write_session(empty_engine) as session:
        again = import_data(session, actor=ADMIN, data=data, name="export.zip",
                            mode="all_or_nothing")
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert not again.restored
    assert "tasks.csv is restored only from a full export into an empty database; skipped." \
        in again.notes
    for table_name in COMPARED:
        assert _rows(empty_engine, table_name) == _rows(source, table_name), table_name


def test_a_manager_restores_everything_but_the_stage_settings(source, empty_engine):
    with read_session(source) as session:
        data = export_zip(session, actor=MANAGER)
    with write_session(empty_engine) as session:
        report = import_data(session, actor=MANAGER, data=data, name="export.zip",
                             mode="all_or_nothing")
    assert report.restored
    assert "stage_required_roles.csv: settings are restored only by an admin; skipped." \
        in report.notes
    assert _rows(empty_engine, "tasks") == _rows(source, "tasks")
    assert ("negotiation", "gatekeeper") in {r[:2] for r in _rows(empty_engine,
                                                                  "stage_required_roles")}


def _round_trip(source: Engine, restored: Engine) -> None:
    with read_session(source) as session:
        data = export_zip(session, actor=ADMIN)
    with write_session(restored) as session:
        report = import_data(session, actor=ADMIN, data=data, name="export.zip",
                             mode="all_or_nothing")
    assert report.rejected_rows.to_dict("records") == []
    assert report.applied and report.restored
    for table_name in COMPARED:
        assert _rows(restored, table_name) == _rows(source, table_name), table_name
    with read_session(restored) as session:
        assert integrity_problems(session) == []


def test_the_demo_seed_restores_exactly_into_an_empty_database(engine, empty_engine):
    seed_database(engine, scale="demo")
    _round_trip(engine, empty_engine)


def test_names_that_repeat_and_formula_like_text_restore_exactly(engine, empty_engine):
    with write_session(engine) as session:
        north = add_region(session, "North")
        boss = add_user(session, "Bea Boss")
        rep = add_user(session, "Rex Rep")
        rep.manager_id, rep.region_id = boss.id, north.id
        leaver = add_user(session, "Lee Leaver")
        leaver.departed_on = date(2026, 1, 31)
        add_user(session, "Nora Noemail").email = None  # a rep known by name alone
        acme = add_company(session, "=SUM(A1)", website=None)
        twin = add_company(session, "=SUM(A1)", website=None)
        for company in (acme, twin, acme):
            add_opportunity(session, company, "Renewal")
        add_stakeholder(session, acme, "Kim Kay", phone="+1 555 0100")
        add_stakeholder(session, acme, "Kim Kay", phone="-5")
        add_stakeholder(session, twin, "@kim", job_title="'quoted", email="kim@twin.example")
        session.add(SourceIdentity(source_system="salesforce", source_object="Account",
                                   external_id="001A000001AbCdE", record_table="companies",
                                   record_id=acme.id))
    with read_session(engine) as session:
        data = export_zip(session, actor=ADMIN)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        companies = list(csv.reader(io.StringIO(archive.read("companies.csv").decode())))
        people = list(csv.reader(io.StringIO(archive.read("stakeholders.csv").decode())))
    # A spreadsheet opening the export runs no formula: the text is quoted with an apostrophe.
    assert [row[1] for row in companies[1:]] == ["'=SUM(A1)", "'=SUM(A1)"]
    assert [(row[1], row[2], row[4]) for row in people[1:]] == [
        ("Kim Kay", "Director", "'+1 555 0100"), ("Kim Kay", "Director", "'-5"),
        ("'@kim", "''quoted", "")]
    _round_trip(engine, empty_engine)
