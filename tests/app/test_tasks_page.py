"""The Tasks screen per access role: viewers read, managers create, complete and bulk-complete."""

from sqlalchemy import select

from crm_core.db import make_engine, read_session
from crm_core.models import Task, TaskEntity
from tests.app.manage_helpers import id_of, texts

PAGE = "pages/tasks.py"


def _table(at):
    return at.dataframe(key="tasks_table").value


def _open_tab(at, label):
    # Only the open tab runs; switching tabs reruns the page.
    at.session_state["tasks_tab"] = label
    at.run()


def test_a_viewer_sees_the_open_tasks_overdue_first_and_no_forms(app_as):
    at = app_as("viewer", PAGE)
    assert not at.exception
    assert at.title[0].value == "Tasks"
    assert list(_table(at)["Task"]) == ["Send pricing to Dana", "Book discovery call"]
    assert _table(at)["When"].iloc[0] == "2 d overdue"
    assert len(at.get("form")) == 0
    assert not [b for b in at.button if b.label in ("Create task", "Create sequence")]
    assert [m.value for m in at.metric][:2] == ["2", "1"]
    assert not [d for d in at.dataframe if "overdue" in d.value.columns]   # charts not run
    _open_tab(at, "Charts")
    assert not at.exception
    companies = next(d.value for d in at.dataframe if "overdue" in d.value.columns)
    assert companies[["overdue", "due_soon"]].values.tolist() == [[1, 0], [0, 1]]
    assert companies["name"].str.endswith(("name=Acme+Corp", "name=Globex")).all()


def test_the_counts_follow_the_search_like_the_list_below(app_as):
    at = app_as("viewer", PAGE)
    at.text_input(key="tasks_search").input("pricing").run()
    assert not at.exception
    assert list(_table(at)["Task"]) == ["Send pricing to Dana"]
    assert {m.label: m.value for m in at.metric} == {"Open": "1", "Overdue": "1",
                                                     "Due soon": "0", "Blocked": "0"}
    assert "1 task(s)" in [c.value for c in at.caption]


def _select(at, *rows):
    at.session_state["tasks_table"] = {"selection": {"rows": list(rows), "columns": [],
                                                     "cells": []}}
    at.run()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_manager_creates_a_task_and_completing_it_takes_it_off_the_open_list(app_as):
    at = app_as("manager", PAGE)
    at.text_area(key="task_new_description").set_value("Call Gus about the pilot")
    at.selectbox(key="task_new_priority").set_value("high")
    _button(at, "Create task").click().run()
    assert not at.exception
    assert "Task 'Call Gus about the pilot' created." in texts(at.success)
    tasks = list(_table(at)["Task"])
    assert tasks == ["Send pricing to Dana", "Book discovery call", "Call Gus about the pilot"]
    _select(at, 2)
    _button(at, "Complete").click().run()
    assert not at.exception
    assert list(_table(at)["Task"]) == ["Send pricing to Dana", "Book discovery call"]


def test_a_refused_new_task_keeps_what_was_typed_and_says_why(app_as):
    at = app_as("manager", PAGE)
    at.text_area(key="task_new_description").set_value("   ")
    at.selectbox(key="task_new_priority").set_value("urgent")
    _button(at, "Create task").click().run()
    assert "Description is required\\." in [e.value for e in at.error]
    assert at.selectbox(key="task_new_priority").value == "urgent"


def test_a_manager_completes_the_selected_tasks_together(app_as, app_db):
    at = app_as("manager", PAGE)
    _select(at, 0, 1)
    _button(at, "Complete 2 selected").click().run()
    assert not at.exception
    assert "2 task(s) completed." in texts(at.success)
    assert _table(at).empty
    engine = make_engine(app_db)
    with read_session(engine) as session:
        assert {t.status for t in session.query(Task)} == {"done"}
    engine.dispose()


def test_a_refused_sequence_keeps_its_name(app_as):
    at = app_as("manager", PAGE)
    _open_tab(at, "Sequences")
    at.text_input(key="seq_new_description").set_value("Onboarding Globex")
    _button(at, "Create sequence").click().run()
    assert "A sequence needs at least one step\\." in [e.value for e in at.error]
    assert at.text_input(key="seq_new_description").value == "Onboarding Globex"


def _steps_table(at):
    return next(d.value for d in at.dataframe if "Step" in d.value.columns)


def _add_sequence(app_db) -> None:
    from crm_core.db import write_session
    from crm_core.services.task_sequences import create_sequence
    from tests.factories import MANAGER

    engine = make_engine(app_db)
    with write_session(engine) as session:
        create_sequence(session, actor=MANAGER, description="Globex onboarding", steps=[
            {"description": "Kickoff", "dependency_type": "none"},
            {"description": "Contract"}, {"description": "Signature"}])
    engine.dispose()


def test_the_sequence_view_shows_steps_in_order_with_what_blocks_them(app_as, app_db):
    _add_sequence(app_db)
    at = app_as("viewer", PAGE)
    _open_tab(at, "Sequences")
    steps = _steps_table(at)
    assert list(steps["Task"]) == ["Kickoff", "Contract", "Signature"]
    assert list(steps["Blocked"]) == ["", "Waits for Kickoff", "Waits for Contract"]
    assert "Next: step 1, Kickoff" in at.get("progress")[0].proto.text
    assert not [b for b in at.button if b.label in ("Add step", "Apply order")]


def _step_ids(app_db) -> dict[str, int]:
    engine = make_engine(app_db)
    with read_session(engine) as session:
        ids = {t.description: t.id for t in session.query(Task).filter(
            Task.parent_task_id.is_not(None))}
    engine.dispose()
    return ids


def test_a_manager_reorders_the_steps_of_a_sequence(app_as, app_db):
    _add_sequence(app_db)
    ids = _step_ids(app_db)
    at = app_as("manager", PAGE)
    _open_tab(at, "Sequences")
    assert at.multiselect(key="seq_order_ids").options == [
        "1. Kickoff", "2. Contract", "3. Signature"]
    at.multiselect(key="seq_order_ids").set_value(
        [ids["Signature"], ids["Kickoff"], ids["Contract"]])
    _button(at, "Apply order").click().run()
    assert not at.exception
    assert "Steps reordered." in texts(at.success)
    assert list(_steps_table(at)["Task"]) == ["Signature", "Kickoff",
                                                                  "Contract"]


def _row_of(at, description: str) -> int:
    return list(_table(at)["Task"]).index(description)


def test_a_manager_forces_a_blocked_step_with_a_reason_and_it_is_audited(app_as, app_db):
    from crm_core.models import AuditEvent

    _add_sequence(app_db)
    at = app_as("manager", PAGE)
    _select(at, _row_of(at, "Contract"))
    assert any("Blocked: waits for the previous step" in w.value for w in at.warning)
    _button(at, "Force complete").click().run()
    assert "Reason for forcing is required\\." in [e.value for e in at.error]
    at.text_input(key="task_act_reason").set_value("Signed early")
    _button(at, "Force complete").click().run()
    assert "Task completed (forced)." in texts(at.success)
    engine = make_engine(app_db)
    with read_session(engine) as session:
        event = session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
        assert (event.action, event.after["forced_reason"]) == ("task.completed",
                                                                 "Signed early")
    engine.dispose()


def test_a_task_description_is_shown_as_text_not_markdown(app_as):
    at = app_as("manager", PAGE)
    at.text_area(key="task_new_description").set_value("**Call** [Gus](https://evil.example)")
    _button(at, "Create task").click().run()
    _select(at, _row_of(at, "**Call** [Gus](https://evil.example)"))
    assert at.subheader[0].value == ("Selected: \\*\\*Call\\*\\* \\[Gus\\]\\(https\\:\u2060"
                                     "//evil\\.example\\)")
    assert texts(at.subheader) == ["Selected: **Call** [Gus](https://evil.example)"]


def test_a_signed_in_user_sees_their_own_open_tasks_by_default(app_as, app_db):
    from crm_core.db import write_session
    from crm_core.services.tasks import create_task
    from tests.factories import MANAGER, add_user

    engine = make_engine(app_db)
    with write_session(engine) as session:
        me = add_user(session, "Max Manager", email="Manager@Example.com")
        create_task(session, actor=MANAGER, description="Prepare my QBR", due_date="2030-01-31",
                    links=[("user", me.id)])
    engine.dispose()
    at = app_as("manager", PAGE)
    assert at.radio(key="tasks_scope").value == "mine"
    assert list(_table(at)["Task"]) == ["Prepare my QBR"]
    at.radio(key="tasks_scope").set_value("everyone").run()
    assert len(_table(at)) == 3


def test_a_manager_edits_then_cancels_the_selected_task(app_as):
    at = app_as("manager", PAGE)
    _select(at, _row_of(at, "Book discovery call"))
    at.selectbox(key="task_edit_priority").set_value("urgent")
    at.selectbox(key="task_edit_status").set_value("in_progress")
    _button(at, "Save changes").click().run()
    assert "Task saved." in texts(at.success)
    row = _table(at).iloc[_row_of(at, "Book discovery call")]
    assert (row["Priority"], row["Status"]) == ("Urgent", "In progress")
    _select(at, _row_of(at, "Book discovery call"))
    _button(at, "Cancel task").click().run()
    assert "Task cancelled." in texts(at.success)
    assert list(_table(at)["Task"]) == ["Send pricing to Dana"]


def test_a_manager_links_the_selected_task_to_a_company_and_unlinks_it(app_as):
    at = app_as("manager", PAGE)
    _select(at, _row_of(at, "Book discovery call"))
    at.selectbox(key="task_links_new_type").set_value("company").run()
    at.text_input(key="task_links_new_search_company").set_value("Glob").run()
    picker = at.selectbox(key="task_links_new_pick_company")
    assert picker.options == ["Globex · Retail"]
    picker.select_index(0).run()
    _button(at, "Link to company Globex").click().run()
    assert "Link added." in texts(at.success)
    row = _table(at).iloc[_row_of(at, "Book discovery call")]
    assert row["Linked to"] == "Company: Globex; Opportunity: Globex Pilot; User: Bob Baker"
    _select(at, _row_of(at, "Book discovery call"))
    next(b for b in at.button if b.key and b.key.startswith("task_links_remove_company")
         ).click().run()
    assert "Link removed." in texts(at.success)
    row = _table(at).iloc[_row_of(at, "Book discovery call")]
    assert row["Linked to"] == "Opportunity: Globex Pilot; User: Bob Baker"



def test_a_sequence_opens_from_its_url(app_as, app_db):
    _add_sequence(app_db)
    engine = make_engine(app_db)
    with read_session(engine) as session:
        sequence_id = session.query(Task.id).filter(Task.task_type == "sequence").scalar()
    engine.dispose()
    at = app_as("viewer", PAGE, sequence=str(sequence_id))
    assert at.selectbox(key="seq_pick").value == sequence_id
    assert list(_steps_table(at)["Task"]) == ["Kickoff", "Contract", "Signature"]


def test_selecting_a_step_in_the_list_opens_its_sequence(app_as, app_db):
    _add_sequence(app_db)
    from crm_core.db import write_session
    from crm_core.services.task_sequences import create_sequence
    from tests.factories import MANAGER

    engine = make_engine(app_db)
    with write_session(engine) as session:
        create_sequence(session, actor=MANAGER, description="Acme renewal",
                        steps=[{"description": "Health check"}])
    engine.dispose()
    at = app_as("viewer", PAGE)
    _open_tab(at, "Sequences")
    assert list(_steps_table(at)["Task"]) == ["Health check"]   # the newest sequence first
    _open_tab(at, "Task list")
    _select(at, _row_of(at, "Contract"))
    _open_tab(at, "Sequences")
    assert list(_steps_table(at)["Task"]) == ["Kickoff", "Contract", "Signature"]


def test_the_sequence_picked_by_hand_stays_picked_across_tabs(app_as, app_db):
    _add_sequence(app_db)
    from crm_core.db import write_session
    from crm_core.services.task_sequences import create_sequence
    from tests.factories import MANAGER

    engine = make_engine(app_db)
    with write_session(engine) as session:
        create_sequence(session, actor=MANAGER, description="Acme renewal",
                        steps=[{"description": "Health check"}])
        globex = session.query(Task.id).filter(Task.description == "Globex onboarding").scalar()
    engine.dispose()
    at = app_as("viewer", PAGE)
    _open_tab(at, "Sequences")
    at.selectbox(key="seq_pick").set_value(globex).run()
    _open_tab(at, "Charts")
    _open_tab(at, "Sequences")
    assert at.selectbox(key="seq_pick").value == globex
    assert list(_steps_table(at)["Task"]) == ["Kickoff", "Contract", "Signature"]


def test_a_task_linked_to_a_deal_and_its_company_is_created_and_completed_in_five_steps(
        app_as, app_db):
    at = app_as("manager", PAGE)
    at.text_area(key="task_new_description").set_value("Called Gus")           # 1
    at.text_input(key="task_new_find").input("globex").run()                   # 2
    deals = at.multiselect(key="task_new_deals")
    assert deals.options == ["Globex Pilot · Globex · Qualification · $30,000 · closes "
                             + deals.options[0].split("closes ")[1]]
    deals.set_value([id_of(app_db, "opportunity", "Globex Pilot")]).run()     # 3
    # The chosen deal's stakeholders come first.
    assert at.multiselect(key="task_new_stakeholders").options[0] == "Gus Gray · Globex"
    _button(at, "Create task").click().run()                                   # 4
    assert "Task 'Called Gus' created." in texts(at.success)
    _button(at, "Complete 'Called Gus' now").click().run()                      # 5
    assert "Task 'Called Gus' completed." in texts(at.success)
    engine = make_engine(app_db)
    with read_session(engine) as session:
        task = session.scalar(select(Task).where(Task.description == "Called Gus"))
        links = set(session.execute(select(TaskEntity.entity_type, TaskEntity.entity_id)
                                    .where(TaskEntity.task_id == task.id)).tuples())
        assert task.status == "done"
    engine.dispose()
    assert links == {("company", id_of(app_db, "company", "Globex")),
                     ("opportunity", id_of(app_db, "opportunity", "Globex Pilot"))}


def test_completing_a_plan_step_whose_gap_closed_says_so(app_as, app_db):
    from crm_core.services.assignments import add_meddpicc_role, assign_owner
    from crm_core.services.gap_plans import create_gap_plan
    from tests.app.manage_helpers import as_colleague

    deal = id_of(app_db, "opportunity", "Acme Platform")   # lacks a champion
    as_colleague(app_db, create_gap_plan, opportunity_id=deal)
    fay = id_of(app_db, "stakeholder", "Fay Fox")            # linked: she becomes the champion
    as_colleague(app_db, add_meddpicc_role, stakeholder_id=fay, meddpicc_role="champion")
    as_colleague(app_db, assign_owner, stakeholder_id=fay,
                 user_id=id_of(app_db, "user", "Alice Archer"))
    at = app_as("manager", PAGE)
    at.radio(key="tasks_scope").set_value("everyone").run()
    _select(at, _row_of(at, "Identify the champion and link them to the deal"))
    _button(at, "Complete").click().run()
    assert texts(at.success) == [
        "Task completed. Its gap is closed: the deal's champion is covered and owned by the "
        "deal team."]
