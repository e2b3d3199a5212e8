"""The seed's sales organisation at demo scale: one VP at the top of a line without circles,
four regions in use, and a departed rep whose relationships were only partly handed off."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from crm_core.db import read_session
from crm_core.queries.coverage import coverage_summary
from crm_core.queries.people import people, regions
from crm_core.queries.team_comparison import team_size
from crm_core.seeding import seed_database

TODAY = date(2026, 6, 15)


@pytest.fixture
def seeded(engine) -> Engine:
    seed_database(engine, today=TODAY)
    return engine


def test_everyone_reports_up_to_the_vp_of_sales(seeded):
    with read_session(seeded) as session:
        staff = people(session)
        top = staff[staff["manager_id"].isna()]
        assert list(top["job_title"]) == ["VP Sales"]
        # The VP's team (a recursive CTE) is the whole organisation: no circles, nobody cut off.
        assert team_size(session, manager_id=int(top.iloc[0]["user_id"])) == 15
    managers = set(staff.loc[staff["reports"] > 0, "job_title"])
    assert managers == {"VP Sales", "Sales Director", "Sales Manager"}


def test_four_regions_each_with_people(seeded):
    with read_session(seeded) as session:
        areas = regions(session)
    assert len(areas) == 4
    assert (areas["users"] > 0).all()
    assert areas["users"].sum() == 14   # everyone but the VP of Sales


def test_a_departed_rep_keeps_part_of_their_relationships(seeded):
    with read_session(seeded) as session:
        staff = people(session)
        summary = coverage_summary(session)
    gone = staff[staff["departed_on"].notna()]
    assert list(gone["job_title"]) == ["Account Executive"]
    assert (gone["departed_on"] < TODAY).all()
    assert (gone["owned"] > 0).all()                       # part of them stayed theirs
    assert 0 < summary.orphaned_owner_departed < gone["owned"].sum()
