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
