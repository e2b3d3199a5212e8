"""The forms of the People page: a user's manager and region, their departure (the handoff
offered first), and the regions an admin keeps. Each form keeps what was typed on an error and
carries the version it showed, so a stale form is refused."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core.access import Actor
from crm_core.glossary import help_text, name
from crm_core.queries.people import people, regions
from crm_core.services import people as people_services
from crm_core.services import regions as region_services
from dashboard.data import load
from dashboard.manage import field_error, form_errors, seen, set_error, show_values, submit
from dashboard.navigation import link_to_page

PLACEMENT_FORM = "people_placement"
DEPART_FORM = "people_depart"
REGION_FORMS = ("people_region_create", "people_region_rename", "people_region_delete")


def person(user_id: int) -> pd.Series | None:
    """The user's row of `people` (None when deleted meanwhile)."""
    staff = load(people)
    rows = staff[staff["user_id"] == user_id]
    return None if rows.empty else rows.iloc[0]


def _save_placement(user_id: int) -> None:
    submit(PLACEMENT_FORM, people_services.place_user,
           lambda user: f"Saved the reporting line and region of {user.name}.",
           user_id=user_id, manager_id=st.session_state.people_manager_id,
           region_id=st.session_state.people_region_id,
           seen_version=seen(PLACEMENT_FORM).get("version"))


def placement_form(row: pd.Series) -> None:
    """Manager and region of one user."""
    user_id = int(row.user_id)
    staff = load(people)
    # Never offered as manager: the user, or a departed user (unless already theirs).
    candidates = staff[(staff["user_id"] != user_id)
                       & (staff["departed_on"].isna() | (staff["user_id"] == row.manager_id))]
    managers = dict(zip(candidates["user_id"].astype(int), candidates["name"], strict=True))
    areas = load(regions)
    region_names = dict(zip(areas["region_id"].astype(int), areas["name"], strict=True))
    show_values(PLACEMENT_FORM, {
        "people_manager_id": None if pd.isna(row.manager_id) else int(row.manager_id),
        "people_region_id": None if pd.isna(row.region_id) else int(row.region_id)},
        identity=user_id, meta={"version": int(row.version)})
    with st.form(f"{PLACEMENT_FORM}_form"):
        st.markdown("**Reporting line and region**")
        st.selectbox(name("manager"), list(managers), index=None,
                     format_func=lambda i: managers.get(i, f"user {i}"), key="people_manager_id",
                     placeholder="Nobody (top of the organisation)",
                     help=help_text("manager"))
        field_error(PLACEMENT_FORM, "manager_id")
        st.selectbox(name("region"), list(region_names), index=None,
                     format_func=lambda i: region_names.get(i, f"region {i}"),
                     key="people_region_id", placeholder="No region", help=help_text("region"))
        field_error(PLACEMENT_FORM, "region_id")
        st.form_submit_button("Save", type="primary", key="people_placement_save",
                              on_click=_save_placement, args=(user_id,))
        form_errors(PLACEMENT_FORM, {"manager_id", "region_id"})


def _depart(user_id: int, owned: int) -> None:
    if owned and not st.session_state.get("people_depart_anyway"):
        set_error(DEPART_FORM, "confirm", "Hand their relationships off first, or tick the box "
                                          "to mark the departure anyway.")
        return
    submit(DEPART_FORM, people_services.mark_departed, "Marked the departure.", user_id=user_id,
           departed_on=st.session_state.people_departed_on,
           seen_version=seen(DEPART_FORM).get("version"))


def departure_form(row: pd.Series, actor: Actor) -> None:
    """Mark the user departed (offering the handoff first when they own relationships), or
    mark their return."""
    user_id, owned = int(row.user_id), int(row.owned)
    show_values(DEPART_FORM, {"people_departed_on": date.today()}, identity=user_id,
                meta={"version": int(row.version)})
    if pd.notna(row.departed_on):
        st.info(f"Departed on {row.departed_on:%Y-%m-%d}: cannot sign in and is offered for "
                "nothing new. Their history stays.", icon=":material/logout:")
        st.button("Mark as back", key="people_return", on_click=submit,
                  args=(DEPART_FORM, people_services.mark_returned, "Marked the return."),
                  kwargs={"user_id": user_id, "seen_version": int(row.version)})
        form_errors(DEPART_FORM, set())
        return
    if owned:
        st.warning(f"They still own {owned:,} stakeholder relationship(s). Hand them off first; "
                   "what is not handed off becomes orphaned (owner departed).",
                   icon=":material/swap_horiz:")
        link_to_page("pages/manage_ownership.py", label="Hand off their relationships",
                     actor=actor, icon=":material/swap_horiz:",
                     query_params={"from_user": str(user_id)})
    with st.form(f"{DEPART_FORM}_form"):
        st.markdown(f"**{name('departed')}**")
        st.date_input("Departed on", key="people_departed_on", format="YYYY-MM-DD",
                      max_value=date.today())
        field_error(DEPART_FORM, "departed_on")
        if owned:
            st.checkbox("Mark the departure anyway", key="people_depart_anyway")
            field_error(DEPART_FORM, "confirm")
        st.form_submit_button("Mark departed", key="people_depart_save", on_click=_depart,
                              args=(user_id, owned))
        form_errors(DEPART_FORM, {"departed_on", "confirm"})


def regions_admin() -> None:
    """The regions with their users; create, rename and delete (admins only)."""
    areas = load(regions)
    names = dict(zip(areas["region_id"].astype(int), areas["name"], strict=True))
    versions = dict(zip(areas["region_id"].astype(int), areas["version"], strict=True))
    st.dataframe(areas[["name", "users"]].rename(columns={"name": "Region", "users": "Users"}),
                 hide_index=True, key="people_regions_table")
    create, rename, remove = st.columns(3)
    with create, st.form("people_region_create_form"):
        st.text_input("New region", key="people_region_new_name")
        field_error(REGION_FORMS[0], "name")
        st.form_submit_button("Create region", key="people_region_create_save",
                              on_click=lambda: submit(
                                  REGION_FORMS[0], region_services.create_region,
                                  "Created the region.",
                                  name=st.session_state.people_region_new_name))
        form_errors(REGION_FORMS[0], {"name"})
    with rename, st.form("people_region_rename_form"):
        st.selectbox("Region", list(names), index=None, format_func=names.get,
                     key="people_region_rename_id", placeholder="Choose a region")
        st.text_input("New name", key="people_region_rename_name")
        field_error(REGION_FORMS[1], "name")
        st.form_submit_button("Rename", key="people_region_rename_save", on_click=_rename,
                              args=(versions,))
        form_errors(REGION_FORMS[1], {"name"})
    with remove, st.form("people_region_delete_form"):
        st.selectbox("Region", list(names), index=None, format_func=names.get,
                     key="people_region_delete_id", placeholder="Choose a region")
        st.caption("Its users are left in no region.")
        st.form_submit_button("Delete region", key="people_region_delete_save",
                              on_click=_delete_region)
        form_errors(REGION_FORMS[2], set())


def _rename(versions: dict[int, int]) -> None:
    region_id = st.session_state.people_region_rename_id
    if region_id is None:
        set_error(REGION_FORMS[1], "form", "Choose the region to rename.")
        return
    submit(REGION_FORMS[1], region_services.rename_region, "Renamed the region.",
           region_id=region_id, name=st.session_state.people_region_rename_name,
           seen_version=versions.get(region_id))


def _delete_region() -> None:
    region_id = st.session_state.people_region_delete_id
    if region_id is None:
        set_error(REGION_FORMS[2], "form", "Choose the region to delete.")
        return
    submit(REGION_FORMS[2], region_services.delete_region,
           lambda users: f"Deleted the region; {users} user(s) are now in no region.",
           region_id=region_id)
