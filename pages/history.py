"""History: the audit trail — who changed what, when, before → after — filtered and paginated."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from crm_core.access import Permission
from crm_core.queries.audit_log import ACCESS_EVENTS, audit_actors, audit_events
from crm_core.validation import record_id
from crm_core.vocab import ENTITY_TYPES
from dashboard.auth import current_actor
from dashboard.data import load, whole_list
from dashboard.detail import DETAIL_SCRIPTS, pager, show_table

PAGE_SIZE = 50
OTHER_TYPES = {"task": "Task", "access_grant": "Access grant", "setting": "Setting",
               "import": "Import", "database": "Database"}
# Who got which access role is an admin's business.
SEES_ACCESS = current_actor().can(Permission.ADMINISTER)
TYPE_LABELS = {t: label for t, label in
               {**{t.value: t.label for t in ENTITY_TYPES.terms}, **OTHER_TYPES}.items()
               if SEES_ACCESS or t != ACCESS_EVENTS}


def as_shown(events: pd.DataFrame) -> pd.DataFrame:
    """Events with the record type's label and a link to the record's page."""
    return events.assign(
        entity_type=events["entity_type"].map(lambda t: TYPE_LABELS.get(t, t)),
        record=[f"/{t}?id={i}" if t in DETAIL_SCRIPTS and pd.notna(i) else None
                for t, i in zip(events["entity_type"], events["entity_id"], strict=True)])


st.title("History")
st.caption("Every change made through the app, newest first: who made it, when, and what it "
           "was before and after. Times are UTC.")

if (wanted := st.query_params.get("entity_type")) in TYPE_LABELS \
        and "history_entity_type" not in st.session_state:
    st.session_state.history_entity_type = wanted  # linked from a detail page
if (linked := record_id(st.query_params.get("entity_id"))) is not None \
        and "history_entity_id" not in st.session_state:
    st.session_state.history_entity_id = str(linked)

kind, record, who, when = st.columns([1, 1, 2, 2])
entity_type = kind.selectbox("Record type", options=list(TYPE_LABELS), index=None,
                             format_func=TYPE_LABELS.get, key="history_entity_type",
                             placeholder="Any")
entity_id_text = record.text_input("Record id", key="history_entity_id", placeholder="Any")
actor = who.selectbox("Changed by", options=load(audit_actors), index=None, key="history_actor",
                      placeholder="Anyone")
period = when.date_input("Between", value=(date.today() - timedelta(days=30), date.today()),
                         key="history_period", format="YYYY-MM-DD",
                         help="Clear the dates to see all time")

entity_id = record_id(entity_id_text)
if entity_id_text.strip() and entity_id is None:
    record.error("A record id is a whole number from 1 to 2,147,483,647.",
                 icon=":material/error:")
since, until = (tuple(period) + (None, None))[:2] if period else (None, None)

filters = {"entity_type": entity_type, "entity_id": entity_id, "actor_email": actor,
           "since": since, "until": until or since, "with_access_events": SEES_ACCESS}
first = load(audit_events, **filters, limit=PAGE_SIZE)
st.subheader(f"{first.total:,} change(s)", anchor=False)
offset = pager(first.total, key="history_page", page_size=PAGE_SIZE)
page = first if offset == 0 else load(audit_events, **filters, limit=PAGE_SIZE, offset=offset)

show_table(as_shown(page.events), key="history_events", file_name="history",
           whole=whole_list(audit_events, shape=as_shown, **filters),
           empty="No changes match these filters.",
           columns={"when": st.column_config.DatetimeColumn("When (UTC)",
                                                            format="YYYY-MM-DD HH:mm"),
                    "who": "Who", "entity_type": "Record type",
                    "entity_id": st.column_config.NumberColumn("Record id", format="%d"),
                    "record": st.column_config.LinkColumn("Record", display_text="Open"),
                    "summary": "Summary", "changes": "Before → after", "action": "Action"})
