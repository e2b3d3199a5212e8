"""Every term the screens show, with a one-line definition and its rule in words.

Labels, help texts, captions and the Glossary page read their words from here, so a term means
the same thing on every screen. Vocabulary values (stages, statuses) keep their labels in vocab.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.vocab import MEDDPICC_ROLES, OPEN_STAGES, STAGES


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    definition: str
    rule: str
    group: str

    @property
    def help(self) -> str:
        """The definition and the rule, as a widget's help text."""
        return f"{self.definition} {self.rule}"


GROUPS = ("Relationships", "Freshness", "Teams", "Organisation", "Deals", "MEDDPICC",
          "What coverage is worth", "Stakeholder roles", "Tasks", "Change over time", "Import")

_OPEN_STAGE_NAMES = ", ".join(STAGES.label(s).lower() for s in OPEN_STAGES)

# Which MEDDPICC elements each stakeholder role gives evidence for.
ROLE_EVIDENCE: dict[str, str] = {
    "economic_buyer": "Economic buyer (and the Metrics they will judge the deal by)",
    "decision_maker": "Decision process and Decision criteria",
    "champion": "Champion (and Identify pain, which the champion helps us name)",
    "technical_buyer": "Decision criteria (technical fit)",
    "influencer": "Decision criteria and Identify pain",
    "gatekeeper": "Paper process and Decision process",
    "user": "Identify pain and Metrics (the day-to-day value)",
}

_E = Entry
ENTRIES: tuple[Entry, ...] = (
    # Relationships
    _E("stakeholder", "Stakeholder", "Someone at a customer company.",
       "Belongs to exactly one company; may be on the buying committee of its deals.",
       "Relationships"),
    _E("relationship_owner", "Relationship owner",
       "A user on our side who owns the relationship with a stakeholder.",
       "A stakeholder may have any number of owners.", "Relationships"),
    _E("owned", "Owned", "Share of stakeholders with at least one relationship owner.",
       "Owned stakeholders ÷ all stakeholders under the filters; only owners who have not "
       "departed count.", "Relationships"),
    _E("orphaned", "Orphaned", "A stakeholder nobody on our side owns.",
       "No relationship owner still here: owners who departed own nothing (see orphaned, owner "
       "departed).", "Relationships"),
    _E("single_owner", "Single owner",
       "A stakeholder with exactly one relationship owner.",
       "The relationship leaves if that one person does.", "Relationships"),
    _E("multi_owner", "Two or more owners",
       "A stakeholder whose relationship is shared by two or more owners.",
       "Two or more relationship owners.", "Relationships"),
    _E("sole_owner", "Sole owner", "The stakeholders a user owns and nobody else does.",
       "Stakeholders whose only relationship owner is this user.", "Relationships"),
    _E("off_account_team", "Off the account team",
       "A relationship owner who is not on the stakeholder's company account team.",
       "Only the company's account team counts: an owner added to one of the company's deals "
       "but not on its account team is still off the account team.", "Relationships"),
    # Freshness
    _E("last_touch", "Last touch",
       "When an owner last worked with a stakeholder: the latest completed task linked to both.",
       "The task must be linked to the owner and to the stakeholder and be done; a task linked "
       "to the stakeholder alone, or cancelled, does not count.", "Freshness"),
    _E("stale_threshold", "Stale threshold",
       "How many days without a touch make an ownership stale.",
       "An admin setting (Settings); 90 days unless changed.", "Freshness"),
    _E("fresh", "Fresh", "An ownership touched within the stale threshold.",
       "Last touch on or after today minus the threshold.", "Freshness"),
    _E("stale", "Stale", "An ownership last touched longer ago than the stale threshold.",
       "Last touch before today minus the threshold.", "Freshness"),
    _E("never_touched", "Never touched",
       "An ownership with no last touch at all.",
       "No completed task is linked to both the owner and the stakeholder.", "Freshness"),
    _E("owned_fresh", "Owned and fresh",
       "An owned stakeholder whom at least one owner touched within the stale threshold.",
       "Any owner's last touch is fresh.", "Freshness"),
    _E("owned_stale", "Owned but stale",
       "An owned stakeholder whom no owner touched within the stale threshold.",
       "Every owner's ownership is stale or never touched.", "Freshness"),
    # Teams
    _E("user", "Account team member",
       "A user: someone on our side who can own relationships and sit on teams.",
       "Called a user in the app's records.", "Teams"),
    _E("account_team", "Account team", "The users who work a company.",
       "Stored per company.", "Teams"),
    _E("opportunity_team", "Opportunity team (full team)", "The users who work a deal.",
       "The company's account team (inherited) plus the users added to that deal; derived, "
       "never copied.", "Teams"),
    _E("inherited", "Inherited", "On a deal's team because they are on the company's "
       "account team.", "Changes when the account team changes.", "Teams"),
    _E("added", "Added", "On a deal's team because they were added to that deal alone.",
       "Stored per deal.", "Teams"),
    _E("off_deal_team", "Off the deal team",
       "For a deal's MEDDPICC role: its holders are owned, but no owner is on that deal's "
       "opportunity team.",
       "Every owner of every linked holder of the role is outside the deal's full team "
       "(account team plus added members).", "Teams"),
    # Deals
    _E("open_deal", "Open deal", "An opportunity that is neither won nor lost.",
       f"Its stage is one of: {_OPEN_STAGE_NAMES}.", "Deals"),
    _E("open_deals_on_team", "Open deals on the team",
       "The open opportunities whose full team a user is on.",
       "Inherited from the account team or added to the deal.", "Deals"),
    _E("open_deals_via_owned", "Open deals via owned stakeholders",
       "The open opportunities linked to at least one stakeholder a user owns.",
       "Each deal counts once per user, however many of its stakeholders they own.", "Deals"),
    _E("linked_open_deals", "Linked open deals",
       "The open opportunities a stakeholder is on the buying committee of.",
       "Counted per stakeholder.", "Deals"),
    _E("companies_with_open_deals", "Only companies with open deals",
       "Narrows the lists to companies with at least one open opportunity.",
       "Stakeholders of other companies are left out.", "Deals"),
    _E("open_pipeline", "Open pipeline", "The value of open deals.",
       "Each deal's value counted once.", "Deals"),
    _E("weighted_value", "Weighted value", "What a deal is worth given its odds.",
       "Value × probability.", "Deals"),
    _E("buying_committee", "Buying committee", "The stakeholders linked to a deal.",
       "Only stakeholders of the deal's company can be linked.", "Deals"),
    # MEDDPICC
    _E("meddpicc", "MEDDPICC",
       "Metrics, Economic buyer, Decision criteria, Decision process, Paper process, Identify "
       "pain, Champion, Competition: the method used to qualify a deal.",
       "The seven stakeholder roles (economic buyer, decision maker, champion, ...) are "
       "buying-committee roles whose holders give evidence for these elements.", "MEDDPICC"),
    _E("meddpicc_role", "MEDDPICC role",
       "A buying-committee role a stakeholder plays (economic buyer, decision maker, "
       "champion, ...).",
       "A stakeholder may play several roles, or none.", "MEDDPICC"),
    _E("required_roles", "Required roles",
       "The MEDDPICC roles a deal's stage asks to be covered and owned.",
       "Set per open stage by an admin (Settings).", "MEDDPICC"),
    _E("gated_deal", "Gated deal",
       "An open deal whose stage requires at least one MEDDPICC role.",
       "Only gated deals can be fully covered, at risk or have a coverage score.", "MEDDPICC"),
    _E("not_gated", "Not gated", "An open deal whose stage requires no MEDDPICC role.",
       "It has no coverage score, is never at risk, and is left out of fully covered and of "
       "its share.", "MEDDPICC"),
    _E("missing", "Missing", "A required role no linked stakeholder holds.",
       "No stakeholder on the buying committee plays the role.", "MEDDPICC"),
    _E("covered_unowned", "Covered, unowned",
       "A required role held only by stakeholders nobody on our side owns.",
       "Every linked holder of the role is orphaned, and at least one was never owned.",
       "MEDDPICC"),
    _E("covered_owner_departed", "Covered, owner departed",
       "A required role held only by stakeholders whose owners have all departed.",
       "Every linked holder of the role is orphaned (owner departed): a handoff covers it.",
       "MEDDPICC"),
    _E("covered_off_deal_team", "Covered, owned off the deal team",
       "A required role whose holders are owned, but never by the deal's team.",
       "See Off the deal team.", "MEDDPICC"),
    _E("covered_owned", "Covered and owned",
       "A required role held by a stakeholder owned by someone on the deal's team.",
       "At least one linked holder has an owner on the full team.", "MEDDPICC"),
    _E("covered_stale", "Covered, owned but stale",
       "A required role held by a stakeholder owned by someone on the deal's team, none of "
       "whom touched a holder within the stale threshold.",
       "Still covered and owned (it counts in the coverage score and is no risk); the gap "
       "names the last touch, e.g. \"economic buyer owned, last touch 140 days ago\".",
       "MEDDPICC"),
    _E("not_required", "Not required", "The deal's stage does not require the role.",
       "Not counted in the coverage score.", "MEDDPICC"),
    _E("missing_role", "Missing role", "A gated deal with a required role nobody linked holds.",
       "At least one required role is missing.", "MEDDPICC"),
    _E("unowned_role", "Unowned role",
       "A gated deal with a required role held only by stakeholders nobody owns.",
       "At least one required role is covered, unowned.", "MEDDPICC"),
    _E("owner_departed_role", "Owner departed",
       "A gated deal with a required role held only by stakeholders whose owners departed.",
       "At least one required role is covered, owner departed.", "MEDDPICC"),
    _E("owned_off_deal_team", "Owned off the deal team",
       "A gated deal with a required role whose holders' owners are all off the deal team.",
       "At least one required role is covered, owned off the deal team.", "MEDDPICC"),
    _E("fully_covered", "Fully covered",
       "A gated deal whose every required role is covered and owned.",
       "The share is fully covered gated deals ÷ gated deals; deals that are not gated "
       "count in neither.", "MEDDPICC"),
    _E("coverage_score", "Coverage score",
       "The share of a gated deal's required roles that are covered and owned.",
       "Covered-and-owned required roles ÷ required roles; a deal that is not gated has none.",
       "MEDDPICC"),
    _E("at_risk", "At risk", "A gated deal with a required role not covered and owned.",
       "Any required role missing, unowned, owner departed or owned off the deal team.",
       "MEDDPICC"),
    _E("value_at_risk", "Value at risk", "The value of the deals at risk.",
       "Each deal's value counted once, whatever its number of gaps.", "MEDDPICC"),
    _E("weighted_at_risk", "Weighted at risk", "The weighted value of the deals at risk.",
       "Value × probability of each deal at risk.", "MEDDPICC"),
    _E("single_threaded", "Single-threaded",
       "A deal hanging on one relationship.",
       "At most one linked stakeholder, or every linked stakeholder owned and all by the same "
       "single user.", "MEDDPICC"),
    _E("scorecard", "Scorecard", "The eight MEDDPICC elements of one deal, each unknown, "
       "identified or confirmed.",
       "Economic buyer and Champion follow from the stakeholders' roles and owners "
       "(confirmed: owned by the deal's team; identified: held but not owned by it); "
       "managers record the other six.", "MEDDPICC"),
    # What coverage is worth
    _E("closed_deal", "Closed deal", "A deal that was won or lost.",
       "Its stage is closed won or closed lost; open deals are left out.",
       "What coverage is worth"),
    _E("win_rate", "Win rate", "The share of closed deals that were won.",
       "Won ÷ (won + lost) in the group.", "What coverage is worth"),
    _E("wilson_interval", "95% interval",
       "The range the win rate of such deals plausibly lies in, given how few there are.",
       "The Wilson score interval at 95%: narrow with many deals, wide with few.",
       "What coverage is worth"),
    _E("too_few_to_compare", "Too few to compare",
       "A group with fewer than 30 won or fewer than 30 lost deals.",
       "Not drawn: its win rate would mostly show chance.", "What coverage is worth"),
    _E("linked_stakeholders", "Linked stakeholders",
       "How many stakeholders are on a deal's buying committee.",
       "Grouped as 1, 2, 3 and 4 or more (0 on its own).", "What coverage is worth"),
    _E("roles_owned_by_deal_team", "Required roles owned by the deal team",
       "A closed deal where every role any open stage requires is covered and owned.",
       "Each such role is held by a linked stakeholder owned by someone on the deal's team, "
       "as the data stands today.", "What coverage is worth"),
    _E("economic_buyer_freshness", "Economic buyer's owner at close",
       "How recently an owner of the deal's economic buyer touched them before it closed.",
       "Fresh: a linked economic buyer's owner touched them within the stale threshold before "
       "the close date; stale: only earlier; never touched; or no owned economic buyer.",
       "What coverage is worth"),
    _E("association_not_cause", "Association, not cause",
       "The figures describe this organisation's own closed deals, not what causes a win.",
       "Bigger deals may draw more stakeholders and more care; a difference between groups is "
       "a reason to look closer, not proof.", "What coverage is worth"),
    # Organisation
    _E("scope", "Scope", "What a dashboard shows: the whole organisation, a region, a "
       "manager's team or one person.",
       "The companies where someone in scope sits on the account team, the deals whose full "
       "team includes someone in scope, the tasks linked to someone in scope; never only what "
       "people in scope own, which would hide the orphans a leader must see.", "Organisation"),
    _E("organisation", "Whole organisation", "Everyone: no scope narrows the figures.",
       "Every company, deal and task, with or without a team.", "Organisation"),
    _E("region", "Region", "A sales region or territory.",
       "Each user belongs to at most one; admins keep the list.", "Organisation"),
    _E("manager", "Manager", "The user someone reports to.",
       "At most one per user; a reporting line never goes round in a circle.", "Organisation"),
    _E("team", "Team", "A manager and everyone who reports to them.",
       "Directly or through others, at any depth; the manager is part of their own team.",
       "Organisation"),
    _E("my_team", "My team", "The team of the signed-in user.",
       "Where the dashboards start for someone people report to.", "Organisation"),
    _E("person", "Person", "One user alone as a scope.",
       "The companies, deals and tasks of that user.", "Organisation"),
    _E("direct_report", "Direct report", "A user whose manager is this user.",
       "One level down only; their own reports are in their team.", "Organisation"),
    _E("departed", "Departed", "A user who has left, with the date.",
       "Keeps their history (ownerships, seats, tasks), cannot sign in, and is never offered "
       "as a new owner, team member or manager.", "Organisation"),
    _E("orphaned_owner_departed", "Orphaned (owner departed)",
       "A stakeholder who had owners, all of whom have departed.",
       "Counted among the orphaned, shown apart from those nobody owns at all.",
       "Organisation"),
    _E("successor", "Suggested successor",
       "A user who could take over a company of a rep's book in a handoff.",
       "Ranked by a seat on that account, accounts shared with the rep, accounts in the same "
       "industry, the same region, then the lighter load; users who departed are never "
       "suggested.", "Organisation"),
    _E("team_comparison", "Team comparison",
       "The teams of a manager's direct reports side by side.",
       "Per team: people, stakeholders, owned share, orphaned, open deals, value at risk and "
       "overdue tasks, each in that team's scope.", "Organisation"),
    # Tasks
    _E("open_task", "Open", "Tasks and steps not finished yet.",
       "Status open or in progress; sequences are counted through their steps.", "Tasks"),
    _E("overdue", "Overdue", "Unfinished and due before today.",
       "Done and cancelled tasks are never overdue.", "Tasks"),
    _E("due_soon", "Due soon", "Unfinished and due today or in the next 7 days.",
       "Today through today + 7 days.", "Tasks"),
    _E("blocked", "Blocked", "A step that must wait for the previous step of its sequence.",
       "Finish to start: until the previous step is done or cancelled; start to start: until "
       "it has started.", "Tasks"),
    _E("sequence", "Sequence", "A parent task whose steps run in order.",
       "Progress is its steps done of all its steps.", "Tasks"),
    _E("gap_plan", "Gap plan",
       "A sequence whose steps close a deal's MEDDPICC gaps, made in one action.",
       "Per gap: identify, introduce an owner from the deal team, meet (fewer steps when the "
       "role is covered); due before the expected close date, assigned to the deal team, linked "
       "to the deal and its company. A gap with an unfinished plan is not planned twice.",
       "Tasks"),
    # Change over time
    _E("snapshot", "Snapshot",
       "A scope's headline figures as they stood on one day.",
       "Taken once a day for the whole organisation, each region and each manager's team, by "
       "the same queries the dashboards show; never rewritten afterwards.", "Change over time"),
    _E("trend", "Trend", "A figure's snapshots day by day.",
       "A day without a snapshot is a gap in the line, never filled in.", "Change over time"),
    _E("change_7_days", "Change in 7 days",
       "Today's figure minus the one in the snapshot of 7 days ago.",
       "Green when better: for orphans, value at risk, overdue tasks and the like, down is "
       "better. Blank without a snapshot that day.", "Change over time"),
    _E("change_30_days", "Change in 30 days",
       "Today's figure minus the one in the snapshot of 30 days ago.",
       "As the change in 7 days, against the snapshot of 30 days ago.", "Change over time"),
    _E("synthetic_history", "Synthetic history",
       "Snapshots invented for the demo data, before its first real one.",
       "Plausible figures ending at the demo's real figures of the day it was loaded; real "
       "data has history from its first snapshot on.", "Change over time"),
    _E("what_changed", "What changed",
       "The changes in the audit trail that moved a scope's figures over a period.",
       "Relationships that became orphaned and by which change (handoff, owner departed, "
       "owner removed), MEDDPICC gaps opened and closed, deals that became fully covered, and "
       "the largest handoffs.", "Change over time"),
    # Import
    _E("source_identity", "Source identity",
       "Where an imported record came from: the source system (Salesforce, HubSpot or a plain "
       "file), the object there and its id.",
       "A later import finds the record by it before any name.", "Import"),
    _E("source_crm_id", "Source CRM id",
       "A record's id in the CRM it was exported from.",
       "Salesforce's 15- and 18-character forms are one id.", "Import"),
    _E("date_order", "Date order",
       "Whether a date like 03/04/2026 is day-first (3 April) or month-first (4 March).",
       "Decided per column from all its values; never mixed.", "Import"),
    _E("decimal_mark", "Decimal mark",
       "The character before the cents of an amount: a point (1,234.56) or a comma (1.234,56).",
       "Decided per column; an amount like 1.234 that could be either is refused unless it is "
       "named.", "Import"),
    _E("user_from_name", "User from a name alone",
       "A user imported without an email (a rep in a spreadsheet).",
       "On teams and owning relationships, but unable to sign in.", "Import"),
    _E("value_mapping", "Value mapping",
       "Their stage and contact-role names mapped onto our stages and MEDDPICC roles.",
       "Unknown values get a suggested match; nothing is guessed silently.", "Import"),
)

_BY_KEY = {e.key: e for e in ENTRIES}


def _role_entries() -> tuple[Entry, ...]:
    return tuple(Entry(f"role_{t.value}", t.label, t.doc,
                       f"Gives evidence for {ROLE_EVIDENCE[t.value]}.", "Stakeholder roles")
                 for t in MEDDPICC_ROLES.terms)


ROLE_ENTRIES = _role_entries()
_BY_KEY.update((e.key, e) for e in ROLE_ENTRIES)


def term(key: str) -> Entry:
    """The glossary entry of a term (KeyError for a term the glossary does not hold)."""
    return _BY_KEY[key]


def name(key: str) -> str:
    """The name a screen shows for the term."""
    return _BY_KEY[key].name


def help_text(key: str) -> str:
    """The definition and the rule of the term, for a widget's help."""
    return _BY_KEY[key].help


def entries(group: str | None = None) -> tuple[Entry, ...]:
    """Every entry in display order, or those of one group."""
    every = ENTRIES + ROLE_ENTRIES
    return tuple(e for e in every if group is None or e.group == group)
