"""The pages of the app, their groups, and which access role may open each one."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from crm_core.access import Actor, Permission


@dataclass(frozen=True)
class PageSpec:
    script: str
    title: str
    icon: str
    group: str
    url_path: str
    permission: Permission = Permission.READ
    default: bool = False


# Order here is the order in the sidebar. Each page needs the permission named to be registered.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "Dashboards", "overview",
             default=True),
    PageSpec("pages/coverage.py", "Coverage", ":material/diversity_3:", "Dashboards",
             "coverage"),
    PageSpec("pages/meddpicc.py", "MEDDPICC", ":material/checklist:", "Dashboards", "meddpicc"),
    PageSpec("pages/tasks.py", "Tasks", ":material/task_alt:", "Dashboards", "tasks"),
    PageSpec("pages/win_rates.py", "What coverage is worth here", ":material/insights:",
             "Dashboards", "coverage-worth"),
    PageSpec("pages/user.py", "User", ":material/person:", "Records", "user"),
    PageSpec("pages/stakeholder.py", "Stakeholder", ":material/contact_page:", "Records",
             "stakeholder"),
    PageSpec("pages/company.py", "Company", ":material/business:", "Records", "company"),
    PageSpec("pages/opportunity.py", "Opportunity", ":material/handshake:", "Records",
             "opportunity"),
    PageSpec("pages/history.py", "History", ":material/history:", "Records", "history"),
    PageSpec("pages/manage_ownership.py", "Ownership", ":material/supervisor_account:",
             "Manage", "ownership", permission=Permission.EDIT),
    PageSpec("pages/manage_teams.py", "Teams", ":material/groups:", "Manage", "teams",
             permission=Permission.EDIT),
    PageSpec("pages/manage_roles.py", "Roles & links", ":material/hub:", "Manage", "roles",
             permission=Permission.EDIT),
    PageSpec("pages/manage_records.py", "Records", ":material/edit_note:", "Manage", "records",
             permission=Permission.EDIT),
    PageSpec("pages/manage_people.py", "People", ":material/account_tree:", "Manage", "people",
             permission=Permission.EDIT),
    # READ: viewers may take out the full export; the page shows the import to editors only.
    PageSpec("pages/import_export.py", "Import & export", ":material/swap_vert:", "Manage",
             "import-export"),
    PageSpec("pages/access.py", "Access", ":material/admin_panel_settings:", "Admin", "access",
             permission=Permission.ADMINISTER),
    PageSpec("pages/settings.py", "Settings", ":material/settings:", "Admin", "settings",
             permission=Permission.ADMINISTER),
    PageSpec("pages/glossary.py", "Glossary", ":material/menu_book:", "Help", "glossary"),
)


def pages_for(actor: Actor) -> dict[str, list[st.Page]]:
    """The st.navigation mapping (group -> pages) of the pages this actor may open."""
    groups: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if actor.can(spec.permission):
            groups.setdefault(spec.group, []).append(
                st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                        default=spec.default))
    return groups


def url_of(url_path: str) -> str:
    """The relative URL of a page (for links inside tables)."""
    return f"/{url_path}"


def page_spec(script: str) -> PageSpec | None:
    """The registered page of a script ('pages/coverage.py'), or None if there is none yet."""
    return next((spec for spec in PAGES if spec.script == script), None)


def link_to_page(script: str, *, label: str, actor: Actor, icon: str | None = None,
                 query_params: dict | None = None) -> bool:
    """An st.page_link to the page when it exists and the actor may open it; else nothing.

    Returns whether a link was shown (st.page_link fails on a page navigation did not register).
    """
    spec = page_spec(script)
    if spec is None or not actor.can(spec.permission):
        return False
    st.page_link(spec.script, label=label, icon=icon or spec.icon, query_params=query_params)
    return True


def ensure_routed() -> None:
    """Rerun through Home.py when Streamlit ran a page script on its own.

    On the first run of a process Streamlit still treats a `pages/` folder next to the entry
    script the old way: a direct URL such as /access runs pages/access.py without Home.py, so
    without its sign-in gate. Home.py's st.navigation turns that off for the process; this
    turns it off first and reruns, so the gate and the per-role navigation always apply.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        RunLocation,
        ThreadState,
    )

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # In a widget callback the script has not started yet, and the runner reads the flag
        # after the callbacks: turning it off is enough. A rerun there would abort the callback.
        if ThreadState.get().run_location != RunLocation.CALLBACK:
            st.rerun()
