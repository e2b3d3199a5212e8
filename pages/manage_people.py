"""People: each user's manager and region, their departure (the handoff offered first), and
the regions (admins)."""

import pandas as pd
import streamlit as st

from crm_core.access import Permission
from crm_core.glossary import name
from crm_core.queries.detail_search import search_users
from dashboard.auth import current_actor
from dashboard.detail import link_to, show_field
from dashboard.manage import pick, show_confirmation
from dashboard.people_forms import departure_form, person, placement_form, regions_admin

st.title("People")
st.caption("Who reports to whom, which region each user belongs to, and who has departed. "
           "A manager's team is everyone below them, at any depth.")
actor = current_actor()
show_confirmation()

picked = pick("user", search_users, label="user", plural="users", key="people_user")
if picked is None:
    st.info("Search for a user above to set their manager, region or departure.",
            icon=":material/search:")
else:
    row = person(picked)
    if row is None:
        st.warning("This user no longer exists. Search for another one.",
                   icon=":material/search_off:")
    else:
        link_to("user", picked, row["name"], icon=":material/person:")
        facts = st.columns(4)
        with facts[0]:
            show_field(name("manager"),
                       row["manager"] if pd.notna(row["manager"]) else None)
        with facts[1]:
            show_field(name("region"),
                       row["region"] if pd.notna(row["region"]) else None)
        with facts[2]:
            show_field("Direct reports", f"{int(row['reports']):,}")
        with facts[3]:
            show_field("Relationships owned", f"{int(row['owned']):,}")
        placement, departure = st.columns(2)
        with placement:
            placement_form(row)
        with departure:
            departure_form(row, actor)

if actor.can(Permission.ADMINISTER):
    st.subheader("Regions", anchor=False)
    regions_admin()
