"""Cached figures recompute only when a write changed an area they read, in any process.

To see whether a figure was recomputed, each test first changes the database behind the app's
back (plain SQL, no service, so no data version moves): a recomputed figure shows that change,
a cached one does not.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, text

from crm_core.db import make_engine, write_session
from crm_core.models import Stakeholder, Task, User
from crm_core.services.assignments import assign_owner
from crm_core.services.task_status import complete_task
from tests.factories import MANAGER


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _ids(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with write_session(engine) as s:
        names = {**dict(s.execute(select(Stakeholder.name, Stakeholder.id)).tuples().all()),
                 **dict(s.execute(select(User.name, User.id)).tuples().all()),
                 **dict(s.execute(select(Task.description, Task.id)).tuples().all())}
    engine.dispose()
    return names


def _behind_the_apps_back(url: str, sql: str, **params) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


def _write(url: str, service, **kwargs) -> None:
    engine = make_engine(url)
    with write_session(engine) as session:
        service(session, actor=MANAGER, **kwargs)
    engine.dispose()


ROOT = Path(__file__).resolve().parents[2]
OWN = "INSERT INTO stakeholder_relationship_owners (stakeholder_id, user_id) VALUES (:s, :u)"


def test_a_task_write_leaves_coverage_cached_and_an_ownership_write_leaves_tasks_cached(
        app_as, app_db):
    # Known dataset: 3 of 5 stakeholders owned (Fay and Hana orphaned), one overdue task,
    # open pipeline at risk $150.0K (Acme Platform 120,000 + Globex Pilot 30,000).
    ids = _ids(app_db)
    at = app_as("manager")
    assert _metrics(at)["Ownership coverage"] == "60%"
    assert _metrics(at)["Overdue tasks"] == "1"

    _behind_the_apps_back(app_db, OWN, s=ids["Fay Fox"], u=ids["Alice Archer"])
    _write(app_db, complete_task, task_id=ids["Send pricing to Dana"])
    at.run()
    assert _metrics(at)["Overdue tasks"] == "0"  # the task figures recomputed
    assert _metrics(at)["Ownership coverage"] == "60%"  # still cached: Fay's owner unseen

    _behind_the_apps_back(app_db, "UPDATE tasks SET due_date = :due WHERE id = :id",
                          due=date.today() - timedelta(days=1), id=ids["Book discovery call"])
    _behind_the_apps_back(app_db, "UPDATE opportunities SET value = 40000 WHERE name = :n",
                          n="Globex Pilot")
    _write(app_db, assign_owner, stakeholder_id=ids["Hana Hill"], user_id=ids["Bob Baker"])
    at.run()
    # Coverage and the MEDDPICC gaps read ownership: recomputed (Fay's owner and the new
    # pipeline value now show); the task figures do not: still cached.
    assert _metrics(at)["Ownership coverage"] == "100%"
    assert any("$160.0K of pipeline at risk" in c.value for c in at.caption)
    assert _metrics(at)["Overdue tasks"] == "0"


def test_a_write_in_another_process_shows_on_the_next_rerun(app_as, app_db):
    ids = _ids(app_db)
    at = app_as("viewer")
    assert _metrics(at)["Ownership coverage"] == "60%"
    program = (
        "import sys; from crm_core.db import make_engine, write_session\n"
        "from crm_core.services.assignments import assign_owner\n"
        "from tests.factories import MANAGER\n"
        "with write_session(make_engine(sys.argv[1])) as s:\n"
        "    assign_owner(s, actor=MANAGER, stakeholder_id=int(sys.argv[2]),"
        " user_id=int(sys.argv[3]))\n")
    subprocess.run([sys.executable, "-c", program, app_db, str(ids["Fay Fox"]),
                    str(ids["Carol Chen"])], check=True, timeout=60, cwd=ROOT)
    at.run()
    assert _metrics(at)["Ownership coverage"] == "80%"
