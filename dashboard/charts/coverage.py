"""The coverage screen's charts: coverage per company or industry, the users x companies
heatmap, and owner load. Each builder returns an Altair chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.overview import OWNERSHIP_COLOURS

MONEY_FORMAT = "$,.0f"
PARTS = {"orphaned": "Orphaned", "single_owner": "Single owner",
         "multi_owner": "Two or more owners"}
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)  # counts: no 0.5 stakeholder ticks
LOAD_COLOURS = {"Sole owner": "#f9a825", "Shared with others": "#2e7d32"}


def _scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def coverage_bars_chart(frame: pd.DataFrame, *, category: str = "company") -> alt.Chart:
    """Horizontal bars per company or industry, split into orphaned, single-owner and
    multi-owner stakeholders, in the frame's order (sorted by the query).

    `frame` is `coverage_by_company` (category "company") or `coverage_by_industry`
    (category "industry").
    """
    title = "Company" if category == "company" else "Industry"
    data = frame.copy()
    data[category] = data[category].fillna("No industry")
    order = list(dict.fromkeys(data[category]))
    long = data.melt(id_vars=[category, "stakeholders", "owned_share", "open_pipeline"],
                     value_vars=list(PARTS), var_name="part", value_name="count")
    long["Ownership"] = long["part"].map(PARTS)
    long["order"] = long["part"].map({p: i for i, p in enumerate(PARTS)})
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
        x=alt.X("count:Q", title="Stakeholders", stack="zero", axis=COUNT_AXIS),
        color=alt.Color("Ownership:N", scale=_scale(OWNERSHIP_COLOURS),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{category}:N", title=title),
                 alt.Tooltip("Ownership:N"), alt.Tooltip("count:Q", title="Stakeholders"),
                 alt.Tooltip("stakeholders:Q", title=f"All stakeholders of the {title.lower()}"),
                 alt.Tooltip("owned_share:Q", title="Owned", format=".0%"),
                 alt.Tooltip("open_pipeline:Q", title="Open pipeline", format=MONEY_FORMAT)],
    ).properties(height=alt.Step(22))


def coverage_heatmap(frame: pd.DataFrame) -> alt.LayerChart:
    """Users (rows, most owned first) x companies (columns, largest open pipeline first): the
    colour is how many of the company's stakeholders the user owns; an outlined cell means the
    user is on the company's account team.

    `frame` is `coverage_matrix`.
    """
    data = frame.copy()
    data["team"] = data["on_account_team"].map({True: "On account team",
                                                False: "Not on account team"})
    data["label"] = [str(n) if n else "" for n in data["owned"]]
    companies = list(data.sort_values("company_rank")["company"].drop_duplicates())
    users = list(data.sort_values("user_rank")["user"].drop_duplicates())
    base = alt.Chart(data).encode(
        x=alt.X("company:N", title=None, sort=companies,
                axis=alt.Axis(labelAngle=-35, labelLimit=180, labelOverlap=False)),
        y=alt.Y("user:N", title=None, sort=users))
    cells = base.mark_rect(cornerRadius=2).encode(
        color=alt.condition(alt.datum.owned > 0, alt.Color(
            "owned:Q", title="Stakeholders owned", scale=alt.Scale(scheme="blues", domainMin=0),
            legend=alt.Legend(orient="bottom", format="d", tickMinStep=1)),
            alt.value("#f1f3f5")),
        stroke=alt.condition(alt.datum.on_account_team, alt.value("#111111"),
                             alt.value("transparent")),
        strokeWidth=alt.value(2),
        tooltip=[alt.Tooltip("user:N", title="User"), alt.Tooltip("company:N", title="Company"),
                 alt.Tooltip("owned:Q", title="Stakeholders owned"),
                 alt.Tooltip("team:N", title="Account team"),
                 alt.Tooltip("company_stakeholders:Q", title="Company's stakeholders"),
                 alt.Tooltip("company_orphaned:Q", title="Company's orphaned"),
                 alt.Tooltip("company_open_pipeline:Q", title="Open pipeline",
                             format=MONEY_FORMAT)])
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        # White on the darker half of the colour scale, dark text on the lighter half.
        color=alt.condition(alt.datum.owned > max(int(data["owned"].max()), 1) / 2,
                            alt.value("white"), alt.value("#222222")))
    return alt.layer(cells, text).properties(height=alt.Step(24))


def owner_load_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars per user: stakeholders they own alone and shared with others, with the
    open pipeline and companies in the tooltip. `frame` is `owner_load` (rows in its order)."""
    data = frame.copy()
    data["Sole owner"] = data["sole_owner_of"]
    data["Shared with others"] = data["stakeholders_owned"] - data["sole_owner_of"]
    order = list(data["name"])
    long = data.melt(id_vars=["name", "stakeholders_owned", "companies_touched",
                              "open_opportunities", "open_pipeline"],
                     value_vars=list(LOAD_COLOURS), var_name="Ownership", value_name="count")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)),
        x=alt.X("count:Q", title="Stakeholders owned", stack="zero", axis=COUNT_AXIS),
        color=alt.Color("Ownership:N", scale=_scale(LOAD_COLOURS),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("name:N", title="User"), alt.Tooltip("Ownership:N"),
                 alt.Tooltip("count:Q", title="Stakeholders"),
                 alt.Tooltip("stakeholders_owned:Q", title="Owned in all"),
                 alt.Tooltip("companies_touched:Q", title="Companies"),
                 alt.Tooltip("open_opportunities:Q", title="Open opportunities"),
                 alt.Tooltip("open_pipeline:Q", title="Open pipeline", format=MONEY_FORMAT)],
    ).properties(height=alt.Step(20))
