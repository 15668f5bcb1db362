"""References to articles of the draft in Kazakh, Russian and English text.

    >>> find_article_refs("6-баптың 3-тармағында және 40–44-баптарда")
    [6, 40, 41, 42, 43, 44]
    >>> find_article_refs("п. 2 ст. 8, статьях 5 и 7; Articles 5 and 6")
    [5, 6, 7, 8]
    >>> find_article_refs("2026 жылғы 15 наурыз, Закон № 123, тел. 8 701 555 12 34")
    []

A number counts only next to an article word: after it in Kazakh (`8-бабына`, `12 және
13-баптарда`, `8 бап`, Latin `8-bap`), before it in Russian and English (`статью 6`, `ст. 30`,
`статьи 40–44`, `статьях 5 и 7`, `статьи с 50 по 55`, `Article 32`, `Articles 5 and 6`,
`art. 8`), or with an ordinal ending before a Russian article word (`6-я статья`); ordinal
words one to ten count next to the article word (`бірінші бап`, `первая статья`, `статья
первая`).
Paragraphs (`3-тармағы`, `п. 2`, `пункт 3`, `части 1`, `paragraph 2 of`, `62(2)`) are kept
with their article. Ranges are expanded up to `MAX_RANGE` articles; longer ranges give
their two ends only. Article numbers run from 1 to 999; anything bigger is not an article.
Spans are positions in the text as given (the parser works on a same-length copy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_LIST", "MAX_RANGE", "ArticleRef", "find_article_mentions", "find_article_refs"]

MAX_RANGE = 200


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """One mention of an article: `articles` lists every number it covers (a range or list)."""

    article: int
    paragraph: int | None
    point: int | None
    start: int
    end: int
    text: str
    articles: tuple[int, ...] = ()


# Same-length clean-up: dashes, invisible characters and no-break spaces; Latin look-alike
# letters are handled by allowing both scripts in the keywords.
_SAME_LENGTH = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": " ",
        "\u200c": " ",
        "\u200d": " ",
        "\u2060": " ",
        "\ufeff": " ",
        "\u00ad": " ",
        "ё": "е",
        "Ё": "Е",
    }
)

_NEEDS_SAME_LENGTH = re.compile("[" + re.escape("".join(chr(c) for c in _SAME_LENGTH)) + "]")


def _same_length(match: re.Match[str]) -> str:
    return str(_SAME_LENGTH[ord(match.group())])

# A bare article number: not part of a longer number, a decimal, a date or a time.
_N = r"(?<!\d)(?<!\d[.,:/])\d{1,3}(?!\d|[.,:/]\d)"
# Numbers that are counts, not articles, when they continue a list: "статья 32 и 5 человек".
_COUNT_WORDS = (
    r"(?:%|процент|пайыз|жыл|лет|год|человек|адам|мың|тысяч|млн|миллион|теңге|тенге|сағат|час|"
    r"күн|дн|ай\b|рет|раз|years?|people|percent|hours?|days?|times|tenge|persons?)"
)
_ITEM = rf"{_N}(?!\s*{_COUNT_WORDS})"
_RANGE_SEP = r"\s*-\s*|\s+(?:по|to|through|until)\s+"
_LIST_SEP = r"\s*,\s*(?:(?:и|или|and|or|және|мен|пен|бен|немесе)\s+)?|\s+(?:и|или|and|or|және|мен|пен|бен|немесе|jäne|jane|jáne|zhane)\s+"
# At most MAX_LIST items in one list: keeps matching linear on hostile "1, 1, 1, …" input.
MAX_LIST = 20
_NUMLIST = (
    rf"(?:{_ITEM})(?:(?:{_RANGE_SEP})(?:{_ITEM}))?"
    rf"(?:(?:{_LIST_SEP})(?:{_ITEM})(?:(?:{_RANGE_SEP})(?:{_ITEM}))?){{0,{MAX_LIST - 1}}}"
)

_KK_WORD = r"(?:[бb][аa][пpб]|bab|bap)[^\W\d_]*"
_KK_PARAGRAPH = r"(?:тармақ|тармағ|тармак|тармаг|tarmaq|tarmağ|tarmaǵ|tarmak|tarmag)[^\W\d_]*"
_KK_POINT = r"(?:тармақша|тармакша|tarmaqsha|tarmaqşa|tarmaksha)[^\W\d_]*"
_KK_ORDINAL = r"(?:\s*-?\s*(?:інші|ыншы|ші|шы|inshi|ynshy|shi|shy))?"

_KK_AFTER = re.compile(
    rf"(?P<nums>{_NUMLIST}){_KK_ORDINAL}(?:\s*-\s*|\s+)(?P<kw>{_KK_WORD})"
    rf"(?P<para>(?:\s*,\s*|\s+)(?P<pnum>{_N})\s*-?\s*(?P<pkw>{_KK_POINT}|{_KK_PARAGRAPH}))?",
    re.IGNORECASE,
)
# "Бап 2:" / "bap 8" (keyword first)
_KK_BEFORE = re.compile(rf"\b(?:бап|bap)\s+(?P<nums>{_N})\b(?!\s*-?\s*{_KK_WORD})", re.IGNORECASE)
# Counting, not referring: "жобада 96 бап бар", "тек 5 бап қана"
_KK_COUNT_AFTER = re.compile(r"\s+(?:бар|жоқ|тұрады|қамтиды|қана|ғана|бар ма)\b", re.IGNORECASE)

_RU_PARA_WORD = r"(?:п\.|пп\.|ч\.|пункт[а-я]*|подпункт[а-я]*|част[а-я]*|абзац[а-я]*)"
_RU_ARTICLE = r"(?:стать[а-я]*|ст\.|ст\b)"
_RU = re.compile(
    rf"(?P<pre>{_RU_PARA_WORD}\s*(?P<pnum>{_N})(?:(?:{_LIST_SEP})(?:{_N})){{0,{MAX_LIST}}}\s*,?\s*)?"
    rf"\b{_RU_ARTICLE}\s*(?:№\s*)?(?:с\s+)?(?P<nums>{_NUMLIST})"
    rf"(?P<post>\s*,?\s*{_RU_PARA_WORD}\s*(?P<pnum2>{_N}))?",
    re.IGNORECASE,
)
_RU_ORDINAL = re.compile(rf"(?P<nums>{_N})\s*-\s*(?:я|й|ая|ой|ую|ей)\s+стать[а-я]*", re.IGNORECASE)

# Ordinal words one to ten next to the article word: "бірінші бап", "первая статья",
# "статья первая", "первую статью".
_KK_ORDINALS = ("бірінші", "екінші", "үшінші", "төртінші", "бесінші", "алтыншы", "жетінші", "сегізінші", "тоғызыншы", "оныншы")
_RU_ORDINALS = ("перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят", "десят")
_WORD_NUMBER = {word: n for n, word in enumerate(_KK_ORDINALS, start=1)}
_WORD_NUMBER.update({stem: n for n, stem in enumerate(_RU_ORDINALS, start=1)})
_RU_ORDINAL_WORD = r"(?:перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)(?:ая|ой|ую|ья|ьей|ью|ьи)"
_WORD_ORDINAL = re.compile(
    rf"\b(?P<kk>{'|'.join(_KK_ORDINALS)})\s+{_KK_WORD}"
    rf"|\b(?P<ru1>{_RU_ORDINAL_WORD})\s+стать[а-я]*"
    rf"|\bстать(?:я|и|е|ю|ей)\s+(?P<ru2>{_RU_ORDINAL_WORD})\b",
    re.IGNORECASE,
)


def _ordinal_number(word: str) -> int | None:
    word = word.lower()
    if word in _WORD_NUMBER:
        return _WORD_NUMBER[word]
    for stem, n in _WORD_NUMBER.items():
        if word.startswith(stem) and len(stem) < len(word) and stem in _RU_ORDINALS:
            return n
    return None

_EN = re.compile(
    rf"(?P<pre>\b(?:paragraph|para\.|clause|point|item|part)\s+(?P<pnum>{_N})\s+of\s+)?"
    rf"\b(?:articles?|arts?\.)\s*(?:no\.\s*)?(?P<nums>{_NUMLIST})"
    rf"(?P<post>\s*\(\s*(?P<pnum2>{_N})\s*\)|\s*,\s*(?:paragraph|para\.)\s*(?P<pnum3>{_N}))?",
    re.IGNORECASE,
)

# Cheap pre-checks: the heavy patterns run only when their keyword occurs at all.
_DIGIT = re.compile(r"\d")
_ORDINAL_STEMS = r"(?:перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)"
_ORDINAL_HINT = re.compile(rf"інші|ыншы|{_ORDINAL_STEMS}[а-я]*\s+стат|стат[а-я]*\s+{_ORDINAL_STEMS}", re.IGNORECASE)
_HAS_KK_WORD = re.compile(_KK_WORD, re.IGNORECASE)
# "ст"/"art" not preceded by a letter; the keyword comes first so that the scan looks for its
# letters, not for the look-behind, at every position.
_HAS_RU_WORD = re.compile(r"ст(?<![^\W\d_]..)", re.IGNORECASE)
_HAS_EN_WORD = re.compile(r"art(?<![^\W\d_]...)", re.IGNORECASE)

# Necessary conditions for the ordinal patterns, each a piece every match contains (same flags),
# cheap to scan for: the last letter of an ordinal ending before the article word, and so on.
_BEFORE_STATYA = re.compile(r"[яйюи]\s+стать", re.IGNORECASE)  # _RU_ORDINAL, _WORD_ORDINAL (ru1)
_KK_ORDINAL_BAP = re.compile(r"ш[іы]\s+[бb]", re.IGNORECASE)  # _WORD_ORDINAL (kk)
_STATYA_ORDINAL = re.compile(r"стать(?:я|и|е|ю|ей)\s+[пвтчшсд]", re.IGNORECASE)  # _WORD_ORDINAL (ru2)

_SPLIT_ITEMS = re.compile(rf"(?P<a>{_N})(?:(?:{_RANGE_SEP})(?P<b>{_N}))?")


def _numbers(chunk: str) -> tuple[int, ...]:
    """Numbers of a list like "5 и 7", "40-44", "27, 28 и 29", "с 50 по 55" (ranges capped)."""
    found: list[int] = []
    for item in _SPLIT_ITEMS.finditer(chunk):
        a = int(item.group("a"))
        b = int(item.group("b")) if item.group("b") else None
        if b is None:
            found.append(a)
        elif a < b <= a + MAX_RANGE:
            found.extend(range(a, b + 1))
        else:
            found.extend((a, b))
    return tuple(n for n in found if 1 <= n <= 999)


def _to_int(value: str | None) -> int | None:
    return int(value) if value else None


def find_article_mentions(text: str) -> list[ArticleRef]:
    """Every mention of an article in `text`, in order of position (overlaps resolved)."""
    if not text or (not _DIGIT.search(text) and not _ORDINAL_HINT.search(text)):
        return []  # a reference has a number or an ordinal word: most proposals stop here
    work = _NEEDS_SAME_LENGTH.sub(_same_length, text)  # text.translate(_SAME_LENGTH), faster on few hits
    candidates: list[ArticleRef] = []
    kazakh = _HAS_KK_WORD.search(work) is not None
    russian = _HAS_RU_WORD.search(work) is not None
    english = _HAS_EN_WORD.search(work) is not None

    def add(match: re.Match[str], numbers: tuple[int, ...], paragraph: int | None, point: int | None) -> None:
        if numbers:
            start, end = match.span()
            candidates.append(ArticleRef(numbers[0], paragraph, point, start, end, text[start:end], numbers))

    for match in _KK_AFTER.finditer(work) if kazakh else ():
        keyword_end = match.end("kw")
        hyphenated = "-" in work[match.end("nums") : match.start("kw")]
        if not hyphenated and _KK_COUNT_AFTER.match(work, keyword_end):
            continue
        paragraph = point = None
        if match.group("pkw"):
            value = int(match.group("pnum"))
            if re.match(_KK_POINT, match.group("pkw"), re.IGNORECASE):
                point = value
            else:
                paragraph = value
        add(match, _numbers(match.group("nums")), paragraph, point)
    for match in _KK_BEFORE.finditer(work) if kazakh else ():
        add(match, _numbers(match.group("nums")), None, None)
    for match in _RU.finditer(work) if russian else ():
        add(match, _numbers(match.group("nums")), _to_int(match.group("pnum") or match.group("pnum2")), None)
    before_statya = russian and _BEFORE_STATYA.search(work) is not None
    for match in _RU_ORDINAL.finditer(work) if before_statya else ():
        add(match, _numbers(match.group("nums")), None, None)
    if (kazakh and _KK_ORDINAL_BAP.search(work)) or before_statya or (russian and _STATYA_ORDINAL.search(work)):
        for match in _WORD_ORDINAL.finditer(work):
            number = _ordinal_number(match.group("kk") or match.group("ru1") or match.group("ru2"))
            if number is not None:
                add(match, (number,), None, None)
    for match in _EN.finditer(work) if english else ():
        paragraph = _to_int(match.group("pnum") or match.group("pnum2") or match.group("pnum3"))
        add(match, _numbers(match.group("nums")), paragraph, None)

    # Of overlapping candidates the longer wins (one left-to-right sweep).
    chosen: list[ArticleRef] = []
    for ref in sorted(candidates, key=lambda r: (r.start, -(r.end - r.start))):
        if not chosen or ref.start >= chosen[-1].end:
            chosen.append(ref)
        elif ref.end - ref.start > chosen[-1].end - chosen[-1].start:
            chosen[-1] = ref
    return chosen


def find_article_refs(text: str) -> list[int]:
    """Sorted unique article numbers referred to in `text`."""
    numbers: set[int] = set()
    for ref in find_article_mentions(text):
        numbers.update(ref.articles or (ref.article,))
    return sorted(numbers)
