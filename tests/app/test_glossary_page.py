"""The Glossary page lists every term with its definition and rule, and finds a term."""

from crm_core.glossary import entries


def test_every_role_reaches_the_glossary_with_every_term(app_as):
    at = app_as("viewer", "pages/glossary.py")
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert len([s for s in shown if s.startswith("**")]) == len(entries())
    assert ("**Off the account team** — A relationship owner who is not on the stakeholder's "
            "company account team.") in shown
    assert any(s.startswith("**MEDDPICC** — Metrics, Economic buyer, Decision criteria, "
                            "Decision process, Paper process, Identify pain, Champion, "
                            "Competition") for s in shown)
    assert [h.value for h in at.subheader] == [
        "Relationships", "Freshness", "Teams", "Organisation", "Deals", "MEDDPICC",
        "What coverage is worth", "Stakeholder roles", "Tasks", "Change over time", "Import"]
    assert ("**Champion** — Sells for us inside the customer and has the power to do so."
            in shown)


def test_the_search_keeps_only_matching_terms(app_as):
    at = app_as("viewer", "pages/glossary.py")
    at.text_input(key="glossary_search").input("gated").run()
    names = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")]
    assert names == ["Gated deal", "Not gated", "Missing role", "Unowned role", "Owner departed",
                     "Owned off the deal team", "Fully covered", "Coverage score", "At risk"]
