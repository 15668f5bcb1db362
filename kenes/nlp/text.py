"""Text toolkit for Kazakh, Russian and English proposals.

Everything here is pure computation (no Django) and built for volume: the hot paths
(`normalize`, `fold`, `search_terms`) use precompiled regular expressions, C-level string
methods (replace/split/translate; no per-character Python loops) and per-word caches, since
words repeat across a corpus.

Vocabulary used below:

* *normalized* text: NFC, Latin look-alike letters inside Cyrillic words turned into Cyrillic,
  ё → е, typographic quotes and dashes made plain, invisible characters dropped, whitespace
  collapsed (`normalize`).
* *folded* text: the matching key (`fold`): normalized, lowercased, Latin-script Kazakh
  transliterated to Cyrillic, Kazakh-specific letters replaced by their Russian-keyboard
  look-alikes (ә→а, қ→к, і→и …), a few Russian letters reduced to what Latin typists write
  (ц→тс, я→иа, ю→иу, й→и, ь and ъ dropped), punctuation removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import numpy as np
import snowballstemmer

from kenes.nlp.stopwords import STOPWORDS

__all__ = [
    "detect_script",
    "fold",
    "is_kazakh_latin",
    "normalize",
    "search_term_pairs",
    "search_terms",
    "stem",
    "stem_kk",
    "stopwords",
    "to_cyrillic",
    "tokenize",
]

# --------------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------------

# Zero-width, bidi control, soft hyphen, BOM, word joiners: removed before anything else.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

_PLAIN_PUNCT = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "„": '"',
        "“": '"',
        "”": '"',
        "‟": '"',
        "″": '"',
        "‹": "'",
        "›": "'",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "⁃": "-",
        "ё": "е",
        "Ё": "Е",
        "…": "...",
    }
)

# Latin letters that look like Cyrillic ones, and the Cyrillic letters that look like Latin ones.
_LATIN_LOOKALIKES = {
    "a": "а",
    "c": "с",
    "e": "е",
    "h": "һ",
    "i": "і",
    "k": "к",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "\u0259": "ә",  # Latin schwa ə, common in official Kazakh texts (the 1995 constitution: "жəне")
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "I": "І",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "У",
    "\u018f": "Ә",  # Latin capital schwa Ə
}
_TO_CYRILLIC_LOOKALIKE = str.maketrans(_LATIN_LOOKALIKES)
_PLAIN_PUNCT_MAP = {chr(k): v for k, v in _PLAIN_PUNCT.items() if isinstance(v, str)}
_PLAIN_PUNCT_RE = re.compile("[" + re.escape("".join(_PLAIN_PUNCT_MAP)) + "]")


def _plain_punct(text: str) -> str:
    """`text.translate(_PLAIN_PUNCT)`, faster when (as usual) there is little to replace."""
    if text.isascii():
        return text
    return _PLAIN_PUNCT_RE.sub(lambda m: _PLAIN_PUNCT_MAP[m.group()], text)
_CYRILLIC_LOOKALIKES = {
    "а": "a",
    "с": "c",
    "е": "e",
    "і": "i",
    "о": "o",
    "р": "p",
    "х": "x",
    "у": "y",
    "А": "A",
    "В": "B",
    "С": "C",
    "Е": "E",
    "Н": "H",
    "І": "I",
    "К": "K",
    "М": "M",
    "О": "O",
    "Р": "P",
    "Т": "T",
    "Х": "X",
}
_TO_LATIN_LOOKALIKE = str.maketrans(_CYRILLIC_LOOKALIKES)

_CYR = "\u0400-\u04ff\u0500-\u052f"
_LAT = "A-Za-z\u00c0-\u024f\u0259"
_HAS_CYR = re.compile(f"[{_CYR}]")
_HAS_LAT = re.compile(f"[{_LAT}]")
# A run of letters in which a Cyrillic and a Latin letter touch.
_MARK = "[\u0300-\u036f]"
_ADJACENT_SCRIPTS = re.compile(f"[{_CYR}]{_MARK}*[{_LAT}]|[{_LAT}]{_MARK}*[{_CYR}]")
_LETTER_OR_MARK = f"(?:[^\\W\\d_]|{_MARK})"
_MIXED_WORD = re.compile(
    f"(?<![^\\W\\d_]){_LETTER_OR_MARK}*?(?:[{_CYR}]{_MARK}*[{_LAT}]|[{_LAT}]{_MARK}*[{_CYR}]){_LETTER_OR_MARK}*"
)
_LAT_CHARS = re.compile(f"[{_LAT}]")
_LAT_LETTER = _LAT_CHARS
_CYR_CHARS = re.compile(f"[{_CYR}]")
_DIAERESIS_ON_E = re.compile("(?<=[ЕеЁё])\u0308+")


def _fix_mixed_word(match: re.Match[str]) -> str:
    word = match.group()
    latin = set(_LAT_CHARS.findall(word))
    if latin <= _LATIN_LOOKALIKES.keys():
        return word.translate(_TO_CYRILLIC_LOOKALIKE)
    cyrillic = set(_CYR_CHARS.findall(word))
    if cyrillic <= _CYRILLIC_LOOKALIKES.keys():
        return word.translate(_TO_LATIN_LOOKALIKE)
    return word


def normalize(text: str) -> str:
    """Canonical form of a text for display-independent processing; idempotent.

    >>> normalize("Бiз  «Қазақстан»\u200b — ел")
    'Біз "Қазақстан" - ел'
    """
    text = _INVISIBLE.sub("", text)
    if "\u0308" in text:
        text = _DIAERESIS_ON_E.sub("", text)  # ё spelt е + ◌̈ (even twice) is е
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _plain_punct(text)
    if _ADJACENT_SCRIPTS.search(text):
        text = _MIXED_WORD.sub(_fix_mixed_word, text)
    text = " ".join(text.split())
    for _round in range(3):
        if text.isascii() or unicodedata.is_normalized("NFC", text):
            break
        # A mapped letter may now compose with a following combining mark (у + ̆ → ў).
        text = _plain_punct(unicodedata.normalize("NFC", text))
    return text


# --------------------------------------------------------------------------------------------
# Latin-script Kazakh → Cyrillic
# --------------------------------------------------------------------------------------------

# Multi-letter spellings (2017 apostrophe alphabet, informal digraphs). Lower case; capitalised
# and upper-case variants are derived. Order does not matter: the regex takes the longest.
_LATIN_SEQUENCES = {
    "a'": "ә",
    "g'": "ғ",
    "n'": "ң",
    "o'": "ө",
    "u'": "ү",
    "y'": "у",
    "i'": "й",
    "s'": "ш",
    "c'": "ч",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "gh": "ғ",
    "kh": "х",
    "ya": "я",
    "yu": "ю",
    "yo": "йо",
    "ye": "йе",
    "shch": "щ",
}
_LATIN_LETTERS = {
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "b": "б",
    "c": "ц",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "é": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "ǵ": "ғ",
    "h": "х",
    "ı": "и",
    "i": "і",
    "í": "і",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "ń": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ü": "ү",
    "ú": "ү",
    "ý": "у",
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "ы",
    "z": "з",
}


def _case_variants(table: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for latin, cyrillic in table.items():
        out[latin] = cyrillic
        out[latin[0].upper() + latin[1:]] = cyrillic[0].upper() + cyrillic[1:]
        out[latin.upper()] = cyrillic.upper()
    return out


_SEQ_ALL = _case_variants(_LATIN_SEQUENCES)
_LETTERS_ALL = _case_variants(_LATIN_LETTERS)
_LETTERS_ALL["İ"] = "І"
_LETTERS_ALL["I"] = "І"
_LATIN_SEQ_RE = re.compile("|".join(re.escape(s) for s in sorted(_SEQ_ALL, key=len, reverse=True)))
_LATIN_TABLE = str.maketrans(_LETTERS_ALL)
_VOWELS_CYR = "аәеиоөұүыіэюяуАӘЕИОӨҰҮЫІЭЮЯУ"
# ı / i after a vowel is the glide й in the 2018/2021 alphabets ("aı" = ай, "Áiel" = Әйел);
# "ng" at the end of a word or before a consonant is the informal spelling of ң.
_GLIDE_RE = re.compile(f"(?<=[{_VOWELS_CYR}])[іІиИ]")
_NG_RE = re.compile(r"ng(?![aeiouyäöüūıáóúý'])", re.IGNORECASE)
_KAZAKH_LATIN_HINT = re.compile(
    r"[qäğñöūüışáǵńóúý]|\b(?:jane|ushin|turaly|boiynsha|boyynsha|bul|osy|men|bap|baby|babyn)\b|[aognuy]'(?!\w)|"
    r"\b\w+(?:lar|ler|dar|der|tar|ter|nyn|nin|dyn|din|tyn|tin|syn|sy|ymyz|imiz)\b"
)


def _ng(match: re.Match[str]) -> str:
    return "ң" if match.group().islower() else "Ң"


_LATIN_TABLE_BACK = str.maketrans({**_LETTERS_ALL, "i": "и", "I": "И", "İ": "И"})
_LATIN_WORD = re.compile(f"[{_LAT}']+")
_BACK_LATIN = frozenset("aouyıūqğAOUYIŪQĞ")


def _latin_word_to_cyrillic(match: re.Match[str]) -> str:
    word = match.group()
    word = _NG_RE.sub(_ng, word)
    word = _LATIN_SEQ_RE.sub(lambda m: _SEQ_ALL[m.group()], word)
    # i is і in front-vowel (native) words and и in words with back vowels (loans: Respublika)
    table = _LATIN_TABLE_BACK if _BACK_LATIN.intersection(word) else _LATIN_TABLE
    word = word.translate(table)
    return _GLIDE_RE.sub(lambda m: "й" if m.group().islower() else "Й", word)


def to_cyrillic(text: str) -> str:
    """Latin-script Kazakh (2021, 2018 and 2017 alphabets, informal spellings) to Cyrillic.

    Cyrillic text passes through unchanged. Best effort where alphabets disagree: `y` is ы,
    `u` is у, `i` is і in front-vowel words and и otherwise, `i`/`ı` after a vowel is й.

    >>> to_cyrillic("Qazaqstan Respublikasy")
    'Қазақстан Республикасы'
    """
    if not _HAS_LAT.search(text):
        return text
    return _LATIN_WORD.sub(_latin_word_to_cyrillic, text)


def is_kazakh_latin(text: str) -> bool:
    """True when Latin text carries marks of Kazakh spelling (q, ä, ğ, ñ, ş, a' …, -lar/-ler)."""
    return _KAZAKH_LATIN_HINT.search(text.lower()) is not None


# --------------------------------------------------------------------------------------------
# fold
# --------------------------------------------------------------------------------------------

_FOLD_CYRILLIC = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "й": "и",
    "ё": "е",
    "ц": "тс",
    "я": "иа",
    "ю": "иу",
    "щ": "ш",
    "ь": "",
    "ъ": "",
    "ї": "и",
    "ў": "у",
    "э": "е",
}
# Latin letters straight to their folded Cyrillic form (the proper letter, then folded).
_FOLD_LATIN = {k: "".join(_FOLD_CYRILLIC.get(c, c) for c in v) for k, v in _LATIN_LETTERS.items()}
_FOLD_LATIN["ı"] = "и"  # 2021: ı = и/й; folds like і and й
_FOLD_TABLE = str.maketrans({**_FOLD_CYRILLIC, **_FOLD_LATIN, "_": " "})
_FOLD_CYRILLIC_PAIRS = tuple(_FOLD_CYRILLIC.items())
_FOLD_SEQ = {k: "".join(_FOLD_CYRILLIC.get(c, c) for c in v) for k, v in _LATIN_SEQUENCES.items()}
_FOLD_SEQ.update({"ya": "иа", "yu": "иу", "yo": "ио", "ye": "ие", "ts": "тс"})
_FOLD_SEQ_RE = re.compile("|".join(re.escape(s) for s in sorted(_FOLD_SEQ, key=len, reverse=True)))
_NG_FOLD_RE = re.compile(r"ng(?![aeiouyäöüūıáóúý'])")
_LOWER_LATIN = re.compile("[a-z\u00c0-\u024f]")
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489]")


def fold(text: str) -> str:
    """The matching key for duplicate detection and search.

    >>> fold("Qazaqstan Respublikasy") == fold("Қазақстан Республикасы") == fold("казакстан республикасы")
    True
    """
    return " ".join(filter(None, map(_fold_chunk, normalize(text).split(" "))))


@lru_cache(maxsize=300_000)
def _fold_chunk(text: str) -> str:
    """`fold` of one whitespace-free chunk of normalized text (cached: words repeat)."""
    text = text.replace("İ", "i").lower()
    if _LOWER_LATIN.search(text):
        text = _NG_FOLD_RE.sub("н", text)
        text = _FOLD_SEQ_RE.sub(lambda m: _FOLD_SEQ[m.group()], text)
    if text.isascii():
        text = text.translate(_FOLD_TABLE)  # fast path for ASCII
    else:
        for source, target in _FOLD_CYRILLIC_PAIRS:
            if source in text:
                text = text.replace(source, target)
        if _LAT_LETTER.search(text):
            text = text.translate(_FOLD_TABLE)
    if not text.isascii():
        if _LAT_LETTER.search(text):
            text = _fold_other_latin(text)
        text = _COMBINING.sub("", text)
    for mark in _ASCII_PUNCT:
        if mark in text:
            text = text.replace(mark, " ")
    text = " ".join(text.split())
    if not text.replace(" ", "").isalnum():
        text = " ".join(_NON_WORD.sub(" ", text).split())
    return text


_ASCII_PUNCT = tuple("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


_OTHER_LATIN = str.maketrans({"ø": "о", "ł": "л", "đ": "д", "ß": "сс", "æ": "ае", "œ": "ое", "þ": "т", "ð": "д"})


def _fold_other_latin(text: str) -> str:
    """Latin letters the tables do not know (à, ø …): strip accents, transliterate, else drop."""
    text = _LAT_LETTER.sub(_strip_accent, text.translate(_OTHER_LATIN))
    return _LAT_LETTER.sub("", text.lower().translate(_FOLD_TABLE))


def _strip_accent(match: re.Match[str]) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", match.group()))


# --------------------------------------------------------------------------------------------
# script
# --------------------------------------------------------------------------------------------

_CYR_LETTER = re.compile(f"[{_CYR}]")


def detect_script(text: str) -> str:
    """"cyrl", "latn" or "mixed" (mixed when the minority script has at least 20% of the letters
    and at least 3 letters; text without letters counts as "cyrl")."""
    # The same counts as `len(_CYR_LETTER.findall(text))` and `len(_LAT_LETTER.findall(text))`,
    # over the code points at once.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cyr = int(np.count_nonzero((codes >= 0x400) & (codes <= 0x52F)))
    lat = 0
    if _LAT_LETTER.search(text):
        lower = codes | 0x20  # A-Z -> a-z; no other code point lands in a-z
        lat = int(np.count_nonzero(((lower >= 0x61) & (lower <= 0x7A)) | ((codes >= 0xC0) & (codes <= 0x24F))
                                   | (codes == 0x259)))
    if lat == 0:
        return "cyrl"
    if cyr == 0:
        return "latn"
    minority = min(cyr, lat)
    if minority >= 3 and minority >= 0.2 * (cyr + lat):
        return "mixed"
    return "cyrl" if cyr >= lat else "latn"


# --------------------------------------------------------------------------------------------
# tokenize
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def tokenize(text: str) -> list[str]:
    """Lowercase normalized word tokens; hyphenated tokens (`8-бап`, `қоғамдық-саяси`) kept whole.

    >>> tokenize("8-бапқа  өзгеріс, «Закон»!")
    ['8-бапқа', 'өзгеріс', 'закон']
    """
    return _TOKEN.findall(normalize(text).replace("İ", "i").lower())


# --------------------------------------------------------------------------------------------
# stemming
# --------------------------------------------------------------------------------------------

_BACK = frozenset("аоұыя")
_FRONT = frozenset("әөүіеэ")
_ALL_VOWELS = frozenset("аәеиоөұүыіэюяуё")

# Kazakh inflectional suffixes, proper spelling, by slot. A word is stem + plural + possessive
# + case + relative + personal ending (verbs: stem + participle/tense/gerund + personal ending);
# stripping goes right to left, so each removed suffix must belong to an earlier slot than the
# one removed before it. Within a slot the longest suffix that fits (harmony, phonotactics,
# minimal stem) wins.
_KK_SLOTS: tuple[tuple[int, str], ...] = (
    # 7: personal endings of predicates
    (7, "мын мін бын бін пын пін мыз міз быз біз пыз піз сың сің сыз сіз сыңдар сіңдер сыздар сіздер"),
    # 6: relative / adjectival
    (6, "дағы дегі тағы тегі ндағы ндегі"),
    # 5: cases (genitive, dative, accusative, locative, ablative, instrumental)
    (5, "ның нің дың дің тың тің ға ге қа ке на не ны ні ды ді ты ті н да де та те нда нде "
        "дан ден тан тен нан нен ндан нден мен бен пен менен бенен пенен дай дей тай тей"),
    # 4: possessive (1sg, 2sg polite, 3, 1pl); the plain 2sg -ың/-ің is left out: spelt
    # without Kazakh letters it is -ын/-ин, the ending of алтын, бензин, Пушкин
    (4, "ым ім ыңыз іңіз ңыз ңіз ы і сы сі ымыз іміз мыз міз"),
    # 3: plural
    (3, "лар лер дар дер тар тер"),
    # 2: verb forms: participles, present/future, gerunds, conditional, verbal noun
    (2, "ған ген қан кен атын етін йтын йтін ады еді йды йді ып іп п у са се май мей бай бей пай пей"),
    # 1: negation
    (1, "ма ме ба бе па пе"),
    # 0: passive voice (only after another suffix: бекіт-іл-ген)
    (0, "ыл іл"),
)
_MIN_STEM = 2  # letters; and a stem must keep a vowel
# Frequent words that end like a suffix but are whole (postpositions, adverbs, adjectives,
# nouns): never stripped.
_KK_PROTECTED = frozenset(
    """
    үшін кейін дейін туралы арқылы жалпы басқа пайда жоғары мүмкін сондықтан қарсы мысалы саяси
    ғылыми тарихи әскери табиғи түрлі белгілі тұрақты байланысты жергілікті қазақстан желтоқсан
    өзен үлкен адам ғылым білім алматы оның оған сонымен ішкі тағы шағын негізгі олар біз сіз
    бұл осы сол мен сен бірақ немесе және тек тіпті әрі соны мұны оны бала ана ата аға апа іні
    тау су бау жау қала дала заң зиян жер ел құқық тармақ бап конституция республика жан тіл
    президент парламент құрылтай мәжіліс сенат халық ұлт қоғам мемлекет азамат еңбек отан ару
    әйел ер шекара шаруа шара мақсат мәселе жағдай қазір бүгін ертең кеше әлі енді сонда
    бойынша сияқты екі көп мың ірі соң яғни жақсы кең ақын теңіз онда әсіресе маңызды алтын ұйым мектеп кітап талап себеп жауап секілді қатар бірге сайын дейінгі кейінгі жылғы
    """.split()
)
_KK_TO_PLAIN = str.maketrans("әөұүіқғң", "аоууикгн")


def _folded_suffix(suffix: str) -> str:
    return suffix.translate(_KK_TO_PLAIN)


def _suffix_class(suffix: str) -> str:
    """Harmony class of a suffix: "b" (back), "f" (front) or "" (no telling)."""
    if suffix in ("мен", "бен", "пен", "менен", "бенен", "пенен"):
        return ""  # the instrumental has no back-vowel form: бала-мен
    for ch in suffix:
        if ch in _BACK or ch in "қғ":
            return "b"
        if ch in _FRONT:
            return "f"
    return ""


# suffix -> (slot, harmony class); a suffix spelt without Kazakh letters (ның → нын) has no class
_KK_SUFFIXES: dict[str, tuple[int, str]] = {}
for _slot, _names in _KK_SLOTS:
    for _s in _names.split():
        _KK_SUFFIXES.setdefault(_s, (_slot, _suffix_class(_s)))
for _slot, _names in _KK_SLOTS:
    for _s in _names.split():
        _KK_SUFFIXES.setdefault(_folded_suffix(_s), (_slot, ""))
_KK_BY_LENGTH: tuple[tuple[int, frozenset[str]], ...] = tuple(
    (n, frozenset(s for s in _KK_SUFFIXES if len(s) == n)) for n in sorted({len(s) for s in _KK_SUFFIXES}, reverse=True)
)
_VOICED_FINAL = str.maketrans({"ғ": "қ", "г": "к", "б": "п"})


_VOICELESS = frozenset("кқпстфхцчшщ")


def _fits(last: str, suffix: str) -> bool:
    """Kazakh phonotactics: may `suffix` follow a stem ending in the letter `last`?"""
    first = suffix[0]
    vowel = last in _ALL_VOWELS and last != "у"  # у after a vowel is the glide [w]
    if suffix == "у":
        return True
    if first in _ALL_VOWELS:
        return not vowel  # ы/і, ым/ім, ып/іп follow consonants; vowels take сы/сі, м, п
    if len(suffix) == 1 or suffix in ("ң", "ңыз", "ңіз", "нгыз", "низ"):
        return vowel  # н, ң, м, р, п, у follow vowels
    if first in "ғг":
        return last not in _VOICELESS
    if first in "қкт" or first == "п":
        return last in _VOICELESS
    if suffix in _LOCATIVE_D:
        return last not in _VOICELESS  # қала-да, қала-дан, жер-де
    if first in "дб":
        return not vowel and last not in _VOICELESS
    if first == "л":
        return vowel or last in "рйу"
    if first == "н":
        return vowel or last in "мнң"
    if first == "м":
        return last not in _VOICELESS
    if suffix in ("сы", "сі", "си"):
        return vowel
    return True


_LOCATIVE_D = frozenset({"да", "де", "дан", "ден", "дағы", "дегі", "даги", "деги", "дай", "дей"})
_NOT_AFTER_PLURAL = frozenset({"ып", "іп", "ип", "п", "ады", "еді", "еди", "йды", "йді", "йди", "са", "се"})
_AFTER_POSSESSIVE = frozenset(
    {"н", "нда", "нде", "на", "не", "ндан", "нден", "ндағы", "ндегі", "ндаги", "ндеги"}
)


def _stem_class(stem: str) -> str:
    for ch in reversed(stem):
        if ch in _BACK:
            return "b"
        if ch in _FRONT:
            return "f"
    return ""


def _has_vowel(stem: str) -> bool:
    return any(ch in _ALL_VOWELS for ch in stem)


@lru_cache(maxsize=200_000)
def stem_kk(word: str) -> str:
    """Kazakh suffix stripping with vowel harmony (also for words typed without Kazakh letters).

    >>> stem_kk("конституциясының"), stem_kk("құқықтарын"), stem_kk("кітабы")
    ('конституция', 'құқық', 'кітап')
    """
    word = word.lower()
    if len(word) <= _MIN_STEM or not word.isalpha() or word in _KK_PROTECTED:
        return word
    current = word
    stripped = False
    slot_limit = 99
    while True:
        found = False
        for n, suffixes in _KK_BY_LENGTH:
            if len(current) - n < _MIN_STEM:
                continue
            tail = current[-n:]
            if tail not in suffixes:
                continue
            slot, suffix_class = _KK_SUFFIXES[tail]
            if slot >= slot_limit:
                continue
            rest = current[:-n]
            if not _has_vowel(rest):
                continue
            if len(rest) < 3 and (rest[-1] in _ALL_VOWELS or (slot > 2 and rest[0] not in _ALL_VOWELS)):
                continue  # two-letter stems: vowel + consonant (өз-і, ел-дің) or verb roots (ал-ып)
            stem_class = _stem_class(rest)
            if suffix_class and stem_class and suffix_class != stem_class:
                continue
            if not _fits(rest[-1], tail):
                continue
            if slot == 0 and slot_limit == 99:
                continue  # a voice suffix is only taken off under another suffix
            if tail in ("ым", "ім", "им") and len(rest) < 3:
                continue  # ұйым, ырым
            if slot_limit == 3 and tail in _NOT_AFTER_PLURAL:
                continue  # мектеп-тер: a plural follows nouns and participles, not gerunds
            if tail in ("сы", "сі", "си") and rest[-1] in "ыіи":
                continue  # облыс-ы: stems in -ыс/-іс are common, stems in -ы/-і rare
            if tail in _AFTER_POSSESSIVE and rest[-1] not in "ыіи":
                continue  # pronominal н: облыс-ы-нда, not алға-нда
            if tail in ("ы", "і", "и") and len(rest) >= 2 and rest[-1] in "ғгқк" and rest[-2] not in _ALL_VOWELS:
                continue  # жыл-ғы, ішкі: the suffix -ғы/-гі, not a possessive
            current = rest
            slot_limit = slot
            found = stripped = True
            break
        if not found or current in _KK_PROTECTED:
            break
    if stripped and current[-1] in "ғгб" and len(current) > 2 and current[-2] in _ALL_VOWELS:
        current = current[:-1] + current[-1].translate(_VOICED_FINAL)
    return current


_SNOWBALL_RU = snowballstemmer.stemmer("russian")
_SNOWBALL_EN = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem_ru(word: str) -> str:
    return str(_SNOWBALL_RU.stemWord(word.replace("ё", "е")))


@lru_cache(maxsize=200_000)
def _stem_en(word: str) -> str:
    return str(_SNOWBALL_EN.stemWord(word))


def stem(word: str, lang: str) -> str:
    """Stem of a lowercase word: Kazakh suffix stripping, Snowball Russian or English.

    >>> stem("правах", "ru"), stem("rights", "en"), stem("сөз", "xx")
    ('прав', 'right', 'сөз')
    """
    if lang == "kk":
        return stem_kk(word)
    if lang == "ru":
        return _stem_ru(word.lower())
    if lang == "en":
        return _stem_en(word.lower())
    return word


def stopwords(lang: str) -> frozenset[str]:
    """Stop words of "kk", "ru" or "en" (lowercase, normalized); empty for other languages."""
    return STOPWORDS.get(lang, frozenset())


_FOLDED_STOPWORDS = {lang: frozenset(fold(w) for w in words) for lang, words in STOPWORDS.items()}
_EN_STOP_RAW = STOPWORDS["en"] - {"men"}
_CYRILLIC_STOP = _FOLDED_STOPWORDS["kk"] | _FOLDED_STOPWORDS["ru"]
_LATIN_STOP = _FOLDED_STOPWORDS["en"] | frozenset(fold(to_cyrillic(w)) for w in ("jane", "men", "ushin", "turaly", "bul", "osy"))


@lru_cache(maxsize=200_000)
def _stem_cyrillic_any(word: str) -> str:
    """Kazakh suffix stripping, then Russian Snowball: the same reduction for a Kazakh or a
    Russian word, so that forms of one word agree whichever language the token is taken for."""
    return _stem_ru(stem_kk(word))


def search_terms(text: str, lang: str | None = None) -> list[str]:
    """Terms for full-text search: tokens minus stop words, stemmed, folded.

    Use the same `lang` for the indexed text and for the query. With `lang=None` (the safe
    choice for mixed corpora) each token is handled by its script: a Cyrillic token gets
    Kazakh suffix stripping followed by Russian Snowball (so `конституциясы`, `конституцияның`,
    `конституции` and `конституция` meet, and so do `права`/`правах`); a Latin token that looks
    Kazakh (q, ä, ğ, ñ, ş, -lar/-ler …) is transliterated and treated as Cyrillic; other Latin
    tokens get English Snowball. With "kk", "ru" or "en" every token uses that language's
    stemmer (Latin tokens are transliterated first for "kk"). Hyphenated tokens are split.

    >>> search_terms("Конституцияның 8-бабы") == search_terms("конституциясы 8 бап")
    True
    """
    return [term for _surface, term in search_term_pairs(text, lang)]


def search_term_pairs(text: str, lang: str | None = None) -> list[tuple[str, str]]:
    """`search_terms` with the surface word each term comes from: [(word, term), …]."""
    pairs: list[tuple[str, str]] = []
    kazakh_latin = lang is None and _HAS_LAT.search(text) is not None and is_kazakh_latin(text)
    # The tokens of the text are the tokens of its whitespace-separated chunks (a token holds no
    # space), and chunks repeat across a corpus: each distinct chunk is tokenised and stemmed once.
    cache = _CHUNK_PAIRS[(lang, kazakh_latin)]
    known = cache.get
    extend = pairs.extend
    for chunk in normalize(text).replace("İ", "i").lower().split():
        found = known(chunk)
        if found is None:
            found = _chunk_pairs(chunk, lang, kazakh_latin)
            if len(cache) >= _CHUNK_CACHE_MAX:
                cache.clear()
            cache[chunk] = found
        extend(found)
    return pairs


_CHUNK_CACHE_MAX = 200_000
_CHUNK_PAIRS: defaultdict[tuple[str | None, bool], dict[str, tuple[tuple[str, str], ...]]] = defaultdict(dict)


def _chunk_pairs(chunk: str, lang: str | None, kazakh_latin: bool) -> tuple[tuple[str, str], ...]:
    """(word, term) pairs of one lowercase, normalized, whitespace-free chunk of text."""
    pairs: list[tuple[str, str]] = []
    for token in _TOKEN.findall(chunk):
        for part in token.split("-"):
            if part:
                term = _term(part, lang, kazakh_latin)
                if term:
                    pairs.append((part, term))
    return tuple(pairs)


@lru_cache(maxsize=500_000)
def _term(part: str, lang: str | None, kazakh_latin: bool) -> str:
    """The search term of one lowercase normalized word ("" for a stop word)."""
    if part.isdigit():
        return part
    latin = _HAS_LAT.search(part) is not None
    if latin and (lang == "kk" or kazakh_latin) and part not in _EN_STOP_RAW:
        part = to_cyrillic(part).lower()
        latin = False
    folded = fold(part)
    if not folded:
        return ""
    if lang is None:
        if latin:
            if folded in _LATIN_STOP:
                return ""
            stemmed = _stem_en(part)
        else:
            if folded in _CYRILLIC_STOP:
                return ""
            stemmed = _stem_cyrillic_any(part)
    else:
        if folded in _FOLDED_STOPWORDS.get(lang, ()):
            return ""
        stemmed = stem(part, lang)
    return fold(stemmed) or folded
