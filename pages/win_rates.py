"""What coverage is worth here: win rates of our own closed deals, grouped by their coverage,
with 95% intervals; groups too small to compare are named, not drawn."""

from datetime import date

import streamlit as st

from crm_core.glossary import help_text, term
from crm_core.queries.win_rates import COMPARISONS, MIN_LOST, MIN_WON, win_rates
from dashboard.auth import current_actor
from dashboard.charting import show_chart
from dashboard.charts.win_rates import win_rate_chart
from dashboard.data import load
from dashboard.format import percent
from dashboard.scope_view import scope_control

st.title("What coverage is worth here")
actor = current_actor()  # the sign-in gate and routing come first, before anything is shown
caveat = term("association_not_cause")
# Our own fixed words (never people's input), so markdown is safe here.
st.info(f"**{caveat.name}.** {caveat.definition} {caveat.rule}", icon=":material/info:")

scope = scope_control(actor)
frame = load(win_rates, today=date.today(), scope=scope)
# Every closed deal is in exactly one group of each comparison: the first one's total is all.
first = frame[frame["comparison"] == COMPARISONS.values[0]]
won, lost = int(first["won"].sum()), int(first["lost"].sum())
st.caption(f"{won + lost:,} closed deals: {won:,} won and {lost:,} lost. A group is drawn "
           f"when it holds at least {MIN_WON} won and {MIN_LOST} lost deals. "
           + term("win_rate").rule + " " + term("wilson_interval").rule)

for comparison in COMPARISONS:
    rows = frame[frame["comparison"] == comparison]
    label = COMPARISONS.label(comparison)
    glossary_key = COMPARISONS.terms[COMPARISONS.position(comparison)].doc
    st.subheader(label, anchor=False, help=help_text(glossary_key))
    drawn = rows[rows["drawn"]]
    if drawn.empty:
        st.caption("Nothing drawn: no group has enough closed deals to compare.")
    else:
        show_chart(win_rate_chart, drawn.reset_index(drop=True))
    for why in rows.loc[~rows["drawn"], ["label", "why_not"]].itertuples():
        st.caption(f"{why.label}: {why.why_not}")
    st.dataframe(
        rows.assign(rate=[percent(r) for r in rows["win_rate"]],
                    interval=[f"{percent(lo)} – {percent(hi)}" if lo == lo and lo is not None
                              else "—" for lo, hi in zip(rows["low"], rows["high"],
                                                         strict=True)]),
        key=f"win_rates_{comparison}", hide_index=True,
        column_order=["label", "won", "lost", "rate", "interval"],
        column_config={"label": label, "won": "Won", "lost": "Lost", "rate": "Win rate",
                       "interval": "95% interval"})
