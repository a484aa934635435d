"""What a file really is, by its content (never by its name).

:func:`identify` names the kind of any upload (a table, an office document, a PDF, an image);
:func:`table_format` accepts only the tables the platform reads and refuses the rest with a reason.
"""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from countyworks.core.tabular.errors import UnsupportedFile

TableFormat = Literal["csv", "xlsx", "parquet"]

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\xd0\xcf\x11\xe0", "ole"),  # .xls / .doc of Office 97–2003
    (b"PAR1", "parquet"),
)


def identify(data: bytes) -> str:
    """``xlsx``, ``docx``, ``zip``, ``pdf``, ``png``, ``jpeg``, ``ole``, ``parquet``, ``text``,
    ``binary`` or ``empty``.  Office Open XML files are told apart by their parts."""
    if not data:
        return "empty"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "binary"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "docx"
        return "zip"
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def table_format(data: bytes, *, allow_parquet: bool = False) -> TableFormat:
    """``csv``, ``xlsx`` (or ``parquet`` when allowed) by content; :class:`UnsupportedFile` otherwise."""
    kind = identify(data)
    if kind == "text":
        return "csv"
    if kind == "xlsx" or (kind == "parquet" and allow_parquet):
        return kind  # type: ignore[return-value]
    if kind == "empty":
        raise UnsupportedFile("the file is empty", "文件是空的", "empty_file")
    if kind == "ole":
        raise UnsupportedFile(
            "old binary .xls/.doc format; save the workbook as .xlsx",
            "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx",
            "old_xls",
        )
    if data.startswith(b"PK\x03\x04") and kind == "binary":
        raise UnsupportedFile("damaged zip/xlsx file", "文件已损坏（不是有效的 xlsx）", "damaged_file")
    if kind in ("zip", "docx"):
        raise UnsupportedFile(
            "a zip archive but not an xlsx workbook", "这是压缩包而不是 xlsx 工作簿", "not_a_table"
        )
    expected = "csv, xlsx or parquet" if allow_parquet else "csv or xlsx"
    expected_zh = "csv、xlsx 或 parquet" if allow_parquet else "csv 或 xlsx"
    raise UnsupportedFile(
        f"binary file ({kind}): expected {expected}", f"二进制文件：只接受 {expected_zh}", "not_a_table"
    )
