"""Every vocabulary of the product, each value with its display label, in one place.

The database stores the value (a CHECK constraint lists the allowed ones); screens show the label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    value: str
    label: str
    doc: str = ""


class Vocabulary:
    """An ordered set of terms; iteration yields values in their display order."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = tuple(terms)
        self._by_value = {t.value: t for t in terms}

    def __iter__(self) -> Iterator[str]:
        return (t.value for t in self.terms)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.terms)

    def label(self, value: str | None) -> str:
        """Display label of a value ('' for None, the raw value if unknown)."""
        if value is None:
            return ""
        term = self._by_value.get(value)
        return term.label if term else value

    def position(self, value: str) -> int:
        """0-based position of a value in display order."""
        return self.values.index(value)


MEDDPICC_ROLES = Vocabulary("meddpicc_role", [
    Term("decision_maker", "Decision maker", "Signs off on the choice of vendor."),
    Term("economic_buyer", "Economic buyer",
         "Owns the budget; can say yes when everyone else says no."),
    Term("influencer", "Influencer", "Shapes the decision without owning it."),
    Term("champion", "Champion",
         "Sells for us inside the customer and has the power to do so."),
    Term("gatekeeper", "Gatekeeper",
         "Controls access or process (procurement, legal, assistants)."),
    Term("user", "User", "Will use the product day to day."),
    Term("technical_buyer", "Technical buyer",
         "Judges technical fit (architecture, security, IT)."),
])

ENTITY_TYPES = Vocabulary("entity_type", [
    Term("company", "Company"),
    Term("opportunity", "Opportunity"),
    Term("stakeholder", "Stakeholder"),
    Term("user", "User"),
])


@dataclass(frozen=True)
class Stage(Term):
    probability: int = 0
    is_closed: bool = False


STAGE_LIST: tuple[Stage, ...] = (
    Stage("prospecting", "Prospecting", "A target we are reaching out to.", 10),
    Stage("qualification", "Qualification", "Confirming pain, budget and authority.", 20),
    Stage("discovery", "Discovery", "Mapping requirements and the buying committee.", 35),
    Stage("solution", "Solution", "Demonstrating and validating the solution.", 50),
    Stage("proposal", "Proposal", "A priced proposal is with the customer.", 70),
    Stage("negotiation", "Negotiation", "Terms, paper process and signature.", 85),
    Stage("closed_won", "Closed won", "Signed.", 100, True),
    Stage("closed_lost", "Closed lost", "Lost or abandoned.", 0, True),
)
STAGES = Vocabulary("stage", list(STAGE_LIST))
STAGE_BY_VALUE = {s.value: s for s in STAGE_LIST}
OPEN_STAGES: tuple[str, ...] = tuple(s.value for s in STAGE_LIST if not s.is_closed)
CLOSED_STAGES: tuple[str, ...] = tuple(s.value for s in STAGE_LIST if s.is_closed)


def default_probability(stage: str) -> int:
    """The probability a new opportunity gets in this stage."""
    return STAGE_BY_VALUE[stage].probability


TASK_STATUSES = Vocabulary("task_status", [
    Term("open", "Open", "Not started."),
    Term("in_progress", "In progress", "Started, not finished."),
    Term("done", "Done", "Finished; completed_at records when."),
    Term("cancelled", "Cancelled", "Will not be done; does not count as overdue."),
])
FINISHED_TASK_STATUSES: tuple[str, ...] = ("done", "cancelled")
UNFINISHED_TASK_STATUSES: tuple[str, ...] = ("open", "in_progress")

PRIORITIES = Vocabulary("priority", [
    Term("low", "Low"),
    Term("medium", "Medium"),
    Term("high", "High"),
    Term("urgent", "Urgent"),
])

NEXT_STEP_TYPES = Vocabulary("next_step_type", [
    Term("call", "Call"),
    Term("email", "Email"),
    Term("meeting", "Meeting"),
    Term("demo", "Demo"),
    Term("proposal", "Send proposal"),
    Term("follow_up", "Follow up"),
    Term("internal", "Internal prep"),
    Term("other", "Other"),
])

TASK_TYPES = Vocabulary("task_type", [
    Term("task", "Task", "A single piece of work; a step when it has a parent sequence."),
    Term("sequence", "Sequence", "A parent whose steps point at it by parent_task_id, "
                                 "ordered by sequence_order."),
])

DEPENDENCY_TYPES = Vocabulary("dependency_type", [
    Term("none", "None", "The step may start and finish at any time."),
    Term("finish_to_start", "Finish to start",
         "The step may be completed only after the previous step (by sequence_order) is done "
         "or cancelled."),
    Term("start_to_start", "Start to start",
         "The step may be completed only after the previous step has started "
         "(in progress, done or cancelled)."),
])

ACCESS_ROLES = Vocabulary("access_role", [
    Term("viewer", "Viewer", "Reads every dashboard and detail page."),
    Term("manager", "Manager", "Also edits ownership, teams, MEDDPICC roles, tasks and records."),
    Term("admin", "Admin", "Also grants access and changes settings."),
])

SCORECARD_ELEMENTS = Vocabulary("scorecard_element", [
    Term("metrics", "Metrics", "The quantified value the customer expects."),
    Term("economic_buyer", "Economic buyer", "Derived from stakeholder roles and ownership."),
    Term("decision_criteria", "Decision criteria", "How the customer will compare options."),
    Term("decision_process", "Decision process", "The steps and people of the decision."),
    Term("paper_process", "Paper process", "Legal, procurement and signature steps."),
    Term("identify_pain", "Identify pain", "The business pain that makes them act."),
    Term("champion", "Champion", "Derived from stakeholder roles and ownership."),
    Term("competition", "Competition", "Who else is in the deal and where we stand."),
])
# Economic buyer and Champion are derived from stakeholder roles, never recorded a second time.
DERIVED_SCORECARD_ELEMENTS: tuple[str, ...] = ("economic_buyer", "champion")
RECORDED_SCORECARD_ELEMENTS: tuple[str, ...] = tuple(
    e for e in SCORECARD_ELEMENTS if e not in DERIVED_SCORECARD_ELEMENTS)

SCORECARD_STATUSES = Vocabulary("scorecard_status", [
    Term("unknown", "Unknown"),
    Term("identified", "Identified"),
    Term("confirmed", "Confirmed"),
])

# Default MEDDPICC roles each stage requires (shipped by the migrations, editable by an admin).
DEFAULT_REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    "prospecting": (),
    "qualification": ("economic_buyer", "champion"),
    "discovery": ("economic_buyer", "champion"),
    "solution": ("economic_buyer", "champion", "decision_maker", "technical_buyer"),
    "proposal": ("economic_buyer", "champion", "decision_maker", "technical_buyer"),
    "negotiation": ("economic_buyer", "champion", "decision_maker", "technical_buyer",
                    "gatekeeper"),
}
