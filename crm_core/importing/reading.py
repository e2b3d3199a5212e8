"""Reading CSV files as people export them (any usual encoding, BOM, comma or semicolon, blank
lines, padding), each row with the line it starts on in the file (the header is line 1), within
limits that keep a hostile or mistaken upload (a ZIP bomb, a binary file) from exhausting the
server."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import charset_normalizer

from crm_core.errors import ValidationError

MAX_BYTES = 200 * 1024 * 1024   # decompressed, per upload (all files of a ZIP together)
MAX_ROWS = 250_000              # per upload; the benchmark imports 100,000
MAX_CELL = 131_072              # characters in one cell (csv's own default limit)
_READ_CHUNK = 1024 * 1024
_UTF8_RUN = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


@dataclass(frozen=True)
class SourceTable:
    """One file's header and its non-blank rows, each as (line number, cells)."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str = "utf-8"


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def looks_binary(data: bytes) -> bool:
    """True for bytes no text export holds (NUL bytes outside UTF-16)."""
    return b"\x00" in data[:8192] and data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding used): UTF-8 when it is, else what charset-normalizer finds."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "utf-16"  # Excel's "Unicode text"
    if looks_binary(data):
        raise ValidationError(f"{name} is not a CSV file (it holds binary data; a spreadsheet "
                              "must be saved as CSV first).")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_RUN.search(data):
            # UTF-8 elsewhere: reading it all in another encoding would garble every accent.
            raise ValidationError(
                f"{name} is UTF-8 except at line {_line_of(data, error.start)} (byte "
                f"0x{data[error.start]:02X}): the file mixes encodings. Save it again as "
                "UTF-8.") from None
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise ValidationError(f"{name} is not a CSV file (no text encoding reads it).")
    encoding = best.encoding
    # Tiny files often read the same in several code pages; Excel on Windows writes cp1252.
    if any("cp1252" in r.could_be_from_charset for r in results if r.chaos <= best.chaos):
        encoding = "cp1252"
    return data.decode(encoding), encoding


def _delimiter(content: str) -> str:
    """The separator of the file, judged on its header line (headers rarely hold separators)."""
    header = next((line for line in content.splitlines() if line.strip()), "")
    header = re.sub(r'"[^"]*"', "", header)  # quoted header cells may hold anything
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_table(data: bytes | str, *, name: str = "file.csv",
               max_rows: int = MAX_ROWS) -> SourceTable:
    """Parse CSV text into a SourceTable (blank lines dropped, cells trimmed)."""
    encoding = "utf-8"
    if isinstance(data, str):
        content = data
    else:
        if len(data) > MAX_BYTES:
            raise ValidationError(f"{name} is larger than {MAX_BYTES // 2**20} MiB; split it.")
        content, encoding = _decode(data, name)
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise ValidationError(f"{name} is empty.")
    delimiter = None
    if content[:4].lower() == "sep=" and len(content) > 4:
        # Excel's "sep=;" first line names the separator; it keeps its line number.
        delimiter, content = content[4], "\n" + content.partition("\n")[2]
    reader = csv.reader(io.StringIO(content, newline=""),
                        delimiter=delimiter or _delimiter(content[:20_000]))
    headers: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    last_line = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            where = f"{name} line {last_line + 1}"
            if "field limit" in str(error):
                raise ValidationError(f"{where}: a cell is longer than {MAX_CELL:,} characters "
                                      "(an unclosed quote?).") from None
            raise ValidationError(f"{where} cannot be read as CSV ({error}).") from None
        if cells is None:
            break
        first_line, last_line = last_line + 1, reader.line_num
        trimmed = tuple(cell.strip() for cell in cells)
        if not any(trimmed):
            continue
        if headers is None:
            headers = trimmed
            continue
        if len(rows) >= max_rows:
            raise ValidationError(f"An import takes at most {MAX_ROWS:,} rows; {name} goes "
                                  "past that. Split the data into smaller files.")
        rows.append((first_line, trimmed))
    if headers is None:
        raise ValidationError(f"{name} has no header row.")
    return SourceTable(name=name, headers=headers, rows=tuple(rows), encoding=encoding)


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str
                  ) -> bytes:
    """A member's content, read as a stream and stopped once it passes `budget` bytes (the
    sizes a ZIP declares can lie)."""
    parts, size = [], 0
    with archive.open(info) as stream:
        while chunk := stream.read(_READ_CHUNK):
            size += len(chunk)
            if size > budget:
                raise ValidationError(f"{name} unpacks to more than {MAX_BYTES // 2**20} MiB; "
                                      "import its files in smaller parts.")
            parts.append(chunk)
    return b"".join(parts)


def _open_archive(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError(f"{name} is not a ZIP file.") from None


def check_archive(data: bytes, *, name: str) -> None:
    """Refuse at once what only looks like a ZIP of CSVs (a workbook, a broken archive)."""
    with _open_archive(data, name) as archive:
        _refuse_office(archive, name)


def _refuse_office(archive: zipfile.ZipFile, name: str) -> None:
    if "[Content_Types].xml" in archive.namelist():
        raise ValidationError(f"{name} is an Excel or other Office file, not CSV: save each "
                              "sheet as CSV first.")


def read_archive(data: bytes, *, name: str = "export.zip") -> list[SourceTable]:
    """Every CSV inside a ZIP file, in the archive's order, within the upload's limits."""
    tables: list[SourceTable] = []
    budget, rows_left = MAX_BYTES, MAX_ROWS
    with _open_archive(data, name) as archive:
        _refuse_office(archive, name)
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix.lower() != ".csv" or path.name.startswith("."):
                continue
            content = _member_bytes(archive, info, budget, name)
            budget -= len(content)
            table = read_table(content, name=path.name, max_rows=rows_left)
            rows_left -= len(table.rows)
            tables.append(table)
    if not tables:
        raise ValidationError(f"{name} holds no CSV files.")
    return tables


def archive_manifest(data: bytes) -> dict | None:
    """The manifest.json of our own full export inside a ZIP (None when there is none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("manifest.json")
            return json.loads(_member_bytes(archive, info, 1024 * 1024, "manifest.json"))
    except (KeyError, ValueError, ValidationError, zipfile.BadZipFile):
        return None


def is_zip(data: bytes) -> bool:
    """True when the bytes are a ZIP archive (rather than a CSV)."""
    return data[:4] == b"PK\x03\x04"


def encoding_note(table: SourceTable) -> str | None:
    """What the report says about a file that was not UTF-8 (None when it was)."""
    if table.encoding in ("utf-8", "ascii"):
        return None
    return f"{table.name} was read as {table.encoding} (it is not UTF-8)."
