"""The sales organisation of the seed: regions, reporting lines and a few departed reps.

A VP of Sales at the top; regional VPs and directors, each in a region; first-line sales
managers under the directors; reps, account managers and customer success managers under the
first-line managers, solutions engineers under the directors. A few reps have departed and only
part of their relationships were handed off, so their other stakeholders are orphaned (owner
departed). Uses a random stream of its own, so the rest of the seed stays as it was.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from crm_core.seeding.world import World

REGION_NAMES = ("North America East", "North America West", "UK & Ireland", "DACH",
                "Benelux & France", "Nordics")
REGIONS_PER_SCALE = {"demo": 4, "large": 5}
DEPARTED_SHARE = 0.04  # of the account executives; at least one
HANDED_OFF_SHARE = 0.5  # of a departed rep's relationships, moved to a colleague


def _round_robin(items: list, slots: list) -> dict:
    return {item: slots[i % len(slots)] for i, item in enumerate(items)} if slots else {}


def generate_organisation(world: World, users: list[tuple], *, scale: str, seed: int
                          ) -> tuple[list[tuple], list[tuple]]:
    """Rows of `regions`, and the user rows with manager_id, region_id and departed_on added,
    managers before their reports (so every reference points at a row already loaded)."""
    rng = random.Random(seed + 18)
    by_title = world.users_by_title
    region_count = REGIONS_PER_SCALE.get(scale, 4)
    regions = [(i, name, world.calendar.stamp(-1500, rng))
               for i, name in enumerate(REGION_NAMES[:region_count], start=1)]
    region_ids = [r[0] for r in regions]
    vps, directors = list(by_title.get("VP Sales", [])), list(by_title.get("Sales Director", []))
    managers = list(by_title.get("Sales Manager", []))
    head = vps[0] if vps else (directors or managers)[0]
    manager_of: dict[int, int | None] = {head: None}
    region_of: dict[int, int | None] = {head: None}

    regional_vps = [v for v in vps if v != head]
    region_of.update(_round_robin(regional_vps, region_ids))
    manager_of.update({v: head for v in regional_vps})
    vp_of_region = {region_of[v]: v for v in regional_vps}
    directors = [d for d in directors if d != head]
    region_of.update(_round_robin(directors, region_ids))
    manager_of.update({d: vp_of_region.get(region_of[d], head) for d in directors})
    managers = [m for m in managers if m != head]
    above = directors or [head]
    manager_of.update(_round_robin(managers, above))
    if len(directors) >= len(region_ids):  # managers work in their director's region
        region_of.update({m: region_of.get(manager_of[m]) for m in managers})
    else:  # too few directors to cover the regions: the managers take the others
        region_of.update(_round_robin(managers, region_ids[len(directors):] or region_ids))
    # First-line managers lead the reps; a small organisation lets its directors lead too.
    first_line = managers + (directors if len(managers) < 2 else [])
    engineers = list(by_title.get("Solutions Engineer", []))
    leads_engineers = directors or first_line or [head]
    placed = set(manager_of)
    reps = [u for u in world.all_user_ids() if u not in placed and u not in engineers]
    manager_of.update(_round_robin(reps, first_line or [head]))
    region_of.update({r: region_of.get(manager_of[r]) for r in reps})
    manager_of.update(_round_robin(engineers, leads_engineers))
    # Engineers serve every territory: spread them over the regions, the last ones first (a
    # small organisation's reps cover the first ones).
    region_of.update(_round_robin(engineers, region_ids[::-1]))

    departed = _departed(world, rng)
    order = _top_down(manager_of)
    rows = {row[0]: row for row in users}
    placed_rows = [(*rows[u], manager_of.get(u), region_of.get(u), departed.get(u))
                   for u in order]
    return regions, placed_rows


def _departed(world: World, rng: random.Random) -> dict[int, str]:
    executives = sorted(world.users_by_title.get("Account Executive", []))
    count = max(1, round(len(executives) * DEPARTED_SHARE))
    chosen = rng.sample(executives, min(count, len(executives)))
    return {u: world.calendar.day(-rng.randint(10, 120)) for u in sorted(chosen)}


def _top_down(manager_of: dict[int, int | None]) -> list[int]:
    """Users ordered so that each comes after their manager."""
    depth: dict[int, int] = {}

    def level(user: int) -> int:
        if user not in depth:
            boss = manager_of.get(user)
            depth[user] = 0 if boss is None else level(boss) + 1
        return depth[user]

    return sorted(manager_of, key=lambda u: (level(u), u))


def hand_off_partly(world: World, owners: list[tuple], departed: Iterable[int], *, seed: int
                    ) -> list[tuple]:
    """Ownership rows after the departed users' relationships were partly handed off: about half
    of each one's stakeholders went to a colleague on the account team (or anyone still here);
    the rest stay theirs (their history), orphaned (owner departed) unless someone else owns
    them too. Updates world.stakeholder_owners to match."""
    rng = random.Random(seed + 180)
    gone = set(departed)
    if not gone:
        return owners
    staying = [u for u in world.all_user_ids() if u not in gone]
    kept: list[tuple] = []
    taken = {(s, u) for s, u, _ in owners}
    for stakeholder_id, user_id, stamp in owners:
        if user_id in gone and rng.random() < HANDED_OFF_SHARE:
            team = [u for u in world.company_team[world.stakeholder_company[stakeholder_id]]
                    if u not in gone]
            successor = rng.choice(team or staying)
            if (stakeholder_id, successor) not in taken:
                taken.add((stakeholder_id, successor))
                kept.append((stakeholder_id, successor, stamp))
            continue
        kept.append((stakeholder_id, user_id, stamp))
    by_stakeholder: dict[int, list[int]] = {}
    for stakeholder_id, user_id, _ in kept:
        by_stakeholder.setdefault(stakeholder_id, []).append(user_id)
    for stakeholder_id in {s for s, u, _ in owners if u in gone}:
        world.stakeholder_owners[stakeholder_id] = tuple(sorted(by_stakeholder.get(
            stakeholder_id, [])))
    return kept
