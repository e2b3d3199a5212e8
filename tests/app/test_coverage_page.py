"""The Coverage screen through AppTest on the known dataset, for each access role.

Known dataset: 5 stakeholders; Dana (Alice) and Gus (Bob) have one owner, Eli has two (Alice,
Bob), Fay (Acme, on the 120k Acme Platform) and Hana (Globex) have none. Bob owns Gus at
Globex without being on any Globex team.
"""

from __future__ import annotations

import pytest

PAGE = "pages/coverage.py"


def metric(at, label):
    return next(m for m in at.metric if m.label == label)


def table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def section_labels(at):
    return at.segmented_control(key="coverage_section").options


def show_section(at, section):
    at.segmented_control(key="coverage_section").set_value(section).run()


def choose(at, key, starts_with):
    """Pick the option whose shown label starts with the text."""
    box = at.selectbox(key=key)
    box.set_value(next(i for i in range(1, 100)
                       if str(box.format_func(i) or "").startswith(starts_with)))


@pytest.mark.parametrize("role", ["viewer", "manager", "admin"])
def test_every_role_sees_the_headline_charts_and_lists(app_as, role):
    at = app_as(role, PAGE)
    assert not at.exception
    assert at.title[0].value == "Coverage"
    assert [(m.label, m.value) for m in at.metric] == [
        ("Stakeholders", "5"), ("Owned", "60%"), ("Orphaned", "2"), ("Single owner", "2"),
        ("Two or more owners", "1"),
        # No task linked to an owner and their stakeholder is done yet: every owned one is stale.
        ("Owned and fresh", "0"), ("Owned but stale", "3")]
    assert all(m.delta in (None, "") for m in at.metric)  # no filter, nothing to compare
    assert len(at.get("vega_lite_chart")) == 1  # coverage bars; the orphans section below
    assert section_labels(at)[:2] == ["Orphaned (2)", "Single owner (2)"]
    orphans = table_with(at, "meddpicc_roles")
    assert "stakeholder=" not in "".join(orphans.columns)
    assert len(orphans) == 2


def test_each_section_shows_only_its_own_list_or_chart(app_as):
    at = app_as("viewer", PAGE)
    show_section(at, "off_team")
    assert not at.exception
    assert len(table_with(at, "owner_since")) == 1  # Bob owns Gus off the account team
    show_section(at, "owner_load")
    assert len(at.get("vega_lite_chart")) == 2  # coverage bars, owner load
    assert len(table_with(at, "stakeholders_owned")) == 3
    show_section(at, "accounts")
    assert len(at.get("vega_lite_chart")) == 2  # coverage bars, heatmap
    show_section(at, "single")
    assert len(table_with(at, "owner")) == 2
    assert not any("stakeholders_owned" in d.value.columns for d in at.dataframe)


def test_viewers_see_no_assign_form(app_as):
    at = app_as("viewer", PAGE)
    assert not at.get("form")
    assert not any(b.label == "Assign owner" for b in at.button)
    with pytest.raises(KeyError):
        at.selectbox(key="coverage_assign_stakeholder")


def test_filters_change_the_numbers_and_show_the_change_against_everyone(app_as):
    at = app_as("viewer", PAGE)
    at.multiselect(key="coverage_industries").set_value(["Retail"]).run()
    assert not at.exception
    assert metric(at, "Stakeholders").value == "2"
    assert metric(at, "Stakeholders").delta == "-3 vs all"
    assert metric(at, "Owned").value == "50%"
    assert metric(at, "Owned").delta == "-10.0 pp vs all"
    assert metric(at, "Orphaned").value == "1"
    assert metric(at, "Orphaned").delta == "+10.0 pp vs all"
    assert section_labels(at)[0] == "Orphaned (1)"


def test_the_meddpicc_role_filter_finds_the_unowned_gatekeeper(app_as):
    at = app_as("viewer", PAGE)
    at.multiselect(key="coverage_roles").set_value(["gatekeeper"]).run()
    assert metric(at, "Stakeholders").value == "1"
    assert metric(at, "Orphaned").value == "1"
    show_section(at, "roles")
    roles = table_with(at, "label")
    assert list(roles["label"]) == ["Gatekeeper"]


def test_the_industry_view_and_pipeline_sort_render(app_as):
    at = app_as("viewer", PAGE)
    at.segmented_control(key="coverage_group_by").set_value("industry").run()
    at.segmented_control(key="coverage_sort_by").set_value("pipeline").run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1


def test_a_managers_assignment_updates_the_figures_on_the_next_run(app_as):
    at = app_as("manager", PAGE)
    choose(at, "coverage_assign_stakeholder", "Fay Fox")
    choose(at, "coverage_assign_user", "Carol Chen")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    # Carol is not on Acme's account team: warned first, saved on the second press.
    assert [e.value for e in at.error] == [
        "Carol Chen is off the account team of Acme Corp\\. Save again to go ahead, or "
        "choose someone on the account team\\."]
    assert metric(at, "Orphaned").value == "2"
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Carol Chen now owns the relationship with Fay Fox\\."]   # markdown-escaped
    assert not at.toast                  # said once, in the banner
    assert metric(at, "Orphaned").value == "1"
    assert metric(at, "Single owner").value == "3"
    assert section_labels(at)[:2] == ["Orphaned (1)", "Single owner (3)"]
    assert list(table_with(at, "meddpicc_roles")["stakeholder"])[0] != "Fay Fox"


def test_assigning_without_a_choice_says_what_is_missing_and_changes_nothing(app_as):
    at = app_as("manager", PAGE)
    choose(at, "coverage_assign_stakeholder", "Hana Hill")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert not at.exception
    assert any("Choose the stakeholder and the user" in e.value for e in at.error)
    assert metric(at, "Orphaned").value == "2"
    assert at.selectbox(key="coverage_assign_stakeholder").format_func(
        at.selectbox(key="coverage_assign_stakeholder").value).startswith("Hana Hill")


def test_the_owner_picker_offers_the_account_team_first_with_their_load(app_as):
    at = app_as("manager", PAGE)
    choose(at, "coverage_assign_stakeholder", "Fay Fox")
    at.run()
    picker = at.selectbox(key="coverage_assign_user")
    assert [picker.format_func(o) for o in picker.options] == [
        "Alice Archer · Account Executive · on the account team · owns 2",
        "Bob Baker · Solutions Engineer · on the account team · owns 2",
        "Carol Chen · Sales Director · owns 0",
    ]


def test_an_owner_on_the_account_team_is_saved_without_a_warning(app_as):
    at = app_as("manager", PAGE)
    choose(at, "coverage_assign_stakeholder", "Fay Fox")
    choose(at, "coverage_assign_user", "Bob Baker")
    next(b for b in at.button if b.label == "Assign owner").click().run()
    assert not at.error
    assert [s.value for s in at.success] == [
        "Bob Baker now owns the relationship with Fay Fox\\."]


def test_an_owner_off_the_account_team_is_added_to_the_team_in_place(app_as):
    at = app_as("manager", PAGE)
    show_section(at, "off_team")
    fix = at.selectbox(key="coverage_off_team_fix_row")
    assert fix.options == ["Gus Gray · Globex · owned by Bob Baker"]
    at.selectbox(key="coverage_off_team_fix_row").select_index(0).run()
    at.button(key="coverage_off_team_fix_add").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Bob Baker joined the account team of Globex\\."]
    assert "Every relationship owner is on the account team" in " ".join(
        c.value for c in at.caption)
