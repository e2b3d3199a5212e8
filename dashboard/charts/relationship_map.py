"""The relationship map as a Graphviz DOT string: our people -> the stakeholders they own -> the
MEDDPICC roles those stakeholders play. Rendered by st.graphviz_chart in the browser (offline)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crm_core import glossary
from crm_core.vocab import MEDDPICC_ROLES
from dashboard.links import detail_url

OUR_COLOUR = "#1f6feb"
OFF_TEAM_COLOUR = "#b35900"
STAKEHOLDER_COLOUR = "#444444"
ORPHAN_COLOUR = "#c62828"
ROLE_COLOUR = "#2e7d32"


def dot_text(value: object) -> str:
    """A value as a quoted DOT string: backslashes and quotes escaped, newlines kept as breaks."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def _node(node_id: str, **attributes: object) -> str:
    listed = ", ".join(f"{name}={dot_text(value)}" for name, value in attributes.items())
    return f"    {node_id} [{listed}];"


def relationship_map_dot(edges: pd.DataFrame, *, missing_roles: Iterable[str] = (),
                         off_label: str = glossary.name("off_account_team")) -> str:
    """The DOT source of the map of `crm_core.queries.relationship_map.relationship_map` rows.

    Owners off the team (off_label: off the account team on a company's map, off the deal
    team on an opportunity's) are orange and say so; orphaned stakeholders are red and dashed; roles
    in `missing_roles` (required but held by nobody linked) appear as red dashed role nodes.
    Each person node links to its detail page.
    """
    lines = ["digraph relationships {", "  rankdir=LR;", "  nodesep=0.25; ranksep=0.9;",
             '  node [fontname="Helvetica", fontsize=11, style="rounded,filled", '
             'fillcolor="white", penwidth=1.4];', '  edge [color="#9e9e9e", arrowsize=0.6];']
    users: dict[int, tuple[str, bool]] = {}
    stakeholders: dict[int, tuple[str, tuple[str, ...], bool]] = {}
    owner_edges: list[tuple[int, int]] = []
    for row in edges.itertuples(index=False):
        owned = row.user_id is not None and not pd.isna(row.user_id)
        sid = int(row.stakeholder_id)
        previous = stakeholders.get(sid)
        stakeholders[sid] = (row.stakeholder, tuple(row.roles or ()),
                             (previous[2] if previous else False) or owned)
        if owned:
            uid = int(row.user_id)
            users[uid] = (row.user, bool(row.on_team) or users.get(uid, ("", False))[1])
            owner_edges.append((uid, sid))

    held = {role for _, roles, _ in stakeholders.values() for role in roles}
    missing = [role for role in MEDDPICC_ROLES if role in set(missing_roles) and role not in held]
    shown_roles = [role for role in MEDDPICC_ROLES if role in held]

    lines.append("  subgraph people { rank=same;")
    for uid, (name, on_team) in sorted(users.items(), key=lambda item: item[1][0]):
        colour = OUR_COLOUR if on_team else OFF_TEAM_COLOUR
        label = name if on_team else f"{name}\n({off_label.lower()})"
        lines.append(_node(f"u{uid}", label=label, shape="box", color=colour, fontcolor=colour,
                           URL=detail_url("user", uid), target="_self", tooltip=f"Open {name}"))
    lines.append("  }")
    lines.append("  subgraph stakeholders { rank=same;")
    for sid, (name, _roles, owned) in sorted(stakeholders.items(), key=lambda item: item[1][0]):
        look = ({"color": STAKEHOLDER_COLOUR, "fontcolor": STAKEHOLDER_COLOUR} if owned else
                {"color": ORPHAN_COLOUR, "fontcolor": ORPHAN_COLOUR,
                 "style": "rounded,filled,dashed"})
        lines.append(_node(f"s{sid}", label=name if owned else f"{name}\n(orphaned)",
                           shape="ellipse", **look, URL=detail_url("stakeholder", sid),
                           target="_self", tooltip=f"Open {name}"))
    lines.append("  }")
    lines.append("  subgraph roles { rank=same;")
    for role in shown_roles:
        lines.append(_node(f"r_{role}", label=MEDDPICC_ROLES.label(role), shape="note",
                           color=ROLE_COLOUR, fontcolor=ROLE_COLOUR))
    for role in missing:
        lines.append(_node(f"r_{role}", label=f"{MEDDPICC_ROLES.label(role)}\n(missing)",
                           shape="note", color=ORPHAN_COLOUR, fontcolor=ORPHAN_COLOUR,
                           style="filled,dashed"))
    lines.append("  }")
    for uid, sid in owner_edges:
        lines.append(f"  u{uid} -> s{sid};")
    for sid, (_name, roles, _owned) in sorted(stakeholders.items()):
        for role in roles:
            if role in MEDDPICC_ROLES:
                lines.append(f"  s{sid} -> r_{role};")
    lines.append("}")
    return "\n".join(lines)
