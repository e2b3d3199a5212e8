"""The one scope control of the dashboards, kept in the URL (?scope=team:12) so a link opens the
same view and the browser's back button returns to the previous scope; and the team comparison.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core.access import Actor
from crm_core.errors import ValidationError
from crm_core.glossary import help_text, name
from crm_core.queries.people import people, regions
from crm_core.queries.scope import WHOLE, Scope
from crm_core.queries.task_details import user_id_for_email
from crm_core.queries.team_comparison import team_comparison
from dashboard.data import load
from dashboard.detail import MONEY, show_table

PARAM = "scope"
KEY = "scope_control"
COMPARISON = "team_comparison_open"  # the comparison's expander, and its URL parameter
REMEMBERED = "_crm_scope"  # session_state: the scope last shown, carried from page to page


def _choices(actor: Actor) -> tuple[dict[str, str], str]:
    """{scope text: label} in the control's order, and the signed-in user's default scope."""
    staff, areas = load(people), load(regions)
    me = load(user_id_for_email, email=actor.email)
    mine = staff[(staff["user_id"] == me) & (staff["reports"] > 0)]
    labels = {WHOLE: name("organisation")}
    default = WHOLE
    if not mine.empty:
        default = f"team:{me}"
        labels[default] = f"{name('my_team')} ({mine.iloc[0]['name']})"
    for row in areas.itertuples():
        labels[f"region:{row.region_id}"] = f"{name('region')} · {row.name}"
    for row in staff[staff["reports"] > 0].itertuples():
        labels.setdefault(f"team:{row.user_id}", f"{name('team')} of {row.name}")
    for row in staff.itertuples():
        gone = f" ({name('departed').lower()})" if pd.notna(row.departed_on) else ""
        labels[f"person:{row.user_id}"] = f"{row.name}{gone}"
    return labels, default


def placement(user_id: int) -> dict:
    """A user's manager, region, departure date and number of direct reports (for display)."""
    staff = load(people)
    rows = staff[staff["user_id"] == user_id]
    if rows.empty:
        return {"manager": None, "region": None, "departed_on": None, "reports": 0}
    row = rows.iloc[0]
    return {"manager": row["manager"] if pd.notna(row["manager"]) else None,
            "region": row["region"] if pd.notna(row["region"]) else None,
            "departed_on": row["departed_on"] if pd.notna(row["departed_on"]) else None,
            "reports": int(row["reports"])}


def to_url(key: str, param: str) -> None:
    """A widget's on_change: put its value in the URL. Set from Python, the URL change is a new
    entry in the browser's history, so back returns to the previous value (a widget bound with
    bind="query-params" replaces the entry instead)."""
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)


def from_url(key: str, param: str, options: list[str], default: str | None) -> str | None:
    """Set the widget `key` from the URL's `param` (a shared link, the back button) before it
    is drawn; an absent or unknown value gives the default. Returns the value shown."""
    wanted = st.query_params.get(param)
    value = wanted if wanted in options else default
    st.session_state[key] = value
    return value


def scope_control(actor: Actor) -> str:
    """The scope selector; returns the scope text every scoped query takes.

    The URL leads: a shared link or the back button sets the control. Without a scope in the
    URL, the one last shown in this session applies, else My team for someone with reports,
    else the whole organisation.
    """
    labels, default = _choices(actor)
    wanted = st.query_params.get(PARAM) or st.session_state.get(REMEMBERED) or default
    try:
        wanted = str(Scope.parse(wanted))
    except ValidationError:
        wanted = None
    if wanted not in labels:
        st.warning("The scope in the link does not exist (any more): showing your default "
                   "scope instead.", icon=":material/info:")
        wanted = default
    if st.query_params.get(PARAM) != wanted:
        st.query_params[PARAM] = wanted  # the address bar always names the scope shown
    st.session_state[KEY] = wanted
    st.session_state[REMEMBERED] = wanted
    st.selectbox(name("scope"), list(labels), format_func=labels.get, key=KEY,
                 on_change=to_url, args=(KEY, PARAM), help=help_text("scope"))
    return wanted


def team_comparison_section(scope: str, *, today: date) -> None:
    """For a team scope: its direct reports' teams side by side, in an expander computed only
    when open (its state is in the URL too, so a shared link opens it)."""
    parsed = Scope.parse(scope)
    if parsed.kind != "team":
        return
    section = st.expander(name("team_comparison"), key=COMPARISON,
                          bind="query-params", icon=":material/compare_arrows:")
    if not section.open:
        return
    with section:
        show_team_comparison(load(team_comparison, manager_id=parsed.id, today=today))


def show_team_comparison(frame: pd.DataFrame) -> None:
    """The teams of the direct reports side by side, each row opening that team's scope."""
    if frame.empty:
        st.caption("Nobody reports to this manager directly.")
        return
    st.caption(help_text("team_comparison"))
    # Each row opens the Overview on that team, with its own comparison open.
    frame = frame.assign(team=[f"/overview?{PARAM}={s}&{COMPARISON}=true"
                               for s in frame["scope"]])
    show_table(frame, key="team_comparison", file_name="team-comparison",
               links={"name": ("user", "user_id")},
               columns={"name": "Direct report", "job_title": "Job title",
                        "team": st.column_config.LinkColumn(
                            "Scope", display_text="Open team",
                            help="Show the dashboards for this team"),
                        "team_size": st.column_config.NumberColumn(
                            "People", help="The direct report and everyone below them"),
                        "stakeholders": "Stakeholders",
                        "owned_share": st.column_config.NumberColumn(
                            "Owned", format="percent",
                            help="Share of stakeholders with an owner who has not departed"),
                        "orphaned": "Orphaned",
                        "orphaned_owner_departed": st.column_config.NumberColumn(
                            "Orphaned (owner departed)",
                            help=help_text("orphaned_owner_departed")),
                        "open_opportunities": "Open deals",
                        "value_at_risk": st.column_config.NumberColumn(
                            "Value at risk", **MONEY,
                            help="Open pipeline with a MEDDPICC gap among required roles"),
                        "overdue_tasks": "Overdue tasks"})
