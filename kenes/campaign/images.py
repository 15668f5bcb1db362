"""Checks on uploaded event photos without an imaging library: the file must be a JPEG, PNG or
WebP by its structure (signature and the header that carries the picture's size), not by its
name or the browser's word, and no larger than the limit."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 60_000_000


class ImageError(ValueError):
    pass


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def _png(data: bytes) -> ImageInfo:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ImageError("broken PNG header")
    width, height = struct.unpack(">II", data[16:24])
    return ImageInfo("image/png", width, height)


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageInfo:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ImageError("broken JPEG structure")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if marker == 0xD9:
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if length < 2:
            raise ImageError("broken JPEG segment")
        if marker in _SOF:
            if i + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return ImageInfo("image/jpeg", width, height)
        i += 2 + length
    raise ImageError("JPEG without a frame header")


def _webp(data: bytes) -> ImageInfo:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return ImageInfo("image/webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return ImageInfo("image/webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return ImageInfo("image/webp", width, height)
    raise ImageError("broken WebP header")


def inspect_image(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES) -> ImageInfo:
    """The type and size of a photo, or ImageError with the reason it is refused."""
    if len(data) > max_bytes:
        raise ImageError(f"file is larger than {max_bytes // (1024 * 1024)} MB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        info = _png(data)
    elif data.startswith(b"\xff\xd8\xff"):
        info = _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        info = _webp(data)
    else:
        raise ImageError("not a JPEG, PNG or WebP image")
    if info.width <= 0 or info.height <= 0 or info.width * info.height > MAX_PIXELS:
        raise ImageError("image dimensions are out of range")
    return info
