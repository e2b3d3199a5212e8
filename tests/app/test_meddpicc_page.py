"""The MEDDPICC screen through AppTest on the known dataset, for each access role."""

from __future__ import annotations

import pytest

PAGE = "pages/meddpicc.py"


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("role", ["viewer", "manager", "admin"])
def test_every_role_sees_the_headline_heatmap_and_gap_table(app_as, role):
    at = app_as(role, PAGE)
    assert not at.exception
    assert at.title[0].value == "MEDDPICC"
    assert metric(at, "Open opportunities") == "2"
    assert metric(at, "Fully covered") == "0%"
    assert metric(at, "Pipeline at risk") == "$150.0K"
    assert metric(at, "Weighted at risk") == "$66.0K"
    table = table_with(at, "gaps")
    # No completed task links Acme's owners to their stakeholders: owned, but stale.
    assert list(table["gaps"]) == [
        "decision maker owned but stale; economic buyer owned but stale; no champion; "
        "technical buyer owned but stale", "no economic buyer; champion owned off the deal team"]
    assert len(at.get("vega_lite_chart")) == 3


def test_viewers_get_no_forms(app_as):
    at = app_as("viewer", PAGE)
    assert not [f for f in at.get("form")]
    assert not any(b.label == "Save" for b in at.button)


def choose(at, key, starts_with):
    """Pick the record id whose shown label starts with the text (the small dataset's ids)."""
    box = at.selectbox(key=key)
    box.set_value(next(i for i in range(1, 100)
                       if str(box.format_func(i) or "").startswith(starts_with)))


def test_a_managers_fix_removes_the_gap_on_the_next_run(app_as):
    at = app_as("manager", PAGE)
    # Acme Platform (most at risk) lacks a champion: give Fay Fox, linked already, the role ...
    choose(at, "meddpicc_fix_role_stakeholder", "Fay Fox")
    at.selectbox(key="meddpicc_fix_role_role").set_value("champion")
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert not at.exception
    assert any("Champion recorded" in s.value for s in at.success)
    # ... then champion is covered but unowned: nobody owns Fay yet ...
    assert "champion unowned" in list(table_with(at, "gaps")["gaps"])[0]
    choose(at, "meddpicc_fix_owner_stakeholder", "Fay Fox")
    choose(at, "meddpicc_fix_owner_user", "Alice Archer")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert not at.exception
    # ... and once Alice (on Acme's team) owns her, the deal is fully covered (its owned roles
    # are stale, which is no risk: nobody has touched them yet).
    assert list(table_with(at, "gaps")["gaps"]) == [
        "no economic buyer; champion owned off the deal team",
        "decision maker owned but stale; economic buyer owned but stale; champion owned but "
        "stale; technical buyer owned but stale"]
    assert metric(at, "Pipeline at risk") == "$30.0K"


def test_a_manager_links_a_stakeholder_of_the_company(app_as):
    at = app_as("manager", PAGE)
    choose(at, "meddpicc_opportunity", "Globex Pilot")
    at.run()
    choose(at, "meddpicc_fix_link_stakeholder", "Hana Hill")
    next(b for b in at.button if b.label == "Link to the opportunity").click().run()
    assert not at.exception
    people = table_with(at, "role_labels")
    assert people["linked"].all()
    assert at.query_params["opportunity"] == str(2)   # the choice is in the URL


def test_linking_nobody_shows_an_error_under_the_form(app_as):
    at = app_as("manager", PAGE)
    next(b for b in at.button if b.label == "Link to the opportunity").click().run()
    assert any("Choose a stakeholder to link" in e.value for e in at.error)


def test_the_gap_type_filter_narrows_every_figure(app_as):
    at = app_as("viewer", PAGE)
    at.multiselect(key="meddpicc_gap_types").select("off_team").run()
    assert metric(at, "Open opportunities") == "1"
    assert metric(at, "Pipeline at risk") == "$30.0K"
    assert list(table_with(at, "gaps")["gaps"]) == [
        "no economic buyer; champion owned off the deal team"]


def test_roll_ups_per_team_member_and_company(app_as):
    at = app_as("viewer", PAGE)
    stages = table_with(at, "stage_label")
    assert list(stages["stage_label"]) == ["Qualification", "Solution"]
    at.segmented_control(key="meddpicc_rollup_by").set_value("Account team member").run()
    members = table_with(at, "fully_covered")
    assert sorted(members["opportunities"]) == [1, 1, 2]        # Carol: Acme (added) + Globex
    at.segmented_control(key="meddpicc_rollup_by").set_value("Company").run()
    companies = table_with(at, "fully_covered")
    assert list(companies["value_at_risk"]) == [120_000, 30_000]


def test_a_deep_link_opens_the_fixes_with_the_deal_chosen(app_as):
    at = app_as("manager", PAGE, opportunity="2")
    assert not at.exception
    assert at.selectbox(key="meddpicc_opportunity").value == 2
    assert list(table_with(at, "role_labels")["job_title"]) == ["VP Operations", "Analyst"]
    assert any(str(link.label) == "Globex Pilot · Globex" for link in at.get("page_link"))

