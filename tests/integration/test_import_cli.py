"""The import command line: dry run by default, --apply, --valid-only, --mapping, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from crm_core.db import read_session, write_session
from crm_core.importing.__main__ import main
from crm_core.models import AuditEvent, Opportunity
from tests.factories import add_company

ROOT = Path(__file__).resolve().parents[2]
DEALS = ("Deal Name;Amount;Deal Stage;Close Date;Associated Company\n"
         "Rollout;12 000;Verbal Yes;2027-01-31;Acme Corp\n"
         "Pilot;1000;qualifiedtobuy;;Acme Corp\n"
         "Ghost;1000;qualifiedtobuy;;Nobody Inc\n")


def _setup(sqlite_engine, tmp_path) -> tuple[str, Path]:
    with write_session(sqlite_engine) as session:
        add_company(session, "Acme Corp")
    path = tmp_path / "deals.csv"
    path.write_text(DEALS, encoding="utf-8")
    return sqlite_engine.url.render_as_string(hide_password=False), path


def _opportunities(engine) -> list[tuple]:
    with read_session(engine) as session:
        return [tuple(r) for r in session.execute(
            select(Opportunity.name, Opportunity.stage).order_by(Opportunity.name))]


def test_a_dry_run_prints_the_report_writes_nothing_and_fails_on_rejections(
        sqlite_engine, tmp_path, capsys):
    url, path = _setup(sqlite_engine, tmp_path)
    code = main(["opportunities", str(path), "--database-url", url])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        "Dry run, nothing written. 3 rows: 1 to create, 0 to update, 0 unchanged, 2 rejected.",
        "  deals.csv (opportunities): 3 rows, 1 new, 0 updated, 0 unchanged, 2 rejected",
        "  rejected deals.csv line 2: Stage 'Verbal Yes' is not known; add it to the value "
        "mapping.",
        "  rejected deals.csv line 4: Unknown company 'Nobody Inc'.",
    ]
    assert _opportunities(sqlite_engine) == []


def test_apply_with_a_mapping_file_writes_all_rows_or_none(sqlite_engine, tmp_path, capsys):
    url, path = _setup(sqlite_engine, tmp_path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"stages": {"Verbal Yes": "negotiation"}}))
    assert main(["deals", str(path), "--database-url", url, "--apply",
                 "--mapping", str(mapping)]) == 1
    assert _opportunities(sqlite_engine) == []
    rejected = tmp_path / "rejected.csv"
    # The valid rows are written, and the exit code still says a row was rejected.
    assert main(["deals", str(path), "--database-url", url, "--apply", "--valid-only",
                 "--mapping", str(mapping), "--rejected-csv", str(rejected)]) == 1
    assert _opportunities(sqlite_engine) == [("Pilot", "qualification"),
                                             ("Rollout", "negotiation")]
    assert rejected.read_text().splitlines() == [
        "file,line,field,reason,values",
        "deals.csv,4,company_name,Unknown company 'Nobody Inc'.,Ghost | 1000 | qualifiedtobuy "
        "|  | Nobody Inc"]
    with read_session(sqlite_engine) as session:
        actor = session.scalar(select(AuditEvent.actor_email).where(
            AuditEvent.action == "import.applied"))
        assert actor.endswith("@command-line")
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 3
    assert "Imported. 3 rows: 2 created" in capsys.readouterr().out


def test_a_missing_file_is_an_error_with_exit_code_2(tmp_path, capsys):
    assert main(["companies", str(tmp_path / "nope.csv"),
                 "--database-url", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    assert "error:" in capsys.readouterr().err


def test_help_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "crm_core.importing", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert "usage: python -m crm_core.importing" in result.stdout
    assert "--valid-only" in result.stdout


def test_the_export_command_writes_a_zip_the_import_command_restores(sqlite_engine, tmp_path,
                                                                     capsys):
    from crm_core.exporting import main as export_main

    url, _ = _setup(sqlite_engine, tmp_path)
    archive = tmp_path / "backup.zip"
    assert export_main([str(archive), "--database-url", url]) == 0
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    assert main(["zip", str(archive), "--database-url", restored, "--apply"]) == 0
    out = capsys.readouterr().out
    assert "Imported. 1 row: 1 created" in out


def test_valid_only_with_every_row_rejected_exits_1(sqlite_engine, tmp_path, capsys):
    url, _ = _setup(sqlite_engine, tmp_path)
    path = tmp_path / "ghosts.csv"
    path.write_text("Deal Name,Deal Stage,Associated Company\nGhost,Won,Nobody Inc\n")
    assert main(["deals", str(path), "--database-url", url, "--apply", "--valid-only"]) == 1
    assert _opportunities(sqlite_engine) == []
    assert "1 rejected" in capsys.readouterr().out


def test_a_zip_with_no_importable_file_is_an_error_with_exit_code_2(tmp_path, capsys):
    import zipfile

    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("notes.csv", "Subject,Body\nHello,World\n")
    assert main(["zip", str(archive), "--database-url", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    assert "holds no file that can be imported" in capsys.readouterr().err
