"""A hand-built MEDDPICC dataset: one company, ten open opportunities, each showing one case.

Acme's account team is Ann and Dan (inherited by every Acme opportunity); Ben is added to
"Added" only; Cat is on no team. The expected answers are written in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tests.factories import add_company, add_opportunity, add_stakeholder, add_user

EB, CH = "economic_buyer", "champion"


@dataclass
class GapWorld:
    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def build_gap_world(session: Session) -> GapWorld:
    """Build the dataset; returns the ids of users, stakeholders and opportunities by name."""
    ann, dan = add_user(session, "Ann Team"), add_user(session, "Dan Team")
    ben, cat = add_user(session, "Ben Added"), add_user(session, "Cat Outside")
    acme = add_company(session, "Acme", team=[ann, dan])
    champ_ann = add_stakeholder(session, acme, "Champion Ann", roles=[CH], owners=[ann])
    eb_unowned = add_stakeholder(session, acme, "Buyer Unowned", roles=[EB])
    champ_dan = add_stakeholder(session, acme, "Champion Dan", roles=[CH], owners=[dan])
    eb_cat = add_stakeholder(session, acme, "Buyer Cat", roles=[EB], owners=[cat])
    eb_ben = add_stakeholder(session, acme, "Buyer Ben", roles=[EB], owners=[ben])
    eb_ann = add_stakeholder(session, acme, "Buyer Ann", roles=[EB], owners=[ann])
    opportunities = {
        "Missing": add_opportunity(session, acme, "Missing", value=100_000,
                                   stakeholders=[champ_ann]),
        "Unowned": add_opportunity(session, acme, "Unowned", value=50_000,
                                   stakeholders=[eb_unowned, champ_dan]),
        "OffTeam": add_opportunity(session, acme, "OffTeam", value=40_000, stage="discovery",
                                   stakeholders=[eb_cat, champ_ann]),
        "Added": add_opportunity(session, acme, "Added", value=30_000, stage="discovery",
                                 stakeholders=[eb_ben, champ_dan], added_team=[ben]),
        "NotAdded": add_opportunity(session, acme, "NotAdded", value=25_000, stage="discovery",
                                    stakeholders=[eb_ben, champ_dan]),
        "SameOwner": add_opportunity(session, acme, "SameOwner", value=20_000,
                                     stakeholders=[eb_ann, champ_ann]),
        "TwoOwners": add_opportunity(session, acme, "TwoOwners", value=10_000,
                                     stakeholders=[eb_ann, champ_dan]),
        "Mixed": add_opportunity(session, acme, "Mixed", value=15_000,
                                 stakeholders=[eb_unowned, eb_ann, champ_dan]),
        "Prospect": add_opportunity(session, acme, "Prospect", value=5_000, stage="prospecting"),
        "Solution": add_opportunity(session, acme, "Solution", value=200_000, stage="solution",
                                    close_in_days=90, stakeholders=[eb_ann, champ_dan]),
        "Closed": add_opportunity(session, acme, "Closed", value=999_999, stage="closed_won",
                                  stakeholders=[champ_ann]),
    }
    ids = {name: o.id for name, o in opportunities.items()}
    ids.update(ann=ann.id, dan=dan.id, ben=ben.id, cat=cat.id, acme=acme.id,
               champ_ann=champ_ann.id, eb_unowned=eb_unowned.id, champ_dan=champ_dan.id,
               eb_cat=eb_cat.id, eb_ben=eb_ben.id, eb_ann=eb_ann.id)
    return GapWorld(ids)
