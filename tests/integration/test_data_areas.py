"""Data versions per area: each committed write bumps exactly the areas it changes."""

from __future__ import annotations

import ast
import pkgutil
import re
import threading
from pathlib import Path

import pytest

import crm_core.queries
from crm_core import data_areas
from crm_core.data_areas import ACTION_AREAS, QUERY_AREAS, data_versions
from crm_core.db import read_session, write_session
from crm_core.errors import ValidationError
from crm_core.services import access, assignments, handoff, records, settings, task_status
from tests.factories import (
    ADMIN,
    MANAGER,
    add_company,
    add_opportunity,
    add_stakeholder,
    add_task,
    add_user,
)

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        alice, bob = add_user(session, "Alice Archer"), add_user(session, "Bob Baker")
        acme = add_company(session, "Acme Corp", team=[alice])
        dana = add_stakeholder(session, acme, "Dana Diaz", owners=[alice])
        deal = add_opportunity(session, acme, "Acme Platform", stakeholders=[dana])
        task = add_task(session, "Call Dana", links=[("stakeholder", dana.id),
                                                     ("user", alice.id)])
        ids = {"alice": alice.id, "bob": bob.id, "dana": dana.id, "deal": deal.id,
               "task": task.id}
    return engine, ids


def _versions(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return data_versions(session)


def _write(engine, service, **kwargs):
    with write_session(engine) as session:
        return service(session, **kwargs)


NONE = {"ownership": 0, "deals": 0, "tasks": 0, "settings": 0, "access": 0, "snapshots": 0}


def test_each_write_bumps_only_the_areas_it_changes(world):
    engine, ids = world
    assert _versions(engine) == NONE  # factories write rows, not audited changes

    _write(engine, task_status.complete_task, actor=MANAGER, task_id=ids["task"])
    assert _versions(engine) == {**NONE, "tasks": 1}

    _write(engine, assignments.assign_owner, actor=MANAGER, stakeholder_id=ids["dana"],
           user_id=ids["bob"])
    assert _versions(engine) == {**NONE, "tasks": 1, "ownership": 1}

    _write(engine, assignments.add_meddpicc_role, actor=MANAGER, stakeholder_id=ids["dana"],
           meddpicc_role="champion")
    assert _versions(engine) == {**NONE, "tasks": 1, "ownership": 1, "deals": 1}

    _write(engine, settings.set_required_roles, actor=ADMIN,
           stage="solution", meddpicc_roles=["champion"])
    _write(engine, access.grant_access, actor=ADMIN, email="vera@example.com",
           access_role="viewer")
    assert _versions(engine) == {"tasks": 1, "ownership": 1, "deals": 1, "settings": 1,
                                 "access": 1, "snapshots": 0}

    # A record shows by name everywhere: renaming one changes every area of data.
    _write(engine, records.update_user, actor=MANAGER, user_id=ids["bob"], name="Bob Baxter")
    assert _versions(engine) == {"tasks": 2, "ownership": 2, "deals": 2, "settings": 1,
                                 "access": 1, "snapshots": 0}


def test_a_handoff_bumps_ownership_and_tasks(world):
    engine, ids = world
    with read_session(engine) as session:
        preview = handoff.preview_handoff(session, from_user_id=ids["alice"],
                                          to_user_id=ids["bob"])
    _write(engine, handoff.hand_off, actor=MANAGER, from_user_id=ids["alice"],
           to_user_id=ids["bob"], seen_preview=preview.fingerprint)
    assert _versions(engine) == {**NONE, "ownership": 1, "tasks": 1}


def test_a_refused_or_rolled_back_write_bumps_nothing(world):
    engine, ids = world
    with pytest.raises(ValidationError), write_session(engine) as session:
        assignments.assign_owner(session, actor=MANAGER, stakeholder_id=ids["dana"],
                                 user_id=ids["bob"])
        raise ValidationError("the caller gave up")
    assert _versions(engine) == NONE


def test_concurrent_writers_of_one_area_count_every_commit(world):
    # Eight threads complete and reopen tasks at once: every commit adds exactly 1.
    engine, ids = world
    with write_session(engine) as session:
        task_ids = [add_task(session, f"Task {n}").id for n in range(8)]

    def complete(task_id: int) -> None:
        _write(engine, task_status.complete_task, actor=MANAGER, task_id=task_id)

    threads = [threading.Thread(target=complete, args=(t,)) for t in task_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _versions(engine) == {**NONE, "tasks": 8}


def test_an_action_without_an_area_is_refused_before_anything_is_written(world):
    engine, _ = world
    with pytest.raises(LookupError, match="region.painted"), write_session(engine) as session:
        data_areas.note_writes(session, ["region.painted"])
    assert _versions(engine) == NONE


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_audit_action_in_the_code_changes_a_known_area():
    # Every literal that looks like an action ("owner.assigned") in the write code, plus the
    # record actions the services build from entity names.
    sources = [*sorted((ROOT / "crm_core" / "services").glob("*.py")),
               ROOT / "crm_core" / "importing" / "apply.py",
               ROOT / "crm_core" / "seeding" / "__init__.py"]
    found = {value for path in sources for value in _string_constants(path)
             if ACTION.match(value)}
    assert "owner.assigned" in found and "task.completed" in found
    assert found - ACTION_AREAS.keys() == set()


def test_every_query_module_says_which_areas_it_reads():
    modules = {f"crm_core.queries.{m.name}"
               for m in pkgutil.iter_modules(crm_core.queries.__path__)}
    assert modules - QUERY_AREAS.keys() == set()
    assert QUERY_AREAS.keys() - modules == set()
