"""A small sales organisation built by hand, with the scope answers stated in the tests.

    Vic VP
    ├── Dora West (director, West)
    │   └── Mia Manager (West)
    │       ├── Ray Rep (West)            account team of Acme; added to the Core deal
    │       └── Gus Gone (West, departed) sole owner of Acme's Sam Solo
    └── Eve East (director, East)
        └── Eli Rep (East)                account team of Bolt
    Sol Engineer (East, no manager)       account team of Core

Acme: Al Owned (owned by Ray), Nina Nobody (never owned), Sam Solo (only Gus, departed),
      Tia Two (Gus and Eli). Bolt: Bea Owned (Eli), Bo Orphan (nobody). Core: Cy Orphan.
Open deals (qualification, no linked stakeholders, so all at risk): Acme deal $100, Bolt deal
$200, Core deal $400 (Ray added). Tasks: overdue for Ray, overdue for Eli, due later for Gus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from crm_core.models import Company, Opportunity, Region, Stakeholder, Task, User
from tests.factories import (
    add_company,
    add_opportunity,
    add_region,
    add_stakeholder,
    add_task,
    add_user,
)


@dataclass
class TeamWorld:
    west: Region
    east: Region
    vp: User
    dora: User
    mia: User
    ray: User
    gus: User
    eve: User
    eli: User
    sol: User
    acme: Company
    bolt: Company
    core: Company
    nina: Stakeholder
    sam: Stakeholder
    core_deal: Opportunity
    ray_task: Task


def build_team_world(session: Session) -> TeamWorld:
    west, east = add_region(session, "West"), add_region(session, "East")
    vp = add_user(session, "Vic VP", job_title="VP of Sales")
    dora = add_user(session, "Dora West", job_title="Regional Director", manager=vp, region=west)
    mia = add_user(session, "Mia Manager", job_title="Sales Manager", manager=dora, region=west)
    ray = add_user(session, "Ray Rep", manager=mia, region=west)
    gus = add_user(session, "Gus Gone", manager=mia, region=west,
                   departed_on=date.today() - timedelta(days=10))
    eve = add_user(session, "Eve East", job_title="Regional Director", manager=vp, region=east)
    eli = add_user(session, "Eli Rep", manager=eve, region=east)
    sol = add_user(session, "Sol Engineer", job_title="Solution Engineer", region=east)

    acme = add_company(session, "Acme", team=[ray])
    bolt = add_company(session, "Bolt", team=[eli])
    core = add_company(session, "Core", team=[sol])
    add_stakeholder(session, acme, "Al Owned", owners=[ray])
    nina = add_stakeholder(session, acme, "Nina Nobody")
    sam = add_stakeholder(session, acme, "Sam Solo", owners=[gus])
    add_stakeholder(session, acme, "Tia Two", owners=[gus, eli])
    add_stakeholder(session, bolt, "Bea Owned", owners=[eli])
    add_stakeholder(session, bolt, "Bo Orphan")
    add_stakeholder(session, core, "Cy Orphan")

    add_opportunity(session, acme, "Acme deal", value=100)
    add_opportunity(session, bolt, "Bolt deal", value=200)
    core_deal = add_opportunity(session, core, "Core deal", value=400, added_team=[ray])

    ray_task = add_task(session, "Call Al", due_in_days=-2, links=[("user", ray.id)])
    add_task(session, "Call Bea", due_in_days=-1, links=[("user", eli.id)])
    add_task(session, "Write to Sam", due_in_days=5, links=[("user", gus.id)])
    return TeamWorld(west=west, east=east, vp=vp, dora=dora, mia=mia, ray=ray, gus=gus, eve=eve,
                     eli=eli, sol=sol, acme=acme, bolt=bolt, core=core, nina=nina, sam=sam,
                     core_deal=core_deal, ray_task=ray_task)
