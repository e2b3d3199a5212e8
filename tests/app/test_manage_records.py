"""The Records page: create, edit and delete forms; errors next to the field keep what was typed."""

import pytest
from sqlalchemy import func, select

from crm_core.models import Company, Opportunity, Stakeholder, User
from crm_core.services.records import update_stakeholder
from tests.app.manage_helpers import as_colleague, id_of, read, texts

PAGE = "pages/manage_records.py"


def count(app_db, model) -> int:
    return read(app_db, lambda s: s.scalar(select(func.count()).select_from(model)))


def records_page(app_as, entity_type, action, **query):
    at = app_as("manager")
    for name, value in query.items():  # set here: "user" is also an app_as keyword
        at.query_params[name] = value
    at.switch_page(PAGE).run()
    at.radio(key="records_type").set_value(entity_type)
    at.radio(key="records_action").set_value(action).run()
    return at


def test_a_bad_website_is_shown_under_its_field_and_the_typed_values_stay(app_as, app_db):
    at = records_page(app_as, "company", "create")
    at.text_input(key="records_create_company_name").input("Initech")
    at.text_input(key="records_create_company_industry").input("Software")
    at.text_input(key="records_create_company_website").input("not a url!!")
    at.button(key="records_create_company_save").click().run()
    assert texts(at.error) == [
        "Website 'not a url!!' is not a valid web address (e.g. https://example.com)."]
    assert at.text_input(key="records_create_company_name").value == "Initech"
    assert at.text_input(key="records_create_company_website").value == "not a url!!"
    assert count(app_db, Company) == 2

    at.text_input(key="records_create_company_website").input("initech.example")
    at.button(key="records_create_company_save").click().run()
    assert texts(at.success) == ["Created company 'Initech'."]
    assert at.text_input(key="records_create_company_name").value == ""  # ready for the next
    assert count(app_db, Company) == 3
    assert any("Open Initech" in str(link.label) for link in at.get("page_link"))


def test_an_opportunity_value_that_is_not_a_number_keeps_the_form(app_as, app_db):
    at = records_page(app_as, "opportunity", "create")
    at.text_input(key="records_create_opportunity_name").input("Globex Expansion")
    at.selectbox(key="records_create_opportunity_company_id").set_value(
        id_of(app_db, "company", "Globex"))
    at.selectbox(key="records_create_opportunity_stage").set_value("discovery")
    at.text_input(key="records_create_opportunity_value").input("lots")
    at.button(key="records_create_opportunity_save").click().run()
    assert texts(at.error) == ["Value 'lots' is not a number."]
    assert at.text_input(key="records_create_opportunity_name").value == "Globex Expansion"
    assert count(app_db, Opportunity) == 3

    at.text_input(key="records_create_opportunity_value").input("45,000")
    at.button(key="records_create_opportunity_save").click().run()
    assert texts(at.success) == ["Created opportunity 'Globex Expansion'."]
    created = read(app_db, lambda s: s.execute(select(
        Opportunity.value, Opportunity.probability, Opportunity.stage).where(
        Opportunity.name == "Globex Expansion")).one())
    assert tuple(created) == (45000.0, 35, "discovery")  # probability: the stage's default


def test_a_stakeholder_without_a_company_is_refused_at_the_company_field(app_as, app_db):
    at = records_page(app_as, "stakeholder", "create")
    at.text_input(key="records_create_stakeholder_name").input("Ivy Ito")
    at.button(key="records_create_stakeholder_save").click().run()
    assert texts(at.error) == ["Company is required."]
    assert at.text_input(key="records_create_stakeholder_name").value == "Ivy Ito"
    assert count(app_db, Stakeholder) == 5


def test_a_users_email_already_taken_is_refused(app_as, app_db):
    at = records_page(app_as, "user", "create")
    at.text_input(key="records_create_user_name").input("Alicia Archer")
    at.text_input(key="records_create_user_email").input("ALICE.archer@ourco.example")
    at.button(key="records_create_user_save").click().run()
    assert texts(at.error) == ["Email alice.archer@ourco.example already belongs to "
                               "Alice Archer."]
    assert count(app_db, User) == 3


def test_editing_a_stakeholder_saves_the_change(app_as, app_db):
    dana = id_of(app_db, "stakeholder", "Dana Diaz")
    at = records_page(app_as, "stakeholder", "edit", stakeholder=str(dana))
    assert at.text_input(key="records_edit_stakeholder_job_title").value == "CFO"
    at.text_input(key="records_edit_stakeholder_job_title").input("Chief Financial Officer")
    at.button(key="records_edit_stakeholder_save").click().run()
    assert texts(at.success) == ["Saved stakeholder 'Dana Diaz'."]
    assert read(app_db, lambda s: s.get(Stakeholder, dana).job_title) == \
        "Chief Financial Officer"


def test_an_edit_form_opened_before_a_colleagues_save_is_refused_and_keeps_the_typing(app_as,
                                                                                      app_db):
    dana = id_of(app_db, "stakeholder", "Dana Diaz")
    at = records_page(app_as, "stakeholder", "edit", stakeholder=str(dana))
    as_colleague(app_db, update_stakeholder, stakeholder_id=dana, phone="+1 555 0100")
    at.text_input(key="records_edit_stakeholder_job_title").input("Finance chief")
    at.button(key="records_edit_stakeholder_save").click().run()
    message = " ".join(texts(at.error))
    assert "'Dana Diaz' was changed by admin@example.com at" in message
    assert "(phone) since you opened it" in message
    assert at.text_input(key="records_edit_stakeholder_job_title").value == "Finance chief"
    assert read(app_db, lambda s: s.get(Stakeholder, dana).job_title) == "CFO"


def test_deleting_a_user_who_owns_relationships_says_why_and_links_to_the_handoff(app_as,
                                                                                   app_db):
    alice = id_of(app_db, "user", "Alice Archer")
    at = records_page(app_as, "user", "delete", user=str(alice))
    assert "Alice Archer still owns 2 stakeholder relationship(s)" in " ".join(
        texts(at.warning))
    link = next(link for link in at.get("page_link")
                if "Hand off their relationships" in str(link.label))
    assert link.proto.page.endswith("ownership") or "manage_ownership" in link.proto.page
    assert at.button(key="records_delete_save").disabled


def test_deleting_an_opportunity_shows_what_goes_with_it_and_needs_the_tick(app_as, app_db):
    platform = id_of(app_db, "opportunity", "Acme Platform")
    at = records_page(app_as, "opportunity", "delete", opportunity=str(platform))
    impact = at.dataframe[0].value
    assert dict(zip(impact["What"], impact["How many"], strict=True)) == {
        "opportunity team additions": 1, "stakeholder links": 3, "task links": 1}
    at.button(key="records_delete_save").click().run()
    assert texts(at.error) == ["Tick the box to confirm the deletion first."]
    assert count(app_db, Opportunity) == 3

    at.checkbox(key="records_delete_confirm").check()
    at.button(key="records_delete_save").click().run()
    assert texts(at.success) == ["Deleted opportunity 'Acme Platform'."]
    assert count(app_db, Opportunity) == 2


EDITS = {  # entity type, record name: (field, bad value, its error, good value)
    ("user", "Bob Baker"): ("email", "bob@", "Email 'bob@' is not a valid email address.",
                            "bob.b@ourco.example"),
    ("company", "Globex"): ("website", "http://", "Website 'http://' is not a valid web address "
                            "(e.g. https://example.com).", "https://globex.example"),
    ("stakeholder", "Hana Hill"): ("phone", "call me", "Phone 'call me' may only hold digits, "
                                   "spaces and + - ( ) . x /.", "+1 555 0199"),
    ("opportunity", "Globex Pilot"): ("probability", "150", "Probability must be between 0 and "
                                      "100, got 150.", "25"),
}


@pytest.mark.parametrize(("entity_type", "name"), list(EDITS))
def test_every_edit_form_shows_its_error_keeps_the_typing_then_saves(app_as, app_db,
                                                                     entity_type, name):
    field, bad, error, good = EDITS[(entity_type, name)]
    at = records_page(app_as, entity_type, "edit",
                      **{entity_type: str(id_of(app_db, entity_type, name))})
    key = f"records_edit_{entity_type}_{field}"
    at.text_input(key=key).input(bad)
    at.button(key=f"records_edit_{entity_type}_save").click().run()
    assert texts(at.error) == [error]
    assert at.text_input(key=key).value == bad
    at.text_input(key=key).input(good)
    at.button(key=f"records_edit_{entity_type}_save").click().run()
    assert texts(at.success) == [f"Saved {entity_type} '{name}'."]
    assert at.text_input(key=key).value == good


def test_coming_back_to_an_edit_form_shows_the_stored_values_again(app_as, app_db):
    dana = id_of(app_db, "stakeholder", "Dana Diaz")
    at = records_page(app_as, "stakeholder", "edit", stakeholder=str(dana))
    at.radio(key="records_action").set_value("create").run()
    at.radio(key="records_action").set_value("edit").run()
    assert at.text_input(key="records_edit_stakeholder_job_title").value == "CFO"
