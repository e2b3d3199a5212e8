"""A hand-built ownership dataset: three companies, five users, nine stakeholders.

Acme (Software, team Ann + Ben), Bolt (Retail, team Cat), Core (Software, no team, no deals).
Eve is on no account team but is added to the "Acme Deal" team, so her ownership of Art is
off the account team; Dan owns nobody; Ann owns Bud at Bolt without being on any Bolt team
(off the account team too). The expected answers
are written in the tests, not recomputed.

| stakeholder | company | MEDDPICC roles                 | owners    | open deals (value)         |
|-------------|---------|--------------------------------|-----------|----------------------------|
| Ava         | Acme    | economic buyer                 | Ann       | Acme Deal 100k, Extra 50k  |
| Abe         | Acme    | champion, decision maker       | Ann, Ben  | Acme Deal                  |
| Amy         | Acme    | economic buyer                 | -         | Acme Extra                 |
| Art         | Acme    | -                              | Eve       | Acme Deal                  |
| Bea         | Bolt    | champion                       | Cat       | Bolt Deal 40k              |
| Bob         | Bolt    | economic buyer                 | -         | Bolt Deal                  |
| Bud         | Bolt    | -                              | Ann       | Bolt Deal                  |
| Cal         | Core    | technical buyer                | -         | -                          |
| Cy          | Core    | -                              | -         | -                          |

Ava is also on "Acme Won" (999k, closed won), which is not open pipeline.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import add_company, add_opportunity, add_stakeholder, add_user

EB, CH, DM, TB = "economic_buyer", "champion", "decision_maker", "technical_buyer"


def build_coverage_world(session: Session) -> dict[str, int]:
    """Build the dataset; returns every row's id by its first name (companies by name)."""
    ann, ben = add_user(session, "Ann Ames"), add_user(session, "Ben Bell")
    cat, dan = add_user(session, "Cat Cole"), add_user(session, "Dan Dorn")
    eve = add_user(session, "Eve Eads")
    acme = add_company(session, "Acme", industry="Software", team=[ann, ben])
    bolt = add_company(session, "Bolt", industry="Retail", team=[cat])
    core = add_company(session, "Core", industry="Software")
    ava = add_stakeholder(session, acme, "Ava", roles=[EB], owners=[ann])
    abe = add_stakeholder(session, acme, "Abe", roles=[CH, DM], owners=[ann, ben])
    amy = add_stakeholder(session, acme, "Amy", roles=[EB])
    art = add_stakeholder(session, acme, "Art", owners=[eve])
    bea = add_stakeholder(session, bolt, "Bea", roles=[CH], owners=[cat])
    bob = add_stakeholder(session, bolt, "Bob", roles=[EB])
    bud = add_stakeholder(session, bolt, "Bud", owners=[ann])
    cal = add_stakeholder(session, core, "Cal", roles=[TB])
    cy = add_stakeholder(session, core, "Cy")
    acme_deal = add_opportunity(session, acme, "Acme Deal", value=100_000, stage="solution",
                                stakeholders=[ava, abe, art], added_team=[eve])
    acme_extra = add_opportunity(session, acme, "Acme Extra", value=50_000, stage="discovery",
                                 stakeholders=[ava, amy])
    acme_won = add_opportunity(session, acme, "Acme Won", value=999_000, stage="closed_won",
                               close_in_days=-30, stakeholders=[ava])
    bolt_deal = add_opportunity(session, bolt, "Bolt Deal", value=40_000, stage="proposal",
                                stakeholders=[bea, bob, bud])
    rows = {"Ann": ann, "Ben": ben, "Cat": cat, "Dan": dan, "Eve": eve, "Acme": acme,
            "Bolt": bolt, "Core": core, "Ava": ava, "Abe": abe, "Amy": amy, "Art": art,
            "Bea": bea, "Bob": bob, "Bud": bud, "Cal": cal, "Cy": cy, "Acme Deal": acme_deal,
            "Acme Extra": acme_extra, "Acme Won": acme_won, "Bolt Deal": bolt_deal}
    return {name: row.id for name, row in rows.items()}
