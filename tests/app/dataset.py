"""The small known dataset every AppTest starts from (names are what tests look for)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import add_company, add_opportunity, add_stakeholder, add_task, add_user


def build_known_dataset(session: Session) -> dict:
    """Two companies, three users, five stakeholders, three opportunities, a few tasks."""
    alice = add_user(session, "Alice Archer", job_title="Account Executive")
    bob = add_user(session, "Bob Baker", job_title="Solutions Engineer")
    carol = add_user(session, "Carol Chen", job_title="Sales Director")
    acme = add_company(session, "Acme Corp", industry="Manufacturing",
                       website="https://acme.example", team=[alice, bob])
    globex = add_company(session, "Globex", industry="Retail", team=[carol])
    cfo = add_stakeholder(session, acme, "Dana Diaz", job_title="CFO",
                          roles=["economic_buyer", "decision_maker"], owners=[alice])
    cto = add_stakeholder(session, acme, "Eli Evans", job_title="CTO",
                          roles=["technical_buyer"], owners=[alice, bob])
    buyer = add_stakeholder(session, acme, "Fay Fox", job_title="Procurement Lead",
                            roles=["gatekeeper"])
    champ = add_stakeholder(session, globex, "Gus Gray", job_title="VP Operations",
                            roles=["champion"], owners=[bob])
    add_stakeholder(session, globex, "Hana Hill", job_title="Analyst", roles=["user"])
    big = add_opportunity(session, acme, "Acme Platform", value=120_000, stage="solution",
                          stakeholders=[cfo, cto, buyer], added_team=[carol])
    small = add_opportunity(session, globex, "Globex Pilot", value=30_000,
                            stage="qualification", stakeholders=[champ])
    add_opportunity(session, acme, "Acme Renewal 2024", value=50_000, stage="closed_won",
                    close_in_days=-60)
    add_task(session, "Send pricing to Dana", due_in_days=-2, priority="high",
             links=[("stakeholder", cfo.id), ("opportunity", big.id), ("user", alice.id)])
    add_task(session, "Book discovery call", due_in_days=3,
             links=[("opportunity", small.id), ("user", bob.id)])
    return {"users": [alice, bob, carol], "companies": [acme, globex]}
