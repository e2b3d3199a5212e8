"""The glossary holds each term once, with a definition and a rule; screens' words come from it."""

from crm_core import glossary
from crm_core.queries.meddpicc_sql import CELL_STATES, GAP_TYPES
from crm_core.vocab import MEDDPICC_ROLES


def test_every_entry_has_a_unique_key_and_name_a_definition_and_a_rule():
    every = glossary.entries()
    assert len({e.key for e in every}) == len(every)
    assert len({e.name for e in every}) == len(every)
    assert all(e.definition and e.rule and e.group in glossary.GROUPS for e in every)


def test_the_seven_roles_are_explained_as_evidence_for_meddpicc_elements():
    roles = glossary.entries("Stakeholder roles")
    assert [e.name for e in roles] == [MEDDPICC_ROLES.label(r) for r in MEDDPICC_ROLES]
    assert glossary.term("role_gatekeeper").rule == (
        "Gives evidence for Paper process and Decision process.")


def test_the_two_off_team_terms_are_named_apart_and_never_bare():
    assert glossary.name("off_account_team") == "Off the account team"
    assert glossary.name("off_deal_team") == "Off the deal team"
    assert all(e.name.lower() != "off-team" for e in glossary.entries())


def test_meddpicc_cell_and_gap_labels_are_the_glossarys_names():
    assert CELL_STATES.label("covered_off_team") == "Covered, owned off the deal team"
    assert GAP_TYPES.label("off_team") == glossary.name("owned_off_deal_team")
    assert glossary.help_text("not_gated").startswith(
        "An open deal whose stage requires no MEDDPICC role. It has no coverage score")
