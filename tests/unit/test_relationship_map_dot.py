"""The relationship map's DOT source: people -> stakeholders -> MEDDPICC roles, escaped names."""

import pandas as pd

from dashboard.charts.relationship_map import dot_text, relationship_map_dot
from dashboard.links import named_detail_url


def _edges(rows):
    return pd.DataFrame(rows, columns=["stakeholder_id", "stakeholder", "roles", "user_id",
                                       "user", "on_team"]).astype({"user_id": "Int64"})


EDGES = _edges([
    (10, "Dana Diaz", ("economic_buyer", "decision_maker"), 1, "Alice Archer", True),
    (11, "Eli Evans", ("technical_buyer",), 1, "Alice Archer", True),
    (11, "Eli Evans", ("technical_buyer",), 2, "Bob Baker", False),
    (12, "Fay Fox", ("gatekeeper",), None, None, False),
])


def test_quotes_backslashes_and_newlines_are_escaped_for_dot():
    assert dot_text('Say "hi"') == '"Say \\"hi\\""'
    assert dot_text("C:\\path") == '"C:\\\\path"'
    assert dot_text("two\nlines") == '"two\\nlines"'


def test_every_owner_points_at_their_stakeholder_and_each_stakeholder_at_their_roles():
    dot = relationship_map_dot(EDGES)
    for edge in ("u1 -> s10;", "u1 -> s11;", "u2 -> s11;", "s10 -> r_economic_buyer;",
                 "s10 -> r_decision_maker;", "s11 -> r_technical_buyer;",
                 "s12 -> r_gatekeeper;"):
        assert edge in dot
    assert dot.count(" -> s12") == 0  # the orphan has no owner edge
    assert dot.startswith("digraph relationships {") and dot.endswith("}")


def test_orphans_are_red_and_dashed_and_off_team_owners_say_so():
    dot = relationship_map_dot(EDGES, off_label="Off the deal team")
    fay = next(line for line in dot.splitlines() if line.strip().startswith("s12 "))
    assert 'label="Fay Fox\\n(orphaned)"' in fay and "dashed" in fay and "#c62828" in fay
    bob = next(line for line in dot.splitlines() if line.strip().startswith("u2 "))
    assert 'label="Bob Baker\\n(off the deal team)"' in bob
    alice = next(line for line in dot.splitlines() if line.strip().startswith("u1 "))
    assert 'label="Alice Archer"' in alice and 'URL="/user?id=1"' in alice


def test_missing_required_roles_appear_as_their_own_nodes_but_held_ones_do_not():
    dot = relationship_map_dot(EDGES, missing_roles=("champion", "economic_buyer"))
    assert 'r_champion [label="Champion\\n(missing)"' in dot
    assert "Economic buyer\\n(missing)" not in dot


def test_a_hostile_name_stays_inside_its_quoted_label():
    edges = _edges([(5, 'Evil" ]; x -> y; "\\', ("user",), 7, "Mal\\lory", True)])
    dot = relationship_map_dot(edges)
    assert 'label="Evil\\" ]; x -> y; \\"\\\\"' in dot
    assert 'label="Mal\\\\lory"' in dot
    assert "\nx -> y" not in dot


def test_named_detail_urls_carry_the_name_for_the_link_text():
    assert named_detail_url("stakeholder", 3, "Dana Diaz & Co") == \
        "/stakeholder?id=3&name=Dana+Diaz+%26+Co"
