"""The widgets of the Import & export screen: column mapping, value mapping, the dry-run report,
and the full-export download (built only when clicked)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from crm_core.access import Actor
from crm_core.db import read_session
from crm_core.errors import ValidationError
from crm_core.exporting import export_file_name, export_zip
from crm_core.glossary import help_text
from crm_core.importing import (
    DEFAULT_ROLE_MAPPING,
    DEFAULT_STAGE_MAPPING,
    ENTITIES,
    NO_ROLE,
    ImportReport,
    ValueMapping,
    recognise_columns,
    unmapped_required,
)
from crm_core.importing.columns import template_csv
from crm_core.importing.formats import DAY_FIRST, MONTH_FIRST
from crm_core.importing.reading import SourceTable
from crm_core.vocab import MEDDPICC_ROLES, STAGES
from dashboard.format import markdown_text
from dashboard.tables import download_csv

IGNORE = "(ignore)"
NO_ROLE_LABEL = "(no MEDDPICC role: link only)"
STAGE_ENTITIES = ("opportunities",)
ROLE_ENTITIES = ("stakeholder_opportunities", "meddpicc_roles")


def reset_for_new_file(file_id: str) -> None:
    """Forget the column and value choices made for another file."""
    if st.session_state.get("import_file_id") != file_id:
        for key in [k for k in st.session_state if str(k).startswith(
                ("import_column_", "import_stage_mapping", "import_role_mapping",
                 "import_option_"))]:
            del st.session_state[key]
        st.session_state["import_file_id"] = file_id


def column_mapping(entity: str, table: SourceTable) -> dict[str, str | None]:
    """One selectbox per column of the file, preset to the recognised field; each choice is
    kept under the column's header name (never its position)."""
    spec = ENTITIES[entity]
    recognised = recognise_columns(entity, table.headers)
    labels = {f.key: f.label for f in spec.fields}
    options = [IGNORE, *labels]
    unknown = sum(1 for v in recognised.values() if v is None)
    st.caption(f"{len(table.headers) - unknown} of {len(table.headers)} columns recognised. "
               "Map the others, or leave them ignored.")
    mapping: dict[str, str | None] = {}
    grid = st.columns(3)
    for i, header in enumerate(table.headers):
        sample = next((cells[i] for _, cells in table.rows if i < len(cells) and cells[i]), "")
        with grid[i % 3]:
            choice = st.selectbox(
                markdown_text(header) if header else f"(column {i + 1})", options,
                index=options.index(recognised[header] or IGNORE),
                format_func=lambda key: key if key == IGNORE else labels[key],
                key=f"import_column_{entity}_{header or i}",
                help=f"First value: {markdown_text(sample[:80])}" if sample
                else "No values in this column.")
        mapping[header] = None if choice == IGNORE else choice
    missing = unmapped_required(entity, mapping)
    for need in missing:
        st.warning(f"No column is mapped to {need}.", icon=":material/warning:")
    return mapping


def _editor(mapping: dict[str, str], *, labels: dict[str, str], title: str,
            key: str) -> dict[str, str]:
    by_label = {label: value for value, label in labels.items()}
    frame = pd.DataFrame({"Their value": list(mapping),
                          title: [labels[v] for v in mapping.values()]})
    edited = st.data_editor(
        frame, key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "Their value": st.column_config.TextColumn("Their value", required=True),
            title: st.column_config.SelectboxColumn(title, options=list(labels.values()),
                                                    required=True)})
    return {str(row["Their value"]).strip(): by_label[row[title]]
            for _, row in edited.iterrows()
            if isinstance(row["Their value"], str) and row["Their value"].strip()
            and row[title] in by_label}


def _options(entity: str | None) -> dict:
    """How to read what the file's values cannot tell by themselves."""
    left, middle, right = st.columns(3)
    orders = {None: "Tell from the column's values", DAY_FIRST: "Day first (31/12/2026)",
              MONTH_FIRST: "Month first (12/31/2026)"}
    marks = {None: "Tell from the column's values", ".": "Point (1,234.56)",
             ",": "Comma (1.234,56)"}
    options = {
        "date_order": left.selectbox("Dates like 03/04/2026", list(orders),
                                     format_func=orders.get, key="import_option_date_order",
                                     help=help_text("date_order")),
        "decimal_mark": middle.selectbox("Decimal mark of amounts", list(marks),
                                         format_func=marks.get, key="import_option_decimal_mark",
                                         help=help_text("decimal_mark"))}
    if entity in (None, "users"):
        options["users_without_email"] = right.checkbox(
            "Users may have no email (created from a name alone; they cannot sign in)",
            key="import_option_users_without_email", help=help_text("user_from_name"))
    return options


def value_mapping(entity: str | None, unknown_stages: dict[str, str | None] | None = None
                  ) -> ValueMapping | None:
    """Editable tables of stage and contact-role names, with a suggested stage for each unknown
    one of the file, and the reading options (None, with an error, when invalid)."""
    stages, roles = dict(DEFAULT_STAGE_MAPPING), dict(DEFAULT_ROLE_MAPPING)
    show_stages = entity is None or entity in STAGE_ENTITIES
    show_roles = entity is None or entity in ROLE_ENTITIES
    unknown = unknown_stages or {}
    with st.expander("Value mapping: their stage and role names → ours, dates, amounts",
                     expanded=bool(unknown)):
        options = _options(entity)
        if unknown:
            st.warning(f"{len(unknown)} stage name(s) of the file are not known yet: "
                       f"{markdown_text(', '.join(unknown))}. Check the suggested stage "
                       "at the top of the table.", icon=":material/help:")
        st.caption("Our own stage and MEDDPICC role names are always understood. Add a row for "
                   "any other name in your file.")
        left, right = st.columns(2)
        if show_stages:
            with left:
                stages = _editor({**{k: v for k, v in unknown.items() if v}, **stages},
                                 labels={s: STAGES.label(s) for s in STAGES},
                                 title="Our stage", key="import_stage_mapping")
        if show_roles:
            with right:
                role_labels = {**{r: MEDDPICC_ROLES.label(r) for r in MEDDPICC_ROLES},
                               NO_ROLE: NO_ROLE_LABEL}
                roles = _editor(roles, labels=role_labels, title="Our MEDDPICC role",
                                key="import_role_mapping")
    try:
        return ValueMapping(stages=stages, roles=roles, **options)
    except ValidationError as error:
        st.error(markdown_text(error.message))
        return None


def template_download() -> None:
    """A blank CSV per entity, with our column names, to fill in a spreadsheet."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    entity = left.selectbox("Start from a blank template", list(ENTITIES),
                            format_func=lambda key: ENTITIES[key].label,
                            key="import_template_entity")
    right.download_button("Download template (CSV)", data=template_csv(entity),
                          file_name=f"{entity}.csv", mime="text/csv",
                          key="import_template_download", icon=":material/download:")


def mapping_download(columns: dict[str, str | None] | None, values: ValueMapping) -> None:
    """The column and value mapping as JSON, for the next import or the command line."""
    data = json.dumps({"columns": columns or {}, **values.as_dict()}, indent=2)
    st.download_button("Download this mapping (JSON)", data=data,
                       file_name="import-mapping.json", mime="application/json",
                       key="import_mapping_download", icon=":material/data_object:",
                       help="Use it with: python -m crm_core.importing ... --mapping FILE")


def signature(*parts: object) -> str:
    """A short fingerprint of what the dry run was made of (file, entity, mappings)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def show_report(report: ImportReport, *, key: str) -> None:
    """Counts, per-file table, notes, and the rejected rows with a CSV download."""
    if report.mode == "dry_run":
        st.subheader("Dry run")
        st.info(report.summary(), icon=":material/fact_check:")
    else:
        st.subheader("Result")
        if report.applied:
            st.success(report.summary(), icon=":material/check_circle:")
        else:
            st.error(report.summary(), icon=":material/block:")
    counts = st.columns(5)
    verb = "to create" if report.mode == "dry_run" else "created"
    for column, (label, value) in zip(counts, [
            ("Rows", report.rows), (verb.capitalize(), report.created),
            ("Updated" if report.applied else "To update", report.updated),
            ("Unchanged", report.unchanged), ("Rejected", report.rejected)], strict=True):
        column.metric(label, f"{value:,}")
    if len(report.files) > 1:
        st.dataframe(pd.DataFrame([f.__dict__ for f in report.files]), hide_index=True,
                     key=f"{key}_files")
    for note in report.notes:
        st.caption(markdown_text(note))
    if not report.changes.empty:
        shown = len(report.changes)
        more = report.created + report.updated - shown
        title = "Records to create or update" if report.mode == "dry_run" else \
            "Records created or updated"
        with st.expander(f"{title} ({shown:,}{f' of {shown + more:,}' if more > 0 else ''})"):
            st.dataframe(report.changes, hide_index=True, width="stretch",
                         key=f"{key}_changes")
    if report.rejected:
        st.markdown(f"**Rejected rows** ({report.rejected:,}) — line numbers as in the file "
                    "(the header is line 1):")
        st.dataframe(report.rejected_rows, hide_index=True, width="stretch",
                     key=f"{key}_rejected")
        download_csv(report.rejected_rows, file_name="rejected-rows.csv",
                     key=f"{key}_rejected_csv", label="Download rejected rows (CSV)")


def export_button(engine, actor: Actor) -> None:
    """The full export download; the ZIP is built when the button is clicked."""

    def build() -> bytes:
        with read_session(engine) as session:
            return export_zip(session, actor=actor)

    st.download_button("Download full export (ZIP)", data=build,
                       file_name=export_file_name(), mime="application/zip",
                       key="export_full_zip", icon=":material/folder_zip:", type="primary")
