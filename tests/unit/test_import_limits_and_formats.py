"""What an upload may not do to the server (a ZIP bomb, a huge cell, a binary file), how a
file's encoding is told and said, and values whose reading depends on their whole column."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date

import pytest

from crm_core.errors import ValidationError
from crm_core.exporting import defuse_formula, restore_formula
from crm_core.importing.formats import (
    DAY_FIRST,
    MONTH_FIRST,
    date_order,
    decimal_mark,
    parse_amount,
    parse_date,
)
from crm_core.importing.reading import MAX_ROWS, encoding_note, read_archive, read_table
from crm_core.importing.sources import SALESFORCE, detect_system, external_id
from crm_core.importing.values import did_you_mean


def _zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_small_zip_inflating_to_a_million_rows_is_refused_without_the_memory():
    bomb = _zip({"stakeholders.csv": "name,email\n" + "a,b\n" * 1_000_000})
    assert len(bomb) < 16 * 1024  # a few KiB on the wire
    tracemalloc.start()
    with pytest.raises(ValidationError) as error:
        read_archive(bomb, name="bomb.zip")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert error.value.message == (f"An import takes at most {MAX_ROWS:,} rows; "
                                   "stakeholders.csv goes past that. Split the data into "
                                   "smaller files.")
    # The rows past the limit are never built (reading all of them took 916 MiB).
    assert peak < 200 * 1024 * 1024


def test_a_zip_unpacking_past_the_size_limit_is_refused_while_it_is_read():
    from crm_core.importing import reading

    bomb = _zip({"companies.csv": "name\n" + "x" * 100 + "\n" + "\n" * (3 * 1024 * 1024)})
    limit = reading.MAX_BYTES
    reading.MAX_BYTES = 1024 * 1024  # the real limit is 200 MiB; the rule is the same
    try:
        with pytest.raises(ValidationError, match="bomb.zip unpacks to more than 1 MiB"):
            read_archive(bomb, name="bomb.zip")
    finally:
        reading.MAX_BYTES = limit


def test_a_cell_longer_than_the_limit_gets_a_clear_message():
    with pytest.raises(ValidationError) as error:
        read_table("name,notes\nAcme," + "x" * 200_000 + "\n", name="companies.csv")
    assert error.value.message == ("companies.csv line 2: a cell is longer than 131,072 "
                                   "characters (an unclosed quote?).")


def test_binary_files_and_workbooks_are_not_csv():
    with pytest.raises(ValidationError, match="logo.csv is not a CSV file"):
        read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="logo.csv")
    workbook = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    with pytest.raises(ValidationError, match="deals.xlsx is an Excel or other Office file"):
        read_archive(workbook, name="deals.xlsx")


def test_a_windows_1252_file_is_read_and_the_report_says_so():
    table = read_table("Name,City\nJosé Núñez,Málaga\nZoë,Köln\n".encode("cp1252"),
                       name="contacts.csv")
    assert table.rows == ((2, ("José Núñez", "Málaga")), (3, ("Zoë", "Köln")))
    assert encoding_note(table) == "contacts.csv was read as cp1252 (it is not UTF-8)."
    assert encoding_note(read_table("Name\nJosé\n".encode(), name="u.csv")) is None


def test_a_utf8_file_with_one_stray_windows_1252_byte_is_refused_with_its_line():
    data = "Name,City\nAnn,Zürich\n".encode() + b"Jos\xe9,Madrid\n"
    with pytest.raises(ValidationError) as error:
        read_table(data, name="contacts.csv")
    assert error.value.message == ("contacts.csv is UTF-8 except at line 3 (byte 0xE9): the "
                                   "file mixes encodings. Save it again as UTF-8.")


def test_the_date_order_is_decided_by_the_whole_column():
    assert date_order(["03/12/2026", "31/12/2026"]) == DAY_FIRST
    assert date_order(["03/12/2026", "12/31/2026"]) == MONTH_FIRST
    assert date_order(["03/12/2026", "2026-05-01"]) is None
    with pytest.raises(ValidationError, match="mix day-first .'31/12/2026'. and month-first"):
        date_order(["31/12/2026", "12/31/2026"])


def test_a_date_is_read_in_its_columns_order_or_refused_when_it_cannot_be_told():
    def read(raw: str, order: str | None) -> date | None:
        return parse_date(raw, order=order, field="d", label="Close date")

    assert read("03/12/2026", DAY_FIRST) == date(2026, 12, 3)
    assert read("03/12/2026", MONTH_FIRST) == date(2026, 3, 12)
    assert read("31.12.2026", None) == date(2026, 12, 31)
    assert read("05/05/2026", None) == date(2026, 5, 5)
    with pytest.raises(ValidationError, match="could be day-first or month-first"):
        read("03/12/2026", None)


def test_an_amount_that_could_be_thousands_or_decimals_needs_the_decimal_mark():
    assert decimal_mark(["1.234", "99,50"]) == ","
    assert decimal_mark(["1.234", "1,200.50"]) == "."
    assert decimal_mark(["1.234"]) is None
    assert parse_amount("1.234", mark=",") == 1234
    assert parse_amount("1.234", mark=".") == 1.23
    assert parse_amount("€ 9.500,00", mark=None) == 9500
    with pytest.raises(ValidationError) as error:
        parse_amount("1.234", mark=None)
    assert error.value.message == ("Value '1.234' could be 1234 or 1.234; name the decimal "
                                   "mark in the value mapping.")


def test_salesforce_ids_of_15_and_18_characters_are_one_id():
    assert external_id(SALESFORCE, "0015000000Gv7qJAAR") == "0015000000Gv7qJ"
    assert external_id(SALESFORCE, "0015000000GV7QJAAR".lower()) == "0015000000Gv7qJ"
    assert external_id(SALESFORCE, "0015000000Gv7qJ") == "0015000000Gv7qJ"
    assert external_id("file", "0015000000Gv7qJAAR") == "0015000000Gv7qJAAR"


def test_the_source_system_is_told_by_headers_and_ids():
    hubspot = read_table("Record ID,Deal Name\n701,Renewal\n", name="deals.csv")
    salesforce = read_table("Id,Name\n001A000001AbCdE,Initech\n", name="Account.csv")
    flat = read_table("opportunity_id,account\n1C1I7A6R,Acme\n", name="pipeline.csv")
    assert detect_system([(hubspot, {"Record ID": "source_id"})]) == "hubspot"
    assert detect_system([(salesforce, {"Id": "source_id"})]) == "salesforce"
    assert detect_system([(flat, {"opportunity_id": "source_id"})]) == "file"


def test_an_unknown_name_gets_the_closest_known_one():
    known = ["Bouchet Engineering Groupe", "Acme Corp", "Globex"]
    assert did_you_mean("Bouchet Engineering Group", known) == \
        " (did you mean 'Bouchet Engineering Groupe'?)"
    assert did_you_mean("Initech", known) == ""


def test_formula_neutralisation_is_undone_exactly():
    for text in ("=SUM(A1)", "+1 555 0100", "-5", "@kim", "\tx", "'quoted", "''", "plain"):
        assert restore_formula(str(defuse_formula(text))) == text
    assert defuse_formula("=SUM(A1)") == "'=SUM(A1)"
    assert defuse_formula("'quoted") == "''quoted"
    assert defuse_formula(42) == 42
