"""The coverage screen's parts: filters, headline against the whole book, the stakeholder lists
and the in-place owner assignment (the page stays widgets -> load -> render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from crm_core.glossary import help_text, name
from crm_core.queries.coverage import CoverageSummary
from crm_core.queries.coverage_lists import orphaned_stakeholders, single_owner_stakeholders
from crm_core.queries.coverage_scope import RowsPage, filter_choices
from crm_core.queries.freshness import OwnedFreshness
from crm_core.queries.owner_load import off_account_team_owners
from crm_core.services.assignments import assign_owner
from crm_core.vocab import MEDDPICC_ROLES
from dashboard.data import load, whole_list
from dashboard.detail import MONEY, pager, show_table
from dashboard.format import percent
from dashboard.manage import field_error, form_errors, set_error, submit
from dashboard.off_team_fix import off_team_fix
from dashboard.people_picker import owner_warning_passed, person_labels

PAGE_SIZE = 25
ASSIGN_FORM = "coverage_assign"
STAKEHOLDER_COLUMNS = {"stakeholder": "Stakeholder", "job_title": "Job title",
                       "company": "Company", "meddpicc_roles": "MEDDPICC roles",
                       "open_opportunities": st.column_config.NumberColumn(
                           name("linked_open_deals"), help=help_text("linked_open_deals")),
                       "open_pipeline": st.column_config.NumberColumn(
                           "Open pipeline", help="Value of the linked open deals", **MONEY)}
STAKEHOLDER_LINKS = {"stakeholder": ("stakeholder", "stakeholder_id"),
                     "company": ("company", "company_id")}


def coverage_filters() -> dict[str, Any]:
    """The filter row; returns the keyword filters every coverage query takes."""
    choices = load(filter_choices)
    companies = dict(zip(choices["companies"]["company_id"], choices["companies"]["name"],
                         strict=True))
    users = dict(zip(choices["users"]["user_id"], choices["users"]["name"], strict=True))
    company, industry, user, role, only_open = st.columns([3, 2, 2, 2, 2],
                                                          vertical_alignment="bottom")
    company_ids = company.multiselect(
        "Company", list(companies), format_func=lambda i: companies.get(i, str(i)),
        key="coverage_companies", bind="query-params", placeholder="Every company",
        help="The companies with the largest open pipeline are listed.")
    industries = industry.multiselect("Industry", choices["industries"],
                                      key="coverage_industries",
                                      bind="query-params", placeholder="Every industry")
    user_ids = user.multiselect(
        "Account team member", list(users), format_func=lambda i: users.get(i, str(i)),
        key="coverage_members", bind="query-params", placeholder="Anyone",
        help="Stakeholders of the companies whose account team they are on; in owner load, "
             "the matrix and the owners off the account team: those users.")
    roles = role.multiselect("MEDDPICC role", MEDDPICC_ROLES.values,
                             format_func=MEDDPICC_ROLES.label, key="coverage_roles",
                             bind="query-params",
                             placeholder="Any role or none",
                             help="Stakeholders playing at least one of these roles.")
    open_only = only_open.toggle(name("companies_with_open_deals"), key="coverage_only_open",
                                 bind="query-params", help=help_text("companies_with_open_deals"))
    return {"company_ids": tuple(int(i) for i in company_ids), "industries": tuple(industries),
            "user_ids": tuple(int(i) for i in user_ids), "meddpicc_roles": tuple(roles),
            "only_with_open_opportunities": bool(open_only)}


def _points(part: int, whole: int, base_part: int, base_whole: int) -> str | None:
    """The change of a share against the whole book, in percentage points."""
    if not whole or not base_whole:
        return None
    return f"{(part / whole - base_part / base_whole) * 100:+.1f} pp vs all"


def show_headline(summary: CoverageSummary, baseline: CoverageSummary, *, filtered: bool) -> None:
    """Five metrics; with filters on, each share's change against the unfiltered book."""
    def delta(part: int, base_part: int) -> str | None:
        return _points(part, summary.stakeholders, base_part, baseline.stakeholders) \
            if filtered else None

    total = summary.stakeholders
    cells = st.columns(5)
    cells[0].metric("Stakeholders", f"{total:,}", border=True,
                    delta=f"{total - baseline.stakeholders:+,} vs all" if filtered else None,
                    delta_color="off")
    cells[0].caption(f"of {baseline.stakeholders:,} in all" if filtered else "everyone we know")
    cells[1].metric("Owned", percent(summary.owned_share), border=True,
                    delta=delta(summary.owned, baseline.owned),
                    help=help_text("owned"))
    cells[1].caption(f"{summary.owned:,} stakeholders")
    for cell, label, part, base_part, inverse, explained in (
            (cells[2], name("orphaned"), summary.orphaned, baseline.orphaned, True,
             help_text("orphaned")),
            (cells[3], name("single_owner"), summary.single_owner, baseline.single_owner, True,
             help_text("single_owner")),
            (cells[4], name("multi_owner"), summary.multi_owner, baseline.multi_owner, False,
             help_text("multi_owner"))):
        cell.metric(label, f"{part:,}", border=True, delta=delta(part, base_part),
                    delta_color="inverse" if inverse else "normal", help=explained)
        cell.caption(f"{percent(part / total if total else None)} of stakeholders")
    cells[2].caption(f"{summary.orphaned_owner_departed:,} "
                     f"{name('orphaned_owner_departed').lower()}")


def show_freshness(freshness: OwnedFreshness) -> None:
    """Owned stakeholders split into owned and fresh and owned but stale."""
    fresh, stale, threshold = st.columns([1, 1, 2])
    fresh.metric(name("owned_fresh"), f"{freshness.owned_fresh:,}", border=True,
                 help=help_text("owned_fresh"))
    fresh.caption(f"{percent(freshness.fresh_share)} of owned stakeholders")
    stale.metric(name("owned_stale"), f"{freshness.owned_stale:,}", border=True,
                 help=help_text("owned_stale"))
    stale_share = None if freshness.fresh_share is None else 1 - freshness.fresh_share
    stale.caption(f"{percent(stale_share)} of owned stakeholders")
    threshold.caption(f"{name('stale_threshold')}: {freshness.stale_after_days} days without "
                      f"a touch. {help_text('last_touch')}")


# The two lists of orphans: (query cause, table key, file name, text when empty).
ORPHAN_LISTS = {
    "no_owner": ("coverage_orphans", "orphaned-stakeholders",
                 "No orphaned stakeholder matches the filters: every one has an owner."),
    "owner_departed": ("coverage_owner_departed", "orphaned-owner-departed",
                       "No stakeholder in scope lost all their owners to departures."),
}


def show_orphans(filters: dict[str, Any], *, can_edit: bool, cause: str = "no_owner") -> None:
    """Stakeholders nobody owns (or, with cause 'owner_departed', whose owners all departed),
    biggest open pipeline first; managers can assign an owner."""
    key, file_name, empty = ORPHAN_LISTS[cause]
    if cause == "owner_departed":
        st.caption(help_text("orphaned_owner_departed"))
    page = _page(orphaned_stakeholders, {**filters, "cause": cause}, key=f"{key}_page")
    show_table(page.rows, key=key, file_name=file_name, empty=empty, links=STAKEHOLDER_LINKS,
               columns=STAKEHOLDER_COLUMNS,
               whole=whole_list(orphaned_stakeholders, cause=cause, **filters))
    if can_edit and not page.rows.empty:
        _assign_form(page, form=ASSIGN_FORM, title="Assign an owner",
                     caption="Pick an orphaned stakeholder from this page and the user who "
                             "will own the relationship.", which="Orphaned stakeholder")


def _assign(form: str, stakeholders: dict[int, str], users: dict[int, str]) -> None:
    # A button callback: what it shows comes in through its arguments.
    stakeholder_id = st.session_state.get(f"{form}_stakeholder")
    user_id = st.session_state.get(f"{form}_user")
    if stakeholder_id is None or user_id is None:
        field = "stakeholder_id" if stakeholder_id is None else "user_id"
        set_error(form, field, "Choose the stakeholder and the user who will own the "
                               "relationship.")
        return
    if not owner_warning_passed(form, "user_id", stakeholder_id=stakeholder_id,
                                user_ids=[user_id]):
        return
    owner = users.get(user_id, f"user {user_id}").split(" · ")[0]
    name = stakeholders.get(stakeholder_id, f"stakeholder {stakeholder_id}").split(" · ")[0]
    submit(form, assign_owner,
           f"{owner} now owns the relationship with {name}.",
           stakeholder_id=stakeholder_id, user_id=user_id)


def _assign_form(page: RowsPage, *, form: str, title: str, caption: str, which: str) -> None:
    """Assign an owner to a stakeholder of this page of the list, the stakeholder's account
    team offered first (no st.form: the owner list follows the chosen stakeholder)."""
    stakeholders = {int(r.stakeholder_id): f"{r.stakeholder} · {r.company}"
                    for r in page.rows.itertuples()}
    companies = {int(r.stakeholder_id): int(r.company_id) for r in page.rows.itertuples()}
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(caption)
        left, right = st.columns(2)
        with left:
            chosen = st.selectbox(which, list(stakeholders), index=None,
                                  format_func=lambda i: stakeholders.get(i, str(i)),
                                  key=f"{form}_stakeholder", placeholder="Choose a stakeholder")
            field_error(form, "stakeholder_id")
        labels = person_labels(company_id=companies.get(chosen))
        with right:
            st.selectbox("Relationship owner", list(labels), index=None,
                         format_func=lambda i: labels.get(i, str(i)), key=f"{form}_user",
                         placeholder="The account team first")
            field_error(form, "user_id")
        form_errors(form, ("stakeholder_id", "user_id"))
        st.button("Assign owner", type="primary", key=f"{form}_submit",
                  on_click=_assign, args=(form, stakeholders, labels),
                  icon=":material/person_add:")


def show_single_owner(filters: dict[str, Any], *, can_edit: bool = False) -> None:
    """Stakeholders with exactly one owner, biggest open pipeline first."""
    page = _page(single_owner_stakeholders, filters, key="coverage_single_page")
    show_table(page.rows, key="coverage_single", file_name="single-owner-stakeholders",
               empty="No single-owner stakeholder matches the filters.",
               links={**STAKEHOLDER_LINKS, "owner": ("user", "owner_id")},
               columns={**STAKEHOLDER_COLUMNS, "owner": "Only owner"},
               whole=whole_list(single_owner_stakeholders, **filters))
    if can_edit and not page.rows.empty:
        _assign_form(page, form="coverage_second", title="Assign a second owner",
                     caption="Pick a single-owner stakeholder from this page and the user who "
                             "will share the relationship.", which="Single-owner stakeholder")


def show_off_team(filters: dict[str, Any], *, can_edit: bool = False) -> None:
    """Ownerships whose owner is not on the stakeholder's company account team."""
    st.caption(help_text("off_account_team"))
    page = _page(off_account_team_owners, filters, key="coverage_off_team_page")
    show_table(page.rows, key="coverage_off_team", file_name="owners-off-the-account-team",
               empty="Every relationship owner is on the account team of the stakeholder's "
                     "company.",
               links={**STAKEHOLDER_LINKS, "owner": ("user", "owner_id")},
               columns={"stakeholder": "Stakeholder", "job_title": "Job title",
                        "company": "Company", "meddpicc_roles": "MEDDPICC roles",
                        "owner": "Owner (off the account team)",
                        "owner_since": st.column_config.DatetimeColumn(
                            "Owner since", format="YYYY-MM-DD")},
               whole=whole_list(off_account_team_owners, **filters))
    if can_edit and not page.rows.empty:
        off_team_fix(page.rows)


def _page(query: Callable[..., RowsPage], filters: dict[str, Any], *, key: str) -> RowsPage:
    """The page the pager points at (the first page is loaded anyway, for the total)."""
    first = load(query, limit=PAGE_SIZE, offset=0, **filters)
    offset = pager(first.total, key=key, page_size=PAGE_SIZE)
    return first if offset == 0 else load(query, limit=PAGE_SIZE, offset=offset, **filters)

