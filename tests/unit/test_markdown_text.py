"""The one escaping helper for user text shown outside a table (dashboard.format.markdown_text).
Its output renders as typed in Chromium: tests/e2e/test_user_text_is_text.py."""

import pytest

from dashboard.format import markdown_text, shown_input

WJ = "\u2060"  # WORD JOINER: invisible, and no link or icon code starts across it


@pytest.mark.parametrize(("typed", "escaped"), [
    ("**Acme** [x](y)", "\\*\\*Acme\\*\\* \\[x\\]\\(y\\)"),
    ("<img src=x>", "\\<img src=x\\>"),
    (":red[alert]", f"\\:{WJ}red\\[alert\\]"),
    (":material/skull:", f"\\:{WJ}material/skull\\:"),
    ("![i](https://evil.example/i.png)",
     f"\\!\\[i\\]\\(https\\:{WJ}//evil\\.example/i\\.png\\)"),
    ("see https://evil.example", f"see https\\:{WJ}//evil\\.example"),
    ("www.evil.example", f"www{WJ}\\.evil\\.example"),
    ("WWW.Evil.example", f"WWW{WJ}\\.Evil\\.example"),
    ("mallory@evil.example", f"mallory@{WJ}evil\\.example"),
    ("$x^2$ ~~gone~~", "\\$x^2\\$ \\~\\~gone\\~\\~"),
    ("at 09:30", "at 09\\:30"),   # times stay as they are
    ("broken \ud800", "broken \ufffd"),
])
def test_every_markdown_construct_is_neutralised(typed, escaped):
    assert markdown_text(typed) == escaped


def test_a_quoted_input_is_cut_and_loses_what_is_not_text():
    assert shown_input("12\x00") == "12"
    assert shown_input("9" * 100) == "9" * 39 + "…"
