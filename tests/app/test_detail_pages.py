"""The four detail pages in AppTest on the known dataset: by id, by picking from the search,
with a bad id and a deleted record; names link to each other's pages."""

import pytest
from sqlalchemy import select

from crm_core.db import make_engine, read_session, write_session
from crm_core.models import Company, Opportunity, Stakeholder, User
from crm_core.services.records import delete_stakeholder
from tests.app.manage_helpers import texts
from tests.factories import ADMIN

PAGES = {"user": ("pages/user.py", User, "Alice Archer"),
         "stakeholder": ("pages/stakeholder.py", Stakeholder, "Dana Diaz"),
         "company": ("pages/company.py", Company, "Acme Corp"),
         "opportunity": ("pages/opportunity.py", Opportunity, "Acme Platform")}
TITLES = {"user": "User", "stakeholder": "Stakeholder", "company": "Company",
          "opportunity": "Opportunity"}


def id_of(app_db: str, model, name: str) -> int:
    engine = make_engine(app_db)
    with read_session(engine) as session:
        found = session.scalar(select(model.id).where(model.name == name))
    engine.dispose()
    return found


def page_links(at) -> dict[str, tuple[str, str]]:
    """label -> (page url path, query string) of every st.page_link on the page."""
    return {p.proto.label: (p.proto.page, p.proto.query_string) for p in at.get("page_link")}


def frame_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("entity", list(PAGES))
def test_each_detail_page_opened_by_id_shows_the_records_name_under_the_page_title(
        app_as, app_db, entity):
    script, model, name = PAGES[entity]
    at = app_as("viewer", script, id=str(id_of(app_db, model, name)))
    assert not at.exception
    assert [t.value for t in at.title] == [TITLES[entity]]
    assert at.header[0].value == name
    assert not any("There is no" in w.value for w in at.warning)


def test_the_user_page_lists_owned_stakeholders_with_linked_names_and_the_load(app_as, app_db):
    alice = id_of(app_db, User, "Alice Archer")
    at = app_as("viewer", "pages/user.py", id=str(alice))
    owned = frame_with(at, "other_owners")
    dana = id_of(app_db, Stakeholder, "Dana Diaz")
    eli = id_of(app_db, Stakeholder, "Eli Evans")
    assert owned["stakeholder"].tolist() == [f"/stakeholder?id={dana}&name=Dana+Diaz",
                                             f"/stakeholder?id={eli}&name=Eli+Evans"]
    assert owned["other_owners"].tolist() == ["", "Bob Baker"]
    opportunities = frame_with(at, "source")
    assert opportunities["source"].tolist() == ["Inherited from the company"] * 2
    metrics = {m.label: m.value for m in at.metric}
    # Alice owns 2 of the 4 owner rows held by 3 users: 1.3 on average.
    assert metrics["Owned"] == "2" and metrics["Sole owner"] == "1"
    assert any("1.5× the team's average of 1.3" in c.value for c in at.caption)


def test_the_user_page_shows_open_opportunities_only_when_asked(app_as, app_db):
    at = app_as("viewer", "pages/user.py", id=str(id_of(app_db, User, "Alice Archer")))

    def shown():
        return [link.split("name=")[1] for link in frame_with(at, "source")["opportunity"]]

    assert shown() == ["Acme+Platform", "Acme+Renewal+2024"]
    at.toggle(key="user_open_only").set_value(True).run()
    assert shown() == ["Acme+Platform"]
    at.toggle(key="user_open_only").set_value(False).run()
    assert shown() == ["Acme+Platform", "Acme+Renewal+2024"]


def test_the_stakeholder_page_links_to_its_company_owners_and_opportunities(app_as, app_db):
    at = app_as("viewer", "pages/stakeholder.py",
                id=str(id_of(app_db, Stakeholder, "Eli Evans")))
    links = page_links(at)
    assert links["Acme Corp"] == ("company", f"id={id_of(app_db, Company, 'Acme Corp')}")
    assert links["Alice Archer"] == ("user", f"id={id_of(app_db, User, 'Alice Archer')}")
    assert links["Bob Baker"] == ("user", f"id={id_of(app_db, User, 'Bob Baker')}")
    assert links["Acme Platform"][0] == "opportunity"
    assert "Technical buyer" in " ".join(m.value for m in at.markdown)


def test_an_orphaned_stakeholder_says_so(app_as, app_db):
    at = app_as("viewer", "pages/stakeholder.py", id=str(id_of(app_db, Stakeholder, "Fay Fox")))
    assert any("Orphaned" in e.value for e in at.error)


def test_the_company_page_flags_orphans_and_shows_the_team_and_the_map(app_as, app_db):
    at = app_as("viewer", "pages/company.py", id=str(id_of(app_db, Company, "Acme Corp")))
    stakeholders = frame_with(at, "status")
    assert stakeholders["status"].tolist() == ["Orphaned", "Owned", "Owned"]
    assert stakeholders["stakeholder"].str.contains("name=Fay\\+Fox").tolist()[0]
    assert {"Alice Archer", "Bob Baker"} <= set(page_links(at))
    assert len(at.get("graphviz_chart")) == 1
    assert {m.label: m.value for m in at.metric}["Orphaned"] == "1"
    # Acme Platform (solution) needs 4 roles; 3 are held and owned on the team; no champion.
    opportunities = frame_with(at, "coverage")
    assert opportunities["coverage"].tolist()[0] == 0.75
    assert opportunities["gaps"].tolist() == ["no champion", ""]


def test_the_opportunity_page_marks_inherited_and_added_members_and_shows_the_gaps(
        app_as, app_db):
    at = app_as("viewer", "pages/opportunity.py",
                id=str(id_of(app_db, Opportunity, "Acme Platform")))
    captions = [c.value for c in at.caption]
    assert "Sales Director · added to this opportunity" in captions
    assert "Account Executive · inherited from the company" in captions
    assert "Carol Chen" in page_links(at)
    committee = frame_with(at, "owner_on_team")
    assert committee["orphaned"].tolist() == [False, False, True]
    assert any("no champion" in w.value for w in at.warning)
    assert len(at.get("graphviz_chart")) == 1


@pytest.mark.parametrize("entity", list(PAGES))
def test_picking_a_record_from_the_search_opens_it_and_puts_its_id_in_the_url(
        app_as, app_db, entity):
    script, model, name = PAGES[entity]
    at = app_as("viewer", script)
    assert not at.header and at.expander[0].proto.expanded
    at.text_input(key=f"{entity}_search").input(name.split()[0].lower()).run()
    pick = at.selectbox(key=f"{entity}_pick")
    assert pick.options[0].startswith(name)
    pick.select_index(0).run()
    assert not at.exception
    assert at.query_params["id"] == str(id_of(app_db, model, name))
    assert at.header[0].value == name


@pytest.mark.parametrize("bad_id", ["999", "abc", "-3", "0"])
@pytest.mark.parametrize("entity", list(PAGES))
def test_a_bad_id_shows_not_found_and_the_search_instead_of_an_error(app_as, entity, bad_id):
    at = app_as("viewer", PAGES[entity][0], id=bad_id)
    assert not at.exception
    assert f"There is no {entity} with id {bad_id.replace('-', chr(92) + '-')}" in \
        at.warning[0].value
    assert not at.header
    assert at.text_input(key=f"{entity}_search") is not None


def test_a_deleted_stakeholder_says_who_deleted_it_and_when(app_as, app_db):
    fay = id_of(app_db, Stakeholder, "Fay Fox")
    engine = make_engine(app_db)
    with write_session(engine) as session:
        delete_stakeholder(session, actor=ADMIN, stakeholder_id=fay)
    engine.dispose()
    at = app_as("viewer", "pages/stakeholder.py", id=str(fay))
    assert not at.exception
    assert "This stakeholder was deleted on" in at.warning[0].value
    assert "admin@example.com" in texts(at.warning)[0]
    assert not at.header


def test_a_name_full_of_markdown_is_shown_exactly_as_typed(app_as, app_db):
    engine = make_engine(app_db)
    with write_session(engine) as session:
        user = session.get(User, id_of(app_db, User, "Bob Baker"))
        user.name = "**Bob** [x](javascript:alert(1)) $x$"
    engine.dispose()
    at = app_as("viewer", "pages/user.py", id=str(id_of(app_db, User,
                                                         "**Bob** [x](javascript:alert(1)) $x$")))
    assert at.header[0].value == ("\\*\\*Bob\\*\\* \\[x\\]\\(javascript\\:\u2060alert\\(1\\)\\) "
                                  "\\$x\\$")
    assert texts(at.header) == ["**Bob** [x](javascript:alert(1)) $x$"]
