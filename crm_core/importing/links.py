"""The dry run of relationship files: account and opportunity teams, stakeholder links, MEDDPICC
roles and relationship owners. A link is created or already there; it is never 'updated' (a
team member's role may give a user without one their job title).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crm_core.errors import ValidationError
from crm_core.importing import refs
from crm_core.importing.directory import Pending, Ref
from crm_core.importing.plan import Update

if TYPE_CHECKING:
    from crm_core.importing.plan import FilePlan, Planner, Row


def add_link(planner: Planner, plan: FilePlan, table: str, keys: dict[str, Any], row: Row,
         line: int) -> bool:
    """Plan one link row unless it exists; True when it is new."""
    from crm_core.importing.directory import LINK_KEYS

    key = tuple(keys[c] for c in LINK_KEYS[table])
    existing = planner.directory.link_set(table)
    if key in existing:
        return False
    existing.add(key)
    plan.inserts.setdefault(table, []).append(({**keys, **planner.created_at(row)}, line))
    return True


def _count(plan: FilePlan, new: bool) -> None:
    if new:
        plan.created += 1
    else:
        plan.unchanged += 1


def _both(planner: Planner, row: Row, first: tuple, second: tuple) -> tuple[Ref, Ref]:
    """Two references a link row must name, each (lookup, what, field): both errors at once."""
    found = [planner.errors.attempt(lookup, planner.directory, row)
             for lookup, _, _ in (first, second)]
    planner.errors.raise_any()
    return tuple(refs.require(ref, what, field)
                 for ref, (_, what, field) in zip(found, (first, second), strict=True))


def _team_role(planner: Planner, plan: FilePlan, row: Row, user: Ref, line: int) -> None:
    if row.get("team_role"):
        planner.team_roles.setdefault(user, []).append((row["team_role"], plan, line))


def team_roles_as_job_titles(planner: Planner, plans: list[FilePlan]) -> list[str]:
    """A team member's role becomes the job title of a user who has none (titles live on the
    person, never on a team seat); notes for roles that could not be kept that way."""
    directory, notes = planner.directory, []
    creates = {c.ref: c for p in plans for c in p.creates}
    for user, seats in planner.team_roles.items():
        roles = list(dict.fromkeys(role for role, _, _ in seats))
        name = directory.name_of("users", user)
        values = (creates[user].values if isinstance(user, Pending)
                  else directory.records["users"][user])
        title = values.get("job_title")
        if title:
            if roles != [title]:
                notes.append(f"{name}'s team role ({', '.join(roles)}) differs from their job "
                             f"title '{title}', which is kept.")
            continue
        if len(roles) > 1:
            notes.append(f"{name} has several team roles ({', '.join(roles)}); their job title "
                         f"becomes the first, '{roles[0]}'.")
        _, plan, line = seats[0]
        if isinstance(user, int):
            plan.updates.append(Update(user, {"job_title": roles[0]}, {"job_title": None},
                                       line, entity="users"))
        values["job_title"] = roles[0]
    return notes


def _once(planner: Planner, plan: FilePlan, key: tuple, line: int) -> None:
    planner.check_duplicate(plan, key)
    planner.mark_seen(plan, key, line)


def plan_account_team(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A user on a company's account team."""
    user, company = _both(planner, row, (refs.user_ref, "user (email or id)", "user_email"),
                          (refs.company_ref, "company (name, website or id)", "company_name"))
    _once(planner, plan, ("account_team", user, company), line)
    _team_role(planner, plan, row, user, line)
    _count(plan, add_link(planner, plan, "company_account_teams",
                      {"user_id": user, "company_id": company}, row, line))


def opportunity_team_link(planner: Planner, plan: FilePlan, user: Ref, opportunity: Ref,
                          row: Row, line: int) -> bool:
    """Add a user to a deal's team unless they are on it (also through the account team)."""
    directory = planner.directory
    inherited = (user, directory.company_of.get(("opportunities", opportunity))) in \
        directory.link_set("company_account_teams")
    if inherited and not planner.restore:
        return False  # already on the deal through the company's account team
    return add_link(planner, plan, "opportunity_account_teams",
                    {"user_id": user, "opportunity_id": opportunity}, row, line)


def plan_opportunity_team(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A user added to an opportunity's team (skipped when inherited from the account team)."""
    directory, errors = planner.directory, planner.errors
    user = errors.attempt(refs.user_ref, directory, row)
    company = errors.attempt(refs.company_ref, directory, row)
    opportunity = errors.attempt(refs.opportunity_ref, directory, row, company=company)
    errors.raise_any()
    user = refs.require(user, "user (email or id)", "user_email")
    opportunity = refs.require(opportunity, "opportunity (name or id)", "opportunity_name")
    _once(planner, plan, ("opportunity_team", user, opportunity), line)
    _team_role(planner, plan, row, user, line)
    _count(plan, opportunity_team_link(planner, plan, user, opportunity, row, line))


def plan_stakeholder_opportunity(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A stakeholder on an opportunity's buying committee, with their MEDDPICC role if given."""
    directory = planner.directory
    stakeholder = refs.require(refs.stakeholder_ref(directory, row), "stakeholder (email or id)",
                               "stakeholder_email")
    works_at = directory.company_of.get(("stakeholders", stakeholder))
    company = refs.company_ref(directory, row) or works_at
    other_company = ValidationError("The stakeholder works at another company than the "
                                    "opportunity.", field="opportunity_name")
    try:
        opportunity = refs.require(refs.opportunity_ref(directory, row, company=company),
                                   "opportunity (name or id)", "opportunity_name")
    except ValidationError:
        named_elsewhere = directory.by_name["opportunities"].get(
            row.get("opportunity_name", "").lower())
        if company == works_at and named_elsewhere:
            raise other_company from None
        raise
    if works_at != directory.company_of.get(("opportunities", opportunity)):
        raise other_company
    roles = planner.values.roles_of(row["meddpicc_role"]) if "meddpicc_role" in row else []
    _once(planner, plan, ("stakeholder_opportunity", stakeholder, opportunity), line)
    deal = row.get("opportunity_name") or row.get("opportunity_source_id") or \
        row.get("opportunity_id", "")
    planner.role_sets.setdefault(stakeholder, {})[deal] = tuple(roles)
    new = add_link(planner, plan, "stakeholder_opportunities",
               {"stakeholder_id": stakeholder, "opportunity_id": opportunity}, row, line)
    for role in roles:
        new = _add_role(planner, plan, stakeholder, role, row, line) or new
    _count(plan, new)


def _add_role(planner: Planner, plan: FilePlan, stakeholder: Ref, role: str, row: Row,
              line: int) -> bool:
    return add_link(planner, plan, "stakeholder_meddpicc_roles",
                {"stakeholder_id": stakeholder, "meddpicc_role": role}, row, line)


def plan_meddpicc_roles(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """One or more MEDDPICC roles a stakeholder plays ('Champion; Influencer')."""
    stakeholder = refs.require(refs.stakeholder_ref(planner.directory, row),
                               "stakeholder (email or id)", "stakeholder_email")
    if "meddpicc_role" not in row:
        raise ValidationError("MEDDPICC role is required.", field="meddpicc_role")
    roles = planner.values.roles_of(row["meddpicc_role"])
    for role in roles:
        planner.check_duplicate(plan, ("meddpicc_role", stakeholder, role))
    new = False
    for role in roles:
        planner.mark_seen(plan, ("meddpicc_role", stakeholder, role), line)
        new = _add_role(planner, plan, stakeholder, role, row, line) or new
    _count(plan, new)


def plan_relationship_owner(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A user owns the relationship with a stakeholder."""
    stakeholder, user = _both(
        planner, row, (refs.stakeholder_ref, "stakeholder (email or id)", "stakeholder_email"),
        (refs.user_ref, "user (email or id)", "user_email"))
    _once(planner, plan, ("relationship_owner", stakeholder, user), line)
    _count(plan, add_link(planner, plan, "stakeholder_relationship_owners",
                      {"stakeholder_id": stakeholder, "user_id": user}, row, line))


LINK_PLANNERS = {
    "account_teams": plan_account_team,
    "opportunity_teams": plan_opportunity_team,
    "stakeholder_opportunities": plan_stakeholder_opportunity,
    "meddpicc_roles": plan_meddpicc_roles,
    "relationship_owners": plan_relationship_owner,
}
