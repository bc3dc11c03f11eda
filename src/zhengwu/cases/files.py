"""Files handed in online with a case: the upload checks and the services that store them.

- ``sniff``: the content type from a file's leading bytes alone (pure; the uploaded name and the
  browser's content type are never trusted);
- ``check_upload``: size, emptiness and type of one upload, read in chunks, with its SHA-256;
- ``apply_online`` / ``supplement_online``: the case action and the ``CaseFile`` rows in one
  transaction, every file checked before anything is written; files written to the private storage
  are removed again when the transaction does not commit;
- ``file_from_platform``: an application received on the provincial platform, its materials as
  references to the platform's files or as files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
import struct
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.accounts.models import User
from zhengwu.cases import selectors, services
from zhengwu.cases.models import Case, CaseFile, private_storage
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 512
MAX_FILES = 50
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OFD = "application/ofd"
ALLOWED_TYPES = (PDF, PNG, JPEG, OFD)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", OFD: ".ofd"}

_FILE_FIELD = CaseFile._meta.get_field("file")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_OFD_ROOT = "OFD.xml"


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _first_zip_entry(head: bytes) -> str | None:
    """The name of the first entry of a zip archive from its local file header, if complete."""
    if len(head) < 30 or not head.startswith(_ZIP_LOCAL_HEADER):
        return None
    name_length = struct.unpack("<H", head[26:28])[0]
    if not name_length or len(head) < 30 + name_length:
        return None
    try:
        return head[30 : 30 + name_length].decode("utf-8")
    except UnicodeDecodeError:
        return None


def sniff(head: bytes) -> str | None:
    """The content type of a file from its leading bytes, or None when it is not one we take.

    PDF, PNG and JPEG by their signatures; OFD (GB/T 33190, a zip package) only when the first
    entry of the archive is its root document ``OFD.xml``; any other zip is refused.
    """
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _first_zip_entry(head) == _OFD_ROOT:
        return OFD
    return None


def _is_ofd_package(uploaded) -> bool:
    """A readable zip whose directory holds the root document (the directory only is read)."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            return _OFD_ROOT in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        uploaded.seek(0)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} B"


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or excess length."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "file"


def check_upload(uploaded) -> tuple[str, str, int]:
    """``(content type, sha256, size)`` of an upload, or ValidationFailed (field ``file``)."""
    limit = max_upload_bytes()
    name = clean_name(getattr(uploaded, "name", ""))
    too_large = ValidationFailed(
        {
            "file": [
                _("%(name)s is larger than the limit of %(limit)s.")
                % {"name": name, "limit": size_text(limit)}
            ]
        }
    )
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise too_large
    digest = hashlib.sha256()
    head = b""
    size = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > limit:
            uploaded.seek(0)
            raise too_large
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
    uploaded.seek(0)
    if size == 0:
        raise ValidationFailed({"file": [_("%(name)s is empty.") % {"name": name}]})
    content_type = sniff(head)
    if content_type == OFD and not _is_ofd_package(uploaded):
        content_type = None
    if content_type is None:
        raise ValidationFailed(
            {
                "file": [
                    _("%(name)s is not a PDF, OFD, JPEG or PNG file.") % {"name": name},
                ]
            }
        )
    return content_type, digest.hexdigest(), size


@dataclass(frozen=True)
class CheckedFile:
    code: str
    upload: UploadedFile
    name: str
    content_type: str
    sha256: str
    size: int


def check_files(files: Mapping[str, Sequence[UploadedFile]]) -> list[CheckedFile]:
    """Every upload checked, keyed ``files.<material code>`` in the errors; nothing written."""
    errors: dict[str, list] = {}
    checked: list[CheckedFile] = []
    count = 0
    for code, uploads in files.items():
        for upload in uploads or ():
            count += 1
            try:
                content_type, sha256, size = check_upload(upload)
            except ValidationFailed as error:
                errors.setdefault(f"files.{code}", []).extend(error.errors.get("file", []))
                continue
            checked.append(
                CheckedFile(code, upload, clean_name(upload.name), content_type, sha256, size)
            )
    if count > MAX_FILES:
        errors["files"] = [_("Upload at most %(count)d files at once.") % {"count": MAX_FILES}]
    elif count == 0:
        errors["files"] = [_("Upload at least one file.")]
    if errors:
        raise ValidationFailed(errors)
    return checked


def _codes(checked: Sequence[CheckedFile]) -> list[str]:
    return list(dict.fromkeys(c.code for c in checked))


def _store(case: Case, checked: Sequence[CheckedFile], actor: User, written: list[str]) -> None:
    now = clock.now()
    for entry in checked:
        row = CaseFile(
            case=case,
            material_code=entry.code,
            original_name=entry.name,
            content_type=entry.content_type,
            size=entry.size,
            sha256=entry.sha256,
            uploaded_by=actor,
            uploaded_at=now,
        )
        # The path is the content's SHA-256 (the model's upload_to) plus a random suffix, so that
        # this write never shares a name with another and can be removed again on failure.
        name = f"{_FILE_FIELD.generate_filename(row, entry.name)}-{secrets.token_hex(8)}"
        written.append(name)
        entry.upload.seek(0)
        row.file.name = private_storage.save(name, entry.upload)
        if row.file.name != name:
            written.append(row.file.name)
        row.save(force_insert=True)


def _remove(names: Sequence[str]) -> None:
    for name in names:
        try:
            private_storage.delete(name)
        except OSError:
            log.warning("could not remove the uploaded file %s after a failed write", name)


def _with_files(checked: Sequence[CheckedFile], actor: User, write) -> Case:
    """Run ``write()`` (the case action) and store the files in one transaction; a file already
    written to disk is removed again when the transaction fails."""
    written: list[str] = []
    try:
        with transaction.atomic():
            case = write()
            _store(case, checked, actor, written)
    except BaseException:
        _remove(written)
        raise
    return case


def apply_online(
    *,
    actor: User,
    item: ServiceItem | str,
    applicant: services.ApplicantInput,
    files: Mapping[str, Sequence[UploadedFile]],
) -> Case:
    """An online application with its files: ``services.submit`` (channel online, the materials
    with at least one file) and the ``CaseFile`` rows, all or nothing."""
    impl_code = item.impl_code if isinstance(item, ServiceItem) else str(item or "")
    checked = check_files(files)

    def write() -> Case:
        return services.submit(
            actor=actor,
            item=impl_code,
            channel="online",
            applicant=applicant,
            materials=_codes(checked),
        )

    return _with_files(checked, actor, write)


def supplement_online(
    *,
    actor: User,
    number: str,
    files: Mapping[str, Sequence[UploadedFile]],
    version: int | None = None,
) -> Case:
    """The applicant hands in the materials asked for, online: ``services.act(supplement)`` and
    the ``CaseFile`` rows in one transaction. Only the case's owner may do it."""
    case = selectors.get_case(actor, number)
    if case.owner_id != actor.pk:
        raise NotFound()
    checked = check_files(files)

    def write() -> Case:
        return services.act(
            actor=actor,
            number=case.number,
            action="supplement",
            data={"materials": _codes(checked)},
            version=version,
        )

    return _with_files(checked, actor, write)


def _decoded(entries: Sequence[Mapping], errors: dict) -> tuple[dict, dict]:
    """The platform's materials: ``(references by code, uploads by code)``."""
    references: dict[str, str] = {}
    uploads: dict[str, list[UploadedFile]] = {}
    for index, entry in enumerate(entries):
        code = str(entry.get("material") or "").strip()
        reference = str(entry.get("reference") or "").replace("\x00", "").strip()
        content = entry.get("content_base64") or ""
        field = f"platform_materials.{index}"
        if bool(reference) == bool(content):
            errors[field] = [_("Give either the reference of the file or the file itself.")]
            continue
        if reference:
            references[code] = reference
            continue
        try:
            raw = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            errors[field] = [_("The file is not valid base64.")]
            continue
        name = clean_name(str(entry.get("name") or code))
        uploads.setdefault(code, []).append(SimpleUploadedFile(name, raw))
    return references, uploads


def file_from_platform(
    *,
    actor: User,
    item: str,
    channel: str,
    applicant: services.ApplicantInput,
    materials: Sequence[str],
    received_at,
    platform_number: str | None,
    platform_materials: Sequence[Mapping] = (),
) -> tuple[Case, bool]:
    """An online application received on the provincial platform, filed by it
    (``services.submit``), with its materials as references to the files it keeps or as files
    (``CaseFile`` rows, all or nothing): ``(case, filed now)``; a resend of the same platform
    number returns the case filed first (``services.once_per_platform_number``)."""
    errors: dict[str, list] = {}
    references, uploads = _decoded(platform_materials, errors)
    if errors:
        raise ValidationFailed(errors)

    def write() -> Case:
        return services.submit(
            actor=actor,
            item=item,
            channel=channel,
            applicant=applicant,
            materials=[*materials, *uploads],
            received_at=received_at,
            platform_number=platform_number,
            references=references,
        )

    def create() -> Case:
        if not uploads:
            return write()
        return _with_files(check_files(uploads), actor, write)

    return services.once_per_platform_number(
        actor=actor, platform_number=platform_number, create=create
    )
