"""What a real sales organisation looks like: job titles, industries, MEDDPICC roles by title,
deal names and task wording that the seed generator samples from."""

from __future__ import annotations

from dataclasses import dataclass

# Internal job titles of our own sales organisation, with their share of the headcount.
USER_TITLES: tuple[tuple[str, float], ...] = (
    ("Account Executive", 0.27),
    ("Senior Account Executive", 0.08),
    ("Account Manager", 0.14),
    ("Sales Development Representative", 0.16),
    ("Solutions Engineer", 0.12),
    ("Customer Success Manager", 0.12),
    ("Sales Manager", 0.05),
    ("Sales Director", 0.03),
    ("Revenue Operations Analyst", 0.02),
    ("VP Sales", 0.01),
)
# The demo's 15 users, in this exact mix (proportions would round a 15-person team badly).
DEMO_USER_TITLES: tuple[str, ...] = (
    "VP Sales", "Sales Director", "Sales Manager", "Senior Account Executive",
    "Account Executive", "Account Executive", "Account Executive", "Account Manager",
    "Account Manager", "Sales Development Representative", "Sales Development Representative",
    "Solutions Engineer", "Solutions Engineer", "Customer Success Manager",
    "Customer Success Manager")

# Who leads an account, who joins its team, who gets added to a single deal.
ACCOUNT_LEADS = ("Account Executive", "Senior Account Executive", "Account Manager")
TEAM_SUPPORT = ("Sales Development Representative", "Solutions Engineer",
                "Customer Success Manager", "Account Executive", "Account Manager")
DEAL_SPECIALISTS = ("Solutions Engineer",)
SALES_LEADERS = ("Sales Manager", "Sales Director", "VP Sales")

# (role, probability) pairs: the MEDDPICC roles a stakeholder with this job title tends to play.
Roles = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Title:
    name: str
    weight: float
    roles: Roles = ()


def _t(name: str, weight: float, *roles: tuple[str, float]) -> Title:
    return Title(name, weight, roles)


EB, DM, TB, GK = "economic_buyer", "decision_maker", "technical_buyer", "gatekeeper"
CH, INF, USR = "champion", "influencer", "user"

# Executives every company has; each company's first stakeholders come from this list, so most
# accounts have someone who can own a budget.
EXECUTIVE_TITLES: tuple[Title, ...] = (
    _t("Chief Financial Officer", 3, (EB, 0.85), (DM, 0.3)),
    _t("Chief Executive Officer", 1.5, (EB, 0.6), (DM, 0.6)),
    _t("Chief Operating Officer", 1.5, (EB, 0.45), (DM, 0.55)),
    _t("VP Finance", 2, (EB, 0.7), (INF, 0.3)),
    _t("Chief Technology Officer", 2, (TB, 0.6), (DM, 0.5), (EB, 0.15)),
    _t("Chief Information Officer", 2, (DM, 0.55), (TB, 0.5), (EB, 0.3)),
)

# Titles found in every industry.
COMMON_TITLES: tuple[Title, ...] = (
    *EXECUTIVE_TITLES,
    _t("Head of Procurement", 2, (GK, 0.8)),
    _t("Procurement Manager", 3, (GK, 0.75)),
    _t("General Counsel", 1, (GK, 0.6), (INF, 0.2)),
    _t("Legal Counsel", 1.5, (GK, 0.55)),
    _t("Executive Assistant", 1.5, (GK, 0.4)),
    _t("IT Director", 3, (TB, 0.65), (DM, 0.3), (CH, 0.1)),
    _t("Head of IT Security", 1.5, (TB, 0.7), (GK, 0.2)),
    _t("Enterprise Architect", 2, (TB, 0.6), (INF, 0.3)),
    _t("IT Manager", 3, (TB, 0.35), (USR, 0.3), (CH, 0.12)),
    _t("Systems Administrator", 2, (USR, 0.5)),
    _t("Director of Operations", 3, (DM, 0.25), (CH, 0.2), (INF, 0.3)),
    _t("Operations Manager", 4, (USR, 0.35), (CH, 0.15), (INF, 0.2)),
    _t("Project Manager", 4, (CH, 0.15), (INF, 0.25), (USR, 0.2)),
    _t("Program Manager", 2, (CH, 0.15), (INF, 0.25)),
    _t("Business Analyst", 4, (USR, 0.35), (INF, 0.1)),
    _t("Data Analyst", 3, (USR, 0.4)),
    _t("Finance Manager", 2, (INF, 0.3), (EB, 0.05)),
    _t("Controller", 1.5, (INF, 0.3), (GK, 0.15)),
    _t("HR Business Partner", 1.5),
    _t("Marketing Manager", 2, (USR, 0.2)),
    _t("Office Manager", 1),
    _t("Team Lead", 3, (USR, 0.4), (CH, 0.1)),
    _t("Specialist", 3, (USR, 0.3)),
)

_INDUSTRY_TITLES: dict[str, tuple[Title, ...]] = {
    "Healthcare": (
        _t("Chief Medical Officer", 2, (DM, 0.45), (INF, 0.4)),
        _t("Director of Nursing", 2, (INF, 0.4), (USR, 0.3)),
        _t("Clinical Informatics Lead", 2, (TB, 0.4), (CH, 0.25)),
        _t("Practice Manager", 3, (USR, 0.4), (CH, 0.1)),
        _t("Head of Patient Services", 1.5, (INF, 0.3), (USR, 0.3))),
    "Financial services": (
        _t("Chief Risk Officer", 1.5, (DM, 0.4), (GK, 0.3)),
        _t("Head of Compliance", 2, (GK, 0.6), (INF, 0.2)),
        _t("Portfolio Manager", 2, (USR, 0.4)),
        _t("Head of Digital Banking", 1.5, (DM, 0.3), (CH, 0.25)),
        _t("Risk Analyst", 3, (USR, 0.4))),
    "Manufacturing": (
        _t("Plant Manager", 3, (DM, 0.3), (USR, 0.3), (CH, 0.15)),
        _t("Supply Chain Director", 2, (DM, 0.35), (INF, 0.3)),
        _t("Quality Manager", 2, (USR, 0.4), (INF, 0.2)),
        _t("Production Engineer", 3, (USR, 0.45), (TB, 0.15)),
        _t("Head of Engineering", 1.5, (TB, 0.55), (DM, 0.25))),
    "Retail": (
        _t("E-commerce Director", 2, (DM, 0.4), (CH, 0.2)),
        _t("Merchandising Director", 1.5, (INF, 0.4)),
        _t("Store Operations Manager", 3, (USR, 0.45)),
        _t("Category Manager", 3, (USR, 0.3), (INF, 0.2)),
        _t("Head of Customer Experience", 1.5, (CH, 0.25), (INF, 0.3))),
    "Software": (
        _t("VP Engineering", 2, (TB, 0.55), (DM, 0.4)),
        _t("Head of Platform", 2, (TB, 0.5), (CH, 0.2)),
        _t("DevOps Lead", 3, (TB, 0.3), (USR, 0.4)),
        _t("Product Manager", 3, (CH, 0.2), (USR, 0.3)),
        _t("Software Engineer", 4, (USR, 0.45))),
    "Logistics": (
        _t("Head of Fleet", 2, (DM, 0.3), (USR, 0.2)),
        _t("Warehouse Operations Manager", 3, (USR, 0.45), (CH, 0.1)),
        _t("Transport Planner", 3, (USR, 0.5)),
        _t("Director of Logistics", 2, (DM, 0.4), (INF, 0.3))),
    "Energy": (
        _t("Head of Grid Operations", 2, (DM, 0.35), (TB, 0.25)),
        _t("HSE Manager", 2, (GK, 0.3), (INF, 0.3)),
        _t("Asset Manager", 3, (USR, 0.4)),
        _t("Field Operations Lead", 3, (USR, 0.45), (CH, 0.1))),
    "Education": (
        _t("Provost", 1, (DM, 0.5), (EB, 0.3)),
        _t("Dean of Students", 1.5, (INF, 0.4)),
        _t("Registrar", 2, (USR, 0.4), (GK, 0.2)),
        _t("Director of Academic Technology", 2, (TB, 0.55), (CH, 0.2))),
    "Telecommunications": (
        _t("Network Operations Director", 2, (TB, 0.45), (DM, 0.3)),
        _t("Head of Customer Care", 2, (INF, 0.3), (USR, 0.3)),
        _t("Network Engineer", 4, (USR, 0.45), (TB, 0.15)),
        _t("Billing Manager", 2, (USR, 0.35))),
    "Insurance": (
        _t("Chief Underwriting Officer", 1.5, (DM, 0.45)),
        _t("Claims Director", 2, (DM, 0.3), (INF, 0.3)),
        _t("Underwriter", 4, (USR, 0.45)),
        _t("Actuary", 2, (INF, 0.3), (USR, 0.2))),
    "Media": (
        _t("Head of Content", 2, (DM, 0.3), (INF, 0.3)),
        _t("Audience Development Manager", 2, (USR, 0.35), (CH, 0.15)),
        _t("Editor-in-Chief", 1, (DM, 0.4)),
        _t("Ad Operations Manager", 3, (USR, 0.45))),
    "Pharmaceuticals": (
        _t("Head of Clinical Operations", 2, (DM, 0.4), (INF, 0.3)),
        _t("Regulatory Affairs Manager", 2, (GK, 0.45)),
        _t("Research Scientist", 4, (USR, 0.4)),
        _t("Head of R&D Informatics", 1.5, (TB, 0.5), (CH, 0.2))),
}
INDUSTRIES: tuple[tuple[str, float], ...] = (
    ("Software", 0.16), ("Financial services", 0.13), ("Manufacturing", 0.13),
    ("Healthcare", 0.11), ("Retail", 0.1), ("Logistics", 0.08), ("Insurance", 0.07),
    ("Telecommunications", 0.06), ("Energy", 0.06), ("Education", 0.04), ("Media", 0.03),
    ("Pharmaceuticals", 0.03))


def industry_titles(industry: str) -> tuple[Title, ...]:
    """Every job title a stakeholder in this industry may have (common ones included)."""
    return COMMON_TITLES + _INDUSTRY_TITLES[industry]


# Words that make a company name sound like its industry ("Hartley Logistics").
INDUSTRY_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "Software": ("Software", "Labs", "Systems", "Technologies", "Digital", "Cloud"),
    "Financial services": ("Capital", "Financial", "Bank", "Partners", "Investments"),
    "Manufacturing": ("Industries", "Manufacturing", "Works", "Components", "Engineering"),
    "Healthcare": ("Health", "Medical", "Care", "Clinics", "Hospital Group"),
    "Retail": ("Retail", "Stores", "Market", "Outfitters", "Home"),
    "Logistics": ("Logistics", "Freight", "Transport", "Shipping", "Distribution"),
    "Insurance": ("Insurance", "Assurance", "Mutual", "Underwriters"),
    "Telecommunications": ("Telecom", "Networks", "Communications", "Connect"),
    "Energy": ("Energy", "Power", "Renewables", "Utilities", "Grid"),
    "Education": ("University", "College", "Academy", "Learning"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting"),
    "Pharmaceuticals": ("Pharma", "Therapeutics", "Biosciences", "Life Sciences"),
}
LEGAL_SUFFIXES = ("", "", "", " Inc.", " Ltd", " Group", " LLC", " plc", " GmbH", " AG", " SA",
                  " Holdings")

# Stage mix of the pipeline (open stages thin out towards negotiation; ~30% closed).
STAGE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("prospecting", 0.14), ("qualification", 0.14), ("discovery", 0.13), ("solution", 0.11),
    ("proposal", 0.10), ("negotiation", 0.08), ("closed_won", 0.13), ("closed_lost", 0.17))

DEAL_KINDS = ("Platform rollout", "Renewal", "Expansion", "Pilot", "Analytics add-on",
              "Enterprise licence", "Migration", "Upsell", "Multi-year agreement",
              "Regional rollout", "Proof of concept", "Security module", "Data integration",
              "Premium support")

# Task wording per next step type; {person}, {company}, {deal} are filled in.
TASK_TEMPLATES: dict[str, tuple[str, ...]] = {
    "call": ("Call {person} to confirm next steps", "Check in with {person} on budget",
             "Discovery call with {person}", "Call {person} about the rollout timeline"),
    "email": ("Email {person} the case study", "Send meeting recap to {person}",
              "Share the security questionnaire with {person}",
              "Email pricing options to {person}"),
    "meeting": ("Meeting with {person}: success criteria",
                "Quarterly business review with {company}",
                "Workshop with {company} on requirements",
                "Executive alignment meeting with {person}"),
    "demo": ("Demo the reporting module to {company}", "Tailored demo for {person}",
             "Technical deep-dive for {company}"),
    "proposal": ("Send proposal for {deal}", "Revise pricing for {deal}",
                 "Draft order form for {deal}"),
    "follow_up": ("Follow up with {person} after the workshop", "Chase signature on {deal}",
                  "Follow up on open questions from {company}"),
    "internal": ("Prepare account plan for {company}", "Deal review: {deal}",
                 "Update forecast notes for {deal}", "Map the buying committee at {company}"),
    "other": ("Update the mutual action plan for {deal}", "Log references for {company}",
              "Connect with {person} on LinkedIn"),
}
NEXT_STEP_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("call", 0.22), ("email", 0.24), ("meeting", 0.16), ("demo", 0.07), ("proposal", 0.06),
    ("follow_up", 0.13), ("internal", 0.08), ("other", 0.04))

# Sequences: a name and its ordered steps (next step type, wording).
SEQUENCE_PLAYBOOKS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Outbound cadence: {person}", (
        ("email", "Intro email to {person}"), ("call", "First call to {person}"),
        ("email", "Share a relevant case study with {person}"),
        ("other", "Connect with {person} on LinkedIn"), ("call", "Second call to {person}"),
        ("email", "Break-up email to {person}"))),
    ("Evaluation plan: {deal}", (
        ("call", "Discovery call with {person}"), ("demo", "Tailored demo for {company}"),
        ("meeting", "Technical validation with {company}"),
        ("proposal", "Send proposal for {deal}"), ("meeting", "Negotiation call with {person}"),
        ("follow_up", "Chase signature on {deal}"))),
    ("Onboarding: {company}", (
        ("meeting", "Kick-off meeting with {company}"),
        ("internal", "Provision accounts for {company}"),
        ("meeting", "Admin training for {person}"), ("call", "30-day check-in with {person}"),
        ("meeting", "Success review with {company}"))),
    ("Renewal playbook: {deal}", (
        ("internal", "Review usage before renewal of {deal}"),
        ("meeting", "Value review with {person}"), ("proposal", "Send renewal quote for {deal}"),
        ("follow_up", "Confirm renewal paperwork with {person}"))),
    ("Executive outreach: {company}", (
        ("internal", "Research priorities of {company}"), ("email", "Executive letter to {person}"),
        ("call", "Executive call with {person}"), ("meeting", "Executive briefing at {company}"))),
)
