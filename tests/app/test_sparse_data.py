"""Every page and every detail page renders on a database with users, companies and deals but
no stakeholders and no tasks (right after importing only those), and on an empty database."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import select

from crm_core.db import make_engine, read_session, write_session
from crm_core.models import AccessGrant, Company, Opportunity, Stakeholder, User
from dashboard.navigation import PAGES
from tests.app.conftest import ROLE_EMAILS
from tests.factories import add_company, add_opportunity, add_user

DETAIL_MODELS = {"pages/user.py": User, "pages/stakeholder.py": Stakeholder,
                 "pages/company.py": Company, "pages/opportunity.py": Opportunity}


def build_sparse_dataset(session) -> None:
    """Two users, a company with an account team and one without, three deals (one closed,
    one at a stage that requires no MEDDPICC role); no stakeholders, no tasks."""
    ann = add_user(session, "Ann Ames")
    ben = add_user(session, "Ben Bell")
    acme = add_company(session, "Acme Corp", team=[ann])
    bolt = add_company(session, "Bolt Ltd")
    add_opportunity(session, acme, "Acme Platform", value=100_000, stage="solution",
                    added_team=[ben])
    add_opportunity(session, bolt, "Bolt Pilot", value=20_000, stage="prospecting")
    add_opportunity(session, acme, "Acme Renewal", value=5_000, stage="closed_won",
                    close_in_days=-30)


@pytest.fixture(params=["sparse", "empty"])
def app_db(request, tmp_path, monkeypatch) -> str:
    """Overrides the known dataset: the sparse database, or an empty one (never seeded)."""
    from tests.conftest import fresh_database_url

    url = next(fresh_database_url("sqlite", request, tmp_path))
    engine = make_engine(url)
    with write_session(engine) as session:
        if request.param == "sparse":
            build_sparse_dataset(session)
        for role, email in ROLE_EMAILS.items():
            session.add(AccessGrant(email=email, access_role=role, granted_by="tests"))
    engine.dispose()
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_SEED_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    return url


def first_id(url: str, model) -> int | None:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.scalar(select(model.id).order_by(model.id))
    engine.dispose()
    return found


@pytest.mark.parametrize("script", [spec.script for spec in PAGES])
def test_every_page_renders_for_an_admin(app_as, script):
    at = app_as("admin", script)
    assert not at.exception, at.exception
    assert at.title, "the page shows its title"


@pytest.mark.parametrize("script", list(DETAIL_MODELS))
def test_every_detail_page_renders_its_record(app_as, app_db, script):
    record_id = first_id(app_db, DETAIL_MODELS[script])
    if record_id is None:  # the empty database: the page offers its search box instead
        at = app_as("viewer", script)
    else:
        at = app_as("viewer", script, id=str(record_id))
        assert at.header, "the record's name is shown"
    assert not at.exception, at.exception
