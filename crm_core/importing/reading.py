"""Reading CSV files as people export them (BOM, comma or semicolon, blank lines, padding),
each row with the line it starts on in the file (the header is line 1)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from crm_core.errors import ValidationError

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass(frozen=True)
class SourceTable:
    """One file's header and its non-blank rows, each as (line number, cells)."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def _decode(data: bytes, name: str) -> str:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16")  # Excel's "Unicode text"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"{name} is not a text file.")  # pragma: no cover - latin-1 decodes all


def _delimiter(content: str) -> str:
    """The separator of the file, judged on its header line (headers rarely hold separators)."""
    header = next((line for line in content.splitlines() if line.strip()), "")
    header = re.sub(r'"[^"]*"', "", header)  # quoted header cells may hold anything
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_table(data: bytes | str, *, name: str = "file.csv") -> SourceTable:
    """Parse CSV text into a SourceTable (blank lines dropped, cells trimmed)."""
    content = data if isinstance(data, str) else _decode(data, name)
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
    for cells in reader:
        first_line, last_line = last_line + 1, reader.line_num
        trimmed = tuple(cell.strip() for cell in cells)
        if not any(trimmed):
            continue
        if headers is None:
            headers = trimmed
            continue
        rows.append((first_line, trimmed))
    if headers is None:
        raise ValidationError(f"{name} has no header row.")
    return SourceTable(name=name, headers=headers, rows=tuple(rows))


def read_archive(data: bytes, *, name: str = "export.zip") -> list[SourceTable]:
    """Every CSV inside a ZIP file, in the archive's order."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError(f"{name} is not a ZIP file.") from None
    tables = []
    with archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix.lower() != ".csv" or path.name.startswith("."):
                continue
            tables.append(read_table(archive.read(info), name=path.name))
    if not tables:
        raise ValidationError(f"{name} holds no CSV files.")
    return tables


def archive_manifest(data: bytes) -> dict | None:
    """The manifest.json of our own full export inside a ZIP (None when there is none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError, zipfile.BadZipFile):
        return None


def is_zip(data: bytes) -> bool:
    """True when the bytes are a ZIP archive (rather than a CSV)."""
    return data[:4] == b"PK\x03\x04"
