"""The words of the sales organisation and of scopes, each with its one definition.

Screens take their labels and help texts from here (kept together so they join the glossary).
"""

from __future__ import annotations

from crm_core.vocab import Term, Vocabulary

TEAM_TERMS = Vocabulary("team_term", [
    Term("scope", "Scope",
         "What a dashboard shows: the companies where someone in scope sits on the account "
         "team, the deals whose full team (account team plus members added to the deal) "
         "includes someone in scope, and the tasks linked to someone in scope. Never only what "
         "people in scope own: that would hide the orphans a leader must see."),
    Term("organisation", "Whole organisation", "Everyone: no scope narrows the figures."),
    Term("region", "Region", "A sales region or territory; each user belongs to at most one."),
    Term("manager", "Manager", "The user someone reports to (at most one; no circles)."),
    Term("team", "Team",
         "A manager and everyone who reports to them, directly or through others, at any "
         "depth. The manager is part of their own team."),
    Term("my_team", "My team", "The team of the signed-in user, when people report to them."),
    Term("person", "Person", "One user alone."),
    Term("direct_report", "Direct report", "A user whose manager is this user."),
    Term("departed", "Departed",
         "A user who has left: keeps their history (ownerships, seats, tasks), can no longer "
         "sign in, and is never offered as a new owner, team member or manager."),
    Term("orphaned_owner_departed", "Orphaned (owner departed)",
         "A stakeholder who had owners, all of whom have departed: nobody still here owns the "
         "relationship. Counted among the orphaned, shown apart from those nobody ever owned "
         "or whose owners were removed."),
    Term("team_comparison", "Team comparison",
         "The teams of a manager's direct reports side by side: ownership coverage, "
         "orphaned stakeholders, MEDDPICC value at risk and overdue tasks, each in that team's "
         "scope."),
])


def definition(value: str) -> str:
    """The definition of a term (for help texts)."""
    return next(t.doc for t in TEAM_TERMS.terms if t.value == value)
