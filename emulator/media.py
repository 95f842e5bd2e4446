"""Photos and documents the bot sends: uploads kept byte for byte, URLs and file_ids."""

from __future__ import annotations

import mimetypes
import struct
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from emulator.errors import bad_request
from emulator.params import UploadedFile
from emulator.state import DocumentInfo, PhotoSize, StoredFile, World

PHOTO_SIDES = (90, 320, 800, 1280)
URL_PHOTO_SIZE = (800, 600)  # the emulator has no network: photos by URL get this size
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def image_size(data: bytes) -> tuple[int, int] | None:
    """Read width and height from PNG, GIF, JPEG or WebP bytes; None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Find the frame header of a JPEG."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _scaled(width: int, height: int, side: int) -> tuple[int, int]:
    """Scale so the longer side is at most `side`."""
    longest = max(width, height)
    if longest <= side:
        return width, height
    return max(1, round(width * side / longest)), max(1, round(height * side / longest))


def _store(
    world: World,
    folder: str,
    suffix: str,
    *,
    data: bytes | None,
    mime_type: str,
    file_name: str | None = None,
    source_url: str | None = None,
) -> StoredFile:
    """Register a file with fresh identifiers and a download path."""
    file_id = world.next_token("AgAC" if folder == "photos" else "BQAC")
    stored = StoredFile(
        file_id=file_id,
        file_unique_id=world.next_token("AQAD"),
        file_path=f"{folder}/file_{len(world.files)}{suffix}",
        data=data,
        file_name=file_name,
        mime_type=mime_type,
        source_url=source_url,
    )
    world.files[file_id] = stored
    return stored


def photo_from_param(
    world: World,
    reference: str | None,
    upload: UploadedFile | None,
    *,
    fetched: bytes | None = None,
) -> tuple[PhotoSize, ...]:
    """Turn sendPhoto's `photo` (upload, URL or file_id) into its PhotoSize list; `fetched`
    is what a URL on this machine gave (`emulator.photo_urls`)."""
    if upload is not None:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return _photo_sizes(world, size, upload.data, None)
    if not reference:
        raise bad_request("there is no photo in the request")
    if reference in world.photo_sets:
        return world.photo_sets[reference]
    if reference.startswith(("http://", "https://")):
        if fetched is None:
            return _photo_sizes(world, URL_PHOTO_SIZE, None, reference)
        size = image_size(fetched)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return _photo_sizes(world, size, fetched, reference)
    raise bad_request("wrong file identifier/HTTP URL specified")


def photo_source_url(world: World, photo: tuple[PhotoSize, ...]) -> str | None:
    """Return the URL a photo was sent by (None for an upload or a file_id's)."""
    stored = world.files.get(photo[-1].file_id) if photo else None
    return None if stored is None else stored.source_url


def _photo_sizes(
    world: World, size: tuple[int, int], data: bytes | None, url: str | None
) -> tuple[PhotoSize, ...]:
    """Make the thumbnails-to-full list Telegram returns for a photo."""
    width, height = size
    if width <= 0 or height <= 0 or width + height > 10000 or max(size) > 20 * min(size):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    sides = [side for side in PHOTO_SIDES if side < max(width, height)] + [PHOTO_SIDES[-1]]
    sizes: list[PhotoSize] = []
    for side in dict.fromkeys(sides):
        scaled_width, scaled_height = _scaled(width, height, side)
        stored = _store(world, "photos", ".jpg", data=data, mime_type="image/jpeg", source_url=url)
        file_size = len(data) if data is not None else None
        sizes.append(
            PhotoSize(
                stored.file_id, stored.file_unique_id, scaled_width, scaled_height, file_size
            )
        )
    photo = tuple(sizes)
    for entry in photo:
        world.photo_sets[entry.file_id] = photo
    return photo


def document_from_param(
    world: World, reference: str | None, upload: UploadedFile | None
) -> DocumentInfo:
    """Turn sendDocument's `document` (upload, URL or file_id) into a Document."""
    if upload is not None:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_UPLOAD_BYTES:
            raise bad_request("file is too big")
        name = upload.filename or "document"
        mime = upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return _document(world, name, mime, upload.data, None)
    if not reference:
        raise bad_request("there is no document in the request")
    if reference in world.documents:
        return world.documents[reference]
    if reference.startswith(("http://", "https://")):
        name = PurePosixPath(urlsplit(reference).path).name or "document"
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return _document(world, name, mime, None, reference)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _document(
    world: World, name: str, mime: str, data: bytes | None, url: str | None
) -> DocumentInfo:
    """Register a document file."""
    suffix = PurePosixPath(name).suffix
    stored = _store(
        world, "documents", suffix, data=data, file_name=name, mime_type=mime, source_url=url
    )
    size = len(data) if data is not None else None
    document = DocumentInfo(stored.file_id, stored.file_unique_id, name, mime, size)
    world.documents[document.file_id] = document
    return document
