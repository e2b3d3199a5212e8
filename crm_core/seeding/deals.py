"""Opportunities across the pipeline, their buying committees and opportunity-specific team
members, with MEDDPICC coverage deliberately imperfect."""

from __future__ import annotations

import math
import random

from crm_core import vocab
from crm_core.seeding import catalog
from crm_core.seeding.world import WeightedPicker, World

STAGES = WeightedPicker(*zip(*catalog.STAGE_WEIGHTS, strict=True))
# Days until an open deal's expected close, by stage: later stages close sooner.
CLOSE_WINDOW = {"prospecting": (60, 270), "qualification": (45, 240), "discovery": (30, 210),
                "solution": (20, 180), "proposal": (10, 120), "negotiation": (3, 75)}
STAGE_DEPTH = {stage: depth for depth, stage in enumerate(vocab.STAGES)}
PROBABILITY_JITTER = (-10, -5, -5, 0, 0, 0, 0, 5, 5, 10)
# Chance that the seed puts an economic buyer on the buying committee, when the company has one.
ECONOMIC_BUYER_LINKED = {"open": 0.8, "closed_won": 0.92, "closed_lost": 0.6}
# Synthetic, so the screen "What coverage is worth" has something to show: won deals were
# less often single-threaded and had bigger buying committees than lost ones.
SINGLE_THREADED = {"open": 0.14, "closed_won": 0.07, "closed_lost": 0.3}
COMMITTEE_SIZE = {"open": (2, 6), "closed_won": (2, 6), "closed_lost": (2, 4)}
TEAM_ADDITION = 0.35
LEADER_ADDITION_VALUE = 150_000


def _probability(rng: random.Random, stage: str) -> int:
    base = vocab.default_probability(stage)
    if stage in vocab.CLOSED_STAGES:
        return base
    return min(95, max(5, base + rng.choice(PROBABILITY_JITTER)))


def _value(rng: random.Random, company_weight: float) -> float:
    value = rng.lognormvariate(math.log(42_000), 0.85) * math.sqrt(company_weight)
    return float(max(2_000, round(value, -2)))


def _buyers_and_others(world: World, company_id: int,
                       cache: dict[int, tuple[list[int], list[int]]]) -> tuple[list, list]:
    if company_id not in cache:
        roles = world.stakeholder_roles
        candidates = world.company_stakeholders[company_id]
        cache[company_id] = ([s for s in candidates if "economic_buyer" in roles[s]],
                             [s for s in candidates if "economic_buyer" not in roles[s]])
    return cache[company_id]


def _committee(world: World, rng: random.Random, company_id: int, stage: str,
               cache: dict[int, tuple[list[int], list[int]]]) -> list[int]:
    """The stakeholders linked to a new opportunity (its buying committee)."""
    candidates = world.company_stakeholders[company_id]
    if not candidates or (stage == "prospecting" and rng.random() < 0.3):
        return []
    kind = stage if stage in vocab.CLOSED_STAGES else "open"
    size = 1 if rng.random() < SINGLE_THREADED[kind] else rng.randint(*COMMITTEE_SIZE[kind])
    size = min(size, len(candidates))
    buyers, others = _buyers_and_others(world, company_id, cache)
    chosen = []
    if buyers and rng.random() < ECONOMIC_BUYER_LINKED[kind]:
        chosen.append(rng.choice(buyers))
    chosen += rng.sample(others, min(size - len(chosen), len(others)))
    return sorted(chosen)


def generate_opportunities(world: World) -> dict[str, list[tuple]]:
    """Rows of `opportunities`, `stakeholder_opportunities` and `opportunity_account_teams`."""
    rng, calendar, scale = world.rng, world.calendar, world.scale
    engineers = world.user_picker(catalog.DEAL_SPECIALISTS)
    leaders = world.user_picker(catalog.SALES_LEADERS)
    company_ids = rng.choices(range(1, scale.companies + 1), weights=world.company_weight[1:],
                              k=scale.opportunities)
    opportunities, links, additions = [], [], []
    split: dict[int, tuple[list[int], list[int]]] = {}
    for opportunity_id, company_id in enumerate(company_ids, start=1):
        stage = STAGES.pick(rng)
        closed = stage in vocab.CLOSED_STAGES
        if closed:
            close = -rng.randint(1, 540)
            created = max(close - rng.randint(30, 300), world.company_created[company_id])
        else:
            close = rng.randint(*CLOSE_WINDOW[stage])
            depth = STAGE_DEPTH[stage]
            created = max(-rng.randint(5 + 15 * depth, 60 + 40 * depth),
                          world.company_created[company_id])
        kind = rng.choice(catalog.DEAL_KINDS)
        if kind in ("Renewal", "Multi-year agreement"):
            kind = f"{kind} {calendar.day(close)[:4]}"
        name = f"{world.company_name[company_id]} – {kind}"
        value = _value(rng, world.company_weight[company_id])
        stamp = calendar.stamp(min(created, -1), rng)
        opportunities.append((opportunity_id, name, value, _probability(rng, stage),
                              calendar.day(close), stage, company_id, stamp))
        committee = _committee(world, rng, company_id, stage, split)
        links += [(stakeholder_id, opportunity_id, stamp) for stakeholder_id in committee]
        added = _added_team(world, rng, company_id, value, engineers, leaders)
        additions += [(user_id, opportunity_id, stamp) for user_id in added]
        world.opportunity_company.append(company_id)
        world.opportunity_label.append(f"{kind} at {world.company_name[company_id]}")
        world.opportunity_closed.append(closed)
        world.opportunity_won.append(stage == "closed_won")
        world.opportunity_close.append(close)
        world.opportunity_stakeholders.append(committee)
        world.opportunity_added_team.append(added)
    return {"opportunities": opportunities, "opportunity_account_teams": additions,
            "stakeholder_opportunities": links}


def _added_team(world: World, rng: random.Random, company_id: int, value: float,
                engineers: WeightedPicker, leaders: WeightedPicker) -> list[int]:
    # A solutions engineer for some deals, a sales leader on some big ones; never someone who
    # is on the company's account team already (they are inherited, not stored twice).
    team = world.company_team[company_id]
    added = []
    if engineers and rng.random() < TEAM_ADDITION:
        added.append(engineers.pick(rng))
    if leaders and value >= LEADER_ADDITION_VALUE and rng.random() < 0.3:
        added.append(leaders.pick(rng))
    return sorted({user_id for user_id in added if user_id not in team})
