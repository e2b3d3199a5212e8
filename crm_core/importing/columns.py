"""Importable entities, their columns, and recognising them in our own, Salesforce's and
HubSpot's headers (our names exactly first, then loosely spelled synonyms)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from crm_core.errors import ValidationError


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntitySpec:
    """An importable entity: its table, what it is called, and the columns it understands."""

    key: str
    table: str
    label: str
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


def _f(key: str, label: str, *synonyms: str) -> Field:
    return Field(key, label, tuple(synonyms))


OUR_ID = _f("id", "Id (this database)")
CREATED_AT = _f("created_at", "Created at")
VERSION = _f("version", "Version")


def _source_id(*synonyms: str) -> Field:
    return _f("source_id", "Source CRM id", "id", "recordid", *synonyms)


# References to other records: by this database's id, by the source CRM's id (same batch),
# or by natural key.
COMPANY_REFS = (
    _f("company_id", "Company (id)"),
    _f("company_source_id", "Company (source CRM id)", "accountid", "associatedcompanyid",
       "associatedcompanyids", "companyrecordid", "associatedcompanyrecordid"),
    _f("company_name", "Company (name)", "company", "companyname", "account", "accountname",
       "associatedcompany", "organization", "organisation"),
    _f("company_website", "Company (website)", "companywebsite", "companydomainname",
       "accountwebsite", "website", "domain"),
)
USER_REFS = (
    _f("user_id", "User (id)"),
    _f("user_source_id", "User (source CRM id)", "userid", "ownerid"),
    _f("user_email", "User (email)", "useremail", "owneremail", "relationshipowneremail",
       "teammemberemail", "email"),
)
STAKEHOLDER_REFS = (
    _f("stakeholder_id", "Stakeholder (id)"),
    _f("stakeholder_source_id", "Stakeholder (source CRM id)", "contactid",
       "contactrecordid"),
    _f("stakeholder_email", "Stakeholder (email)", "stakeholderemail", "contactemail",
       "email"),
)
OPPORTUNITY_REFS = (
    _f("opportunity_id", "Opportunity (id)"),
    _f("opportunity_source_id", "Opportunity (source CRM id)", "opportunityid", "dealid",
       "dealrecordid"),
    _f("opportunity_name", "Opportunity (name)", "opportunityname", "opportunity",
       "dealname", "deal"),
)


def _person(prefix: str, what: str, *, source_ids: tuple[str, ...], emails: tuple[str, ...],
            names: tuple[str, ...]) -> tuple[Field, ...]:
    """A user another row names by source id, email or name: an owner, or a manager."""
    return (_f(f"{prefix}_source_id", f"{what} (source CRM id)", *source_ids),
            _f(f"{prefix}_email", f"{what} (email)", *emails),
            _f(f"{prefix}_name", f"{what} (name)", *names))


def _owner(what: str, *names: str) -> tuple[Field, ...]:
    return _person("owner", what, source_ids=("ownerid", "hubspotownerid"),
                   emails=("owneremail", *(f"{n}email" for n in names)),
                   names=("owner", "ownername", "ownerfullname", *names))


MANAGER = _person("manager", "Manager", source_ids=("managerid",), emails=("manageremail",),
                  names=("manager", "managername", "reportsto"))

# A team member's role (Salesforce TeamMemberRole) is what they do: their job title.
TEAM_ROLE = _f("team_role", "Team member role (job title of a user who has none)",
               "teammemberrole", "teamrole")

# A rep named in a spreadsheet of deals ("Sales agent") is the deal's owner.
_REP = ("salesrep", "rep", "salesagent", "agent", "salesperson", "accountexecutive")

ENTITIES: dict[str, EntitySpec] = {spec.key: spec for spec in (
    EntitySpec("regions", "regions", "Regions", (
        OUR_ID, _source_id("regionid"),
        _f("name", "Name", "name", "region", "regionname", "territory"),
        CREATED_AT, VERSION), ("region", "territories")),
    EntitySpec("users", "users", "Users (account team members)", (
        OUR_ID, _source_id("userid"),
        # Salesforce's Username is a login, never a name.
        _f("name", "Name", "name", "fullname", "salesagent", "salesrep", "rep", "agent"),
        _f("first_name", "First name", "firstname", "givenname"),
        _f("last_name", "Last name", "lastname", "surname", "familyname"),
        _f("email", "Email", "email", "emailaddress", "useremail"),
        _f("job_title", "Job title", "jobtitle", "title"),
        *MANAGER,
        _f("manager_id", "Manager (id)"),
        _f("region_name", "Region (name)", "region", "regionname", "regionaloffice",
           "territory", "office"),
        _f("region_id", "Region (id)"),
        _f("is_active", "Active (true/false)", "isactive", "active"),
        _f("departed_on", "Departed on", "departedon", "departuredate", "enddate",
           "deactivateddate"),
        CREATED_AT, VERSION), ("user", "owners", "salesteams", "sales_team", "team")),
    EntitySpec("companies", "companies", "Companies", (
        OUR_ID, _source_id("accountid", "companyid"),
        _f("name", "Name", "name", "companyname", "accountname", "company", "account"),
        _f("industry", "Industry", "industry", "sector"),
        _f("website", "Website", "website", "companydomainname", "domain", "websiteurl", "url"),
        *_owner("Account owner", "companyowner", "accountowner"),
        CREATED_AT, VERSION), ("company", "account", "accounts")),
    EntitySpec("stakeholders", "stakeholders", "Stakeholders", (
        OUR_ID, _source_id("contactid"),
        _f("name", "Name", "name", "fullname", "contactname"),
        _f("first_name", "First name", "firstname", "givenname"),
        _f("last_name", "Last name", "lastname", "surname", "familyname"),
        _f("job_title", "Job title", "jobtitle", "title"),
        _f("email", "Email", "email", "emailaddress"),
        _f("phone", "Phone", "phone", "phonenumber", "businessphone", "workphone"),
        *COMPANY_REFS,
        _f("owner_email", "Relationship owner (email)", "owneremail", "relationshipowneremail",
           "contactowneremail"),
        _f("owner_name", "Relationship owner (name)", "owner", "ownername", "contactowner",
           "relationshipowner", "ownerfullname"),
        _f("owner_source_id", "Relationship owner (source CRM id)", "ownerid",
           "hubspotownerid"),
        CREATED_AT, VERSION), ("stakeholder", "contact", "contacts")),
    EntitySpec("opportunities", "opportunities", "Opportunities", (
        OUR_ID, _source_id("opportunityid", "dealid"),
        _f("name", "Name", "name", "opportunityname", "dealname"),
        _f("value", "Value", "value", "amount", "dealamount", "opportunityamount",
           "closevalue", "dealvalue"),
        _f("probability", "Probability (%)", "probability", "probabilitypercent",
           "probabilitypct"),
        _f("expected_close_date", "Expected close date", "expectedclosedate", "closedate",
           "closingdate"),
        _f("stage", "Stage", "stage", "stagename", "dealstage", "opportunitystage"),
        *COMPANY_REFS,
        *_owner("Deal owner", "dealowner", "opportunityowner", *_REP),
        _f("product", "Product (names an unnamed deal)", "product", "productname",
           "productline"),
        CREATED_AT, VERSION), ("opportunity", "deal", "deals", "salespipeline", "pipeline")),
    EntitySpec("account_teams", "company_account_teams", "Account teams", (
        *USER_REFS, *COMPANY_REFS, TEAM_ROLE, CREATED_AT),
        ("accountteammember", "accountteammembers", "company_teams")),
    EntitySpec("opportunity_teams", "opportunity_account_teams", "Opportunity teams", (
        *USER_REFS, *OPPORTUNITY_REFS, *COMPANY_REFS, TEAM_ROLE, CREATED_AT),
        ("opportunityteammember", "opportunityteammembers")),
    EntitySpec("stakeholder_opportunities", "stakeholder_opportunities",
               "Stakeholder ↔ opportunity links", (
        *STAKEHOLDER_REFS, *OPPORTUNITY_REFS, *COMPANY_REFS,
        _f("meddpicc_role", "MEDDPICC role", "meddpiccrole", "role", "contactrole"),
        CREATED_AT), ("opportunitycontactrole", "opportunitycontactroles", "buying_committee")),
    EntitySpec("meddpicc_roles", "stakeholder_meddpicc_roles", "MEDDPICC roles", (
        *STAKEHOLDER_REFS,
        _f("meddpicc_role", "MEDDPICC role(s)", "meddpiccrole", "meddpiccroles", "role",
           "roles", "contactrole", "buyingrole"),
        CREATED_AT), ("roles",)),
    EntitySpec("relationship_owners", "stakeholder_relationship_owners", "Relationship owners", (
        *STAKEHOLDER_REFS, *USER_REFS, CREATED_AT), ("owners_of_stakeholders",)),
)}

# Record files before the relationship files that point at them.
IMPORT_ORDER: tuple[str, ...] = tuple(ENTITIES)


def normalised(header: str) -> str:
    """A header spelled loosely: lower case, letters and digits only ('Account.Name' -> ...)."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def entity_for(name: str) -> EntitySpec:
    """The entity called `name`: our key, our table name, an alias or a Salesforce object."""
    wanted = normalised(PurePath(name).stem)
    for spec in ENTITIES.values():
        if wanted in {normalised(n) for n in (spec.key, spec.table, *spec.aliases)}:
            return spec
    known = ", ".join(ENTITIES)
    raise ValidationError(f"'{name}' is not an importable entity (one of: {known}).",
                          field="entity")


_NAME_HINTS = (("opportunitycontactrole", "stakeholder_opportunities"),
               ("salesteam", "users"), ("pipeline", "opportunities"),
               ("accountteam", "account_teams"), ("opportunityteam", "opportunity_teams"),
               ("contact", "stakeholders"), ("stakeholder", "stakeholders"),
               ("deal", "opportunities"), ("opportunit", "opportunities"),
               ("compan", "companies"), ("account", "companies"), ("user", "users"))


def guess_entity(file_name: str, headers: tuple[str, ...] | list[str] = ()) -> str | None:
    """The entity a file most likely holds: by its name, else by which headers it has."""
    try:
        return entity_for(file_name).key
    except ValidationError:
        pass
    loose = normalised(PurePath(file_name).stem)
    for hint, entity in _NAME_HINTS:
        if hint in loose:
            return entity
    scores = {key: sum(1 for field in recognise_columns(key, headers).values() if field)
              for key in ENTITIES}
    best = max(scores.values(), default=0)
    winners = [key for key, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def recognise_columns(entity: str, headers: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """header -> field key (None when not recognised); each field is taken once, first come."""
    spec = ENTITIES[entity]
    exact = {f.key: f.key for f in spec.fields}
    taken: set[str] = set()
    result: dict[str, str | None] = {}
    for header in headers:
        key = exact.get(header.strip())
        if key in taken:
            key = None
        result[header] = key
        if key:
            taken.add(key)
    for header in headers:
        if result[header] is not None:
            continue
        loose = normalised(header)
        key = next((f.key for f in spec.fields if loose in f.synonyms and f.key not in taken),
                   None)
        result[header] = key
        if key:
            taken.add(key)
    return result


TEMPLATES: dict[str, tuple[str, ...]] = {
    "regions": ("name",),
    "users": ("name", "email", "job_title", "manager_email", "region_name"),
    "companies": ("name", "industry", "website"),
    "stakeholders": ("name", "job_title", "email", "phone", "company_name", "owner_email"),
    "opportunities": ("name", "value", "probability", "expected_close_date", "stage",
                      "company_name"),
    "account_teams": ("user_email", "company_name"),
    "opportunity_teams": ("user_email", "opportunity_name", "company_name"),
    "stakeholder_opportunities": ("stakeholder_email", "opportunity_name", "meddpicc_role"),
    "meddpicc_roles": ("stakeholder_email", "meddpicc_role"),
    "relationship_owners": ("stakeholder_email", "user_email"),
}


def template_csv(entity: str) -> str:
    """A blank CSV with the columns an entity's file needs (our names, references by key)."""
    return ",".join(TEMPLATES[entity]) + "\n"


def unmapped_required(entity: str, mapping: dict[str, str | None]) -> list[str]:
    """Labels of what the file must say but no column is mapped to (empty when fine)."""
    mapped = {key for key in mapping.values() if key}
    needs = {
        "regions": [("name", "id", "source_id")],
        "users": [("email", "id", "source_id", "name", "first_name", "last_name"),
                  ("name", "first_name", "last_name", "id", "source_id", "email")],
        "companies": [("name", "website", "id", "source_id")],
        "stakeholders": [("name", "first_name", "last_name", "email", "id", "source_id")],
        "opportunities": [("name", "id", "source_id")],
        "account_teams": [("user_id", "user_source_id", "user_email"),
                          ("company_id", "company_source_id", "company_name", "company_website")],
        "opportunity_teams": [("user_id", "user_source_id", "user_email"),
                              ("opportunity_id", "opportunity_source_id", "opportunity_name")],
        "stakeholder_opportunities": [
            ("stakeholder_id", "stakeholder_source_id", "stakeholder_email"),
            ("opportunity_id", "opportunity_source_id", "opportunity_name")],
        "meddpicc_roles": [("stakeholder_id", "stakeholder_source_id", "stakeholder_email"),
                           ("meddpicc_role",)],
        "relationship_owners": [("stakeholder_id", "stakeholder_source_id", "stakeholder_email"),
                                ("user_id", "user_source_id", "user_email")],
    }[entity]
    spec = ENTITIES[entity]
    return [" or ".join(spec.field(k).label for k in group) for group in needs
            if not mapped & set(group)]

