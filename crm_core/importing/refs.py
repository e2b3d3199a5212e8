"""Resolving a row's references to other records by id, by source CRM id or by natural key;
an unknown one raises a ValidationError naming the value."""

from __future__ import annotations

from collections.abc import Mapping

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.importing.directory import Directory, Ref
from crm_core.importing.sources import external_id
from crm_core.importing.values import website_host

Row = Mapping[str, str]


def by_id(directory: Directory, entity: str, row: Row, field: str, what: str) -> Ref:
    """The record a row names by this database's id (or, restoring, the export's)."""
    raw = row[field]
    validation.identifier(raw, field=field, label=f"{what.capitalize()} id")
    found = directory.by_reference_id(entity, raw)
    if found is None:
        raise ValidationError(f"Unknown {what}: there is no {what} with id {raw}.", field=field)
    return found


def source_ref(directory: Directory, entity: str, raw: str) -> Ref | None:
    """The record a source CRM id names: in this import or an earlier one from that CRM."""
    return directory.sources.get((entity, external_id(directory.system, raw)))


def _by_source_id(directory: Directory, entity: str, row: Row, field: str, what: str) -> Ref:
    raw = row[field]
    found = source_ref(directory, entity, raw)
    if found is None:
        raise ValidationError(f"Unknown {what}: source CRM id {raw} is neither in this import "
                              f"nor in an earlier one (import the {entity} first).",
                              field=field)
    return found


def _unique(refs: set[Ref], what: str, name: str, field: str, hint: str) -> Ref | None:
    if len(refs) > 1:
        raise ValidationError(f"{len(refs)} {what} are named '{name}'; {hint}.", field=field)
    return next(iter(refs), None)


def company_ref(directory: Directory, row: Row) -> Ref | None:
    """The company a row names (company_id, source id, website or name), None if it names none."""
    directory.load("companies")
    if "company_id" in row:
        return by_id(directory, "companies", row, "company_id", "company")
    if "company_source_id" in row:
        return _by_source_id(directory, "companies", row, "company_source_id", "company")
    if "company_website" in row:
        host = website_host(row["company_website"])
        if host in directory.by_host:
            return directory.by_host[host]
    if "company_name" in row:
        name = row["company_name"]
        found = _unique(directory.by_name["companies"].get(name.lower(), set()), "companies",
                        name, "company_name", "give the company's website or id instead")
        if found is None:
            raise ValidationError(f"Unknown company '{name}'"
                                  f"{directory.suggestion('companies', name)}.",
                                  field="company_name")
        return found
    if "company_website" in row:
        raise ValidationError(f"Unknown company: no company has the website "
                              f"'{row['company_website']}'.", field="company_website")
    return None


def user_ref(directory: Directory, row: Row) -> Ref | None:
    """The user a row names (user_id, source id or email)."""
    directory.load("users")
    if "user_id" in row:
        return by_id(directory, "users", row, "user_id", "user")
    if "user_source_id" in row:
        return _by_source_id(directory, "users", row, "user_source_id", "user")
    if "user_email" in row:
        email = validation.email(row["user_email"], field="user_email", label="User email")
        found = directory.by_email["users"].get(email)
        if found is None:
            raise ValidationError(f"Unknown user: no user has the email {email}"
                                  f"{directory.suggestion('users', email, by='email')}.",
                                  field="user_email")
        return found
    return None


def person_ref(directory: Directory, row: Row, *, prefix: str = "owner",
               what: str = "relationship owner") -> Ref | None:
    """The user a row names in its `<prefix>_source_id`, `<prefix>_email` or `<prefix>_name`
    column (a stakeholder's owner, a deal's owner, a user's manager)."""
    source_field, email_field, name_field = (f"{prefix}_{k}" for k in ("source_id", "email",
                                                                        "name"))
    if source_field in row:
        directory.load("users")
        return _by_source_id(directory, "users", row, source_field, what)
    raw = row.get(email_field) or row.get(name_field)
    if raw is None:
        return None
    directory.load("users")
    field = email_field if "@" in raw else name_field
    if "@" in raw:
        email = validation.email(raw, field=field, label=f"{what.capitalize()} email")
        found = directory.by_email["users"].get(email)
    else:
        found = _unique(directory.by_name["users"].get(raw.lower(), set()), "users", raw,
                        field, f"give the {what}'s email instead")
    if found is None:
        raise ValidationError(f"Unknown {what}: no user is '{raw}'"
                              f"{directory.suggestion('users', raw)}.", field=field)
    return found


def stakeholder_ref(directory: Directory, row: Row) -> Ref | None:
    """The stakeholder a row names (stakeholder_id, source id or email)."""
    directory.load("stakeholders")
    if "stakeholder_id" in row:
        return by_id(directory, "stakeholders", row, "stakeholder_id", "stakeholder")
    if "stakeholder_source_id" in row:
        return _by_source_id(directory, "stakeholders", row, "stakeholder_source_id",
                             "stakeholder")
    if "stakeholder_email" in row:
        email = validation.email(row["stakeholder_email"], field="stakeholder_email",
                                 label="Stakeholder email")
        found = directory.by_email["stakeholders"].get(email)
        if found is None:
            raise ValidationError(f"Unknown stakeholder: no stakeholder has the email {email}.",
                                  field="stakeholder_email")
        return found
    return None


def opportunity_ref(directory: Directory, row: Row, *, company: Ref | None) -> Ref | None:
    """The opportunity a row names (id, source id, or its name within `company`)."""
    directory.load("opportunities")
    if "opportunity_id" in row:
        return by_id(directory, "opportunities", row, "opportunity_id", "opportunity")
    if "opportunity_source_id" in row:
        return _by_source_id(directory, "opportunities", row, "opportunity_source_id",
                             "opportunity")
    if "opportunity_name" not in row:
        return None
    name = row["opportunity_name"]
    if company is not None:
        found = _unique(directory.by_company_name["opportunities"].get(
            (company, name.lower()), set()), "opportunities of the company", name,
            "opportunity_name", "name it by its id instead")
    else:
        found = _unique(directory.by_name["opportunities"].get(name.lower(), set()),
                        "opportunities", name, "opportunity_name",
                        "add a company column to say which one")
    if found is None:
        raise ValidationError(f"Unknown opportunity '{name}'.", field="opportunity_name")
    return found


def require(ref: Ref | None, what: str, field: str) -> Ref:
    """The reference, or an error saying the row names no such record."""
    if ref is None:
        raise ValidationError(f"The row names no {what}.", field=field)
    return ref
