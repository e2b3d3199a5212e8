"""The "What changed" section of the dashboards: for the scope and a period, the changes in the
audit trail that moved its figures, each line linking to the record and to its history."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.what_changed import became_orphaned, gap_changes, largest_handoffs
from dashboard.data import load
from dashboard.detail import show_table

OPEN = "what_changed_open"  # the expander, and its URL parameter
PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days"}
WHEN = st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm")
HISTORY = st.column_config.LinkColumn("History", display_text="History",
                                      help="Every change to this record")


def with_history(frame: pd.DataFrame, entity_type: str, id_column: str) -> pd.DataFrame:
    """The frame with a column linking each row's record to its history."""
    return frame.assign(history=[f"/history?entity_type={entity_type}&entity_id={int(i)}"
                                 for i in frame[id_column]])


def what_changed_section(scope: str, *, today: date) -> None:
    """The section, in an expander computed only when open (its state in the URL)."""
    section = st.expander(name("what_changed"), key=OPEN, bind="query-params",
                          icon=":material/history:")
    if not section.open:
        return
    with section:
        st.caption(help_text("what_changed") + " Only changes whose effect still stands.")
        days = st.segmented_control("Period", list(PERIODS), format_func=PERIODS.get,
                                    default=7, key="what_changed_days") or 7
        period = {"scope": scope, "since": today - timedelta(days=days), "until": today}
        st.markdown(f"**{name('orphaned')}** by a change in the period")
        orphaned = load(became_orphaned, **period)
        show_table(with_history(orphaned, "stakeholder", "stakeholder_id"),
                   key="what_changed_orphaned", links={"stakeholder": ("stakeholder",
                                                                       "stakeholder_id")},
                   empty="No relationship was orphaned in the period.",
                   columns={"when": WHEN, "stakeholder": "Stakeholder", "company": "Company",
                            "cause": "Change", "actor": "Changed by", "history": HISTORY})
        gaps, covered = load(gap_changes, **period)
        st.markdown(f"**{name('fully_covered')}** deals: became so in the period")
        show_table(with_history(covered, "opportunity", "opportunity_id"),
                   key="what_changed_covered",
                   links={"opportunity": ("opportunity", "opportunity_id")},
                   empty="No deal became fully covered in the period.",
                   columns={"when": WHEN, "opportunity": "Opportunity", "history": HISTORY})
        st.markdown("**MEDDPICC gaps** opened and closed")
        show_table(with_history(gaps, "opportunity", "opportunity_id"),
                   key="what_changed_gaps",
                   links={"opportunity": ("opportunity", "opportunity_id")},
                   empty="No MEDDPICC gap opened or closed in the period.",
                   columns={"when": WHEN, "opportunity": "Opportunity",
                            "role": "MEDDPICC role", "change": "Gap", "action": "By",
                            "actor": "Changed by", "history": HISTORY})
        st.markdown("**Largest handoffs**")
        handoffs = load(largest_handoffs, **period)
        show_table(with_history(handoffs, "user", "from_user_id"), key="what_changed_handoffs",
                   links={"from_user": ("user", "from_user_id"),
                          "to_user": ("user", "to_user_id")},
                   empty="No handoff in the period.",
                   columns={"when": WHEN, "from_user": "From", "to_user": "To",
                            "stakeholders": "Relationships moved", "actor": "Changed by",
                            "history": HISTORY})
