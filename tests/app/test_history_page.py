"""The History page: newest change first, filters by record, user and date, pages of 50, CSV."""

from crm_core.services.assignment_sets import set_stakeholder_roles
from crm_core.services.assignments import add_meddpicc_role
from crm_core.services.records import update_company
from tests.app.manage_helpers import as_colleague, id_of, texts
from tests.factories import MANAGER

PAGE = "pages/history.py"


def test_a_save_shows_up_in_the_history_with_before_and_after(app_as, app_db):
    acme = id_of(app_db, "company", "Acme Corp")
    as_colleague(app_db, update_company, company_id=acme, industry="Robotics")
    at = app_as("viewer", PAGE)
    assert not at.exception
    events = at.dataframe[0].value
    assert list(events["summary"]) == ["Updated company 'Acme Corp'"]
    assert list(events["changes"]) == ["industry: Manufacturing → Robotics"]
    assert list(events["who"]) == ["admin@example.com"]
    assert list(events["record"]) == [f"/company?id={acme}"]
    assert at.get("download_button")


def test_filters_by_record_and_by_who_changed_it(app_as, app_db):
    acme, dana = id_of(app_db, "company", "Acme Corp"), id_of(app_db, "stakeholder", "Dana Diaz")
    as_colleague(app_db, update_company, company_id=acme, industry="Robotics")
    as_colleague(app_db, add_meddpicc_role, stakeholder_id=dana, meddpicc_role="champion",
                 actor=MANAGER)
    at = app_as("viewer", PAGE)
    assert texts(at.subheader) == ["2 change(s)"]
    at.selectbox(key="history_entity_type").set_value("stakeholder")
    at.text_input(key="history_entity_id").input(str(dana)).run()
    assert list(at.dataframe[0].value["summary"]) == ["Dana Diaz is Champion"]
    at.selectbox(key="history_entity_type").set_value(None)
    at.text_input(key="history_entity_id").input("")
    at.selectbox(key="history_actor").set_value("admin@example.com").run()
    assert texts(at.subheader) == ["1 change(s)"]
    assert list(at.dataframe[0].value["summary"]) == ["Updated company 'Acme Corp'"]


def test_a_long_history_pages_by_fifty(app_as, app_db):
    dana = id_of(app_db, "stakeholder", "Dana Diaz")
    for _ in range(30):  # 60 events
        as_colleague(app_db, add_meddpicc_role, stakeholder_id=dana, meddpicc_role="champion")
        as_colleague(app_db, set_stakeholder_roles, stakeholder_id=dana,  # champion removed
                     meddpicc_roles=["economic_buyer", "decision_maker"])
    at = app_as("viewer", PAGE)
    assert texts(at.subheader) == ["60 change(s)"]
    assert len(at.dataframe[0].value) == 50
    at.number_input(key="history_page_of_2").set_value(2).run()
    assert len(at.dataframe[0].value) == 10
    assert any(text.startswith("Showing 51–60 of 60") for text in texts(at.caption))


def test_a_record_id_that_is_not_a_number_is_explained(app_as):
    at = app_as("viewer", PAGE)
    at.text_input(key="history_entity_id").input("abc").run()
    assert texts(at.error) == ["A record id is a whole number from 1 to 2,147,483,647."]


def test_who_got_which_access_role_is_shown_to_admins_only(app_as, app_db):
    from crm_core.services.access import grant_access

    acme = id_of(app_db, "company", "Acme Corp")
    as_colleague(app_db, update_company, company_id=acme, industry="Robotics")
    as_colleague(app_db, grant_access, email="new.admin@example.com", access_role="admin")
    viewer = app_as("viewer", PAGE)
    assert texts(viewer.subheader) == ["1 change(s)"]
    assert list(viewer.dataframe[0].value["summary"]) == ["Updated company 'Acme Corp'"]
    assert "access_grant" not in viewer.selectbox(key="history_entity_type").options
    admin = app_as("admin", PAGE)
    assert texts(admin.subheader) == ["2 change(s)"]
    assert list(admin.dataframe[0].value["summary"]) == [
        "Granted admin to new.admin@example.com", "Updated company 'Acme Corp'"]
