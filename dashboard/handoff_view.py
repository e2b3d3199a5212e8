"""The handoff planner of the Ownership page: pick the giver, see suggested successors, hand the
book to one receiver or split it, preview, confirm; the history with Undo below."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from crm_core.errors import CrmError, ValidationError
from crm_core.services.handoff import HandoffPreview, hand_off, preview_handoff
from crm_core.vocab import STAGES, TASK_STATUSES
from dashboard.data import load
from dashboard.detail import MONEY, show_table, yes_no_column
from dashboard.format import markdown_text
from dashboard.handoff_planner import history, split_book, suggestions, team_warning
from dashboard.manage import (
    field_error,
    form_errors,
    picked_id,
    show_confirmation,
    submit,
    user_labels,
)
from dashboard.people_picker import person_labels

FORM = "handoff"
SHOWN = "handoff__fingerprint"  # the fingerprint of the preview the confirm button belongs to


def _done(result, preview: HandoffPreview) -> str:
    parts = [f"{result.stakeholders} stakeholder relationship(s)"]
    if result.account_seats or preview.opportunity_seat_ids:
        parts.append(f"{result.account_seats} account team seat(s) and "
                     f"{len(preview.opportunity_seat_ids)} opportunity team seat(s)")
    task = " A handover task was created for them." if result.handover_task_id else ""
    return (f"Handed {' and '.join(parts)} from {preview.from_user} to {preview.to_user}; "
            f"{result.tasks} open task(s) now point to {preview.to_user}.{task}")


def _confirm(preview: HandoffPreview, subset: list[int] | None) -> None:
    if submit(FORM, hand_off, lambda result: _done(result, preview),
              from_user_id=preview.from_user_id, to_user_id=preview.to_user_id,
              stakeholder_ids=subset, include_team_seats=st.session_state.handoff_seats,
              create_handover_task=st.session_state.handoff_task,
              due_date=st.session_state.handoff_due if st.session_state.handoff_task else None,
              seen_preview=st.session_state.get(SHOWN, "")):
        st.session_state.handoff_subset = []


def _show_preview(preview: HandoffPreview) -> None:
    counts = st.columns(6)
    counts[0].metric("Stakeholders", f"{len(preview.stakeholders):,}")
    counts[1].metric("Companies", f"{len(preview.companies):,}")
    counts[2].metric("Open opportunities", f"{len(preview.opportunities):,}")
    counts[3].metric("Open tasks", f"{len(preview.tasks):,}")
    counts[4].metric("Account team seats", f"{len(preview.account_seat_company_ids):,}")
    counts[5].metric("Opportunity team seats", f"{len(preview.opportunity_seat_ids):,}")
    with st.expander(f"Stakeholders ({len(preview.stakeholders):,})", expanded=True):
        show_table(preview.stakeholders, key="handoff_stakeholders",
                   file_name="handoff-stakeholders",
                   links={"stakeholder": ("stakeholder", "stakeholder_id"),
                          "company": ("company", "company_id")},
                   columns={"stakeholder": "Stakeholder", "job_title": "Job title",
                            "company": "Company", "receiver_owns": yes_no_column(
                                f"{preview.to_user} owns already",
                                help="Stays one row: the receiver is an owner already")})
    with st.expander(f"Companies ({len(preview.companies):,})"):
        show_table(preview.companies, key="handoff_companies", file_name="handoff-companies",
                   links={"company": ("company", "company_id")},
                   columns={"company": "Company", "stakeholders": "Stakeholders moving",
                            "account_seat_moves": yes_no_column("Account team seat moves")})
    with st.expander(f"Open opportunities ({len(preview.opportunities):,})"):
        shown = preview.opportunities.assign(stage=preview.opportunities["stage"].map(
            STAGES.label))
        show_table(shown, key="handoff_opportunities", file_name="handoff-opportunities",
                   links={"opportunity": ("opportunity", "opportunity_id")},
                   columns={"opportunity": "Opportunity", "company": "Company",
                            "stage": "Stage",
                            "value": st.column_config.NumberColumn("Value", **MONEY),
                            "seat_moves": yes_no_column("Team seat moves")})
    with st.expander(f"Open tasks ({len(preview.tasks):,})"):
        st.caption(markdown_text(f"Open tasks linked to {preview.from_user} and to a "
                                 "stakeholder, opportunity or seat that moves now point to "
                                 f"{preview.to_user}."))
        shown = preview.tasks.assign(status=preview.tasks["status"].map(TASK_STATUSES.label))
        show_table(shown, key="handoff_tasks", file_name="handoff-tasks",
                   columns={"description": "Task", "due_date": st.column_config.DateColumn(
                       "Due", format="YYYY-MM-DD"), "status": "Status"})


def render_handoff() -> None:
    """Pick a giver, see suggested successors, then hand the book to one receiver or split it
    among several; the confirmation and the history with Undo stay here."""
    show_confirmation()
    _plan()
    history()


def _plan() -> None:
    st.caption("Moves a user's stakeholder relationships and their account and opportunity "
               "team seats to other users, e.g. when someone changes territory or leaves. You "
               "see exactly what moves, and each receiver's load after it, before you confirm.")
    labels = user_labels(with_owned=True, include_departed=True)
    receivers = person_labels()
    if (wanted := picked_id("from_user")) in labels and "handoff_from" not in st.session_state:
        st.session_state.handoff_from = wanted  # arrived from "hand off first" on Records
    st.session_state.setdefault("handoff_seats", True)
    giver, mode, seats = st.columns([2, 2, 1])
    from_id = giver.selectbox("Hand off from", options=list(labels), index=None,
                              format_func=labels.get, key="handoff_from",
                              placeholder="Choose the user who hands off")
    split = mode.radio("Receivers", ["One receiver", "Split by company"], horizontal=True,
                       key="handoff_mode") == "Split by company"
    seats.checkbox("Their team seats move too", key="handoff_seats",
                   help="Their seats on account teams and opportunity teams move with the "
                        "relationships (never twice: a receiver already on a team keeps one "
                        "seat)")
    if from_id is None:
        st.info("Choose the user who hands off.", icon=":material/swap_horiz:")
        return
    ranked = suggestions(from_id)
    if split:
        split_book(from_id, ranked, receivers, seats=st.session_state.handoff_seats)
        return
    to_id = st.selectbox("To", options=[u for u in receivers if u != from_id], index=None,
                         format_func=receivers.get, key="handoff_to",
                         placeholder="Choose the user who takes over")
    if to_id is None:
        st.info("Choose the user who takes over to see what would move.",
                icon=":material/swap_horiz:")
        return
    try:
        everything = load(preview_handoff, from_user_id=from_id, to_user_id=to_id,
                          include_team_seats=st.session_state.handoff_seats)
    except ValidationError as error:
        st.error(markdown_text(error.message), icon=":material/error:")
        return
    names = dict(zip(everything.stakeholders["stakeholder_id"],
                     everything.stakeholders["stakeholder"], strict=True))
    scope = st.radio("Which relationships", ["All of them", "Only some"], horizontal=True,
                     key="handoff_scope")
    subset = None
    if scope == "Only some":
        st.multiselect("Stakeholders to hand off", options=list(names), key="handoff_subset",
                       format_func=lambda s: names.get(s, f"stakeholder {s}"),
                       placeholder="Choose stakeholders")
        subset = [s for s in st.session_state.get("handoff_subset", []) if s in names]
        if not subset:
            st.info("Choose at least one stakeholder.", icon=":material/checklist:")
            return
    try:
        preview = everything if subset is None else load(
            preview_handoff, from_user_id=from_id, to_user_id=to_id, stakeholder_ids=subset,
            include_team_seats=st.session_state.handoff_seats)
    except CrmError as error:
        st.error(markdown_text(str(error)), icon=":material/error:")
        return
    st.subheader(markdown_text(f"What moves from {preview.from_user} to {preview.to_user}"),
                 anchor=False)
    team_warning(preview, seats=st.session_state.handoff_seats)
    _show_preview(preview)
    if preview.is_empty:
        st.info(markdown_text(f"{preview.from_user} owns no relationships and holds no team "
                              "seats to hand off."), icon=":material/check:")
        return
    with st.form(f"{FORM}_form"):
        task, due = st.columns(2)
        task.checkbox(markdown_text(f"Create a handover task for {preview.to_user}"),
                      key="handoff_task")
        due.date_input("Due", value=date.today() + timedelta(days=7), key="handoff_due",
                       format="YYYY-MM-DD")
        field_error(FORM, "due_date")
        st.session_state[SHOWN] = preview.fingerprint
        st.form_submit_button(markdown_text(f"Hand off {len(preview.stakeholders):,} "
                                            f"relationship(s) to {preview.to_user}"),
                              type="primary", on_click=_confirm,
                              key="handoff_confirm",
                              args=(preview, subset))
        form_errors(FORM, {"due_date"})
