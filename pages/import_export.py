"""Import & export: bring another CRM's CSV exports in (dry run first, then apply), and take the
whole database out as a ZIP of CSVs."""

import streamlit as st

from crm_core.access import Permission
from crm_core.errors import CrmError
from crm_core.importing import ENTITIES, ValueMapping, import_data
from crm_core.importing.columns import guess_entity
from crm_core.importing.reading import check_archive, is_zip, read_table
from crm_core.importing.values import unknown_stages
from dashboard.auth import current_actor
from dashboard.data import engine, write
from dashboard.format import markdown_text
from dashboard.import_export import (
    column_mapping,
    export_button,
    mapping_download,
    reset_for_new_file,
    show_report,
    signature,
    template_download,
    value_mapping,
)

APPLY_MODES = {"all_or_nothing": "Write nothing if any row is rejected (all-or-nothing)",
               "valid_only": "Write the valid rows, skip the rejected ones"}
DRY_RUN_KEY, RESULT_KEY = "import_dry_run_report", "import_result"
# In the URL while an import is being applied: if the server stops meanwhile, the browser keeps
# it, and the page it reconnects to can say what became of the import.
RUNNING = "import_running"


def _guess_entity(file_name: str, headers: tuple[str, ...]) -> int:
    return list(ENTITIES).index(guess_entity(file_name, headers) or "users")


def _apply(current: str, **kwargs) -> None:
    bar = st.progress(0.0, text="Checking rows")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0,
                     text=markdown_text(f"{message}: {done:,} of {total:,}"))

    st.query_params[RUNNING] = kwargs["name"]
    try:
        result = write(import_data, on_progress=progress, **kwargs)
        st.session_state[RESULT_KEY] = (current, result)
        if result.applied:  # otherwise keep the dry run: the user may choose valid rows only
            st.session_state.pop(DRY_RUN_KEY, None)
    except CrmError as error:
        st.error(markdown_text(error))
        return
    finally:
        st.query_params.pop(RUNNING, None)
    st.rerun()


def interrupted_import_notice() -> None:
    """After a reconnect: the import this browser was applying when the server stopped."""
    if (name := st.query_params.pop(RUNNING, None)) is not None:
        st.warning(markdown_text(
            f"The import of {name} did not finish: the server stopped while it was being "
            "applied. Nothing of it was written (an import is written in one transaction, or "
            "not at all). Upload the file and apply it again."), icon=":material/sync_problem:")


def import_section() -> None:
    """Upload, mapping, dry run, apply."""
    interrupted_import_notice()
    uploaded = st.file_uploader(
        "CSV file, or a ZIP of CSV files", type=["csv", "txt", "zip"], key="import_upload",
        help="Exports of Salesforce, HubSpot or a spreadsheet; comma or semicolon separated. "
             "A ZIP holds one CSV per entity, named like the entity (e.g. Account.csv, "
             "Contact.csv, HubSpot's all-deals export, stakeholders.csv) — or this app's full "
             "export.")
    if uploaded is None:
        st.caption("Nothing is written until you have seen the dry run and chosen to apply. "
                   "Rows match existing records by id (also their id in the CRM they come "
                   "from, remembered from earlier imports), then email, website or name, so "
                   "importing the same file twice creates nothing twice.")
        template_download()
        return
    data = uploaded.getvalue()
    reset_for_new_file(uploaded.file_id)
    entity, columns, unknown = None, None, {}
    try:
        if is_zip(data):
            check_archive(data, name=uploaded.name)
            st.caption("A ZIP: each CSV is imported as the entity its file name names, records "
                       "before the relationships between them; ids of the source CRM (e.g. "
                       "Salesforce AccountId) are resolved across the files and earlier "
                       "imports.")
        else:
            table = read_table(data, name=uploaded.name)
            entity = st.selectbox("The file holds", list(ENTITIES),
                                  index=_guess_entity(uploaded.name, table.headers),
                                  format_func=lambda key: ENTITIES[key].label,
                                  key="import_entity")
            with st.expander(f"Column mapping ({len(table.rows):,} rows)", expanded=True):
                columns = column_mapping(entity, table)
            stage_columns = [i for i, h in enumerate(table.headers) if columns.get(h) == "stage"]
            unknown = unknown_stages((cells[i] for _, cells in table.rows for i in stage_columns
                                      if i < len(cells)), ValueMapping())
    except CrmError as error:
        st.error(markdown_text(error))
        return
    values = value_mapping(entity, unknown)
    request = {"data": data, "name": uploaded.name, "entity": entity, "columns": columns,
               "values": values}
    current = signature(uploaded.file_id, entity, columns, values.to_json() if values else None)
    run, save = st.columns([1, 3], vertical_alignment="center")
    if values is not None:
        with save:
            mapping_download(columns, values)
    if run.button("Dry run", key="import_dry_run", type="primary", disabled=values is None,
                  icon=":material/fact_check:"):
        try:
            with st.spinner("Checking every row…"):
                st.session_state[DRY_RUN_KEY] = (current, write(import_data, mode="dry_run",
                                                                 **request))
        except CrmError as error:
            st.error(markdown_text(error))
    stored = st.session_state.get(DRY_RUN_KEY)
    if stored and stored[0] == current:
        show_report(stored[1], key="import_dry")
        mode = st.radio("When rows are rejected", list(APPLY_MODES), format_func=APPLY_MODES.get,
                        key="import_mode")
        if st.button("Apply import", key="import_apply", icon=":material/upload:",
                     disabled=stored[1].rows == 0):
            _apply(current, mode=mode, **request)
    result = st.session_state.get(RESULT_KEY)
    if result and result[0] == current:
        show_report(result[1], key="import_result")


st.title("Import & export")
actor = current_actor()
st.subheader("Import")
if actor.can(Permission.EDIT):
    import_section()
else:
    st.info("Importing needs the manager access role. You can still take out a full export.",
            icon=":material/lock:")

st.subheader("Export")
st.caption("Every table as one CSV (our column names) in a ZIP; text a spreadsheet would run "
           "as a formula starts with an apostrophe. Importing it into an empty database "
           "restores the same data, ids included.")
export_button(engine(), actor)
