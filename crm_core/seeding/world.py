"""The generator's shared state: sizes, the random stream, the calendar, and what earlier tables
decided (teams, stakeholders, roles) that later tables build on."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Scale:
    """How many rows of each main table one scale has."""

    users: int
    companies: int
    stakeholders: int
    opportunities: int
    tasks: int


SCALES: dict[str, Scale] = {
    "demo": Scale(users=15, companies=40, stakeholders=400, opportunities=150, tasks=1_500),
    "large": Scale(users=500, companies=20_000, stakeholders=200_000, opportunities=60_000,
                   tasks=400_000),
    # Five times large (about a million stakeholders): where the dashboards' queries stop
    # meeting their goals; PostgreSQL only in practice.
    "xlarge": Scale(users=2_500, companies=100_000, stakeholders=1_000_000,
                    opportunities=300_000, tasks=2_000_000),
}

# Times of day a record is created or a task completed: business hours, every five minutes.
_WORK_TIMES = tuple(f"{h:02d}:{m:02d}:00.000000" for h in range(8, 19) for m in range(0, 60, 5))


class FastRandom(random.Random):
    """`random.Random` with `choice`, `randint`, `sample` and `shuffle` several times faster
    (the generator calls them millions of times); just as deterministic for a given seed."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(self, population, k: int, *, counts=None) -> list:
        assert counts is None
        pool = list(population)
        for i in range(k):  # a partial Fisher-Yates shuffle
            j = i + int(self.random() * (len(pool) - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def shuffle(self, x: list) -> None:
        for i in reversed(range(1, len(x))):
            j = int(self.random() * (i + 1))
            x[i], x[j] = x[j], x[i]


class Calendar:
    """Dates and timestamps as text, relative to `today` (day 0); cached per day offset."""

    def __init__(self, today: date):
        self.today = today
        self._days: dict[int, str] = {}

    def day(self, offset: int) -> str:
        """'YYYY-MM-DD' of today + offset days."""
        text = self._days.get(offset)
        if text is None:
            text = self._days[offset] = (self.today + timedelta(days=offset)).isoformat()
        return text

    def stamp(self, offset: int, rng: random.Random) -> str:
        """A timestamp during business hours of today + offset days (as SQLAlchemy stores it)."""
        return f"{self.day(offset)} {rng.choice(_WORK_TIMES)}"


class WeightedPicker:
    """Picks items with fixed weights quickly (bisect over cumulative weights)."""

    def __init__(self, items: Sequence, weights: Sequence[float]):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def pick(self, rng: random.Random):
        """One item."""
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class World:
    """Everything decided so far; lists are indexed by id (index 0 unused)."""

    scale: Scale
    rng: random.Random
    calendar: Calendar
    users_by_title: dict[str, list[int]] = field(default_factory=dict)
    user_weight: list[float] = field(default_factory=lambda: [0.0])
    company_name: list[str] = field(default_factory=lambda: [""])
    company_weight: list[float] = field(default_factory=lambda: [0.0])
    company_created: list[int] = field(default_factory=lambda: [0])
    company_team: list[list[int]] = field(default_factory=lambda: [[]])
    company_stakeholders: list[list[int]] = field(default_factory=lambda: [[]])
    stakeholder_first_name: list[str] = field(default_factory=lambda: [""])
    stakeholder_company: list[int] = field(default_factory=lambda: [0])
    stakeholder_roles: list[tuple[str, ...]] = field(default_factory=lambda: [()])
    stakeholder_owners: list[tuple[int, ...]] = field(default_factory=lambda: [()])
    opportunity_company: list[int] = field(default_factory=lambda: [0])
    opportunity_label: list[str] = field(default_factory=lambda: [""])  # "Pilot at Acme"
    opportunity_closed: list[bool] = field(default_factory=lambda: [False])
    opportunity_won: list[bool] = field(default_factory=lambda: [False])
    opportunity_close: list[int] = field(default_factory=lambda: [0])  # day offset of the close
    opportunity_stakeholders: list[list[int]] = field(default_factory=lambda: [[]])
    opportunity_added_team: list[list[int]] = field(default_factory=lambda: [[]])

    def user_picker(self, titles: Sequence[str]) -> WeightedPicker:
        """Users with these job titles, picked in proportion to their account load weight."""
        ids = [u for title in titles for u in self.users_by_title.get(title, [])]
        return WeightedPicker(ids, [self.user_weight[u] for u in ids])

    def all_user_ids(self) -> range:
        """Every user id."""
        return range(1, len(self.user_weight))
