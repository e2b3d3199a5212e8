"""The seed generator on SQLite and PostgreSQL: repeatable, sound, and realistic at demo scale."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from crm_core import vocab
from crm_core.access import SYSTEM
from crm_core.db import make_engine, read_session, write_session
from crm_core.errors import Conflict
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, StageRequiredRole
from crm_core.queries.trends import scope_trend
from crm_core.seeding import SCALES, seed_database
from crm_core.seeding.loader import COLUMNS
from crm_core.services.records import create_user
from crm_core.snapshots import live_figures, snapshot_scopes
from tests.conftest import fresh_database_url

TODAY = date(2026, 6, 15)
PRIMARY_KEYS = {
    "company_account_teams": "user_id, company_id",
    "stakeholder_meddpicc_roles": "stakeholder_id, meddpicc_role",
    "stakeholder_relationship_owners": "stakeholder_id, user_id",
    "opportunity_account_teams": "user_id, opportunity_id",
    "stakeholder_opportunities": "stakeholder_id, opportunity_id",
    "task_entities": "task_id, entity_type, entity_id",
}


def table_contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every seeded table, in primary-key order."""
    contents = {}
    with engine.connect() as connection:
        for table, columns in COLUMNS.items():
            order = PRIMARY_KEYS.get(table, "id")
            contents[table] = [tuple(row) for row in connection.execute(text(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"))]
    return contents


def scalar(engine: Engine, sql: str) -> float:
    """The single value of a SQL query."""
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


@pytest.fixture
def seeded(engine) -> Engine:
    """A database holding the demo dataset (dates relative to a fixed day)."""
    seed_database(engine, today=TODAY)
    return engine


@pytest.fixture
def second_engine(request, tmp_path, engine):
    """Another fresh, migrated database on the same backend as `engine`."""
    backend = "sqlite" if engine.dialect.name == "sqlite" else "postgresql"
    folder = tmp_path / "second"
    folder.mkdir()
    urls = fresh_database_url(backend, request, folder)
    other = make_engine(next(urls))
    yield other
    other.dispose()
    next(urls, None)  # drops the PostgreSQL database


def test_the_same_seed_gives_the_same_rows_in_two_fresh_databases(engine, second_engine):
    seed_database(engine, seed=11, today=TODAY)
    seed_database(second_engine, seed=11, today=TODAY)

    first, second = table_contents(engine), table_contents(second_engine)
    for table in COLUMNS:
        assert first[table] == second[table], table


def test_another_seed_gives_other_people(engine, second_engine):
    seed_database(engine, seed=11, today=TODAY)
    seed_database(second_engine, seed=12, today=TODAY)

    assert table_contents(engine)["stakeholders"] != table_contents(second_engine)["stakeholders"]


def test_the_demo_scale_has_the_sizes_of_the_issue_and_the_summary_counts_every_row(engine):
    summary = seed_database(engine, today=TODAY)

    demo = SCALES["demo"]
    assert (demo.users, demo.companies, demo.stakeholders, demo.opportunities, demo.tasks) == (
        15, 40, 400, 150, 1_500)
    for table in COLUMNS:
        assert summary.rows[table] == scalar(engine, f"SELECT count(*) FROM {table}"), table
    assert summary.rows["users"] == 15 and summary.rows["tasks"] == 1_500
    assert summary.total_rows > 7_000


def test_nothing_is_dangling_after_seeding(seeded):
    with read_session(seeded) as session:
        assert integrity_problems(session) == []


def test_seeding_records_one_audit_event_by_the_system_and_keeps_the_stage_settings(seeded):
    with read_session(seeded) as session:
        events = [(e.action, e.actor_email, e.after["rows"]["stakeholders"])
                  for e in session.scalars(select(AuditEvent))]
        required = set(session.execute(
            select(StageRequiredRole.stage, StageRequiredRole.meddpicc_role)).tuples())
    assert events == [("seed.loaded", SYSTEM.email, 400)]
    assert required == {(stage, role) for stage, roles in vocab.DEFAULT_REQUIRED_ROLES.items()
                        for role in roles}


def test_seeding_a_database_that_holds_data_is_refused(seeded):
    with pytest.raises(Conflict, match="already holds"):
        seed_database(seeded)
    assert scalar(seeded, "SELECT count(*) FROM users") == 15


def test_new_records_get_the_next_free_id_after_the_seeded_ones(seeded):
    with write_session(seeded) as session:
        user = create_user(session, actor=SYSTEM, name="New Hire", email="new.hire@example.com",
                           job_title="Account Executive")
    assert user.id == 16


def test_emails_are_unique_ignoring_case(seeded):
    for table in ("users", "stakeholders"):
        emails = scalar(seeded, f"SELECT count(email) FROM {table}")
        distinct = scalar(seeded, f"SELECT count(DISTINCT lower(email)) FROM {table}")
        assert emails == distinct > 0


def test_between_a_tenth_and_a_quarter_of_stakeholders_are_orphaned(seeded):
    orphaned = scalar(seeded, "SELECT count(*) FROM stakeholders s WHERE NOT EXISTS (SELECT 1 "
                              "FROM stakeholder_relationship_owners o "
                              "WHERE o.stakeholder_id = s.id)")
    assert 0.10 <= orphaned / 400 <= 0.25


def test_some_stakeholders_have_two_owners_and_some_owners_are_not_on_the_account_team(seeded):
    two_owners = scalar(seeded, "SELECT count(*) FROM (SELECT stakeholder_id FROM "
                                "stakeholder_relationship_owners GROUP BY stakeholder_id "
                                "HAVING count(*) = 2) t")
    outside = scalar(seeded, "SELECT count(*) FROM stakeholder_relationship_owners o "
                             "JOIN stakeholders s ON s.id = o.stakeholder_id WHERE NOT EXISTS ("
                             "SELECT 1 FROM company_account_teams t WHERE t.company_id = "
                             "s.company_id AND t.user_id = o.user_id)")
    owned = scalar(seeded, "SELECT count(*) FROM stakeholder_relationship_owners")
    assert two_owners > 0
    assert 0 < outside < owned * 0.25  # mostly owned from the account team


def test_every_company_has_an_account_team_of_two_to_five(seeded):
    with seeded.connect() as connection:
        sizes = connection.execute(text(
            "SELECT c.id, count(t.user_id) FROM companies c LEFT JOIN company_account_teams t "
            "ON t.company_id = c.id GROUP BY c.id")).all()
    assert len(sizes) == 40
    assert all(2 <= size <= 5 for _, size in sizes)


def test_opportunity_additions_are_never_on_the_company_team_already(seeded):
    added = scalar(seeded, "SELECT count(*) FROM opportunity_account_teams")
    duplicated = scalar(seeded, "SELECT count(*) FROM opportunity_account_teams a "
                                "JOIN opportunities o ON o.id = a.opportunity_id "
                                "JOIN company_account_teams t ON t.company_id = o.company_id "
                                "AND t.user_id = a.user_id")
    assert added > 0 and duplicated == 0


def test_about_a_third_of_open_opportunities_lack_an_economic_buyer(seeded):
    stages = ", ".join(f"'{s}'" for s in vocab.OPEN_STAGES)
    open_count = scalar(seeded, f"SELECT count(*) FROM opportunities WHERE stage IN ({stages})")
    without = scalar(seeded, f"SELECT count(*) FROM opportunities o WHERE stage IN ({stages}) "
                             "AND NOT EXISTS (SELECT 1 FROM stakeholder_opportunities so JOIN "
                             "stakeholder_meddpicc_roles r ON r.stakeholder_id = so.stakeholder_id"
                             " WHERE so.opportunity_id = o.id AND "
                             "r.meddpicc_role = 'economic_buyer')")
    single = scalar(seeded, f"SELECT count(*) FROM opportunities o WHERE stage IN ({stages}) "
                            "AND (SELECT count(*) FROM stakeholder_opportunities so "
                            "WHERE so.opportunity_id = o.id) = 1")
    assert 0.2 <= without / open_count <= 0.45
    assert single > 0


def test_stakeholders_play_the_meddpicc_roles_their_job_titles_suggest(seeded):
    with seeded.connect() as connection:
        rows = connection.execute(text(
            "SELECT s.job_title, r.meddpicc_role, count(*) FROM stakeholders s "
            "JOIN stakeholder_meddpicc_roles r ON r.stakeholder_id = s.id "
            "GROUP BY s.job_title, r.meddpicc_role")).all()
        per_stakeholder = connection.execute(text(
            "SELECT count(*) FROM stakeholders s WHERE NOT EXISTS (SELECT 1 FROM "
            "stakeholder_meddpicc_roles r WHERE r.stakeholder_id = s.id)")).scalar_one()
        most_roles = connection.execute(text(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM stakeholder_meddpicc_roles "
            "GROUP BY stakeholder_id) t")).scalar_one()
    gatekeeper_titles = {title for title, role, _ in rows if role == "gatekeeper"}
    buyer_titles = {title for title, role, _ in rows if role == "economic_buyer"}
    assert "Chief Financial Officer" in buyer_titles
    assert not {"Software Engineer", "Data Analyst", "Systems Administrator"} & buyer_titles
    assert any("Procurement" in title for title in gatekeeper_titles)
    assert per_stakeholder > 400 * 0.25  # many play no MEDDPICC role at all
    assert most_roles == 3


def test_probabilities_follow_the_stage_and_close_dates_fit_open_or_closed(seeded):
    with seeded.connect() as connection:
        rows = connection.execute(text(
            "SELECT stage, probability, expected_close_date FROM opportunities")).all()
    assert {stage for stage, _, _ in rows} == set(vocab.STAGES)
    for stage, probability, close in rows:
        close = close if isinstance(close, date) else date.fromisoformat(close)
        if stage in vocab.CLOSED_STAGES:
            assert probability == vocab.default_probability(stage) and close < TODAY
        else:
            assert abs(probability - vocab.default_probability(stage)) <= 10 and close > TODAY


def test_tasks_are_overdue_due_soon_done_and_cancelled_with_completion_only_when_done(seeded):
    today, week = f"'{TODAY.isoformat()}'", "'2026-06-22'"
    unfinished = "status IN ('open', 'in_progress')"
    overdue = scalar(seeded, f"SELECT count(*) FROM tasks WHERE {unfinished} AND due_date < "
                             f"{today}")
    due_soon = scalar(seeded, f"SELECT count(*) FROM tasks WHERE {unfinished} AND due_date "
                              f"BETWEEN {today} AND {week}")
    done = scalar(seeded, "SELECT count(*) FROM tasks WHERE status = 'done' "
                          "AND completed_at IS NOT NULL")
    cancelled = scalar(seeded, "SELECT count(*) FROM tasks WHERE status = 'cancelled'")
    mismatched = scalar(seeded, "SELECT count(*) FROM tasks WHERE (status = 'done') <> "
                                "(completed_at IS NOT NULL)")
    assert min(overdue, due_soon, cancelled) > 0 and done > 300
    assert mismatched == 0


def test_sequences_have_three_to_six_ordered_steps_some_waiting_for_the_previous(seeded):
    with seeded.connect() as connection:
        steps = connection.execute(text(
            "SELECT p.id, count(s.id), min(s.sequence_order), max(s.sequence_order) "
            "FROM tasks p JOIN tasks s ON s.parent_task_id = p.id "
            "WHERE p.task_type = 'sequence' GROUP BY p.id")).all()
        sequences = connection.execute(text(
            "SELECT count(*) FROM tasks WHERE task_type = 'sequence'")).scalar_one()
        waiting = connection.execute(text(
            "SELECT count(*) FROM tasks WHERE dependency_type = 'finish_to_start'")).scalar_one()
    assert len(steps) == sequences > 10
    assert all(3 <= count <= 6 and (low, high) == (1, count) for _, count, low, high in steps)
    assert waiting > 0


def test_tasks_link_to_every_kind_of_entity_with_several_links_each(seeded):
    with seeded.connect() as connection:
        kinds = dict(connection.execute(text(
            "SELECT entity_type, count(*) FROM task_entities GROUP BY entity_type")).all())
    assert set(kinds) == set(vocab.ENTITY_TYPES)
    assert sum(kinds.values()) / 1_500 >= 2


def test_company_websites_and_industries_are_filled_in(seeded):
    with read_session(seeded) as session:
        missing = session.scalar(text(
            "SELECT count(*) FROM companies WHERE website IS NULL OR industry IS NULL"))
        industries = session.scalar(select(func.count(text("DISTINCT industry"))).select_from(
            text("companies")))
    assert missing == 0 and industries >= 5


def test_the_seed_writes_half_a_year_of_synthetic_history_ending_at_todays_live_figures(seeded):
    with read_session(seeded) as session:
        scopes = snapshot_scopes(session)
        for scope in scopes:
            trend = scope_trend(session, scope=scope, today=TODAY, days=400)
            # 28 weeks before today, less the two days the job "did not run".
            assert len(trend) == 196 - 2 + 1, scope
            assert trend["day"].iloc[0].date() == TODAY - timedelta(days=196)
            last = trend.iloc[-1]
            assert last["day"].date() == TODAY and not last["synthetic"]
            assert trend["synthetic"].iloc[:-1].all()
            live = live_figures(session, scope=scope, today=TODAY)
            assert {f: last[f] for f in live} == pytest.approx(live), scope
            # Plausible: the parts add up on every day.
            assert (trend["owned"] + trend["orphaned"] == trend["stakeholders"]).all()
            assert (trend["fully_covered"] <= trend["gated_deals"]).all()
            assert (trend["gated_deals"] <= trend["open_deals"]).all()
    assert len(scopes) == 8  # the organisation, its regions and its managers' teams
