"""The one owner and member picker every form uses: the account (or deal) team first and marked,
each user's current load shown, departed users never offered; and the warning shown before an
owner off the account team is saved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import streamlit as st

from crm_core.glossary import name
from crm_core.queries.pickers import off_account_team_names, people_to_choose
from dashboard.data import load
from dashboard.manage import set_error, user_labels


def person_labels(*, company_id: int | None = None, opportunity_id: int | None = None,
                  keep: Iterable[int] = ()) -> dict[int, str]:
    """{user_id: 'Alice Archer · Account Executive · on the account team · owns 12'}, the team
    first. Users in `keep` (e.g. current owners who have since departed) stay choosable, last,
    so a multiselect can still show them."""
    team_word = "on the deal team" if opportunity_id is not None else "on the account team"
    frame = load(people_to_choose, company_id=company_id, opportunity_id=opportunity_id)
    labels = {int(r.user_id): " · ".join(
        [r.name, r.job_title or "—"] + ([team_word] if r.on_team else [])
        + [f"owns {r.owned:,}"]) for r in frame.itertuples()}
    extra = {int(i) for i in keep} - set(labels)
    if extra:
        everyone = user_labels(keep=extra, with_owned=True)
        labels.update({i: everyone[i] for i in sorted(extra) if i in everyone})
    return labels


def owner_warning_passed(form: str, field: str, *, stakeholder_id: int,
                         user_ids: Sequence[int]) -> bool:
    """In a save callback: True when every chosen owner is on the account team of the
    stakeholder's company, or the same choice was already warned about once (saving again
    confirms it). Otherwise the warning is shown at the field and False returned."""
    pending_key = f"{form}__off_team_warned"
    choice = (stakeholder_id, tuple(sorted(int(u) for u in user_ids)))
    off = load(off_account_team_names, stakeholder_id=stakeholder_id, user_ids=choice[1])
    if off is None or st.session_state.get(pending_key) == choice:
        st.session_state.pop(pending_key, None)
        return True
    st.session_state[pending_key] = choice
    who = ", ".join(off.names)
    set_error(form, field, f"{who} {'is' if len(off.names) == 1 else 'are'} "
                           f"{name('off_account_team').lower()} of {off.company}. Save again "
                           "to go ahead, or choose someone on the account team.")
    return False
