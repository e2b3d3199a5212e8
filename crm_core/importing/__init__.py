"""Import: another CRM's CSV exports (or our own full export) in, dry run first.

`import_data(...)` is the entry point of the screen and the command line (modes: batch.py)."""

from crm_core.importing.batch import (
    MODES,
    ImportFile,
    entity_labels,
    import_data,
    import_file,
    read_upload,
    run_import,
)
from crm_core.importing.columns import ENTITIES, recognise_columns, unmapped_required
from crm_core.importing.report import FileReport, ImportReport
from crm_core.importing.values import (
    DEFAULT_ROLE_MAPPING,
    DEFAULT_STAGE_MAPPING,
    NO_ROLE,
    ValueMapping,
    mapping_from_json,
)

__all__ = [
    "DEFAULT_ROLE_MAPPING", "DEFAULT_STAGE_MAPPING", "ENTITIES", "MODES", "NO_ROLE",
    "FileReport", "ImportFile", "ImportReport", "ValueMapping", "entity_labels", "import_data",
    "import_file", "mapping_from_json", "read_upload", "recognise_columns", "run_import",
    "unmapped_required",
]
