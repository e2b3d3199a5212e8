"""Glossary: every term the screens show, what it means and the rule behind it."""

import streamlit as st

from crm_core.glossary import GROUPS, entries, term

st.title("Glossary")
st.caption("Each figure and label in the app means exactly what is written here, on every "
           "screen.")

text = st.text_input("Find a term", key="glossary_search", placeholder="e.g. gated, off the")
wanted = text.strip().lower()
found = 0
for group in GROUPS:
    matching = [e for e in entries(group)
                if not wanted or wanted in f"{e.name} {e.definition} {e.rule}".lower()]
    if not matching:
        continue
    st.subheader(group, anchor=False)
    if group == "Stakeholder roles":
        st.caption(term("meddpicc").rule)
    for entry in matching:
        found += 1
        # Our own fixed text (never people's input), so markdown is safe here.
        st.markdown(f"**{entry.name}** — {entry.definition}")
        st.caption(entry.rule)
if not found:
    st.caption("No term matches; try another word.")
