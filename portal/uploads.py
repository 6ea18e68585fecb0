"""Uploaded files are judged by their content (magic bytes), never by their name or the browser's claim.

Notice attachments and complaint attachments share these checks; each app names the kinds it accepts.
"""

import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class Kind:
    extension: str
    mime: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
JPEG = Kind("jpg", "image/jpeg", "JPEG")
PNG = Kind("png", "image/png", "PNG")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
KINDS = {kind.mime: kind for kind in (PDF, JPEG, PNG, DOCX)}


def detect_kind(head: bytes, file) -> Kind | None:
    """The kind of a file from its first bytes; DOCX is a ZIP whose parts say it is a Word document."""
    if head.startswith(b"%PDF-"):
        return PDF
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.mime == "image/jpeg":
        return JPEG
    if guess.mime == "image/png":
        return PNG
    if guess.mime in ("application/zip", DOCX.mime):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def _verify_image(file) -> None:
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This image is damaged and cannot be opened."), code="bad_image") from None


def validate_upload(upload: UploadedFile, *, allowed: tuple[Kind, ...], max_bytes: int) -> Kind:
    """Check size and content; return the detected kind. Raises ValidationError with a translated message."""
    name = safe_display_name(upload.name or "")
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s per file."),
            code="too_large",
            params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = detect_kind(head, upload)
    upload.seek(0)
    if kind not in allowed:
        raise ValidationError(
            _("“%(name)s” is not a %(kinds)s file (judged by its content, not its name)."),
            code="wrong_type",
            params={"name": name, "kinds": " / ".join(k.label for k in allowed)},
        )
    if kind in (JPEG, PNG):
        _verify_image(upload)
        upload.seek(0)
    return kind


def safe_display_name(name: str, limit: int = 120) -> str:
    """The file name a person gave, made harmless for display and for Content-Disposition: no path,
    no control or bidirectional-override characters, bounded length."""
    base = os.path.basename((name or "").replace("\\", "/"))
    cleaned = "".join(
        char for char in unicodedata.normalize("NFC", base) if unicodedata.category(char)[0] != "C"
    ).strip(" .")
    if not cleaned:
        cleaned = "file"
    if len(cleaned) > limit:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else cleaned[:limit]
    return cleaned


def random_storage_name(folder: str, kind: Kind) -> str:
    """Where an upload is stored: a random name, so that neither a path nor a guess leads to it."""
    return f"{folder}/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{kind.extension}"


def read_bytes(upload: UploadedFile) -> io.BytesIO:
    upload.seek(0)
    return io.BytesIO(upload.read())


# Files a form received but could not use yet (the form had an error, or the visitor is still on a later step).
# They wait under <folder>/pending/ and are either used or removed by the orphan job (portal/housekeeping.py)
# once older than PENDING_MIN_AGE: a form is not kept open for days.
PENDING = "pending"


def pending_save(upload: UploadedFile, *, folder: str, kind: Kind) -> dict:
    """Keep an already checked upload for later; returns what the session remembers of it."""
    upload.seek(0)
    name = default_storage.save(random_storage_name(f"{folder}/{PENDING}", kind), upload)
    return {"path": name, "name": safe_display_name(upload.name or ""), "size": upload.size, "mime": kind.mime}


def pending_file(meta: dict):
    """The kept upload as a file the form's checks and the services accept, or None when it is gone."""

    path = str(meta.get("path", ""))
    if f"/{PENDING}/" not in path or ".." in path or not default_storage.exists(path):
        return None
    handle = File(default_storage.open(path, "rb"), name=str(meta.get("name") or "file"))
    handle.size = default_storage.size(path)
    return handle


def pending_delete(meta: dict) -> None:
    path = str(meta.get("path", ""))
    if f"/{PENDING}/" in path and ".." not in path:
        default_storage.delete(path)


def download_name(name: str, mime: str) -> str:
    """The name a file is downloaded under: the uploader's name with the extension of the type its content was
    found to be (a JPEG with HTML appended, uploaded as photo.html, downloads as photo.jpg)."""
    kind = KINDS.get(mime)
    cleaned = safe_display_name(name)
    if kind is None:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem:
        stem = cleaned
    elif extension.lower() in ("jpeg",) and kind is JPEG:
        return cleaned
    return f"{stem}.{kind.extension}"
