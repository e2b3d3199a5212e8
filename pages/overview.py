"""Overview: the one-glance summary for sales leaders."""

import streamlit as st

st.title("Overview")
