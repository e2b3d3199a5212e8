"""The Import & export page: upload, recognised columns, dry run with rejected rows, apply;
viewers see only the export."""

from sqlalchemy import func, select

from crm_core.models import Stakeholder, User
from dashboard.format import markdown_text
from tests.app.manage_helpers import read

PAGE = "pages/import_export.py"
# A HubSpot contacts export: one new stakeholder, one at an unknown company, one unmapped column.
CONTACTS = (b"First Name,Last Name,Email,Job Title,Associated Company,Lifecycle Stage\n"
            b"Kim,Kay,kim@acme.example,Head of IT,Acme Corp,customer\n"
            b"Lou,Lim,lou@initech.example,CFO,Initech,lead\n")


def stakeholders(app_db) -> int:
    return read(app_db, lambda s: s.scalar(select(func.count()).select_from(Stakeholder)))


def uploaded(app_as):
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(("contacts.csv", CONTACTS, "text/csv")).run()
    return at


def test_the_recognised_columns_are_preset_and_the_unknown_one_is_ignored(app_as):
    at = uploaded(app_as)
    assert not at.exception
    assert at.selectbox(key="import_entity").value == "stakeholders"  # from 'contacts.csv'
    headers = ["First Name", "Last Name", "Email", "Job Title", "Associated Company",
               "Lifecycle Stage"]
    assert [at.selectbox(key=f"import_column_stakeholders_{h}").value for h in headers] == [
        "first_name", "last_name", "email", "job_title", "company_name", "(ignore)"]


def test_the_dry_run_shows_counts_and_rejected_rows_and_writes_nothing(app_as, app_db):
    at = uploaded(app_as)
    at.button(key="import_dry_run").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 2 rows: 1 to create, 0 to update, 0 unchanged, 1 rejected."]
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejected.to_dict("records") == [
        {"file": "contacts.csv", "line": 3, "field": "company_name",
         "reason": "Unknown company 'Initech'.",
         "values": "Lou | Lim | lou@initech.example | CFO | Initech | lead"}]
    assert stakeholders(app_db) == 5


def test_all_or_nothing_writes_nothing_and_valid_only_writes_the_valid_row(app_as, app_db):
    at = uploaded(app_as)
    at.button(key="import_dry_run").click().run()
    at.button(key="import_apply").click().run()
    assert [e.value for e in at.error] == [
        "Nothing written: 1 row(s) rejected. 2 rows: 1 to create, 0 to update, 0 unchanged, "
        "1 rejected."]
    assert stakeholders(app_db) == 5
    at.radio(key="import_mode").set_value("valid_only")  # the dry run is still there
    at.button(key="import_apply").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Imported. 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected."]
    assert stakeholders(app_db) == 6


def test_a_fixed_column_mapping_is_used_by_the_dry_run(app_as):
    at = uploaded(app_as)
    at.selectbox(key="import_column_stakeholders_Associated Company").set_value("(ignore)")
    at.button(key="import_dry_run").click().run()
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 2 rows: 0 to create, 0 to update, 0 unchanged, 2 rejected."]


def test_a_viewer_sees_the_export_but_not_the_import(app_as):
    at = app_as("viewer", page=PAGE)
    assert not at.exception
    assert [h.value for h in at.title] == ["Import & export"]
    assert len(at.get("file_uploader")) == 0
    assert [i.value for i in at.info] == [
        "Importing needs the manager access role. You can still take out a full export."]
    assert at.get("download_button")[0].proto.label == "Download full export (ZIP)"


DEALS = (b"Opportunity Name,Amount,Stage,Close Date,Account Name\n"
         b"Acme Expansion,\"$80,000.00\",Verbal Yes,2027-03-31,Acme Corp\n")


def test_an_unknown_stage_is_mapped_in_the_value_mapping_editor(app_as, app_db):
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(("deals.csv", DEALS, "text/csv")).run()
    assert at.selectbox(key="import_entity").value == "opportunities"
    at.button(key="import_dry_run").click().run()
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 1 row: 0 to create, 0 to update, 0 unchanged, 1 rejected."]
    at.session_state["import_stage_mapping"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"Their value": "Verbal Yes", "Our stage": "Negotiation"}]}
    at.run()
    at.button(key="import_dry_run").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 1 row: 1 to create, 0 to update, 0 unchanged, 0 rejected."]


def test_a_zip_of_salesforce_files_is_reported_file_by_file(app_as):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Account.csv", "Id,Name,Website\n001A,Initech,initech.example\n")
        archive.writestr("Contact.csv", "Id,FirstName,LastName,Email,AccountId\n"
                                        "003A,Peter,Gibbons,peter@initech.example,001A\n"
                                        "003B,Milton,Waddams,milton@initech.example,001Z\n")
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(
        ("salesforce.zip", buffer.getvalue(), "application/zip")).run()
    # The file names say what each CSV holds: no entity or column choices, only value options.
    assert [s.key for s in at.get("selectbox")] == ["import_option_date_order",
                                                    "import_option_decimal_mark"]
    at.button(key="import_dry_run").click().run()
    assert not at.exception
    files = next(d.value for d in at.dataframe if "entity" in d.value.columns)
    assert files[["file", "created", "rejected"]].to_dict("records") == [
        {"file": "Account.csv", "created": 1, "rejected": 0},
        {"file": "Contact.csv", "created": 1, "rejected": 1}]


def test_a_file_that_is_not_a_zip_or_csv_shows_an_error_and_the_export_stays(app_as):
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(("broken.zip", b"PK\x03\x04garbage",
                                                     "application/zip")).run()
    assert not at.exception  # refused on upload: no dry run to offer
    assert [e.value for e in at.error] == [markdown_text("broken.zip is not a ZIP file.")]
    assert at.get("download_button")[-1].proto.label == "Download full export (ZIP)"


def test_column_choices_follow_header_names_and_are_reset_by_a_new_file(app_as):
    at = uploaded(app_as)
    at.selectbox(key="import_column_stakeholders_Job Title").set_value("(ignore)").run()
    # The next file has the same headers in another order: a choice is never kept by position.
    reordered = (b"Email,Job Title,First Name,Last Name,Associated Company\n"
                 b"kim@acme.example,Head of IT,Kim,Kay,Acme Corp\n")
    at.file_uploader(key="import_upload").set_value(("more.csv", reordered, "text/csv")).run()
    assert not at.exception
    headers = ["Email", "Job Title", "First Name", "Last Name", "Associated Company"]
    assert [at.selectbox(key=f"import_column_stakeholders_{h}").value for h in headers] == [
        "email", "job_title", "first_name", "last_name", "company_name"]


def test_an_unknown_stage_gets_a_suggested_stage_in_the_value_mapping(app_as):
    deals = (b"Opportunity Name,Amount,Stage,Close Date,Account Name\n"
             b"Acme Expansion,80000,Contract Negotiation,2027-03-31,Acme Corp\n")
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(("deals.csv", deals, "text/csv")).run()
    assert [w.value for w in at.warning] == [
        "1 stage name(s) of the file are not known yet: Contract Negotiation. Check the "
        "suggested stage at the top of the table."]
    at.button(key="import_dry_run").click().run()
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 1 row: 1 to create, 0 to update, 0 unchanged, 0 rejected."]
    assert at.dataframe[-1].value["changes"].tolist() == [
        "value: 80000.0; probability: 85; expected_close_date: 2027-03-31; stage: negotiation; "
        "company_id: Acme Corp"]


def test_a_workbook_or_a_binary_file_is_refused_as_not_csv_on_upload(app_as):
    from tests.factories import zip_of

    at = app_as("manager", page=PAGE)
    workbook = zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    at.file_uploader(key="import_upload").set_value(
        ("deals.zip", workbook, "application/zip")).run()  # a workbook renamed .zip
    assert [e.value for e in at.error] == [markdown_text(
        "deals.zip is an Excel or other Office file, not CSV: save each sheet as CSV first.")]
    at.file_uploader(key="import_upload").set_value(
        ("logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/csv")).run()
    assert [e.value for e in at.error] == [markdown_text(
        "logo.csv is not a CSV file (it holds binary data; a spreadsheet must be saved as CSV "
        "first).")]


def test_users_from_a_name_alone_need_the_option_ticked(app_as, app_db):
    from tests.factories import zip_of

    team = "sales_agent,manager,regional_office\nAnna Snelling,Dustin Brinkmann,Central\n"
    at = app_as("manager", page=PAGE)
    at.file_uploader(key="import_upload").set_value(
        ("team.zip", zip_of({"sales_teams.csv": team}), "application/zip")).run()
    at.button(key="import_dry_run").click().run()
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 1 row: 0 to create, 0 to update, 0 unchanged, 1 rejected."]
    at.checkbox(key="import_option_users_without_email").check().run()
    at.button(key="import_dry_run").click().run()
    assert [i.value for i in at.info] == [
        "Dry run, nothing written. 1 row: 1 to create, 0 to update, 0 unchanged, 0 rejected."]
    at.button(key="import_apply").click().run()
    names = read(app_db, lambda s: s.scalars(select(User.name).where(User.email.is_(None))
                                             .order_by(User.name)).all())
    assert names == ["Anna Snelling", "Dustin Brinkmann"]
