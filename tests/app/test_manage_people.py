"""The People page: manager and region, departure with the handoff offered first, regions for
admins; errors next to their field keep what was chosen (AppTest)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from crm_core.models import Region, User
from crm_core.services.people import set_region
from crm_core.services.regions import create_region
from tests.app.manage_helpers import as_colleague, id_of, read, texts

PAGE = "pages/manage_people.py"


def people_page(app_as, role, user_name, app_db):
    at = app_as(role)
    at.query_params["user"] = str(id_of(app_db, "user", user_name))  # "user" is app_as's too
    return at.switch_page(PAGE).run()


def column(app_db, name, attribute):
    return read(app_db, lambda s: s.scalar(select(getattr(User, attribute))
                                           .where(User.name == name)))


def test_a_circle_in_the_reporting_line_is_refused_under_the_field(app_as, app_db):
    alice, carol = id_of(app_db, "user", "Alice Archer"), id_of(app_db, "user", "Carol Chen")
    at = people_page(app_as, "manager", "Alice Archer", app_db)
    at.selectbox(key="people_manager_id").set_value(carol)
    at.button(key="people_placement_save").click().run()
    assert texts(at.success) == ["Saved the reporting line and region of Alice Archer."]
    assert column(app_db, "Alice Archer", "manager_id") == carol

    at = people_page(app_as, "manager", "Carol Chen", app_db)
    at.selectbox(key="people_manager_id").set_value(alice)
    at.button(key="people_placement_save").click().run()
    assert texts(at.error) == [
        "Alice Archer reports to Carol Chen (directly or through others), so Alice Archer "
        "cannot also be Carol Chen's manager: the reporting line would go round in a circle."]
    assert at.selectbox(key="people_manager_id").value == alice   # what was chosen stays
    assert column(app_db, "Carol Chen", "manager_id") is None


def test_a_stale_placement_form_is_refused(app_as, app_db):
    at = people_page(app_as, "manager", "Bob Baker", app_db)
    west = as_colleague(app_db, create_region, name="West").id
    as_colleague(app_db, set_region, user_id=id_of(app_db, "user", "Bob Baker"), region_id=west)
    at.selectbox(key="people_manager_id").set_value(id_of(app_db, "user", "Carol Chen"))
    at.button(key="people_placement_save").click().run()
    assert "changed by admin@example.com" in texts(at.error)[0]
    assert column(app_db, "Bob Baker", "manager_id") is None


def test_departing_an_owner_offers_the_handoff_first(app_as, app_db):
    at = people_page(app_as, "manager", "Alice Archer", app_db)
    assert at.warning[0].value.startswith("They still own 2 stakeholder relationship(s).")
    assert any("Hand off their relationships" in str(link.label)
               for link in at.get("page_link"))
    at.date_input(key="people_departed_on").set_value(date(2026, 11, 30))
    at.button(key="people_depart_save").click().run()
    assert texts(at.error) == ["Hand their relationships off first, or tick the box to mark "
                               "the departure anyway."]
    assert at.date_input(key="people_departed_on").value == date(2026, 11, 30)
    at.checkbox(key="people_depart_anyway").check()
    at.button(key="people_depart_save").click().run()
    assert texts(at.success) == ["Marked the departure."]
    assert column(app_db, "Alice Archer", "departed_on") == date(2026, 11, 30)
    at.button(key="people_return").click().run()
    assert column(app_db, "Alice Archer", "departed_on") is None


def test_only_admins_keep_the_regions(app_as, app_db):
    at = app_as("manager", PAGE)
    assert not any(s.value == "Regions" for s in at.subheader)
    at = app_as("admin", PAGE)
    at.text_input(key="people_region_new_name").input("North")
    at.button(key="people_region_create_save").click().run()
    at.text_input(key="people_region_new_name").input("north")
    at.button(key="people_region_create_save").click().run()
    assert texts(at.error) == ["There is a region called 'North' already."]
    assert at.text_input(key="people_region_new_name").value == "north"
    assert read(app_db, lambda s: s.scalars(select(Region.name)).all()) == ["North"]
