"""The opportunity page's fixes in place, through AppTest on the known dataset: a manager closes
the deal's gaps and records its scorecard there; a viewer sees neither."""

from __future__ import annotations

from tests.app.manage_helpers import as_colleague, id_of, texts

PAGE = "pages/opportunity.py"   # Acme Platform (id 1) lacks a champion; Fay Fox is unowned


def gaps_with(champion: str) -> str:
    """The deal's gap warning: its champion's words among the never-touched owned roles."""
    return (f"Gaps: decision maker owned, never touched; economic buyer owned, never touched; "
            f"{champion}; technical buyer owned, never touched.")


def table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def choose(at, key, starts_with):
    """Pick the record id whose shown label starts with the text (the small dataset's ids)."""
    box = at.selectbox(key=key)
    box.set_value(next(i for i in range(1, 100)
                       if str(box.format_func(i) or "").startswith(starts_with)))


def test_viewers_see_the_gaps_but_no_fix(app_as):
    at = app_as("viewer", PAGE, id="1")
    assert any(w.value.startswith("Gaps: ") for w in at.warning)
    assert not at.get("form")
    assert not at.get("expander") or all("Close a gap" not in str(e.label)
                                          for e in at.get("expander"))


def test_a_manager_closes_a_gap_where_it_is_shown(app_as):
    at = app_as("manager", PAGE, id="1")
    # No completed task links Acme's owners to their stakeholders: owned, but never touched.
    assert [w.value for w in at.warning] == [gaps_with("no champion")]
    choose(at, "meddpicc_fix_role_stakeholder", "Fay Fox")
    at.selectbox(key="meddpicc_fix_role_role").set_value("champion")
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert not at.exception
    assert texts(at.success) == ["Champion recorded."]
    assert [w.value for w in at.warning] == [gaps_with("champion unowned")]
    choose(at, "meddpicc_fix_owner_stakeholder", "Fay Fox")
    owners = at.selectbox(key="meddpicc_fix_owner_user")
    assert owners.options == [   # the deal team first, with each one's load
        "Alice Archer · Account Executive · on the deal team · owns 2",
        "Bob Baker · Solutions Engineer · on the deal team · owns 2",
        "Carol Chen · Sales Director · on the deal team · owns 0",
    ]
    choose(at, "meddpicc_fix_owner_user", "Carol Chen")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    # Carol is on the deal team (added) but not on Acme's account team: warned first.
    assert "Carol Chen is off the account team of Acme Corp" in texts(at.error)[0]
    next(b for b in at.button if b.label == "Assign owner").click().run()
    # Covered and owned now; Carol has not touched Fay yet, so it shows as stale, not at risk.
    assert texts(at.success) == ["Relationship owner assigned."]
    assert [w.value for w in at.warning] == [gaps_with("champion owned, never touched")]


def test_managers_record_a_scorecard_element(app_as):
    at = app_as("manager", PAGE, id="1")
    at.selectbox(key="meddpicc_scorecard_element").set_value("competition").run()
    at.selectbox(key="meddpicc_scorecard_status").set_value("identified")
    at.text_area(key="meddpicc_scorecard_note").input("Globex is talking to Initech")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("Competition saved" in s.value for s in at.success)
    card = table_with(at, "status_label").set_index("label")
    assert card.loc["Competition", "status_label"] == "Identified"
    assert card.loc["Competition", "note"] == "Globex is talking to Initech"
    assert card.loc["Competition", "updated_by"] == "manager@example.com"


def test_a_stale_scorecard_form_is_refused_with_who_changed_it(app_as, app_db):
    from crm_core.access import Actor
    from crm_core.db import make_engine, write_session
    from crm_core.services.scorecard import record_scorecard_entry

    at = app_as("manager", PAGE, id="1")
    at.selectbox(key="meddpicc_scorecard_element").set_value("metrics").run()
    engine = make_engine(app_db)
    for note in ("First look", "Second look"):  # a colleague saves twice meanwhile
        with write_session(engine) as session:
            record_scorecard_entry(session, actor=Actor("colleague@example.com", "manager"),
                                   opportunity_id=1, element="metrics", status="identified",
                                   note=note)
    at.run()   # the form now shows the colleague's second save ...
    with write_session(engine) as session:   # ... who saves a third time before we submit
        record_scorecard_entry(session, actor=Actor("colleague@example.com", "manager"),
                               opportunity_id=1, element="metrics", status="confirmed",
                               note="Signed off")
    engine.dispose()
    at.text_area(key="meddpicc_scorecard_note").input("My own view")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("was changed by colleague@example.com" in e for e in texts(at.error))
    assert at.text_area(key="meddpicc_scorecard_note").value == "My own view"
    card = table_with(at, "status_label").set_index("label")
    assert card.loc["Metrics", "note"] == "Signed off"


def test_a_form_opened_before_the_first_entry_is_refused_when_a_colleague_records_it(
        app_as, app_db):
    from crm_core.access import Actor
    from crm_core.services.scorecard import record_scorecard_entry

    at = app_as("manager", PAGE, id="1")
    at.selectbox(key="meddpicc_scorecard_element").set_value("paper_process").run()
    assert at.text_area(key="meddpicc_scorecard_note").value == ""   # nothing recorded yet
    as_colleague(app_db, record_scorecard_entry, actor=Actor("colleague@example.com", "manager"),
                 opportunity_id=1, element="paper_process", status="confirmed",
                 note="Legal signed off")  # before we submit
    at.text_area(key="meddpicc_scorecard_note").input("Not started")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Paper process of 'Acme Platform' was changed by colleague@example.com" in e
               for e in texts(at.error))
    assert at.text_area(key="meddpicc_scorecard_note").value == "Not started"
    card = table_with(at, "status_label").set_index("label")
    assert card.loc["Paper process", "note"] == "Legal signed off"




def test_an_orphaned_stakeholders_page_offers_an_owner_from_the_account_team(app_as, app_db):
    fay = id_of(app_db, "stakeholder", "Fay Fox")
    at = app_as("manager", "pages/stakeholder.py", id=str(fay))
    owners = at.selectbox(key="stakeholder_assign_user")
    assert owners.options[:2] == [
        "Alice Archer · Account Executive · on the account team · owns 2",
        "Bob Baker · Solutions Engineer · on the account team · owns 2"]
    choose(at, "stakeholder_assign_user", "Bob Baker")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert texts(at.success) == ["Bob Baker now owns the relationship with Fay Fox."]
    assert not [e for e in at.error if "Orphaned" in e.value]
    assert app_as("viewer", "pages/stakeholder.py", id=str(fay)).get("form") == []


def test_one_press_plans_the_gaps_and_the_plan_says_when_its_gap_closed(app_as):
    at = app_as("manager", PAGE, id="1")
    next(b for b in at.button if b.label == "Plan the gaps").click().run()
    assert not at.exception
    assert texts(at.success) == ["Created 'Gap plan: Acme Platform'."]
    assert ":material/pending: Champion: planned · 0 of 3 steps done" in [
        c.value for c in at.caption]
    assert not [b for b in at.button if b.label.startswith("Plan the")]  # nothing left to plan
    # Closing the gap by hand: the plan says its gap is closed.
    choose(at, "meddpicc_fix_role_stakeholder", "Fay Fox")
    at.selectbox(key="meddpicc_fix_role_role").set_value("champion")
    next(b for b in at.button if b.label == "Give the role").click().run()
    choose(at, "meddpicc_fix_owner_stakeholder", "Fay Fox")
    choose(at, "meddpicc_fix_owner_user", "Alice Archer")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert (":material/task_alt: Champion: gap closed · 0 of 3 steps done; the steps left can "
            "be cancelled") in [c.value for c in at.caption]


def test_the_gap_list_shows_each_planned_gap_and_its_progress(app_as):
    at = app_as("manager", PAGE, id="1")
    next(b for b in at.button if b.label == "Plan the gaps").click().run()
    meddpicc = app_as("viewer", "pages/meddpicc.py")
    plans = table_with(meddpicc, "plans").set_index("gaps")["plans"]
    assert plans.to_dict() == {"decision maker owned but stale; economic buyer owned but stale; "
                               "no champion; technical buyer owned but stale": "Champion 0/3",
                               "no economic buyer; champion owned off the deal team": ""}
