"""Input no database should see, on SQLite and PostgreSQL: NUL bytes and broken characters are
refused with a message when stored and ignored when searched; ids beyond the integer range are
refused by validation before any query."""

import pytest

from crm_core.db import read_session, write_session
from crm_core.errors import ValidationError
from crm_core.queries.detail_search import search_companies
from crm_core.queries.tasks import task_page
from crm_core.services.records import create_company
from crm_core.services.tasks import create_task
from tests.factories import MANAGER, add_company


@pytest.mark.parametrize("name", ["Acme\x00Evil", "Acme \ud800"])
def test_a_name_with_a_nul_byte_or_a_broken_character_is_refused(engine, name):
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        create_company(session, actor=MANAGER, name=name)
    assert error.value.field == "name"
    assert error.value.message == ("Name contains a character that cannot be stored (a NUL "
                                   "byte or a broken character); retype it.")


def test_searching_with_a_nul_byte_or_a_huge_text_finds_without_an_error(engine):
    with write_session(engine) as session:
        add_company(session, "Acme Corp")
    with read_session(engine) as session:
        assert list(search_companies(session, text="Acme\x00")["label"]) == ["Acme Corp · Software"]
        assert search_companies(session, text="x" * 100_000).empty
        assert task_page(session, search="\x00" + "%" * 100_000).total == 0


@pytest.mark.parametrize("entity_id", ["99999999999999999999", "2147483648", "²", "١٢"])
def test_an_id_beyond_the_integer_range_or_not_in_ascii_digits_is_refused(engine, entity_id):
    with pytest.raises(ValidationError) as error, write_session(engine) as session:
        create_task(session, actor=MANAGER, description="Call back",
                    links=[("company", entity_id)])
    assert error.value.field == "links"
