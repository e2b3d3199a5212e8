"""Reading messy CSV files, recognising other CRMs' headers, and mapping their values."""

from datetime import date

import pytest

from crm_core.errors import ValidationError
from crm_core.importing import ValueMapping, mapping_from_json, recognise_columns
from crm_core.importing.columns import entity_for, unmapped_required
from crm_core.importing.reading import read_table
from crm_core.importing.values import close_date, website_host


def test_a_bom_semicolons_blank_lines_and_padding_are_read_with_file_line_numbers():
    data = ("\ufeffName ; Email;Title\n"
            "\n"
            "  Ann Lee ;ann@x.example; CFO \n"
            ";;\n"
            "Bo Park;bo@x.example;\n").encode()
    table = read_table(data, name="contacts.csv")
    assert table.headers == ("Name", "Email", "Title")
    assert table.rows == ((3, ("Ann Lee", "ann@x.example", "CFO")),
                          (5, ("Bo Park", "bo@x.example", "")))


def test_a_quoted_cell_over_two_lines_keeps_the_line_the_row_starts_on():
    data = 'Name,Notes\nA,"first\nsecond"\nB,x\n'
    table = read_table(data)
    assert [line for line, _ in table.rows] == [2, 4]
    assert table.rows[0][1] == ("A", "first\nsecond")


def test_a_windows_1252_file_is_read():
    table = read_table("Name,City\nJosé,Málaga\n".encode("cp1252"))
    assert table.rows[0][1] == ("José", "Málaga")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        read_table(b"\n\n", name="x.csv")


def test_salesforce_contact_headers_are_recognised():
    headers = ["Id", "FirstName", "LastName", "Title", "Email", "Phone", "AccountId",
               "Account.Name", "LeadSource"]
    assert recognise_columns("stakeholders", headers) == {
        "Id": "source_id", "FirstName": "first_name", "LastName": "last_name",
        "Title": "job_title", "Email": "email", "Phone": "phone",
        "AccountId": "company_source_id", "Account.Name": "company_name", "LeadSource": None}


def test_hubspot_deal_headers_are_recognised():
    headers = ["Record ID", "Deal Name", "Amount", "Deal Stage", "Close Date",
               "Associated Company", "Pipeline"]
    assert recognise_columns("opportunities", headers) == {
        "Record ID": "source_id", "Deal Name": "name", "Amount": "value",
        "Deal Stage": "stage", "Close Date": "expected_close_date",
        "Associated Company": "company_name", "Pipeline": None}


def test_our_own_id_columns_mean_this_database_and_salesforce_ids_mean_the_batch():
    assert recognise_columns("opportunity_teams", ["user_id", "opportunity_id"]) == {
        "user_id": "user_id", "opportunity_id": "opportunity_id"}
    assert recognise_columns("opportunity_teams", ["UserId", "OpportunityId",
                                                   "TeamMemberRole"]) == {
        "UserId": "user_source_id", "OpportunityId": "opportunity_source_id",
        "TeamMemberRole": "team_role"}
    assert recognise_columns("users", ["id", "name"])["id"] == "id"
    assert recognise_columns("users", ["Id", "Name"])["Id"] == "source_id"


def test_salesforce_object_names_and_our_table_names_name_entities():
    assert entity_for("OpportunityContactRole.csv").key == "stakeholder_opportunities"
    assert entity_for("Contact").key == "stakeholders"
    assert entity_for("company_account_teams.csv").key == "account_teams"
    with pytest.raises(ValidationError, match="not an importable entity"):
        entity_for("Lead.csv")


def test_missing_required_columns_are_named():
    assert unmapped_required("meddpicc_roles", {"Email": "stakeholder_email"}) == [
        "MEDDPICC role(s)"]
    assert unmapped_required("users", {"Email": "email", "First": "first_name"}) == []


def test_other_crms_stage_names_map_onto_our_stages():
    mapping = ValueMapping()
    assert mapping.stage("Id. Decision Makers") == "discovery"
    assert mapping.stage("perception  analysis") == "solution"
    assert mapping.stage("Negotiation/Review") == "negotiation"
    assert mapping.stage("Closed Won") == "closed_won"
    assert mapping.stage("closedwon") == "closed_won"
    assert mapping.stage("Proposal") == "proposal"  # our own label


def test_a_misspelt_stage_is_refused_with_a_suggestion():
    with pytest.raises(ValidationError) as error:
        ValueMapping().stage("Closed Wonn")
    assert error.value.message == ("Stage 'Closed Wonn' is not known (did you mean "
                                   "'Closed Won'?); add it to the value mapping.")


def test_contact_roles_map_onto_meddpicc_roles_and_other_means_none():
    mapping = ValueMapping()
    assert mapping.roles_of("Economic Decision Maker") == ["economic_buyer"]
    assert mapping.roles_of("Technical Buyer; Champion") == ["technical_buyer", "champion"]
    assert mapping.roles_of("Decision Maker") == ["decision_maker"]
    assert mapping.roles_of("Other") == []


def test_an_edited_mapping_file_adds_to_the_defaults():
    columns, values = mapping_from_json(
        '{"columns": {"Deal Owner": null}, "stages": {"Verbal Yes": "negotiation"}}')
    assert columns == {"Deal Owner": None}
    assert values.stage("Verbal yes") == "negotiation"
    assert values.stage("Closed Won") == "closed_won"


def test_a_mapping_onto_an_unknown_stage_is_refused():
    with pytest.raises(ValidationError, match="not a stage"):
        ValueMapping(stages={"Won": "won"})


def test_dates_with_a_time_part_and_us_dates_are_read():
    assert close_date("2026-03-31 00:00") == date(2026, 3, 31)
    assert close_date("3/31/2026") == date(2026, 3, 31)
    assert close_date("2026-03-31T00:00:00Z") == date(2026, 3, 31)


def test_companies_match_by_website_host():
    assert website_host("https://www.Acme.example/about") == "acme.example"
    assert website_host("acme.example") == "acme.example"


def test_every_blank_template_is_recognised_as_it_is_and_needs_nothing_more():
    from crm_core.importing.columns import ENTITIES, template_csv

    for entity in ENTITIES:
        headers = template_csv(entity).strip().split(",")
        mapping = recognise_columns(entity, headers)
        assert mapping == {h: h for h in headers}, entity
        assert unmapped_required(entity, mapping) == [], entity


def test_excels_sep_line_and_utf16_unicode_text_are_read():
    table = read_table(b"sep=;\r\nName;Website\r\nAcme, Inc.;acme.example\r\n")
    assert (table.headers, table.rows) == (("Name", "Website"),
                                           ((3, ("Acme, Inc.", "acme.example")),))
    table = read_table("Name\tCity\nJosé\tMálaga\n".encode("utf-16"))
    assert table.rows == ((2, ("José", "Málaga")),)


def test_the_entity_of_a_file_is_guessed_from_its_name_or_its_headers():
    from crm_core.importing.columns import guess_entity

    assert guess_entity("hubspot-crm-exports-all-deals-2026-01-05.csv") == "opportunities"
    assert guess_entity("Contacts_export.csv") == "stakeholders"
    assert guess_entity("export (3).csv", ["Deal Name", "Deal Stage", "Amount"]) == \
        "opportunities"
    assert guess_entity("export.csv", ["ContactId", "OpportunityId", "Role"]) == \
        "stakeholder_opportunities"
    assert guess_entity("export.csv", ["Foo", "Bar"]) is None
