"""The role is checked in every write service: a viewer (and, for admin work, a manager) calling
one directly gets PermissionDenied and nothing is written. Services are found by inspection, so
a new write service is covered the day it is added."""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from sqlalchemy import func, select

import crm_core.services
from crm_core.access import Permission
from crm_core.db import read_session, write_session
from crm_core.errors import PermissionDenied
from crm_core.models import AuditEvent, Base
from tests.factories import MANAGER, VIEWER, add_company, add_opportunity, add_stakeholder, add_user


def write_services() -> list:
    """Every public function in crm_core.services.* that acts on behalf of an actor."""
    found = []
    for module_info in pkgutil.iter_modules(crm_core.services.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"crm_core.services.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (function.__module__ == module.__name__ and not name.startswith("_")
                    and "actor" in inspect.signature(function).parameters):
                found.append(pytest.param(function, id=f"{module_info.name}.{name}"))
    return found


def _needs_administer(service) -> bool:
    return "Permission.ADMINISTER" in inspect.getsource(service)


def _plausible_arguments(service, ids: dict[str, int]) -> dict:
    """Arguments that would make sense to the service, so only the role can stop it."""
    arguments = {}
    for name, parameter in inspect.signature(service).parameters.items():
        if name in ("session", "actor") or parameter.kind is parameter.VAR_KEYWORD:
            continue
        if parameter.default is not parameter.empty:
            continue
        entity = next((e for e in ids if name.startswith(e) or name.endswith(f"{e}_id")), None)
        if name.endswith("_ids"):
            arguments[name] = [ids[entity or "user"]]
        elif name.endswith("_id"):
            arguments[name] = ids[entity or "user"]
        elif name == "email":
            arguments[name] = "someone@example.com"
        elif name == "access_role":
            arguments[name] = "admin"
        elif name == "values":
            arguments[name] = {"name": "Made by a viewer"}
        elif name == "meddpicc_roles":
            arguments[name] = ["champion"]
        elif name == "meddpicc_role":
            arguments[name] = "champion"
        elif "date" in name:
            arguments[name] = date.today()
        else:
            arguments[name] = None
    return arguments


def _row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


@pytest.fixture
def small_world(engine) -> dict[str, int]:
    with write_session(engine) as session:
        user = add_user(session, "Alice Archer")
        company = add_company(session, "Acme", team=[user])
        stakeholder = add_stakeholder(session, company, "Dana Diaz", owners=[user])
        opportunity = add_opportunity(session, company, "Acme Platform",
                                      stakeholders=[stakeholder])
        return {"user": user.id, "company": company.id, "stakeholder": stakeholder.id,
                "opportunity": opportunity.id, "from_user": user.id, "to_user": user.id,
                "old_user": user.id, "new_user": user.id}


def test_write_services_are_found():
    names = {p.id for p in write_services()}
    assert {"access.grant_access", "records.create_company",
            "assignments.assign_owner"} <= names


@pytest.mark.parametrize("service", write_services())
def test_a_viewer_calling_a_write_service_is_refused_and_nothing_is_written(
        engine, small_world, service):
    with read_session(engine) as session:
        before = _row_counts(session)
    with pytest.raises(PermissionDenied, match="viewer access role"), \
            write_session(engine) as session:
        service(session, actor=VIEWER, **_plausible_arguments(service, small_world))
    with read_session(engine) as session:
        assert _row_counts(session) == before
        assert session.scalar(select(func.count(AuditEvent.id))) == 0


@pytest.mark.parametrize("service", [p for p in write_services()
                                     if _needs_administer(p.values[0])])
def test_a_manager_calling_an_admin_service_is_refused(engine, small_world, service):
    with pytest.raises(PermissionDenied, match="manager access role"), \
            write_session(engine) as session:
        service(session, actor=MANAGER, **_plausible_arguments(service, small_world))


def test_every_admin_service_asks_for_the_administer_permission():
    from crm_core.services import access

    assert _needs_administer(access.grant_access) and _needs_administer(access.revoke_access)
    assert Permission.ADMINISTER.value == "administer"
