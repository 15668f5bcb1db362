"""Facts from Kazakh and Russian news about the campaign: where, when, what kind of event, who
spoke in what role, which organisations, how many people, themes, audiences, articles, dates,
and proposals stated in the news.

    kenes news extract FILE... [--format json|jsonl]

`extract(doc)` takes a `RawDocument` (see news_io) and returns a plain dict in the shape of
shared/data/gold/seeds_news.json plus `title`, `outlet`, `proposals`, `vague_figures` and
`spans` (character offsets into `title + "\\n" + body`, for highlighting).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from kenes.nlp import articles, gazetteer
from kenes.nlp import news_lexicon as lex
from kenes.nlp.gazetteer import DAT, LOC, fold
from kenes.nlp.news_io import NewsFormatError, RawDocument, read_documents
from kenes.nlp.numbers import find_quantities

KK_LETTERS = set("әғқңөұүһі")
KK_FUNCTION_WORDS = frozenset("және мен бен пен үшін деп бойынша туралы бұл осы оның ал арқылы сондай-ақ барысында "
                              "өтті болды жылы қатысты деді екенін тиіс".split())
RU_FUNCTION_WORDS = frozenset("в и на с по для что не о об от из к за как это также который которые был была было "
                              "были прошел прошла прошли состоялся состоялась состоялось".split())
QUOTES = re.compile(r"«([^«»\n]{2,120})»|\"([^\"\n]{2,120})\"|“([^“”\n]{2,120})”|„([^„“\n]{2,120})“")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\s]+(?=[«\"“A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])|\n+")
CAP = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+"
NAME = re.compile(rf"(?<![\w-])({CAP}(?:-{CAP})?)\s({CAP}(?:-{CAP})?)(?![\w-])")
INITIAL_NAME = re.compile(rf"(?<![\w-])([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])\.\s?(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.\s?)?({CAP})(?![\w-])")
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
KK_CASE_ENDINGS = sorted(
    "ның нің дың дің тың тің ға ге қа ке на не нда нде да де та те дан ден тан тен нан нен ды ді ты ті ны ні мен бен "
    "пен дағы дегі тағы тегі ндағы ндегі н".split(), key=len, reverse=True)


@dataclass
class Span:
    start: int
    end: int
    kind: str  # place, person, organization, figure, date, article


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")


EVENT_RE = {kind: _compile(cues) for kind, cues in lex.EVENT_CUES.items()}
FOUNDING_RE = _compile(lex.FOUNDING)
WEAK_MEETING_RE = _compile(lex.WEAK_MEETING)
RU_VISIT_RE = _compile([lex.RU_VISIT_VERBS])
FUTURE_RE = _compile(lex.FUTURE_MARKERS)
ONLINE_RE, OFFLINE_RE, HYBRID_RE = _compile(lex.ONLINE), _compile(lex.OFFLINE), _compile(lex.HYBRID)
PARTICIPATION_RE = _compile(lex.PARTICIPATION)
AUDIENCE_RE = {kind: _compile(cues) for kind, cues in lex.AUDIENCE_CUES.items()}
THEME_RE = {theme: [(re.compile(r"(?<![\w])" + p), w) for p, w in cues] for theme, cues in lex.THEME_CUES.items()}
VISIT_RE = re.compile(r"^\W*(?:\S+\s+){0,3}?" + lex.VISIT_VERBS)
OUTLET_RE = re.compile(r"(?:" + "|".join(lex.OUTLET_CUES) + r")\s+([A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі0-9.\-]{2,40})")
PROPOSAL_RE = _compile(lex.PROPOSAL_VERBS)
KNOWN_PARTY_RE = [(re.compile(r"(?<![\w])(?:" + p + r")(?![а-яәғқңөұүһі])"), name) for p, name in lex.KNOWN_PARTIES]
ROLE_HEADS = {h.lower() for h in lex.ROLE_HEADS}
ORG_TYPES = set(lex.ORG_TYPES)
MONTH_RE = re.compile(
    r"(?<![\w])(\d{1,2})\s+(" + "|".join(list(lex.KK_MONTHS) + list(lex.RU_MONTHS)) + r")\w*(?:\s+(\d{4})\s*\S*)?",
)
YEAR_FIRST_RE = re.compile(r"(?<![\w])(\d{4})\s+жылғы\s+(\d{1,2})\s+(" + "|".join(lex.KK_MONTHS) + r")\w*")
MINISTRY_KK = re.compile(rf"({CAP}(?:\s+[a-zа-яёәғқңөұүһі-]+){{0,7}}?\s+министрлігі)")
MINISTRY_RU = re.compile(r"(Министерств[оау]м?\s+(?:[а-яё-]+\s+){0,6}?[а-яё-]+)(?=[\s,.;:)»]|$)")
COMMISSION_KK = re.compile(rf"({CAP}(?:\s+[a-zа-яёәғқңөұүһі-]+){{0,4}}\s+жөніндегі\s+(?:комиссия|кеңес|жұмыс тобы))")
COMMISSION_RU = re.compile(r"(Комисси[яиюей]\w*\s+по\s+(?:[а-яё-]+\s+){0,4}?[а-яё-]+)(?=[\s,.;:)»]|$)")
KNOWN_BODIES = [(re.compile(r"орталық сайлау комиссия|центральн\w* избирательн\w* комисси|(?<![\w])ЦИК(?![\w])"),
                 "Орталық сайлау комиссиясы")]
KK_NAMED_ORG = re.compile(
    r"((?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+)(?:\s+(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+|атындағы|ұлттық|мемлекеттік|халықаралық|қазақ|"
    r"медицина|техникалық|аграрлық|педагогикалық|қоғамдық))*\s+[а-яәғқңөұүһі]+)")
KK_ORG_CASES = {"", "ның", "нің", "на", "не", "нда", "нде", "нан", "нен", "н", "мен"}
RU_NAMED_ORG = re.compile(r"(?<![\w«\"])((?:" + "|".join(lex.RU_ORG_HEADS) + r")(?:\s+[а-яё-]+){1,4}?\s+"
                          rf"{CAP}[а-яё]*)(?=[\s,.;:)]|$)")
LATIN_ORG = re.compile(r"(?<![\w-])((?:[A-Z][\w.+-]*|e-[A-Za-z]+)(?:\s[A-Z][\w.+-]*){0,3})\s+([а-яәғқңөұүһі]+)")


def shingles(text: str, size: int = 4) -> frozenset[int]:
    """Hashes of every run of `size` words (folded), for telling a lightly edited reprint."""
    words = WORD.findall(fold(OUTLET_RE.sub(" ", text)))
    if len(words) < size:
        return frozenset({hash(" ".join(words))}) if words else frozenset()
    return frozenset(hash(" ".join(words[i:i + size])) for i in range(len(words) - size + 1))


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_outlet(text: str) -> str:
    """The outlet a story credits ("деп хабарлайды BAQ.KZ", "сообщает Kazinform")."""
    match = OUTLET_RE.search(text)
    return match.group(1).rstrip(".") if match else ""


def detect_language(text: str) -> str:
    letters = [ch for ch in text.lower() if ch.isalpha()]
    if not letters:
        return "other"
    cyr = sum(1 for ch in letters if "а" <= ch <= "я" or ch == "ё" or ch in KK_LETTERS)
    if cyr / len(letters) < 0.5:
        return "en" if sum(1 for ch in letters if "a" <= ch <= "z") / len(letters) > 0.5 else "other"
    words = WORD.findall(text.lower())
    kk_words = sum(1 for w in words if w in KK_FUNCTION_WORDS)
    ru_words = sum(1 for w in words if w in RU_FUNCTION_WORDS)
    if kk_words != ru_words:
        return "kk" if kk_words > ru_words else "ru"
    kk = sum(1 for ch in letters if ch in KK_LETTERS)
    return "kk" if kk / max(cyr, 1) > 0.025 else "ru"


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def quoted(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of every quoted phrase."""
    out = []
    for match in QUOTES.finditer(text):
        inner = next(g for g in match.groups() if g is not None)
        out.append((match.start(), match.end(), inner.strip()))
    return out


# ---------------------------------------------------------------- organisations

def _words_after(text: str, pos: int, n: int) -> list[str]:
    return [fold(w) for w in WORD.findall(text[pos:pos + 120])[:n]]


def _words_before(text: str, pos: int, n: int) -> list[str]:
    return [fold(w) for w in WORD.findall(text[max(0, pos - 80):pos])[-n:]]


def _is_org_type(word: str) -> bool:
    if word in ORG_TYPES:
        return True
    return any(word.startswith(t) and len(word) - len(t) <= 5 for t in ORG_TYPES
               if len(t) >= 3 and t not in lex.LEGAL_FORMS)


def _org_prefix(before: list[str]) -> bool:
    """'ТОО «…»', 'партии «…»', 'палата предпринимателей «…»' (a type and one genitive word)."""
    if not before:
        return False
    if before[-1] in lex.ORG_TYPE_PREFIX or _is_org_type(before[-1]):
        return True
    return len(before) > 1 and (_is_org_type(before[-2]) or before[-2] in lex.ORG_TYPE_PREFIX) \
        and re.search(r"(ей|ов|ых|их|ев)$", before[-1]) is not None


def _unquoted_organizations(text: str) -> list[tuple[int, int, str]]:
    """Names without quotes: "Әл-Фараби атындағы Қазақ ұлттық университеті", "Ассоциация юристов Казахстана"."""
    found = []
    for match in KK_NAMED_ORG.finditer(text):
        words = match.group(1).split()
        head = fold(words[-1])
        nominative = next((nom for nom in lex.KK_ORG_HEADS if head.startswith(nom) and head[len(nom):] in KK_ORG_CASES),
                          "")
        if nominative and any(w[:1].isupper() for w in words[:-1]):
            found.append((match.start(1), match.end(1), " ".join([*words[:-1], nominative])))
    for match in RU_NAMED_ORG.finditer(text):
        found.append((match.start(1), match.end(1), match.group(1)))
    return found


def find_organizations(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for start, end, inner in quoted(text):
        if (not inner[:1].isupper() and not inner[:1].isdigit()) or len(inner.split()) > 9:
            continue
        after = _words_after(text, end, 4)
        before = _words_before(text, start, 3)
        inner_words = [fold(w) for w in WORD.findall(inner)]
        if any(_is_org_type(w) for w in after) or _org_prefix(before) \
                or (len(inner_words) > 1 and _is_org_type(inner_words[-1])):
            found.append((start, end, inner.strip(" !?.").rstrip() if not inner.endswith("!") else inner))
    for start, end, name in _unquoted_organizations(text):
        if not any(s <= start < e or start <= s < end for s, e, _ in found):
            found.append((start, end, name))
    for match in LATIN_ORG.finditer(text):
        name, nxt = match.group(1), fold(match.group(2))
        if _is_org_type(nxt) and not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(1), match.end(1), name))
    folded = fold(text)
    for pattern, name in KNOWN_PARTY_RE:
        for match in pattern.finditer(folded):
            window = folded[match.end():match.end() + 30]
            if name == "Ауыл" and not re.match(r"[»\"“”]?\s*(партия|парти)", window):
                continue
            if name == "Respublica" and "партия" not in window[:15] and "respublica" not in match.group(0):
                continue
            if not any(s <= match.start() < e for s, e, _ in found):  # a quoted name keeps its spelling
                found.append((match.start(), match.end(), name))
    for regex in (MINISTRY_KK, COMMISSION_KK):
        for match in regex.finditer(text):
            phrase = match.group(1)
            words = phrase.split()
            # start at the last capitalised word before the lower-case run ("Қазақстан Республикасы Еңбек ...")
            caps = [i for i, w in enumerate(words[:-2]) if w[:1].isupper()]
            first = caps[-1] if caps else 0
            name = " ".join(words[first:])
            name = re.sub(r"комиссия\w*$", "комиссия", name)
            found.append((match.start(1), match.end(1), name))
    for regex in (MINISTRY_RU, COMMISSION_RU):
        for match in regex.finditer(text):
            found.append((match.start(1), match.end(1), match.group(1)))
    for pattern, name in KNOWN_BODIES:
        for match in pattern.finditer(folded):
            found.append((match.start(), match.end(), name))
    found.sort()
    return found


def unique_organizations(found: list[tuple[int, int, str]]) -> list[str]:
    result, seen = [], set()
    for _start, _end, name in found:
        key = re.sub(r"[^\w ]", "", fold(name)).strip()
        if key in seen or not key:
            continue
        seen.add(key)
        result.append(name)
    return result


# ---------------------------------------------------------------- people

def _strip_kk_case(word: str) -> str:
    for ending in KK_CASE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            if re.search(lex.SURNAME_SHAPES, fold(base)) or ending in {"ның", "нің", "дың", "дің", "тың", "тің",
                                                                       "мен", "бен", "пен", "ға", "ге", "қа", "ке",
                                                                       "дан", "ден", "тан", "тен", "нан", "нен"}:
                return base
    return word


def _nominative(first: str, last: str, language: str) -> tuple[str, str]:
    f_fold, l_fold = fold(first), fold(last)
    if language == "ru":
        if re.search(r"(ов|ев|ин)(а|у|ым|е)$", l_fold) and (f_fold[:-1] in lex.FIRST_NAMES
                                                            or f_fold[:-2] in lex.FIRST_NAMES):
            stem = re.sub(r"(а|у|ым|е)$", "", last)
            first_stem = re.sub(r"(ом|а|у|е)$", "", first) if f_fold not in lex.FIRST_NAMES else first
            return first_stem, stem
        if re.search(r"(ов|ев|ин)ой$", l_fold):
            return re.sub(r"(ой|ы|е|у)$", "а", first) if not f_fold.endswith("а") else first, last[:-2] + "а"
        return first, last
    return first, _strip_kk_case(last)


def _role_before(text: str, start: int, floor: int = 0) -> str:
    segment = text[max(0, floor, start - 200):start]
    segment = re.split(r"[.!?;:()\n–—]|,(?=\s)|\s-\s", segment)[-1]
    words = segment.split()
    if not words:
        return ""
    if fold(words[-1]).strip("«»\"") not in ROLE_HEADS:
        return ""
    kept: list[str] = []
    for index, word in enumerate(reversed(words)):
        folded = fold(word).strip("«»\",")
        if folded in lex.ROLE_STOP or (index and re.search(r"(нда|нде|да|де|та|те)$", folded)
                                       and folded not in ROLE_HEADS and len(folded) > 5 and word[:1].islower()):
            break
        kept.append(word)
        if len(kept) >= 10:
            break
    return " ".join(reversed(kept)).strip(" ,")


def find_people(text: str, language: str, blocked: list[tuple[int, int]]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for token in re.finditer(rf"(?<![\w-]){CAP}", text):
        match = NAME.match(text, token.start())
        if match is None or any(s <= match.start() < e for s, e in blocked):
            continue
        if any(match.start() < e for p in people.values() for _s, e in p["spans"]):
            continue
        first, last = match.group(1), match.group(2)
        f_fold, l_fold = fold(first), fold(last)
        shifted = NAME.match(text, match.start(2))
        if shifted and f_fold not in lex.FIRST_NAMES and fold(shifted.group(1)) in lex.FIRST_NAMES:
            continue
        if f_fold in lex.NOT_NAMES or l_fold in lex.NOT_NAMES or fold(_strip_kk_case(last)) in lex.NOT_NAMES:
            continue
        if gazetteer.find_places(first) or gazetteer.find_places(last):
            continue
        previous_end = max((e for p in people.values() for _s, e in p["spans"] if e <= match.start()), default=0)
        role = _role_before(text, match.start(), previous_end)
        first_known = f_fold in lex.FIRST_NAMES or f_fold[:-1] in lex.FIRST_NAMES or f_fold.split("-")[0] in \
            lex.FIRST_NAMES
        surname_shape = re.search(lex.SURNAME_SHAPES, fold(_strip_kk_case(last))) is not None
        if not (first_known or (surname_shape and len(last) > 4) or role):
            continue
        first_n, last_n = _nominative(first, last, language)
        key = fold(last_n)[:5]
        if key not in people:
            people[key] = {"name": f"{first_n} {last_n}", "role": role, "spans": []}
            order.append(key)
        elif role and not people[key]["role"]:
            people[key]["role"] = role
        people[key]["spans"].append((match.start(), match.end()))
    for match in INITIAL_NAME.finditer(text):  # "Е. Қошанов", "А.Б. Сапаров"
        if any(s <= match.start() < e for s, e in blocked):
            continue
        last = match.group(2)
        last_n = _strip_kk_case(last) if language != "ru" else re.sub(r"(ым|у|е)$", "", last)
        if re.search(lex.SURNAME_SHAPES, fold(last_n)) is None or fold(last_n) in lex.NOT_NAMES:
            continue
        key = fold(last_n)[:5]
        if key not in people:
            initials = match.group(0)[: match.start(2) - match.start()].replace(" ", "")
            people[key] = {"name": f"{initials} {last_n}", "role": _role_before(text, match.start()), "spans": []}
            order.append(key)
        people[key]["spans"].append((match.start(), match.end()))
    return [people[k] for k in order]


# ---------------------------------------------------------------- places

def find_regions(title: str, body: str, blocked: list[tuple[int, int]]) -> tuple[list[str], list[dict[str, Any]],
                                                                                 list[tuple[int, int]]]:
    text = title + "\n" + body
    lead_end = len(title) + 1 + (body.find("\n") if "\n" in body else len(body))
    mentions = [m for m in gazetteer.find_places(text) if not any(s <= m.start < e for s, e in blocked)]
    spans = [(m.start, m.end) for m in mentions]
    event = [m for m in mentions if m.role in (LOC, DAT)]
    if not event:
        event = [m for m in mentions if m.start < lead_end and m.role != gazetteer.ATTR]
    if not event:
        counts = Counter(m.place.region for m in mentions if m.role != gazetteer.ATTR)
        event = [m for m in mentions if counts and m.place.region == counts.most_common(1)[0][0]]
    regions: list[str] = []
    for m in event:
        if m.place.kind in ("district", "city_district"):
            continue
        if m.place.region not in regions:
            regions.append(m.place.region)
    districts: list[dict[str, Any]] = []
    for m in mentions:
        if m.place.kind == "region" or gazetteer.is_region_centre(m.place) or m.role == gazetteer.ATTR:
            continue
        candidates = gazetteer.all_district_candidates(m)
        place = next((c for c in candidates if c.region in regions), m.place)
        if m in event and place.region not in regions:
            regions.append(place.region)
        if place not in [d["place"] for d in districts]:
            districts.append({"place": place})
    return regions, districts, spans


# ---------------------------------------------------------------- dates and articles

def find_dates(text: str, year: int) -> list[dict[str, Any]]:
    folded = fold(text)
    found: list[dict[str, Any]] = []
    months = {**lex.KK_MONTHS, **lex.RU_MONTHS}

    def month_number(word: str) -> int:
        for stem, number in months.items():
            if re.match(stem, word):
                return number
        return 0

    candidates: list[tuple[int, int, int, int, int]] = []
    for match in MONTH_RE.finditer(folded):
        y = int(match.group(3)) if match.group(3) else year
        candidates.append((match.start(), match.end(), y, month_number(match.group(2)), int(match.group(1))))
    for match in YEAR_FIRST_RE.finditer(folded):
        candidates.append((match.start(), match.end(), int(match.group(1)), month_number(match.group(3)),
                           int(match.group(2))))
    for start, end, y, month, day in candidates:
        try:
            iso = Date(y, month, day).isoformat()
        except ValueError:
            continue
        after = folded[end:end + 40]
        before = folded[max(0, start - 30):start]
        what = ""
        for stem, label in lex.DATE_WHAT:
            if re.match(r"\W*(?:\S+\s+){0,2}?" + stem, after) or re.search(stem + r"\w*(?:\s+\S+){0,2}\s+$", before):
                what = label
                break
        if what and not any(d["date"] == iso and d["what"] == what for d in found):
            found.append({"date": iso, "what": what, "text": text[start:end], "start": start, "end": end})
    return found


def find_article_refs(text: str) -> list[int]:
    """Article numbers cited in the text (the analysis engine's parser, kenes.nlp.articles)."""
    return [int(n) for n in articles.find_article_refs(text)]


# ---------------------------------------------------------------- the rest

def _is_future(sentence: str) -> bool:
    return FUTURE_RE.search(fold(sentence)) is not None


def find_event_types(text: str, title: str, mentions_dat: list[int]) -> list[str]:
    folded = fold(text)
    types: list[str] = []
    for start, end in sentences(text):
        sentence = folded[start:end]
        future = _is_future(sentence)
        for kind, regex in EVENT_RE.items():
            if kind in types or not regex.search(sentence):
                continue
            if kind == "explanatory_work" and future:
                continue
            if kind == "meeting" and future and not any(t for t in types):
                continue
            types.append(kind)
        if "coalition_founding" not in types and FOUNDING_RE.search(sentence) and not future:
            types.append("coalition_founding")
    for pos in mentions_dat:
        if VISIT_RE.match(folded[pos:pos + 60]) and "visit" not in types:
            types.append("visit")
    if "visit" not in types:
        place_starts = [m.start for m in gazetteer.find_places(text)]
        for match in RU_VISIT_RE.finditer(folded):
            if any(match.end() <= start <= match.end() + 40 for start in place_starts):
                types.append("visit")
                break
    specific = {"round_table", "plenary_session", "forum", "public_hearing"}
    if "meeting" not in types and not specific & set(types) and WEAK_MEETING_RE.search(folded):
        types.append("meeting")
    order = ["visit", "coalition_founding", "round_table", "plenary_session", "forum", "public_hearing", "meeting",
             "explanatory_work"]
    return sorted(types, key=order.index)


def find_formats(text: str, event_types: list[str]) -> list[str]:
    folded = fold(text)
    online, offline = bool(ONLINE_RE.search(folded)), bool(OFFLINE_RE.search(folded))
    if HYBRID_RE.search(folded) or (online and offline):
        return ["hybrid"]
    if online:
        return ["online"]
    if offline or event_types:
        return ["offline"]
    return []


def find_audiences(text: str) -> list[str]:
    folded = fold(text)
    found: list[str] = []
    for start, end in sentences(text):
        sentence = folded[start:end]
        if _is_future(sentence):
            continue
        participation = PARTICIPATION_RE.search(sentence) is not None
        meeting = EVENT_RE["meeting"].search(sentence) is not None or "встреч" in sentence
        if not participation and not meeting:
            continue
        words = list(WORD.finditer(sentence))
        for kind, regex in AUDIENCE_RE.items():
            if kind in found:
                continue
            for match in regex.finditer(sentence):
                if participation:
                    found.append(kind)
                    break
                # a meeting sentence: only people met "with" (instrumental, or Russian "с")
                word = next((w for w in words if w.start() <= match.start() < w.end() + 1), None)
                following = sentence[match.start():match.start() + 60].split()
                phrase = " ".join(following[:3])
                before = sentence[max(0, match.start() - 40):match.start()].split()
                current = word.group(0) if word else ""
                ru_instrumental = re.search(r"(ами|ями)$", current) is not None and " с " in " " + sentence[:match.start()]
                if re.search(lex.INSTRUMENTAL, current) or re.search(r"\w+(мен|бен|пен)\b", phrase) \
                        or any(b in {"с", "со"} for b in before[-3:]) or ru_instrumental \
                        or (before and before[-1].startswith("встреч")):
                    found.append(kind)
                    break
    return found


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans blanked out (same length, so offsets still hold)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start + 1, min(end, len(chars))):  # the first character stays: sentences still split
            chars[i] = " "
    return "".join(chars)


def find_themes(text: str, masked: list[tuple[int, int]]) -> list[str]:
    folded = fold(_mask(text, masked))
    themes = []
    for theme, cues in THEME_RE.items():
        hits: list[tuple[int, int, int]] = sorted(
            (match.start(), match.end(), weight) for regex, weight in cues for match in regex.finditer(folded))
        score, covered_until, current = 0, -1, 0
        for start, end, weight in hits:  # overlapping cues ("қоғамдық диалог" and "диалог") count once
            if start < covered_until:
                current_new = max(current, weight)
                score += current_new - current
                current = current_new
                covered_until = max(covered_until, end)
            else:
                score += weight
                current, covered_until = weight, end
        if score >= lex.THEME_THRESHOLD:
            themes.append(theme)
    return themes


def find_proposals(text: str, orgs: list[tuple[int, int, str]], people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    proposals = []
    for start, end in sentences(text):
        sentence = text[start:end]
        folded = fold(sentence)
        match = PROPOSAL_RE.search(folded)
        if not match or re.search(r"ұсыныс\w*\s+(түсті|түскен|келіп|келді)", folded):
            continue
        authors = [name for s, _e, name in orgs if start <= s < start + match.start()]
        persons = [p["name"] for p in people if any(start <= s < start + match.start() for s, _ in p["spans"])]
        inner = [q for _, _, q in quoted(sentence) if not any(fold(q) == fold(a) for a in authors)]
        refs = find_article_refs(sentence)
        proposals.append({
            "text": inner[0] if inner else sentence.strip(),
            "sentence": sentence.strip(),
            "author_organization": authors[-1] if authors else "",
            "author_person": persons[-1] if persons else "",
            "article": refs[0] if refs else None,
        })
    return proposals


def extract(doc: RawDocument) -> dict[str, Any]:
    """All facts of one news document."""
    title, body = doc.title, doc.body
    text = title + "\n" + body
    language = detect_language(text)
    year = int(doc.date[:4]) if doc.date[:4].isdigit() else Date.today().year
    outlet = doc.outlet or find_outlet(text)
    orgs = find_organizations(text)
    org_spans = [(s, e) for s, e, _ in orgs]
    quotes = [(s, e) for s, e, _ in quoted(text)]
    people = find_people(text, language, org_spans)
    role_spans = []
    for person in people:
        for s, _e in person["spans"]:
            if person["role"]:
                pos = text.rfind(person["role"], max(0, s - 250), s)
                if pos >= 0:
                    role_spans.append((pos, pos + len(person["role"])))
    regions, districts, place_spans = find_regions(title, body, quotes)
    dat_positions = [m.end for m in gazetteer.find_places(text) if m.role == DAT]
    names_masked = _mask(text, org_spans + [span for p in people for span in p["spans"]])
    event_types = find_event_types(names_masked, title, dat_positions)
    quantities = find_quantities(text)
    figures: list[dict[str, Any]] = []
    vague: list[dict[str, Any]] = []
    for q in quantities:
        item = {"value": q.value, "qualifier": q.qualifier, "unit": q.unit, "text": q.text, "vague": q.vague,
                "start": q.start, "end": q.end}
        (vague if q.vague else figures).append(item)
    unique_figures: list[dict[str, Any]] = []
    for f in figures:
        if not any((u["value"], u["qualifier"], u["unit"]) == (f["value"], f["qualifier"], f["unit"])
                   for u in unique_figures):
            unique_figures.append(f)
    dates = find_dates(text, year)
    refs = find_article_refs(text)
    themes = find_themes(names_masked, role_spans + place_spans)
    audiences = find_audiences(names_masked)
    spans: list[dict[str, Any]] = []
    spans += [{"start": s, "end": e, "kind": "place"} for s, e in place_spans]
    spans += [{"start": s, "end": e, "kind": "organization"} for s, e in org_spans]
    spans += [{"start": s, "end": e, "kind": "person"} for p in people for s, e in p["spans"]]
    spans += [{"start": f["start"], "end": f["end"], "kind": "figure"} for f in figures + vague]
    spans += [{"start": d["start"], "end": d["end"], "kind": "date"} for d in dates]
    return {
        "file": doc.file,
        "title": title,
        "date": doc.date,
        "language": language,
        "outlet": outlet,
        "url": doc.url,
        "regions": regions,
        "districts": [d["place"].name(language) for d in districts],
        "event_types": event_types,
        "formats": find_formats(names_masked, event_types),
        "people": [{"name": p["name"], "role": p["role"]} for p in people],
        "organizations": unique_organizations(orgs),
        "figures": [{k: f[k] for k in ("value", "qualifier", "unit", "text", "vague")} for f in unique_figures],
        "vague_figures": [{k: f[k] for k in ("qualifier", "unit", "text", "vague")} for f in vague],
        "dates_mentioned": [{"date": d["date"], "what": d["what"], "text": d["text"]} for d in dates],
        "article_refs": refs,
        "themes": themes,
        "audiences": audiences,
        "proposals": find_proposals(text, orgs, people),
        "spans": sorted(spans, key=lambda s: (s["start"], -s["end"])),
    }


def extract_file(path: Path) -> list[dict[str, Any]]:
    return [extract(doc) for doc in read_documents(path.name, path.read_bytes())]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kenes news extract", description="Extract facts from news files.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--format", choices=["json", "jsonl"], default="json")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    failures = 0
    for path in args.files:
        try:
            docs = extract_file(path)
        except (OSError, NewsFormatError) as exc:
            print(f"{path}: skipped: {exc}", file=sys.stderr)
            failures += 1
            continue
        if args.format == "jsonl":
            for doc in docs:
                sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        results.extend(docs)
    if args.format == "json":
        json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 1 if failures and not results else 0
