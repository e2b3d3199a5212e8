"""Task lists, due windows, blocked steps, sequence progress and roll-ups on a hand-built set.

Today is pinned to Wednesday 2030-06-12; every expected answer is written out by hand.
"""

from datetime import date, datetime

import pytest

from crm_core.db import read_session, write_session
from crm_core.queries import task_rollups, task_sequences, tasks
from tests.factories import add_company, add_opportunity, add_stakeholder, add_task, add_user

TODAY = date(2030, 6, 12)


def _task(session, description, due, **kwargs):
    task = add_task(session, description, **kwargs)
    task.due_date = due
    session.flush()
    return task


def _build(session) -> dict[str, int]:
    alice, bob = add_user(session, "Alice Archer"), add_user(session, "Bob Baker")
    acme = add_company(session, "Acme Corp")
    dana = add_stakeholder(session, acme, "Dana Diaz")
    deal = add_opportunity(session, acme, "Acme Platform")
    ids = {"alice": alice.id, "bob": bob.id, "acme": acme.id, "dana": dana.id, "deal": deal.id}
    rows = [
        ("overdue", "Send pricing", date(2030, 6, 10),
         dict(priority="high", next_step_type="call",
              links=[("stakeholder", dana.id), ("user", alice.id)])),
        ("today", "Book demo", date(2030, 6, 12),
         dict(status="in_progress", next_step_type="email",
              links=[("opportunity", deal.id), ("user", bob.id)])),
        ("week", "Prepare proposal", date(2030, 6, 19),
         dict(next_step_type="proposal", links=[("company", acme.id),
                                                ("opportunity", deal.id), ("user", alice.id)])),
        ("later", "Quarterly review 1000", date(2030, 6, 20), dict(priority="low")),
        ("none", "Update notes_100%", None, dict(links=[("user", alice.id)])),
        ("done", "Old call", date(2030, 6, 1), dict(status="done", links=[("user", alice.id)])),
        ("cancelled", "Dropped", date(2030, 6, 5), dict(status="cancelled")),
    ]
    for key, description, due, kwargs in rows:
        ids[key] = _task(session, description, due, **kwargs).id
    onboarding = _task(session, "Onboarding", None, task_type="sequence")
    ids["S"] = onboarding.id
    for order, (description, status, dependency, due) in enumerate([
            ("Kickoff", "done", "finish_to_start", date(2030, 6, 1)),
            ("Send contract", "open", "finish_to_start", date(2030, 6, 25)),
            ("Legal review", "open", "finish_to_start", date(2030, 6, 30)),
            ("Signature", "open", "start_to_start", date(2030, 7, 5)),
            ("Welcome pack", "open", "none", date(2030, 7, 10))], start=1):
        ids[f"S{order}"] = _task(session, description, due, status=status, parent=onboarding,
                                 sequence_order=order, dependency_type=dependency).id
    renewal = _task(session, "Renewal", None, task_type="sequence", status="in_progress")
    ids["T"] = renewal.id
    for order, (description, status, dependency, due, links) in enumerate([
            ("Health check", "in_progress", "none", date(2030, 6, 11), [("user", bob.id)]),
            ("Offer", "open", "start_to_start", date(2030, 6, 28), []),
            ("Close", "open", "finish_to_start", date(2030, 7, 2), [])], start=1):
        ids[f"T{order}"] = _task(session, description, due, status=status, parent=renewal,
                                 sequence_order=order, dependency_type=dependency,
                                 links=links).id
    return ids


@pytest.fixture
def built(engine):
    with write_session(engine) as session:
        ids = _build(session)
    return engine, ids


def _page(engine, **filters):
    with read_session(engine) as session:
        return tasks.task_page(session, today=TODAY, **filters)


def _ids(page, ids):
    names = {v: k for k, v in ids.items()}
    return [names[i] for i in page.rows["id"]]


OPEN = ("open", "in_progress")


@pytest.mark.parametrize("window, expected", [
    ("overdue", ["overdue", "T1"]),
    ("today", ["today"]),
    ("this_week", ["week"]),
    ("later", ["later", "S2", "T2", "S3", "T3", "S4", "S5"]),
    ("none", ["none", "S", "T"]),
])
def test_each_due_window_holds_the_tasks_due_in_it(built, window, expected):
    engine, ids = built
    assert _ids(_page(engine, due_windows=[window]), ids) == expected


def test_a_done_task_due_in_the_past_is_not_overdue(built):
    engine, ids = built
    assert "done" not in _ids(_page(engine, due_windows=["overdue"]), ids)


def test_open_tasks_come_overdue_first_and_paginate_with_a_total(built):
    engine, ids = built
    first = _page(engine, statuses=OPEN, limit=4)
    second = _page(engine, statuses=OPEN, limit=4, offset=4)
    last = _page(engine, statuses=OPEN, limit=4, offset=12)
    assert (first.total, second.total) == (14, 14)
    assert _ids(first, ids) == ["overdue", "T1", "today", "week"]
    assert _ids(second, ids) == ["later", "S2", "T2", "S3"]
    assert _ids(last, ids) == ["S", "T"]


def test_every_status_together_sorts_by_due_date_with_no_due_date_last(built):
    engine, ids = built
    page = _page(engine, limit=5, offset=5)
    assert page.total == 17
    assert _ids(page, ids) == ["today", "week", "later", "S2", "T2"]
    newest = _page(engine, sort="newest", limit=2)
    assert _ids(newest, ids) == ["T3", "T2"]


@pytest.mark.parametrize("filters, expected", [
    (dict(statuses=["in_progress"]), ["T1", "today", "T"]),
    (dict(priorities=["high", "low"]), ["overdue", "later"]),
    (dict(next_step_types=["email", "proposal"]), ["today", "week"]),
    (dict(task_types=["sequence"]), ["S", "T"]),
    (dict(user_key="alice", statuses=OPEN), ["overdue", "week", "none"]),
    (dict(user_key="alice"), ["done", "overdue", "week", "none"]),
    (dict(entity="acme"), ["week"]),
    (dict(entity="deal"), ["today", "week"]),
    (dict(search="SEND"), ["overdue", "S2"]),
    (dict(search="100%"), ["none"]),
    (dict(search="s_1"), ["none"]),
    (dict(sequence_key="S"), ["S1", "S2", "S3", "S4", "S5"]),
    (dict(blocked_only=True), ["S3", "T3", "S4"]),
])
def test_each_filter_keeps_only_the_matching_tasks(built, filters, expected):
    engine, ids = built
    filters = dict(filters)
    if "user_key" in filters:
        filters["user_id"] = ids[filters.pop("user_key")]
    if "entity" in filters:
        key = filters.pop("entity")
        filters.update(entity_type="company" if key == "acme" else "opportunity",
                       entity_id=ids[key])
    if "sequence_key" in filters:
        filters["sequence_id"] = ids[filters.pop("sequence_key")]
    page = _page(engine, **filters)
    assert _ids(page, ids) == expected
    assert page.total == len(expected)


def test_the_same_filters_with_other_values_answer_for_those_values(built):
    # Each shape of filters is one statement, built once and run with the values bound.
    engine, ids = built
    assert _ids(_page(engine, user_id=ids["alice"], statuses=OPEN), ids) == [
        "overdue", "week", "none"]
    assert _ids(_page(engine, user_id=ids["bob"], statuses=OPEN), ids) == ["T1", "today"]
    assert _ids(_page(engine, search="pricing"), ids) == ["overdue"]
    assert _ids(_page(engine, search="review"), ids) == ["later", "S3"]
    with read_session(engine) as session:
        week_later = tasks.task_page(session, today=date(2030, 6, 20), due_windows=["overdue"])
        counts = tasks.task_counts(session, today=date(2030, 6, 20))
    assert _ids(week_later, ids) == ["overdue", "T1", "today", "week"]
    assert counts == tasks.TaskCounts(open=12, overdue=4, due_soon=2, blocked=3)


def test_rows_show_linked_names_the_sequence_position_and_what_blocks_a_step(built):
    engine, ids = built
    with read_session(engine) as session:
        rows = tasks.task_rows(session, task_ids=[ids["week"], ids["S3"], ids["S"]])
    week, legal, onboarding = (row for _, row in rows.iterrows())
    assert week["linked"] == ("Company: Acme Corp; Opportunity: Acme Platform; "
                              "User: Alice Archer")
    assert (week["company_first_id"], week["company_first_name"]) == (ids["acme"], "Acme Corp")
    assert (week["user_names"], week["user_count"], week["stakeholder_count"]) == (
        "Alice Archer", 1, 0)
    assert (legal["sequence"], legal["sequence_order"], legal["sequence_steps"]) == (
        "Onboarding", 3, 5)
    assert (bool(legal["blocked"]), legal["blocked_by"]) == (True, "Send contract")
    assert (onboarding["steps_done"], onboarding["steps_total"]) == (1, 5)
    assert not onboarding["blocked"]


@pytest.mark.parametrize("step, blocked", [
    ("S1", False), ("S2", False), ("S3", True), ("S4", True), ("S5", False),
    ("T1", False), ("T2", False), ("T3", True),
])
def test_a_step_is_blocked_exactly_when_its_dependency_is_not_met(built, step, blocked):
    engine, ids = built
    with read_session(engine) as session:
        row = tasks.task_rows(session, task_ids=[ids[step]]).iloc[0]
    assert bool(row["blocked"]) is blocked


def test_sequence_progress_names_the_next_step_and_the_expected_finish(built):
    engine, ids = built
    with read_session(engine) as session:
        onboarding = task_sequences.sequence_progress(session, sequence_id=ids["S"],
                                                      today=TODAY)
        renewal = task_sequences.sequence_progress(session, sequence_id=ids["T"], today=TODAY)
        steps = task_sequences.sequence_steps(session, sequence_id=ids["S"])
    assert (onboarding.steps_total, onboarding.steps_done, onboarding.steps_cancelled,
            onboarding.steps_blocked, onboarding.steps_overdue) == (5, 1, 0, 2, 0)
    assert (onboarding.next_step_id, onboarding.next_step_order) == (ids["S2"], 2)
    assert onboarding.expected_finish == date(2030, 7, 10)
    assert onboarding.finished_share == pytest.approx(0.2)
    assert (renewal.next_step_description, renewal.steps_blocked, renewal.steps_overdue) == (
        "Health check", 1, 1)
    assert renewal.expected_finish == date(2030, 7, 2)
    assert list(steps["description"]) == ["Kickoff", "Send contract", "Legal review",
                                          "Signature", "Welcome pack"]
    assert list(steps["blocked"]) == [False, False, True, True, False]


def test_task_counts_count_unfinished_tasks_and_steps_but_not_sequences(built):
    engine, ids = built
    with read_session(engine) as session:
        counts = tasks.task_counts(session, today=TODAY)
        alices = tasks.task_counts(session, today=TODAY, user_id=ids["alice"])
    assert counts == tasks.TaskCounts(open=12, overdue=2, due_soon=2, blocked=3)
    assert alices == tasks.TaskCounts(open=3, overdue=1, due_soon=1, blocked=0)


def test_counts_are_counts_of_the_list_under_the_same_filters_and_search(built):
    # "pr" finds Send pricing (overdue) and Prepare proposal (due in 7 days); status "open"
    # leaves out Book demo and Health check (in progress): 10 open tasks and steps.
    engine, ids = built
    searched = {"search": "pr", "task_types": ("task",)}
    open_only = {"statuses": ("open",), "task_types": ("task",)}
    with read_session(engine) as session:
        assert tasks.task_counts(session, today=TODAY, **searched) == tasks.TaskCounts(
            open=2, overdue=1, due_soon=1, blocked=0)
        assert tasks.task_page(session, today=TODAY, **searched).total == 2
        assert tasks.task_counts(session, today=TODAY, **open_only).open == 10
        assert tasks.task_page(session, today=TODAY, **open_only).total == 10


def test_the_whole_list_comes_in_chunks_in_the_order_of_the_pages(built):
    engine, ids = built
    with read_session(engine) as session:
        chunks = list(tasks.task_list_chunks(session, chunk_size=5, today=TODAY,
                                             statuses=("open", "in_progress"),
                                             task_types=("task",)))
        first_page = tasks.task_page(session, today=TODAY, statuses=("open", "in_progress"),
                                     task_types=("task",), limit=5)
    assert [len(c) for c in chunks] == [5, 5, 2]        # the 12 unfinished tasks and steps
    assert chunks[0]["id"].tolist() == first_page.rows["id"].tolist()
    assert chunks[0]["id"].tolist() == [ids["overdue"], ids["T1"], ids["today"], ids["week"],
                                        ids["later"]]
    assert chunks[2]["id"].tolist() == [ids["S5"], ids["none"]]


def test_overdue_and_due_soon_roll_up_per_user_and_per_company(built):
    engine, ids = built
    with read_session(engine) as session:
        users = task_rollups.due_by_user(session, today=TODAY)
        companies = task_rollups.due_by_company(session, today=TODAY)
    assert users.values.tolist() == [[ids["alice"], "Alice Archer", 1, 1],
                                     [ids["bob"], "Bob Baker", 1, 1]]
    # Acme: pricing through Dana (overdue); demo through the deal and the proposal linked to
    # both Acme and the deal (due soon, counted once).
    assert companies.values.tolist() == [[ids["acme"], "Acme Corp", 1, 2]]


def test_tasks_completed_per_week_start_on_monday_and_keep_empty_weeks(engine):
    with write_session(engine) as session:
        alice_id = add_user(session, "Alice Archer").id
        for description, completed in [("A", datetime(2030, 6, 3, 9)),
                                       ("B", datetime(2030, 6, 9, 23)),
                                       ("C", datetime(2030, 6, 11, 8)),
                                       ("D", datetime(2030, 5, 1, 8))]:
            links = [("user", alice_id)] if description in ("B", "C", "D") else []
            add_task(session, description, status="done", completed_at=completed, links=links)
        add_task(session, "Open", status="open", links=[("user", alice_id)])
    with read_session(engine) as session:
        weeks = task_rollups.completed_per_week(session, weeks=3, today=TODAY)
        alices = task_rollups.completed_per_week(session, weeks=3, today=TODAY,
                                                 user_id=alice_id)
    assert weeks["week"].tolist() == [date(2030, 5, 27), date(2030, 6, 3), date(2030, 6, 10)]
    assert weeks["completed"].tolist() == [0, 2, 1]
    assert alices["week"].tolist() == weeks["week"].tolist()
    assert alices["completed"].tolist() == [0, 1, 1]


def test_an_empty_page_has_the_columns_and_a_zero_total(engine):
    with read_session(engine) as session:
        page = tasks.task_page(session, today=TODAY)
    assert page.total == 0 and list(page.rows.columns) == tasks.PAGE_COLUMNS
