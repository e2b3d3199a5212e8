"""The overview on the known dataset: the figures a leader sees, the links, and names as text."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from crm_core.db import make_engine, write_session
from dashboard.navigation import page_spec
from tests.factories import add_company, add_opportunity

HOSTILE_COMPANY = "<img src=x onerror=alert(1)>"
HOSTILE_DEAL = "**bold** [click](javascript:alert(1))"


def _names(links) -> list[str]:
    """The names the link column shows (it reads them back out of each detail URL)."""
    return [parse_qs(urlparse(url).query)["name"][0] for url in links]


def _ids(links) -> list[str]:
    return [urlparse(url).path + "?id=" + parse_qs(urlparse(url).query)["id"][0]
            for url in links]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_overview_shows_the_known_datasets_figures(app_as):
    # Known dataset: open deals Acme Platform 120,000 at 50% and Globex Pilot 30,000 at 20%;
    # 5 stakeholders: Dana (1 owner), Eli (2), Gus (1) owned, Fay and Hana orphaned; both open
    # deals lack a required MEDDPICC role; one task 2 days overdue, one due in 3 days.
    at = app_as("viewer")
    assert not at.exception
    assert _metrics(at) == {"Open pipeline": "$150.0K", "Weighted pipeline": "$66.0K",
                            "Ownership coverage": "60%", "Fully covered deals": "0%",
                            "Overdue tasks": "1"}
    captions = [c.value for c in at.caption]
    for expected in ("2 open opportunities", "44% of the open pipeline",
                     "2 orphaned (0 owner departed) · 2 single-owner",
                     "0 of 2 gated deals · $150.0K of pipeline at risk",
                     "1 due in 7 days · 0 blocked"):
        assert expected in captions


def test_the_closing_soon_table_lists_open_deals_closing_within_30_days(app_as):
    at = app_as("viewer")
    table = at.dataframe[0].value
    assert _names(table["Opportunity"]) == ["Acme Platform", "Globex Pilot"]
    assert _ids(table["Opportunity"]) == ["/opportunity?id=1", "/opportunity?id=2"]
    assert _names(table["Company"]) == ["Acme Corp", "Globex"]
    assert list(table["Value"]) == [120_000.0, 30_000.0]
    assert list(table["Past due"]) == [False, False]


def test_each_figure_links_to_the_registered_screen_that_explains_it(app_as):
    at = app_as("viewer")
    links = {link.value for link in at.page_link}
    explained_by = {"Relationship coverage": "pages/coverage.py",
                    "MEDDPICC gaps": "pages/meddpicc.py", "Tasks": "pages/tasks.py"}
    for label, script in explained_by.items():
        assert (label in links) == (page_spec(script) is not None), label


def test_names_from_users_are_shown_as_text_never_as_markup(app_as, app_db):
    engine = make_engine(app_db)
    with write_session(engine) as session:
        hostile = add_company(session, HOSTILE_COMPANY)
        add_opportunity(session, hostile, HOSTILE_DEAL, value=5_000, stage="discovery",
                        close_in_days=5)
    engine.dispose()
    at = app_as("viewer")
    table = at.dataframe[0].value
    row = table[[name == HOSTILE_COMPANY for name in _names(table["Company"])]]
    assert _names(row["Opportunity"]) == [HOSTILE_DEAL]
    assert list(row["Expected close"]) == [date.today() + timedelta(days=5)]
    rendered = [e.value for kind in ("markdown", "caption", "title", "subheader", "text")
                for e in getattr(at, kind)]
    assert not [v for v in rendered if "<img" in str(v) or "**bold**" in str(v)]
