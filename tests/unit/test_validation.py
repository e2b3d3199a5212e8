"""Input parsing: what is accepted, what is normalised, and the message for what is refused."""

from datetime import date

import pytest

from crm_core import validation
from crm_core.errors import ValidationError
from crm_core.vocab import STAGES


@pytest.mark.parametrize("raw, expected", [
    ("$1,200.50", 1200.5), ("1.200,50 €", 1200.5), ("1200,5", 1200.5), (3000, 3000.0),
    ("  75000 ", 75000.0), ("USD 2,000,000", 2_000_000.0)])
def test_amounts_accept_currency_symbols_and_separators(raw, expected):
    assert validation.amount(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("-5", "Value must be 0 or more, got -5."), ("abc", "Value 'abc' is not a number."),
    ("", "Value is required.")])
def test_bad_amounts_are_refused_with_a_message(raw, message):
    with pytest.raises(ValidationError) as error:
        validation.amount(raw)
    assert str(error.value) == message


@pytest.mark.parametrize("raw, expected", [("35", 35), ("35%", 35), (100, 100), (0.0, 0)])
def test_probabilities_are_whole_percentages(raw, expected):
    assert validation.probability(raw) == expected


@pytest.mark.parametrize("raw, message", [
    (150, "Probability must be between 0 and 100, got 150."),
    ("12.5", "Probability must be a whole number, got 12.5."),
    ("high", "Probability 'high' is not a number.")])
def test_bad_probabilities_are_refused_with_a_message(raw, message):
    with pytest.raises(ValidationError, match=message.replace(".", r"\.")):
        validation.probability(raw)


@pytest.mark.parametrize("raw", ["2027-03-31", "2027/03/31", "31.03.2027", "03/31/2027",
                                 "31 Mar 2027", "March 31, 2027", date(2027, 3, 31)])
def test_dates_in_usual_formats_are_read(raw):
    assert validation.a_date(raw, field="d", label="Close date") == date(2027, 3, 31)


def test_an_unreadable_date_names_the_format_to_use():
    with pytest.raises(ValidationError) as error:
        validation.a_date("31/31/2027", field="expected_close_date", label="Close date")
    assert str(error.value) == "Close date '31/31/2027' is not a date (use YYYY-MM-DD)."
    assert error.value.field == "expected_close_date"


def test_emails_are_checked_and_lower_cased():
    assert validation.email(" Ann.Lee@Example.COM ") == "ann.lee@example.com"
    with pytest.raises(ValidationError, match="'ann@' is not a valid email address"):
        validation.email("ann@")


@pytest.mark.parametrize("raw, expected", [
    ("acme.com", "https://acme.com"), ("http://acme.com/x", "http://acme.com/x"), ("", None)])
def test_websites_get_a_scheme(raw, expected):
    assert validation.url(raw) == expected


@pytest.mark.parametrize("raw", ["not a url", "ftp://acme.com", "https://localhost"])
def test_bad_websites_are_refused(raw):
    with pytest.raises(ValidationError, match="is not a valid web address"):
        validation.url(raw)


@pytest.mark.parametrize("raw", ["https://trusted.example@evil.example/phish",
                                 "https://trusted.example@evil/phish", "https://a:b@evil.example",
                                 "trusted.example@evil.example",
                                 "https://evil.example\\@trusted.example"])
def test_a_website_with_a_user_before_the_host_is_refused(raw):
    with pytest.raises(ValidationError, match="names a user before '@'"):
        validation.url(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), (" 7 ", 7), ("2147483647", 2147483647), ("2147483648", None),
    ("99999999999999999999", None), ("²", None), ("١٢", None), ("0", None), ("-1", None),
    ("1.5", None), ("1\x00", None), ("", None), (None, None), (12, 12), (3.0, 3)])
def test_an_id_is_plain_digits_within_the_database_range(raw, expected):
    assert validation.record_id(raw) == expected


def test_a_stage_is_found_by_value_or_label_in_any_case():
    assert validation.choice("Closed won", STAGES, field="stage", label="Stage") == "closed_won"
    assert validation.choice("PROPOSAL", STAGES, field="stage", label="Stage") == "proposal"
    with pytest.raises(ValidationError, match="Stage 'won' is not one of: prospecting"):
        validation.choice("won", STAGES, field="stage", label="Stage")


@pytest.mark.parametrize("raw", ["12k", "1.5M", "about 300", "12 USD extra"])
def test_an_amount_with_letters_other_than_a_currency_is_refused(raw):
    with pytest.raises(ValidationError, match="is not a number"):
        validation.amount(raw)
