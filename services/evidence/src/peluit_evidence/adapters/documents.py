"""Metadata removal for documents that must be read whole: PDF (pikepdf), OOXML and ODF (zipfile).

Blocking; runs in a thread over an encrypted spool (see spool.py), never over plaintext on disk.
PDF: the document information dictionary (Author, Creator, Producer, Title, dates, ...) and the
XMP metadata stream are dropped; qpdf rewrites the file, so earlier revisions (incremental
updates) that still carried them are gone too. OOXML (docx/xlsx/pptx): docProps/core.xml
(creator, lastModifiedBy, dates, ...), docProps/app.xml (Company, Manager, ...) and
docProps/custom.xml are replaced by empty, valid parts. ODF: meta.xml likewise. Entry times in
the ZIP are set to a fixed date. The replacement parts are fixed text, so no XML from the client
is ever parsed here.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from typing import BinaryIO, cast

import pikepdf

from peluit_evidence.domain.filetypes import Cleaner


class DocumentUnreadable(ValueError):
    """The document's structure is broken (or a ZIP would expand beyond the limit)."""


class CannotClean(Exception):
    """Readable but not cleanable (e.g. a password-protected PDF): stored unchanged."""


_OOXML_EMPTY = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"/>'
    ),
}
_ODF_EMPTY = {
    "meta.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'office:version="1.2"><office:meta/></office:document-meta>'
    ),
}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def clean_document(
    cleaner: Cleaner, source: BinaryIO, target: io.RawIOBase, max_expanded_bytes: int
) -> None:
    """Write `source` without its identifying metadata to `target`."""
    if cleaner is Cleaner.PDF:
        _clean_pdf(source, target)
    elif cleaner is Cleaner.OOXML:
        _clean_zip(source, target, _OOXML_EMPTY, max_expanded_bytes)
    elif cleaner is Cleaner.ODF:
        _clean_zip(source, target, _ODF_EMPTY, max_expanded_bytes)
    else:  # pragma: no cover - only spooled cleaners come here
        raise ValueError(cleaner)


def _clean_pdf(source: BinaryIO, target: io.RawIOBase) -> None:
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError as exc:
        raise CannotClean("password-protected PDF") from exc
    except pikepdf.PdfError as exc:
        raise DocumentUnreadable(str(exc)[:200]) from exc
    try:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        pdf.save(cast(BinaryIO, target), fix_metadata_version=False)
    except pikepdf.PdfError as exc:
        raise DocumentUnreadable(str(exc)[:200]) from exc
    finally:
        pdf.close()


def _clean_zip(
    source: BinaryIO, target: io.RawIOBase, empty: dict[str, str], max_expanded_bytes: int
) -> None:
    try:
        with zipfile.ZipFile(source) as zin:
            entries = zin.infolist()
            if sum(e.file_size for e in entries) > max_expanded_bytes:
                raise DocumentUnreadable("expands beyond the limit")
            with zipfile.ZipFile(target, "w") as zout:
                for entry in entries:
                    info = zipfile.ZipInfo(entry.filename, _FIXED_TIME)
                    info.compress_type = entry.compress_type
                    info.external_attr = entry.external_attr
                    if entry.filename in empty:
                        zout.writestr(info, empty[entry.filename])
                        continue
                    if entry.is_dir():
                        zout.writestr(info, b"")
                        continue
                    info.file_size = entry.file_size
                    with zin.open(entry) as src, zout.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst, 64 * 1024)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:  # RuntimeError: an encrypted entry
        raise DocumentUnreadable(type(exc).__name__) from exc
