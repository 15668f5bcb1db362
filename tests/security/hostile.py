"""Hostile and broken inputs shared by the security tests: payloads and file generators."""

from __future__ import annotations

import io
import zipfile

SCRIPT_PAYLOADS = [
    "<script>alert('kenes-xss-1')</script>",
    '"><img src=x onerror=alert("kenes-xss-2")>',
    "<svg/onload=alert('kenes-xss-3')>",
    "javascript:alert('kenes-xss-4')",
    "{{ 7|add:7 }}{% debug %}<b>kenes-xss-5</b>",
]
# Zero-width and direction-override characters: invisible, and able to make a text read
# differently from what it is ("...‮txt.exe").
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bomb(header: list[str], unpacked_mb: int) -> bytes:
    """A valid XLSX whose first sheet holds one cell of `unpacked_mb` MiB: ~1000x smaller packed."""
    normal = zipfile.ZipFile(io.BytesIO(xlsx([header, ["x"] * len(header)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in normal.infolist():
            data = normal.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, data)
                continue
            head, rest = data.split(b"<sheetData>", 1)
            tail = rest.split(b"</sheetData>", 1)[1]
            cells = "".join(
                f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(header)
            )
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(head + f'<sheetData><row r="1">{cells}</row>'.encode())
                sheet.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                chunk = b"A" * (1 << 20)
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row></sheetData>" + tail)
    return out.getvalue()


def broken_xlsx_files(header: list[str]) -> dict[str, bytes]:
    good = xlsx([header, ["1"] * len(header)])
    no_workbook = io.BytesIO()
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    bad_xml = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(good))
    with zipfile.ZipFile(bad_xml, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<<<&&&"
            archive.writestr(info.filename, data)
    entity = io.BytesIO()
    with zipfile.ZipFile(entity, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # Billion laughs, kept small (10^5 x 10 characters): entities must not be expanded.
                laughs = (
                    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
                    + b"".join(
                        b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode() + b";") * 10)
                        for i in range(5)
                    )
                    + b"]>"
                )
                if data.startswith(b"<?xml"):
                    declaration, data = data.split(b"?>", 1)
                    data = declaration + b"?>" + laughs + data
                else:
                    data = laughs + data
                data = data.replace(b"<t>1</t>", b"<t>&f;</t>", 1)
            archive.writestr(info.filename, data)
    return {
        "truncated.xlsx": good[: len(good) // 2],
        "random.xlsx": b"PK\x03\x04" + bytes(range(256)) * 20,
        "not-a-zip.xlsx": b"id,text\n1,hello\n",
        "no-workbook.xlsx": no_workbook.getvalue(),
        "bad-xml.xlsx": bad_xml.getvalue(),
        "billion-laughs.xlsx": entity.getvalue(),
    }


BROKEN_CSV = {
    "unclosed-quote": 'id,text\n1,"never closed\n2,fine\n',
    "quote-in-field": 'id,text\n1,ab"c"d\n2,"x""y"\n',
    "nul-bytes": "id,text\n1,a\x00b\n",
    "mixed-delimiters": "id;text,region\n1;a,b\n",
    "only-header": "id,text\n",
    "ragged": "id,text\n1\n2,a,b,c,d\n",
}
