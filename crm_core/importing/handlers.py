"""Planning one row of a companies, stakeholders or opportunities file (users and regions:
people.py; relationship files: links.py), and what a file's end adds to the report."""

from __future__ import annotations

from typing import Any

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing import refs
from crm_core.importing.formats import parse_amount
from crm_core.importing.links import LINK_PLANNERS, add_link, opportunity_team_link
from crm_core.importing.people import finish_users, plan_region, plan_user
from crm_core.importing.plan import FilePlan, Planner, Row, parsed, text_value
from crm_core.importing.values import close_date, person_name, website_host
from crm_core.services.records import COMPANY_FIELDS, STAKEHOLDER_FIELDS
from crm_core.vocab import default_probability


def _owner(planner: Planner, row: Row, what: str) -> Any:
    return planner.errors.attempt(refs.person_ref, planner.directory, row, what=what)


def _company_and_owner(planner: Planner, row: Row, values: dict[str, Any], *,
                       owner: str) -> tuple[Any, Any]:
    """The row's company (put into `values`) and owner (`owner` says which kind); then every
    error of the row so far."""
    errors = planner.errors
    company = errors.attempt(refs.company_ref, planner.directory, row)
    if company is not None:
        values["company_id"] = company
    found = _owner(planner, row, owner)
    errors.raise_any()
    return company, found


def _count_link(plan: FilePlan, unchanged_before: int, new: bool) -> None:
    """A record row unchanged in itself whose links are new counts as updated."""
    if new and plan.unchanged > unchanged_before:
        plan.unchanged, plan.updated = plan.unchanged - 1, plan.updated + 1


def plan_company(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A company; its owner in the source CRM joins its account team."""
    directory, errors = planner.directory, planner.errors
    directory.load("companies")
    values = parsed(errors, COMPANY_FIELDS, row, ("name", "industry", "website"))
    owner = _owner(planner, row, "account owner")
    errors.raise_any()

    def natural() -> set:
        host = website_host(values["website"]) if values.get("website") else None
        if host and host in directory.by_host:
            return {directory.by_host[host]}
        if values.get("name"):
            return set(directory.by_name["companies"].get(values["name"].lower(), set()))
        return set()

    target = planner.match("companies", row, natural, ambiguous=f" are named "
                           f"'{values.get('name')}'; give their websites to tell them apart")
    unchanged = plan.unchanged
    company = planner.upsert(plan, "companies", target, values, row, line)
    if owner is not None:
        _count_link(plan, unchanged, add_link(planner, plan, "company_account_teams", {
            "user_id": owner, "company_id": company}, row, line))


def plan_stakeholder(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """A stakeholder of a company; its owner becomes a relationship owner."""
    directory, errors = planner.directory, planner.errors
    directory.load("stakeholders")
    values = parsed(errors, STAKEHOLDER_FIELDS, row, ("job_title", "email", "phone"))
    if name := person_name(row):
        values["name"] = errors.attempt(STAKEHOLDER_FIELDS["name"], name)
    company, owner = _company_and_owner(planner, row, values, owner="relationship owner")

    def natural() -> set:
        if values.get("email") and values["email"] in directory.by_email["stakeholders"]:
            return {directory.by_email["stakeholders"][values["email"]]}
        if company is None or not values.get("name"):
            return set()
        same = directory.by_company_name["stakeholders"].get((company, values["name"].lower()),
                                                             set())
        # Two people of one name with two different emails are two people.
        return {r for r in same if not (values.get("email") and
                                        directory.records["stakeholders"].get(r, {}).get(
                                            "email"))}

    target = planner.match("stakeholders", row, natural, ambiguous=f" of the company are "
                           f"named '{values.get('name')}'; give their emails or ids")
    if target is None and company is None:
        raise ValidationError("A new stakeholder needs a company (name, website or id).",
                              field="company_name")
    unchanged = plan.unchanged
    stakeholder = planner.upsert(plan, "stakeholders", target, values, row, line,
                                 check=lambda t, c: planner.email_free("stakeholders", t, c))
    if owner is not None:
        _count_link(plan, unchanged, add_link(
            planner, plan, "stakeholder_relationship_owners",
            {"stakeholder_id": stakeholder, "user_id": owner}, row, line))


def _deal_name(planner: Planner, row: Row, company: Any) -> str | None:
    """A name for a deal the file leaves unnamed: its account and product, or its id there."""
    if company is None:
        return None
    account = row.get("company_name") or planner.directory.name_of("companies", company)
    detail = row.get("product") or (f"#{row['source_id']}" if row.get("source_id") else None)
    return f"{account} – {detail}" if detail else None


def plan_opportunity(planner: Planner, plan: FilePlan, row: Row, line: int) -> None:
    """An opportunity of a company; its owner joins its opportunity team."""
    directory, errors = planner.directory, planner.errors
    directory.load("opportunities")
    values: dict[str, Any] = {}
    for key, parse in (
            ("stage", planner.values.stage),
            ("value", lambda raw: parse_amount(raw, mark=planner.formats.get("value"))),
            ("probability", validation.probability),
            ("expected_close_date", lambda raw: close_date(
                raw, planner.formats.get("expected_close_date")))):
        if key in row:
            before = len(errors.errors)
            errors.attempt(planner.column_error, key)
            value = errors.attempt(parse, row[key]) if len(errors.errors) == before else None
            if len(errors.errors) == before:
                values[key] = value
    if "name" in row:
        values["name"] = text_value(errors, row, "name", "Name")
    company, owner = _company_and_owner(planner, row, values, owner="deal owner")

    def natural() -> set:
        if company is None or not values.get("name"):
            return set()
        return set(directory.by_company_name["opportunities"].get(
            (company, values["name"].lower()), set()))

    target = planner.match("opportunities", row, natural, ambiguous=f" of the company are "
                           f"named '{values.get('name')}'; give the deal's id")
    if target is None:
        refs.require(company, "company (name, website or id)", "company_name")
        if "name" not in values and (generated := _deal_name(planner, row, company)):
            values["name"] = generated
        if "stage" not in values:
            raise ValidationError("Stage is required.", field="stage")
        values.setdefault("probability", default_probability(values["stage"]))
        if "value" not in values:
            plan.without_amount.append(line)
    unchanged = plan.unchanged
    deal = planner.upsert(plan, "opportunities", target, values, row, line)
    if owner is not None:
        _count_link(plan, unchanged, opportunity_team_link(planner, plan, owner, deal, row,
                                                           line))


HANDLERS = {
    "regions": plan_region,
    "users": plan_user,
    "companies": plan_company,
    "stakeholders": plan_stakeholder,
    "opportunities": plan_opportunity,
    **LINK_PLANNERS,
}


def finish_file(planner: Planner, plan: FilePlan, cells_by_line: dict[int, tuple]) -> None:
    """What is decided once the whole file is planned: users' managers; what it adds to the
    report."""
    if plan.entity == "users":
        finish_users(planner, plan, cells_by_line)
    lines = [line for line in plan.without_amount
             if not any(r.line == line for r in plan.rejected)]
    if lines:
        shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
        planner.notes.append(f"{plan.name}: {len(lines)} new deal(s) have no amount and get "
                             f"the value $0 (line {shown}).")
