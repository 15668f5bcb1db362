"""Personal data in free text: Kazakh IINs, phone numbers and e-mail addresses.

Django-free. `find_personal_data(text)` lists what was found (kind, span, surface text);
`mask_personal_data(text)` returns the text with every finding masked:

- an IIN (individual identification number: 12 digits whose last digit is the official
  checksum; 12 digits that fail the checksum are not an IIN and stay as they are) → `[IIN]`;
- a phone number written with +7 or 8 and ten digits in any usual spacing
  (`+7 701 123 45 67`, `8(727)123-45-67`, `87011234567`) → `+7 *** *** ** 67`
  (only the last two digits stay);
- an e-mail address → its first character, `***`, and the domain (`a***@mail.kz`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IIN_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# 12 digits not glued to other digits (a longer number is not an IIN).
_IIN_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
# +7 or 8, then 3 + 3 + 2 + 2 digits with optional spaces, dashes, dots or brackets between groups.
_SEP = r"[ \t\u00a0\-.]*"
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+[ \t]?7|8)"
    rf"{_SEP}\(?{_SEP}(\d{{3}}){_SEP}\)?{_SEP}(\d{{3}}){_SEP}(\d{{2}}){_SEP}(\d{{2}})(?!\d)"
)
# A pragmatic e-mail pattern, bounded so hostile input cannot make it backtrack for long.
_EMAIL_RE = re.compile(
    r"(?<![\w.+-])([\w.+-]{1,64})@((?:[\w-]{1,63}\.){1,8}[^\W\d_]{2,24})(?![\w-])"
)


@dataclass(frozen=True)
class PersonalData:
    kind: str  # "iin" | "phone" | "email"
    start: int
    end: int
    text: str


def iin_checksum(digits: str) -> int | None:
    """The control digit of the first 11 digits by the official two-pass algorithm, or None
    when both passes give 10 (such a number is never issued)."""
    values = [int(ch) for ch in digits[:11]]
    control = sum(v * w for v, w in zip(values, IIN_WEIGHTS_1, strict=True)) % 11
    if control == 10:
        control = sum(v * w for v, w in zip(values, IIN_WEIGHTS_2, strict=True)) % 11
        if control == 10:
            return None
    return control


def is_valid_iin(value: str) -> bool:
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return iin_checksum(value) == int(value[11])


def find_personal_data(text: str) -> list[PersonalData]:
    """Every IIN, phone number and e-mail address in `text`, in order, without overlaps."""
    found: list[PersonalData] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _IIN_RE.finditer(text):
        if is_valid_iin(m.group()):
            found.append(PersonalData("iin", m.start(), m.end(), m.group()))
            taken.append((m.start(), m.end()))
    for m in _EMAIL_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(PersonalData("email", m.start(), m.end(), m.group()))
            taken.append((m.start(), m.end()))
    for m in _PHONE_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(PersonalData("phone", m.start(), m.end(), m.group()))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda item: item.start)
    return found


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"+7 *** *** ** {digits[-2:]}"


def mask_personal_data(text: str) -> str:
    """`text` with IINs, phone numbers and e-mail addresses masked."""
    if not text:
        return text
    found = find_personal_data(text)
    if not found:
        return text
    parts: list[str] = []
    position = 0
    for item in found:
        parts.append(text[position : item.start])
        if item.kind == "iin":
            parts.append("[IIN]")
        elif item.kind == "email":
            parts.append(mask_email(item.text))
        else:
            parts.append(mask_phone(item.text))
        position = item.end
    parts.append(text[position:])
    return "".join(parts)


def mask_name(name: str) -> str:
    """A person's name for public pages: the first word and the initials of the others
    (`Айгүл Серікқызы Бекова` → `Айгүл С. Б.`), with any personal data inside masked."""
    words = mask_personal_data(name).split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{w[0]}." for w in words[1:] if w[0].isalpha())])
