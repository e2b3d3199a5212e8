"""The Ownership page: owners saved, replaced, refused when stale; handoff preview → confirm."""

import pytest

from crm_core.services.assignments import assign_owner
from tests.app.manage_helpers import as_colleague, id_of, owner_names, texts

PAGE = "pages/manage_ownership.py"
MANAGE_PAGES = ["pages/manage_ownership.py", "pages/manage_teams.py", "pages/manage_roles.py",
                "pages/manage_records.py"]
NOT_REGISTERED = "Could not find a navigation page"


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_a_viewer_cannot_reach_a_manage_page(app_as, page):
    at = app_as("viewer")
    with pytest.raises(ValueError, match=NOT_REGISTERED):
        at.switch_page(page)


def test_a_viewer_can_read_the_history(app_as):
    at = app_as("viewer", "pages/history.py")
    assert not at.exception and at.title[0].value == "History"


def open_stakeholder(app_as, app_db, name):
    return app_as("manager", PAGE, stakeholder=str(id_of(app_db, "stakeholder", name)))


def test_saving_owners_of_an_orphaned_stakeholder_confirms_and_shows_them(app_as, app_db):
    at = open_stakeholder(app_as, app_db, "Fay Fox")
    assert "Nobody owns this relationship: the stakeholder is orphaned." in texts(at.caption)
    alice, carol = id_of(app_db, "user", "Alice Archer"), id_of(app_db, "user", "Carol Chen")
    at.multiselect(key="ownership_owner_ids").set_value([alice, carol])
    at.button(key="ownership_owners_save").click().run()
    # Carol is not on Acme's account team: a warning first, and nothing saved yet.
    assert texts(at.error) == ["Carol Chen is off the account team of Acme Corp. Save again "
                               "to go ahead, or choose someone on the account team."]
    assert owner_names(app_db, "Fay Fox") == []
    assert at.multiselect(key="ownership_owner_ids").value == [alice, carol]
    at.button(key="ownership_owners_save").click().run()
    assert not at.exception
    assert texts(at.success) == ["Saved the owners of Fay Fox: 2 added, 0 removed."]
    assert owner_names(app_db, "Fay Fox") == ["Alice Archer", "Carol Chen"]
    assert list(at.dataframe[0].value["email"]) == ["alice.archer@ourco.example",
                                                    "carol.chen@ourco.example"]


def test_owners_changed_by_a_colleague_meanwhile_are_not_overwritten(app_as, app_db):
    at = open_stakeholder(app_as, app_db, "Dana Diaz")
    alice, bob, carol = (id_of(app_db, "user", n) for n in ("Alice Archer", "Bob Baker",
                                                            "Carol Chen"))
    as_colleague(app_db, assign_owner, stakeholder_id=id_of(app_db, "stakeholder", "Dana Diaz"),
                 user_id=bob)
    at.multiselect(key="ownership_owner_ids").set_value([alice, carol])
    at.button(key="ownership_owners_save").click().run()  # warned: Carol is off the team
    at.button(key="ownership_owners_save").click().run()
    errors = " ".join(texts(at.error))
    assert "Bob Baker was added as owner by admin@example.com at" in errors
    assert "since you opened this form" in errors
    assert at.multiselect(key="ownership_owner_ids").value == [alice, carol]  # kept as chosen
    assert owner_names(app_db, "Dana Diaz") == ["Alice Archer", "Bob Baker"]


def test_replacing_an_owner_moves_the_relationship(app_as, app_db):
    at = open_stakeholder(app_as, app_db, "Dana Diaz")
    at.selectbox(key="ownership_replace_old").set_value(id_of(app_db, "user", "Alice Archer"))
    at.selectbox(key="ownership_replace_new").set_value(id_of(app_db, "user", "Carol Chen"))
    at.button(key="ownership_replace_save").click().run()
    assert "Carol Chen is off the account team of Acme Corp" in texts(at.error)[0]
    at.button(key="ownership_replace_save").click().run()
    assert texts(at.success) == [
        "Carol Chen now owns the relationship with Dana Diaz instead of Alice Archer."]
    assert owner_names(app_db, "Dana Diaz") == ["Carol Chen"]


def test_replacing_without_choosing_says_what_is_missing(app_as, app_db):
    at = open_stakeholder(app_as, app_db, "Dana Diaz")
    at.selectbox(key="ownership_replace_new").set_value(id_of(app_db, "user", "Carol Chen"))
    at.button(key="ownership_replace_save").click().run()
    assert texts(at.error) == ["Choose the owner to replace and the user who takes over."]
    assert at.selectbox(key="ownership_replace_new").value == id_of(app_db, "user", "Carol Chen")


def test_searching_offers_the_top_matches_and_choosing_one_opens_it(app_as, app_db):
    at = app_as("manager", PAGE)
    at.text_input(key="ownership_stakeholder_search").input("eli").run()
    pick = at.selectbox(key="ownership_stakeholder_pick")
    assert pick.options == ["Eli Evans · CTO · Acme Corp"]
    pick.select_index(0).run()
    assert not at.exception
    assert at.query_params["stakeholder"] == str(id_of(app_db, "stakeholder", "Eli Evans"))
    assert any("Eli Evans" in str(link.label) for link in at.get("page_link"))


HANDOFF_TAB = "Hand off a user's relationships"


def open_planner(at):
    at.session_state["ownership_tab"] = HANDOFF_TAB   # only the open tab runs
    return at.run()


def choose_handoff(at, app_db, giver="Alice Archer", receiver="Carol Chen"):
    open_planner(at)
    at.selectbox(key="handoff_from").set_value(id_of(app_db, "user", giver)).run()
    at.selectbox(key="handoff_to").set_value(id_of(app_db, "user", receiver)).run()
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_handoff_preview_lists_what_moves(app_as, app_db):
    at = choose_handoff(app_as("manager", PAGE), app_db)
    assert not at.exception
    assert metrics(at) == {"Stakeholders": "2", "Companies": "1", "Open opportunities": "1",
                           "Open tasks": "1", "Account team seats": "1",
                           "Opportunity team seats": "0"}    # seats move by default
    assert texts(at.warning) == ["Carol Chen is not on the account team of Acme Corp: Alice "
                                 "Archer's seats there move to Carol Chen."]
    at.checkbox(key="handoff_seats").uncheck().run()
    assert metrics(at)["Account team seats"] == "0"
    assert texts(at.warning) == ["Carol Chen is not on the account team of Acme Corp: without "
                                 "the seats, Carol Chen will own relationships off the account "
                                 "team."]


def test_confirming_the_handoff_moves_the_relationships_and_creates_the_task(app_as, app_db):
    at = choose_handoff(app_as("manager", PAGE), app_db)
    at.checkbox(key="handoff_task").check()
    at.button(key="handoff_confirm").click().run()
    assert not at.exception
    assert texts(at.success) == [
        "Handed 2 stakeholder relationship(s) and 1 account team seat(s) and 0 opportunity team "
        "seat(s) from Alice Archer to Carol Chen; 1 open task(s) now point to Carol Chen. A "
        "handover task was created for them."]
    assert at.session_state["ownership_tab"] == HANDOFF_TAB   # the confirmation stays here
    assert owner_names(app_db, "Dana Diaz") == ["Carol Chen"]
    assert owner_names(app_db, "Eli Evans") == ["Bob Baker", "Carol Chen"]
    assert metrics(at)["Stakeholders"] == "0"  # the next preview shows nothing left


def test_a_handoff_preview_that_went_stale_is_refused(app_as, app_db):
    at = choose_handoff(app_as("manager", PAGE), app_db)
    as_colleague(app_db, assign_owner, stakeholder_id=id_of(app_db, "stakeholder", "Fay Fox"),
                 user_id=id_of(app_db, "user", "Alice Archer"))
    at.button(key="handoff_confirm").click().run()
    assert "changed since the preview" in " ".join(texts(at.error))
    assert owner_names(app_db, "Dana Diaz") == ["Alice Archer"]


def test_handing_off_only_some_stakeholders(app_as, app_db):
    at = choose_handoff(app_as("manager", PAGE), app_db)
    at.radio(key="handoff_scope").set_value("Only some").run()
    at.multiselect(key="handoff_subset").set_value(
        [id_of(app_db, "stakeholder", "Eli Evans")]).run()
    assert metrics(at)["Stakeholders"] == "1"
    at.button(key="handoff_confirm").click().run()
    assert owner_names(app_db, "Dana Diaz") == ["Alice Archer"]
    assert owner_names(app_db, "Eli Evans") == ["Bob Baker", "Carol Chen"]


def test_the_giver_is_not_offered_as_the_receiver(app_as, app_db):
    at = open_planner(app_as("manager", PAGE))
    at.selectbox(key="handoff_from").set_value(id_of(app_db, "user", "Alice Archer")).run()
    assert at.selectbox(key="handoff_to").options == [
        "Bob Baker · Solutions Engineer · owns 2", "Carol Chen · Sales Director · owns 0"]


def test_a_link_with_from_user_opens_that_users_handoff(app_as, app_db):
    alice = id_of(app_db, "user", "Alice Archer")
    at = app_as("manager", PAGE, from_user=str(alice))
    assert at.selectbox(key="handoff_from").value == alice
    assert texts(at.info)[-1] == "Choose the user who takes over to see what would move."


def test_successors_are_suggested_per_company_with_the_reason(app_as, app_db):
    at = open_planner(app_as("manager", PAGE))
    at.selectbox(key="handoff_from").set_value(id_of(app_db, "user", "Alice Archer")).run()
    ranked = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert ranked[["rank", "reason"]].values.tolist() == [   # Bob, then Carol, for Acme
        [1, "on this account team; shares 1 of 1 accounts; 1 account(s) in Manufacturing; "
            "owns 2"],
        [2, "shares 0 of 1 accounts; 0 account(s) in Manufacturing; owns 0"],
    ]
    assert [link.split("name=")[1] for link in ranked["name"]] == ["Bob+Baker", "Carol+Chen"]


def test_undo_from_the_history_and_its_refusal_after_a_change(app_as, app_db):
    at = choose_handoff(app_as("manager", PAGE), app_db)
    at.button(key="handoff_confirm").click().run()
    undo = next(b for b in at.button if b.key.startswith("handoff_undo_"))
    undo.click().run()
    assert texts(at.success) == [
        "Undid the handoff from Alice Archer to Carol Chen: 2 relationship(s) are back."]
    assert owner_names(app_db, "Dana Diaz") == ["Alice Archer"]
    assert next(b for b in at.button if b.key.startswith("handoff_undo_")).disabled
    # Hand off again, then a colleague changes a moved relationship: Undo is refused.
    at.selectbox(key="handoff_to").set_value(id_of(app_db, "user", "Carol Chen")).run()
    at.button(key="handoff_confirm").click().run()
    as_colleague(app_db, assign_owner, stakeholder_id=id_of(app_db, "stakeholder", "Dana Diaz"),
                 user_id=id_of(app_db, "user", "Bob Baker"))
    at.run()
    next(b for b in at.button if b.key.startswith("handoff_undo_")).click().run()
    assert any(e.startswith("This handoff cannot be undone: 1+ record(s) it moved changed "
                            "since") for e in texts(at.error))
    assert owner_names(app_db, "Dana Diaz") == ["Bob Baker", "Carol Chen"]
