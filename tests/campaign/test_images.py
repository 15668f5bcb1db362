from __future__ import annotations

import struct
import zlib

import pytest

from kenes.campaign.images import ImageError, inspect_image


def png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg(width: int = 640, height: int = 480) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def webp(width: int = 100, height: int = 50) -> bytes:
    payload = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(payload)) + b"WEBP" + payload


def test_real_images_are_accepted_with_their_size() -> None:
    assert inspect_image(png(4, 3)).content_type == "image/png"
    assert (inspect_image(png(4, 3)).width, inspect_image(png(4, 3)).height) == (4, 3)
    info = inspect_image(jpeg(640, 480))
    assert (info.content_type, info.width, info.height) == ("image/jpeg", 640, 480)
    info = inspect_image(webp(100, 50))
    assert (info.content_type, info.width, info.height) == ("image/webp", 100, 50)


@pytest.mark.parametrize("data", [
    b"",
    b"GIF89a\x01\x00\x01\x00",
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"%PDF-1.7 ...",
    b"MZ\x90\x00 an executable",
    b"\x89PNG\r\n\x1a\n",  # a signature and nothing else
    b"\xff\xd8\xff",  # JPEG signature, no frame
    b"\xff\xd8\xff\xe0\x00\x01",  # broken segment length
    b"RIFF\x00\x00\x00\x00WEBPJUNK",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 + b"IHDR" + struct.pack(">II", 0, 10) + b"\x00" * 9,  # zero width
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 + b"IHDR" + struct.pack(">II", 100000, 100000) + b"\x00" * 9,  # decompression bomb
])
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(ImageError):
        inspect_image(data)


def test_size_limit() -> None:
    data = jpeg() + b"\x00" * 2000
    assert inspect_image(data, max_bytes=4000)
    with pytest.raises(ImageError, match="larger"):
        inspect_image(data, max_bytes=1000)
