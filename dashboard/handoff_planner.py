"""The handoff planner's parts: suggested successors per company with the reason, a book split
among several receivers with each one's load after the move, a warning for a receiver not on
an account team, and the history of handoffs with Undo."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.handoff_history import recent_handoffs
from crm_core.queries.pickers import not_on_account_teams, people_to_choose
from crm_core.queries.successors import book_stakeholders, successor_suggestions
from crm_core.services.handoff import HandoffPreview, preview_handoff
from crm_core.services.handoff_split import hand_off_split
from crm_core.services.handoff_undo import undo_handoff
from dashboard.data import load
from dashboard.detail import show_table
from dashboard.format import markdown_text
from dashboard.manage import form_errors, submit

SPLIT, UNDO = "handoff_split", "handoff_undo"


def suggestions(from_id: int) -> pd.DataFrame:
    """The best three successors for each company of the giver's book, with why."""
    frame = load(successor_suggestions, from_user_id=from_id)
    with st.expander(f"{name('successor')}s ({frame['company'].nunique():,} companies)",
                     icon=":material/recommend:"):
        st.caption(f"{help_text('successor')} A successor with a similar book keeps more of "
                   "the revenue than a star with none.")
        show_table(frame, key="handoff_suggestions", file_name="handoff-suggestions",
                   empty="Nothing to suggest: the user owns no relationships.",
                   links={"company": ("company", "company_id"), "name": ("user", "user_id")},
                   columns={"company": "Company", "rank": "Rank", "name": name("successor"),
                            "reason": "Why"})
    return frame


def team_warning(preview: HandoffPreview, *, seats: bool) -> None:
    """Warn when the receiver is not on the account team of a company that moves to them."""
    missing = load(not_on_account_teams, user_id=preview.to_user_id,
                   company_ids=tuple(int(i) for i in preview.companies["company_id"]))
    if not missing:
        return
    names = ", ".join(missing)
    st.warning(markdown_text(
        f"{preview.to_user} is not on the account team of {names}: "
        + (f"{preview.from_user}'s seats there move to {preview.to_user}." if seats else
           f"without the seats, {preview.to_user} will own relationships off the account "
           "team.")), icon=":material/group_off:")


def _split_done(results) -> str:
    moved = sum(r.stakeholders for r in results)
    return f"Handed {moved} stakeholder relationship(s) to {len(results)} receiver(s)."


def split_book(from_id: int, ranked: pd.DataFrame, receivers: dict[int, str], *,
               seats: bool) -> None:
    """Choose a receiver per company (the top suggestion by default), see each receiver's load
    after the move, and hand all parts off in one go."""
    book = load(book_stakeholders, from_user_id=from_id)
    receivers = {u: label for u, label in receivers.items() if u != from_id}
    companies = book.groupby(["company_id", "company"]).size().reset_index()
    top = dict(zip(ranked.loc[ranked["rank"] == 1, "company_id"],
                   ranked.loc[ranked["rank"] == 1, "user_id"], strict=True))
    by_label = {label: user_id for user_id, label in receivers.items()}
    base = pd.DataFrame({"company": companies["company"],
                         "receiver": [receivers.get(top.get(c)) for c in companies["company_id"]]})
    edited = st.data_editor(base, key=f"{SPLIT}_editor", hide_index=True, disabled=["company"],
                            column_config={"company": "Company", "receiver": (
                                st.column_config.SelectboxColumn(
                                    "Receiver", options=list(receivers.values())))})
    chosen = {int(c): by_label.get(r) for c, r in zip(companies["company_id"], edited["receiver"],
                                                      strict=True)}
    owned = load(people_to_choose).set_index("user_id")["owned"]
    parts, loads = [], []
    for receiver in dict.fromkeys(u for u in chosen.values() if u is not None):
        ids = tuple(int(s) for s, c in zip(book["stakeholder_id"], book["company_id"],
                                           strict=True) if chosen.get(int(c)) == receiver)
        preview = load(preview_handoff, from_user_id=from_id, to_user_id=receiver,
                       stakeholder_ids=ids, include_team_seats=seats)
        gained = int((~preview.stakeholders["receiver_owns"]).sum())
        now = int(owned.get(receiver, 0))
        loads.append((preview.to_user, len(preview.companies), len(ids), now, now + gained))
        parts.append((receiver, ids, preview.fingerprint))
        team_warning(preview, seats=seats)
    st.dataframe(pd.DataFrame(loads, columns=["Receiver", "Companies", "Relationships",
                                              "Owns now", "Owns after"]),
                 hide_index=True, key=f"{SPLIT}_loads")
    form_errors(SPLIT, ())
    st.button(f"Hand off to {len(parts)} receiver(s)", type="primary", key=f"{SPLIT}_confirm",
              disabled=not parts, on_click=submit, args=(SPLIT, hand_off_split, _split_done),
              kwargs={"from_user_id": from_id, "parts": parts, "include_team_seats": seats})


def history() -> None:
    """The latest handoffs, each with Undo (refused with the reason if a record changed)."""
    frame = load(recent_handoffs, limit=10)
    st.markdown("**Recent handoffs**")
    if frame.empty:
        st.caption("No handoff yet.")
    for row in frame.itertuples():
        text, action = st.columns([5, 1])
        text.text(f"{row.occurred_at:%Y-%m-%d %H:%M} · {row.actor_email} · {row.summary}")
        action.button("Undone" if row.undone else "Undo", key=f"{UNDO}_{row.event_id}",
                      disabled=row.undone, icon=":material/undo:", on_click=submit,
                      args=(UNDO, undo_handoff,
                            lambda r: f"Undid the handoff from {r.from_user} to {r.to_user}: "
                                      f"{r.stakeholders} relationship(s) are back."),
                      kwargs={"event_id": int(row.event_id)})
    form_errors(UNDO, ())
