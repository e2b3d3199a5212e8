"""An import killed with SIGKILL while it writes leaves the database exactly as it was (one
transaction, never committed; SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bench.importing import companies_csv, contacts_csv
from crm_core.access import SYSTEM
from crm_core.db import read_session, write_session
from crm_core.importing import import_data
from crm_core.integrity import integrity_problems
from crm_core.models import AuditEvent, Company, SourceIdentity, Stakeholder

ROOT = Path(__file__).resolve().parents[2]
# The import the command line runs, saying each chunk it writes.
APPLY = """
import sys
from crm_core.access import SYSTEM
from crm_core.db import make_engine, write_session
from crm_core.importing import import_data

def progress(done, total, step):
    print(step, done, total, flush=True)

with write_session(make_engine(sys.argv[1])) as session:
    import_data(session, actor=SYSTEM, data=open(sys.argv[2], "rb").read(), name="Contact.csv",
                entity="stakeholders", mode="all_or_nothing", on_progress=progress)
"""


def _counts(engine) -> tuple[int, ...]:
    with read_session(engine) as session:
        return tuple(session.scalar(select(func.count()).select_from(m))
                     for m in (Company, Stakeholder, AuditEvent, SourceIdentity))


def test_kill_9_in_the_middle_of_an_apply_changes_nothing(engine, tmp_path):
    with write_session(engine) as session:
        import_data(session, actor=SYSTEM, data=companies_csv(100), name="Account.csv",
                    entity="companies", mode="all_or_nothing")
    before = _counts(engine)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    contacts = tmp_path / "Contact.csv"
    contacts.write_bytes(contacts_csv(60_000, 100))
    process = subprocess.Popen([sys.executable, "-c", APPLY, url, str(contacts)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The first chunk written (of twelve, then the audit rows, then the commit): kill.
        for line in process.stdout:
            if line.startswith("Writing"):
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read()
    assert _counts(engine) == before
    with read_session(engine) as session:
        assert integrity_problems(session) == []
