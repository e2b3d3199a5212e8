"""Users, companies with their account teams, and stakeholders with MEDDPICC roles and owners."""

from __future__ import annotations

from crm_core.seeding import catalog
from crm_core.seeding.people import (
    EMAIL_FORMATS,
    TOP_LEVEL_DOMAINS,
    People,
    ascii_slug,
    locale_choices,
)
from crm_core.seeding.world import WeightedPicker, World

USER_DOMAIN = "example.com"
TEAM_SIZES = WeightedPicker((2, 3, 4, 5), (0.3, 0.35, 0.22, 0.13))
# Per company, the share of stakeholders nobody owns: most accounts are well covered, a few not.
ORPHAN_RATES = WeightedPicker((0.05, 0.1, 0.15, 0.2, 0.25, 0.35),
                              (0.15, 0.22, 0.22, 0.18, 0.13, 0.10))
OWNER_FROM_TEAM = 0.86
SECOND_OWNER = 0.12
EMAIL_MISSING = 0.03
PHONE_MISSING = 0.1
BRAND_WORDS = ("Northwind", "Bluewater", "Summit", "Pinnacle", "Redwood", "Ironbridge",
               "Silverline", "Oakridge", "Crescent", "Harbor", "Granite", "Evergreen", "Lakeside",
               "Brightpath", "Keystone", "Meridian", "Atlas", "Horizon", "Vertex", "Cobalt",
               "Sterling", "Riverside", "Highland", "Beacon", "Foxglove", "Juniper", "Aurora")
LOCAL_SUFFIXES = {"en_US": (" Inc.", " LLC", " Corp."), "en_GB": (" Ltd", " plc", " Group"),
                  "de_DE": (" GmbH", " AG", " Gruppe"), "fr_FR": (" SA", " SAS", " Groupe"),
                  "nl_NL": (" B.V.", " N.V.", " Groep")}


def _user_titles(world: World) -> list[str]:
    count = world.scale.users
    if count == len(catalog.DEMO_USER_TITLES):
        titles = list(catalog.DEMO_USER_TITLES)
    else:
        titles = [title for title, share in catalog.USER_TITLES
                  for _ in range(max(1, round(count * share)))]
        while len(titles) > count:
            titles.remove("Account Executive")
        titles += ["Account Executive"] * (count - len(titles))
    world.rng.shuffle(titles)
    return titles


def generate_users(world: World, people: People) -> list[tuple]:
    """Rows of `users`: our sales organisation, job titles in believable proportions."""
    rng, rows = world.rng, []
    for user_id, title in enumerate(_user_titles(world), start=1):
        locale = "en_GB" if rng.random() < 0.3 else "en_US"
        first, last = people.name(locale)
        email = people.email(first, last, USER_DOMAIN, "{first}.{last}")
        rows.append((user_id, f"{first} {last}", email, title,
                     world.calendar.stamp(-rng.randint(30, 1500), rng)))
        world.users_by_title.setdefault(title, []).append(user_id)
        # Some people carry far more accounts than others.
        world.user_weight.append(rng.lognormvariate(0, 0.45))
    return rows


def _company_name(world: World, people: People, industry: str, locale: str,
                  taken: set[str]) -> tuple[str, str]:
    """(name, the name without its legal form) of a new company, unique."""
    rng = world.rng
    words = catalog.INDUSTRY_NAME_WORDS[industry]
    for attempt in range(12):
        last = people.name(locale)[1]
        pattern = rng.random()
        if pattern < 0.45:
            name = f"{last} {rng.choice(words)}"
        elif pattern < 0.6:
            name = f"{last} & {people.name(locale)[1]}"
        elif pattern < 0.7:
            name = f"{last}-{people.name(locale)[1]} {rng.choice(words)}"
        else:
            name = f"{rng.choice(BRAND_WORDS)} {rng.choice(words)}"
        bare = name
        if rng.random() < 0.35 or attempt > 5:
            name += rng.choice(LOCAL_SUFFIXES[locale])
        if name not in taken:
            taken.add(name)
            return name, bare
    name = f"{name} {len(taken)}"
    taken.add(name)
    return name, bare


def _domain(bare_name: str, locale: str, taken: set[str]) -> str:
    base = ascii_slug(bare_name)
    for suffix in ("", "group", "global", "hq", "corp"):
        domain = f"{base}{suffix}{TOP_LEVEL_DOMAINS[locale]}"
        if domain not in taken:
            break
    counter = 1
    while domain in taken:
        counter += 1
        domain = f"{base}{counter}{TOP_LEVEL_DOMAINS[locale]}"
    taken.add(domain)
    return domain


def generate_companies(world: World, people: People) -> tuple[list[tuple], list[tuple],
                                                              list[tuple[str, str, str, str]]]:
    """Rows of `companies` and `company_account_teams`, plus each company's
    (industry, locale, email domain, email format) for its stakeholders."""
    rng, scale = world.rng, world.scale
    industries = WeightedPicker(*zip(*catalog.INDUSTRIES, strict=True))
    leads = world.user_picker(catalog.ACCOUNT_LEADS)
    support = world.user_picker(catalog.TEAM_SUPPORT)
    leaders = world.user_picker(catalog.SALES_LEADERS)
    names, domains = set(), set()
    companies, teams, profiles = [], [], []
    for company_id, locale in enumerate(locale_choices(rng, scale.companies), start=1):
        industry = industries.pick(rng)
        name, bare_name = _company_name(world, people, industry, locale, names)
        domain = _domain(bare_name, locale, domains)
        created = -rng.randint(60, 2000)
        stamp = world.calendar.stamp(created, rng)
        companies.append((company_id, name, industry, f"https://www.{domain}", stamp))
        profiles.append((industry, locale, domain, rng.choice(EMAIL_FORMATS)))
        world.company_name.append(name)
        world.company_created.append(created)
        world.company_weight.append(rng.lognormvariate(0, 0.7))
        team = [leads.pick(rng)]
        size = TEAM_SIZES.pick(rng)
        if rng.random() < 0.06 and leaders:
            team.append(leaders.pick(rng))
        while len(team) < size:
            member = support.pick(rng)
            if member not in team:
                team.append(member)
        team.sort()
        world.company_team.append(team)
        teams += [(user_id, company_id, stamp) for user_id in team]
    return companies, teams, profiles


def _stakeholder_companies(world: World) -> list[int]:
    # Every company gets at least two stakeholders; bigger companies get more of the rest.
    rng, scale = world.rng, world.scale
    base = min(2, scale.stakeholders // scale.companies)
    company_ids = [c for c in range(1, scale.companies + 1) for _ in range(base)]
    rest = scale.stakeholders - len(company_ids)
    company_ids += rng.choices(range(1, scale.companies + 1), weights=world.company_weight[1:],
                               k=rest)
    rng.shuffle(company_ids)
    return company_ids


def generate_stakeholders(world: World, people: People,
                          profiles: list[tuple[str, str, str, str]]) -> dict[str, list[tuple]]:
    """Rows of `stakeholders`, `stakeholder_meddpicc_roles` and
    `stakeholder_relationship_owners`."""
    rng, calendar = world.rng, world.calendar
    title_pickers = {industry: WeightedPicker(titles, [t.weight for t in titles])
                     for industry in catalog.INDUSTRY_NAME_WORDS
                     for titles in [catalog.industry_titles(industry)]}
    executives = WeightedPicker(catalog.EXECUTIVE_TITLES,
                                [t.weight for t in catalog.EXECUTIVE_TITLES])
    field_users = world.user_picker(catalog.ACCOUNT_LEADS + catalog.TEAM_SUPPORT)
    orphan_rate = [0.0] + [ORPHAN_RATES.pick(rng) for _ in profiles]
    world.company_stakeholders = [[] for _ in range(len(profiles) + 1)]
    stakeholders, roles, owners = [], [], []
    for stakeholder_id, company_id in enumerate(_stakeholder_companies(world), start=1):
        industry, locale, domain, email_format = profiles[company_id - 1]
        known = world.company_stakeholders[company_id]
        title = (executives if len(known) < 2 else title_pickers[industry]).pick(rng)
        first, last = people.name(locale)
        email = (None if rng.random() < EMAIL_MISSING
                 else people.email(first, last, domain, email_format))
        phone = None if rng.random() < PHONE_MISSING else people.phone(locale)
        created = rng.randint(world.company_created[company_id], -1)
        stamp = calendar.stamp(created, rng)
        stakeholders.append((stakeholder_id, f"{first} {last}", title.name, email, phone,
                             company_id, stamp))
        held = tuple(role for role, chance in title.roles if rng.random() < chance)
        if not held and rng.random() < 0.06:
            held = ("champion",)
        roles += [(stakeholder_id, role, stamp) for role in held]
        chosen = _owners(world, rng, company_id, orphan_rate[company_id], field_users)
        owners += [(stakeholder_id, user_id, stamp) for user_id in chosen]
        known.append(stakeholder_id)
        world.stakeholder_first_name.append(first)
        world.stakeholder_company.append(company_id)
        world.stakeholder_roles.append(held)
        world.stakeholder_owners.append(chosen)
    return {"stakeholders": stakeholders, "stakeholder_meddpicc_roles": roles,
            "stakeholder_relationship_owners": owners}


def _owners(world: World, rng, company_id: int, orphan_rate: float,
            field_users: WeightedPicker) -> tuple[int, ...]:
    if rng.random() < orphan_rate:
        return ()
    team = world.company_team[company_id]
    # Mostly someone on the account team; sometimes a colleague who is not on it.
    first = rng.choice(team) if rng.random() < OWNER_FROM_TEAM else field_users.pick(rng)
    if rng.random() >= SECOND_OWNER:
        return (first,)
    second = rng.choice(team)
    return (first,) if second == first else tuple(sorted((first, second)))
