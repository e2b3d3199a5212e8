"""Tasks: standalone ones and sequences of ordered steps, each linked to the company, deal,
stakeholder and user it concerns; overdue, due soon, done and cancelled in realistic shares."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass

from crm_core.seeding import catalog
from crm_core.seeding.world import WeightedPicker, World

OWNER_DOES_IT = 0.7
# Days before a closed deal's close that its finished work was done: won deals were worked
# up to the end, lost ones had often gone quiet (synthetic, like the deals' outcomes).
WORKED_BEFORE_CLOSE = {True: (0, 60), False: (0, 240)}
# Done work on open deals is recent; on companies and people anything up to 400 days old.
OPEN_DEAL_DONE_WITHIN = 100
SEQUENCE_SHARE = 0.085  # of task units; ~a third of all tasks end up in sequences
PRIORITIES = WeightedPicker(("low", "medium", "high", "urgent"), (0.2, 0.5, 0.22, 0.08))
NEXT_STEPS = WeightedPicker(*zip(*catalog.NEXT_STEP_WEIGHTS, strict=True))
PLAYBOOKS_BY_ANCHOR = {
    "opportunity": ("Evaluation plan: {deal}", "Renewal playbook: {deal}"),
    "company": ("Onboarding: {company}", "Executive outreach: {company}"),
    "stakeholder": ("Outbound cadence: {person}",),
}
PLAYBOOKS = dict(catalog.SEQUENCE_PLAYBOOKS)
TASK_COLUMNS = ("id", "description", "due_date", "priority", "status", "next_step_type",
                "created_at", "completed_at", "task_type", "parent_task_id", "sequence_order",
                "dependency_type")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# Per next step type: templates usable without a deal, and all of them.
_TEMPLATES = {kind: ([t for t in templates if "deal" not in _fields(t)], list(templates))
              for kind, templates in catalog.TASK_TEMPLATES.items()}


@dataclass(slots=True)
class Anchor:
    """What a task is about: the company, maybe a deal and a person, and who does it."""

    company_id: int
    opportunity_id: int | None
    stakeholder_id: int
    user_id: int
    closed: bool
    kind: str
    # Day offset by which its work was done: a closed deal's close; else None (any time).
    close: int | None = None
    won: bool = False

    def words(self, world: World) -> dict[str, str]:
        return {"company": world.company_name[self.company_id],
                "person": world.stakeholder_first_name[self.stakeholder_id],
                "deal": world.opportunity_label[self.opportunity_id or 0]}


class TaskWriter:
    """Accumulates task and task-link rows with consecutive ids."""

    def __init__(self, world: World):
        self.world = world
        self.rng = world.rng
        self.tasks: list[tuple] = []
        self.links: list[tuple] = []
        self.count = 0
        self.company_picker = WeightedPicker(range(1, world.scale.companies + 1),
                                             world.company_weight[1:])

    @property
    def next_id(self) -> int:
        self.count += 1
        return self.count

    def take(self) -> tuple[list[tuple], list[tuple]]:
        """The task and link rows written since the last take."""
        taken = self.tasks, self.links
        self.tasks, self.links = [], []
        return taken

    def anchor(self) -> Anchor:
        """A random thing to work on, with a fitting person and assignee."""
        world, rng = self.world, self.rng
        draw = rng.random()
        if draw < 0.55:
            kind = "opportunity"
            opportunity_id = rng.randint(1, world.scale.opportunities)
            company_id = world.opportunity_company[opportunity_id]
            people = (world.opportunity_stakeholders[opportunity_id]
                      or world.company_stakeholders[company_id])
            team = world.company_team[company_id] + world.opportunity_added_team[opportunity_id]
            person = rng.choice(people)
            # Mostly the person's own relationship owner does the work: that is a touch.
            owners = world.stakeholder_owners[person]
            user = rng.choice(owners) if owners and rng.random() < OWNER_DOES_IT else \
                rng.choice(team)
            closed = world.opportunity_closed[opportunity_id]
            return Anchor(company_id, opportunity_id, person, user, closed, kind,
                          world.opportunity_close[opportunity_id] if closed else None,
                          world.opportunity_won[opportunity_id])
        if draw < 0.8:
            company_id = self.company_picker.pick(rng)
            return Anchor(company_id, None, rng.choice(world.company_stakeholders[company_id]),
                          rng.choice(world.company_team[company_id]), False, "company")
        stakeholder_id = rng.randint(1, world.scale.stakeholders)
        company_id = world.stakeholder_company[stakeholder_id]
        owners = world.stakeholder_owners[stakeholder_id] or world.company_team[company_id]
        return Anchor(company_id, None, stakeholder_id, rng.choice(owners), False, "stakeholder")

    def link(self, task_id: int, stamp: str, anchor: Anchor, *, full: bool) -> None:
        """Link the task to its user and anchor; a full link set adds company, deal, person."""
        # Appended in primary-key order (entity types sort company < opportunity < stakeholder
        # < user), so the rows need no sorting before the load.
        random_float, links, kind = self.rng.random, self.links, anchor.kind
        if kind == "company" or (full and random_float() < 0.55):
            links.append((task_id, "company", anchor.company_id, stamp))
        if kind == "opportunity":
            links.append((task_id, "opportunity", anchor.opportunity_id, stamp))
        if kind == "stakeholder" or (full and random_float() < 0.75):
            links.append((task_id, "stakeholder", anchor.stakeholder_id, stamp))
        links.append((task_id, "user", anchor.user_id, stamp))

    def standalone(self) -> None:
        """One task with no steps."""
        world, rng, calendar = self.world, self.rng, self.world.calendar
        anchor = self.anchor()
        kind = NEXT_STEPS.pick(rng)
        while not anchor.opportunity_id and not _TEMPLATES[kind][0]:
            kind = NEXT_STEPS.pick(rng)  # e.g. a proposal needs a deal
        without_deal, every = _TEMPLATES[kind]
        template = rng.choice(every if anchor.opportunity_id else without_deal)
        description = template.format(**anchor.words(world))
        status, due, completed = _standalone_schedule(rng, anchor)
        created = min(due if due is not None else 0, completed or 0, 0) - rng.randint(1, 45)
        stamp = calendar.stamp(created, rng)
        task_id = self.next_id
        self.tasks.append((
            task_id, description, None if due is None else calendar.day(due),
            PRIORITIES.pick(rng), status, kind, stamp,
            None if completed is None else calendar.stamp(completed, rng),
            "task", None, None, "none"))
        self.link(task_id, stamp, anchor, full=True)

    def sequence(self, max_steps: int) -> None:
        """A sequence parent and 3-6 ordered steps (some must wait for the previous one)."""
        world, rng, calendar = self.world, self.rng, self.world.calendar
        anchor = self.anchor()
        name = rng.choice(PLAYBOOKS_BY_ANCHOR[anchor.kind])
        playbook = PLAYBOOKS[name]
        count = min(rng.randint(3, len(playbook)), max_steps)
        words = anchor.words(world)
        statuses, dues, completions = _sequence_schedule(rng, count, anchor)
        created = min(dues[0], 0) - rng.randint(3, 20)
        stamp = calendar.stamp(created, rng)
        parent_id = self.next_id
        parent_status = _parent_status(statuses)
        parent_done = (calendar.stamp(max(c for c in completions if c is not None), rng)
                       if parent_status == "done" else None)
        self.tasks.append((parent_id, name.format(**words), calendar.day(dues[-1]),
                           rng.choice(("medium", "medium", "high")), parent_status, None, stamp,
                           parent_done, "sequence", None, None, "none"))
        self.link(parent_id, stamp, anchor, full=True)
        for order, ((kind, wording), status, due, completed) in enumerate(
                zip(playbook[:count], statuses, dues, completions, strict=True), start=1):
            dependency = "none" if order == 1 else _dependency(rng)
            task_id = self.next_id
            self.tasks.append((
                task_id, wording.format(**words), calendar.day(due), PRIORITIES.pick(rng),
                status, kind, stamp, None if completed is None else calendar.stamp(completed, rng),
                "task", parent_id, order, dependency))
            self.link(task_id, stamp, anchor, full=False)


def _dependency(rng: random.Random) -> str:
    draw = rng.random()
    return "finish_to_start" if draw < 0.55 else "start_to_start" if draw < 0.65 else "none"


def _done_by(rng: random.Random, anchor: Anchor) -> int:
    """The day offset by which finished work on the anchor was due."""
    if anchor.close is not None:
        return min(-1, anchor.close - rng.randint(*WORKED_BEFORE_CLOSE[anchor.won]))
    if anchor.opportunity_id:
        return -rng.randint(1, OPEN_DEAL_DONE_WITHIN)
    return -rng.randint(1, 400)


def _standalone_schedule(rng: random.Random,
                         anchor: Anchor) -> tuple[str, int | None, int | None]:
    """(status, due day offset, completed day offset) of a standalone task."""
    draw = rng.random()
    if anchor.closed:
        draw = 0.0 if draw < 0.85 else 0.4
    if draw < 0.38:
        due = _done_by(rng, anchor)
        return "done", due, min(-1, due + rng.randint(-6, 3))
    if draw < 0.44:
        return "cancelled", rng.randint(-200, 60), None
    status = "in_progress" if draw < 0.58 else "open"
    bucket = rng.random()
    if bucket < 0.24:
        due = -rng.randint(1, 45)      # overdue
    elif bucket < 0.46:
        due = rng.randint(0, 7)        # due soon
    elif bucket < 0.95:
        due = rng.randint(8, 150)
    else:
        due = None
    return status, due, None


def _sequence_schedule(rng: random.Random, count: int,
                       anchor: Anchor) -> tuple[list[str], list[int], list[int | None]]:
    """Per step: status, due day offset, completed day offset. Steps finish in order."""
    gaps = [rng.randint(2, 7) for _ in range(count)]
    draw = rng.random()
    if anchor.closed or draw < 0.35:
        finished, current_status = count, None           # all done
    elif draw < 0.43:
        finished, current_status = rng.randint(0, count - 1), "cancelled"
    else:
        finished = rng.randint(0, count - 1)
        current_status = "in_progress" if rng.random() < 0.4 else "open"
    # Anchor the calendar so that the current step is due around today (overdue or due soon).
    current = min(finished, count - 1)
    start = (_done_by(rng, anchor) - rng.randint(0, 20) - sum(gaps) if finished == count
             else rng.randint(-12, 8) - sum(gaps[:current]))
    dues = [start + sum(gaps[:i]) for i in range(count)]
    statuses, completions = [], []
    for i in range(count):
        if i < finished:
            statuses.append("done")
            completions.append(min(-1, dues[i] + rng.randint(-2, 1)))
        elif current_status == "cancelled":
            statuses.append("cancelled")
            completions.append(None)
        else:
            statuses.append(current_status if i == finished else "open")
            completions.append(None)
    return statuses, dues, completions


def _parent_status(statuses: list[str]) -> str:
    if all(s == "done" for s in statuses):
        return "done"
    if "cancelled" in statuses:
        return "cancelled"
    return "open" if all(s == "open" for s in statuses) else "in_progress"


def generate_tasks(world: World, *,
                   batch: int = 50_000) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Rows of `tasks` (exactly the scale's count) and `task_entities`, in batches."""
    writer = TaskWriter(world)
    total = world.scale.tasks
    while writer.count < total:
        remaining = total - writer.count
        if remaining >= 4 and world.rng.random() < SEQUENCE_SHARE:
            writer.sequence(max_steps=remaining - 1)
        else:
            writer.standalone()
        if len(writer.tasks) >= batch:
            yield writer.take()
    yield writer.take()
