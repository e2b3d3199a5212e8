"""CSV downloads: what is shown, without the index, and safe to open in a spreadsheet."""

import pandas as pd

from dashboard.tables import chunks_csv_bytes, csv_bytes


def test_csv_holds_the_shown_columns_and_rows_without_the_index():
    frame = pd.DataFrame({"company": ["Acme", "Globex"], "stakeholders": [3, 0]})
    assert csv_bytes(frame).decode() == "company,stakeholders\nAcme,3\nGlobex,0\n"


def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe():
    frame = pd.DataFrame({"company": ['=HYPERLINK("http://x")', "@SUM(A1)", "Acme-Corp"],
                          "delta": [-1, 2, 3]})
    assert csv_bytes(frame).decode().splitlines() == [
        "company,delta", '"\'=HYPERLINK(""http://x"")",-1', "'@SUM(A1),2", "Acme-Corp,3"]


def test_a_whole_list_in_chunks_is_one_csv_with_one_header_and_every_cell_defused():
    chunks = [pd.DataFrame({"name": ["Acme", "=cmd|' /C calc'!A0"], "deals": [2, 0]}),
              pd.DataFrame({"name": ["+Globex", "\rInitech"], "deals": [1, -3]})]
    assert chunks_csv_bytes(iter(chunks)).decode() == (
        "name,deals\nAcme,2\n'=cmd|' /C calc'!A0,0\n'+Globex,1\n'\rInitech,-3\n")


def test_a_whole_list_without_rows_is_its_header():
    empty = pd.DataFrame({"name": pd.Series([], dtype=object), "deals": []})
    assert chunks_csv_bytes([empty, empty]).decode() == "name,deals\n"
