"""Every id a URL can carry, on every page that reads one, and text no search expects: each
answer is the app's own message (or nothing found), never an error box."""

import pytest

from crm_core.validation import SEARCH_MAX_LENGTH

URL_IDS = [
    ("pages/user.py", "id"), ("pages/stakeholder.py", "id"), ("pages/company.py", "id"),
    ("pages/opportunity.py", "id"), ("pages/manage_ownership.py", "stakeholder"),
    ("pages/manage_ownership.py", "from_user"), ("pages/manage_teams.py", "company"),
    ("pages/manage_teams.py", "opportunity"), ("pages/manage_roles.py", "stakeholder"),
    ("pages/manage_records.py", "user"), ("pages/history.py", "entity_id"),
    ("pages/tasks.py", "sequence"),
]
BAD_IDS = [
    "99999999999999999999",   # beyond 64 bits
    "9223372036854775808",    # just beyond 64 bits
    "2147483648",             # beyond PostgreSQL's 32-bit integer
    "999999",                 # well-formed, names nothing
    "²", "١٢", "0", "-1", "1.5", "1e3", "abc", "1\x00", "",
]


@pytest.mark.parametrize(("page", "param"), URL_IDS)
@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_id_in_the_url_gets_the_apps_own_answer(app_as, page, param, value):
    at = app_as("admin")
    at.query_params[param] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", ["pages/user.py", "pages/company.py"])
def test_a_bad_id_names_what_was_asked_for_in_a_warning(app_as, page):
    at = app_as("viewer", page, id="99999999999999999999")
    assert at.warning[0].value.startswith("There is no ")
    assert "99999999999999999999" in at.warning[0].value


def test_a_link_to_a_sequence_that_does_not_exist_says_so(app_as):
    at = app_as("viewer", "pages/tasks.py", sequence="999999")
    assert [w.value for w in at.warning] == ["There is no sequence with id 999999\\."]


SEARCHES = [  # (page, the search box's key)
    ("pages/user.py", "user_search"), ("pages/stakeholder.py", "stakeholder_search"),
    ("pages/company.py", "company_search"), ("pages/opportunity.py", "opportunity_search"),
    ("pages/tasks.py", "tasks_search"),
    ("pages/manage_ownership.py", "ownership_stakeholder_search"),
]
ODD_TEXTS = ["x" * 100_000, "%_" * 50_000, "Acme\x00", "\x00"]


@pytest.mark.parametrize(("page", "key"), SEARCHES)
@pytest.mark.parametrize("text", ODD_TEXTS, ids=["100k", "wildcards", "nul", "only-nul"])
def test_odd_search_text_finds_nothing_or_what_it_names(app_as, page, key, text):
    at = app_as("admin", page)
    at.text_input(key=key).input(text).run()
    assert not at.exception, at.exception


def test_search_text_is_cut_to_its_maximum_and_loses_nul_bytes():
    from crm_core.validation import search_text

    assert search_text("  Acme\x00 ") == "Acme"
    assert len(search_text("x" * 100_000)) == SEARCH_MAX_LENGTH
