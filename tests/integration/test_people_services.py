"""People services: a manager without circles (checked over the whole line), regions by an
admin only, departure and return, and departed users refused anything new."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm_core.db import read_session, write_session
from crm_core.errors import Conflict, PermissionDenied, ValidationError
from crm_core.models import AuditEvent, Region, Stakeholder, User
from crm_core.queries.people import departed_on_for_email, people, regions
from crm_core.queries.pickers import people_to_choose
from crm_core.queries.team_comparison import team_size
from crm_core.services import assignment_sets, assignments, handoff
from crm_core.services import people as people_services
from crm_core.services import regions as region_services
from tests.factories import ADMIN, MANAGER
from tests.integration.team_dataset import build_team_world


@pytest.fixture
def world(engine):
    with write_session(engine) as session:
        return build_team_world(session)


def write(engine, service, **kwargs):
    with write_session(engine) as session:
        return service(session, **kwargs)


def read(engine, query, **kwargs):
    with read_session(engine) as session:
        return query(session, **kwargs)


def test_a_manager_below_the_user_is_refused_as_a_circle(engine, world):
    # Ray reports to Mia, who reports to Dora, who reports to Vic: Ray cannot manage Vic.
    with pytest.raises(ValidationError) as error:
        write(engine, people_services.set_manager, actor=MANAGER, user_id=world.vp.id,
              manager_id=world.ray.id)
    assert error.value.field == "manager_id"
    assert "Ray Rep reports to Vic VP (directly or through others)" in error.value.message
    assert "circle" in error.value.message
    with pytest.raises(ValidationError, match="cannot be their own manager"):
        write(engine, people_services.set_manager, actor=MANAGER, user_id=world.ray.id,
              manager_id=world.ray.id)


def test_moving_a_rep_under_another_manager_moves_them_between_teams(engine, world):
    write(engine, people_services.set_manager, actor=MANAGER, user_id=world.eli.id,
          manager_id=world.mia.id)
    assert read(engine, team_size, manager_id=world.mia.id) == 4
    assert read(engine, team_size, manager_id=world.eve.id) == 1
    with read_session(engine) as session:
        event = session.execute(select(AuditEvent.action, AuditEvent.summary, AuditEvent.before,
                                       AuditEvent.after).order_by(AuditEvent.id.desc())).first()
    assert tuple(event) == (
        "user.manager_set", "Eli Rep now reports to Mia Manager",
        {"manager_id": world.eve.id}, {"manager_id": world.mia.id})


def test_a_departed_user_cannot_become_a_manager(engine, world):
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, people_services.set_manager, actor=MANAGER, user_id=world.ray.id,
              manager_id=world.gus.id)


def test_a_stale_form_cannot_change_the_manager(engine, world):
    seen = world.ray.version
    write(engine, people_services.set_region, actor=MANAGER, user_id=world.ray.id,
          region_id=world.east.id, seen_version=seen)
    with pytest.raises(Conflict, match="changed by manager@example.com"):
        write(engine, people_services.set_manager, actor=MANAGER, user_id=world.ray.id,
              manager_id=None, seen_version=seen)


def test_departure_is_dated_not_in_the_future_and_can_be_undone(engine, world):
    with pytest.raises(ValidationError) as error:
        write(engine, people_services.mark_departed, actor=MANAGER, user_id=world.ray.id,
              departed_on=date.today() + timedelta(days=1))
    assert error.value.field == "departed_on"
    write(engine, people_services.mark_departed, actor=MANAGER, user_id=world.ray.id,
          departed_on="2026-01-31")
    assert read(engine, departed_on_for_email, email="RAY.REP@ourco.example") == date(2026, 1, 31)
    write(engine, people_services.mark_returned, actor=MANAGER, user_id=world.ray.id)
    assert read(engine, departed_on_for_email, email="ray.rep@ourco.example") is None
    frame = read(engine, people).set_index("name")
    assert frame.loc["Ray Rep", "owned"] == 1    # history kept throughout


def test_departed_users_are_refused_as_new_owners_members_and_receivers(engine, world):
    gus = world.gus.id
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, assignments.assign_owner, actor=MANAGER, stakeholder_id=world.nina.id,
              user_id=gus)
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, assignment_sets.set_opportunity_team, actor=MANAGER,
              opportunity_id=world.core_deal.id, user_ids=[world.ray.id, gus])
    with read_session(engine) as session:
        al = session.scalar(select(Stakeholder.id).where(Stakeholder.name == "Al Owned"))
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, assignments.replace_owner, actor=MANAGER, stakeholder_id=al,
              old_user_id=world.ray.id, new_user_id=gus)
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, assignment_sets.set_company_team, actor=MANAGER, company_id=world.acme.id,
              user_ids=[world.ray.id, gus])
    with pytest.raises(ValidationError, match="Gus Gone departed on"):
        write(engine, handoff.preview_handoff, from_user_id=world.ray.id, to_user_id=gus)
    # Keeping a departed owner among the owners is no new ownership: Sam stays Gus's.
    change = write(engine, assignment_sets.set_stakeholder_owners, actor=MANAGER,
                   stakeholder_id=world.sam.id, user_ids=[gus, world.ray.id])
    assert change.added == (world.ray.id,)


def test_regions_are_an_admins_to_create_rename_and_delete(engine, world):
    with pytest.raises(PermissionDenied):
        write(engine, region_services.create_region, actor=MANAGER, name="North")
    with pytest.raises(ValidationError, match="There is a region called 'West' already"):
        write(engine, region_services.create_region, actor=ADMIN, name=" west ")
    north = write(engine, region_services.create_region, actor=ADMIN, name="North").id
    write(engine, region_services.rename_region, actor=ADMIN, region_id=north,
          name="North & Nordics")
    assert list(read(engine, regions)["name"]) == ["East", "North & Nordics", "West"]
    assert write(engine, region_services.delete_region, actor=ADMIN,
                 region_id=world.west.id) == 4
    with read_session(engine) as session:
        assert session.scalar(select(User.region_id).where(User.id == world.ray.id)) is None
        assert session.scalars(select(Region.name).order_by(Region.name)).all() == [
            "East", "North & Nordics"]


def test_the_owner_picker_of_a_deal_offers_no_departed_user(engine, world):
    frame = read(engine, people_to_choose, opportunity_id=world.core_deal.id)
    assert "Gus Gone" not in set(frame["name"])
    assert list(frame["name"][:2]) == ["Ray Rep", "Sol Engineer"]   # the deal's team first
    assert len(frame) == 7
