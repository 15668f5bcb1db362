"""Quantities in Kazakh and Russian news: a number (digits or words), its qualifier and its unit.

    >>> [(q.value, q.qualifier, q.unit) for q in find_quantities("500-ге жуық тұрғыны қатысты")]
    [(500, 'approx', 'participants')]

Qualifiers: exact, approx, more_than, less_than. Units come from the news vocabulary
(proposals, participants, members, volunteers, events, organizations, parties, coalitions);
a number with no unit from it (a year, a date, an article number) is not a quantity.
Vague amounts ("мыңдаған", "несколько сотен") are returned with `vague=True` and `value=None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"[0-9]+(?:[\s\u00a0\u202f][0-9]{3})*(?:[.,][0-9]+)?(?:-[^\W\d_]+)?|[^\W\d_]+(?:-[^\W\d_]+)*")
DIGITS = frozenset("0123456789")

KK_NUMBERS = {
    "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8, "тоғыз": 9, "он": 10,
    "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60, "жетпіс": 70, "сексен": 80, "тоқсан": 90,
    "жүз": 100, "мың": 1000, "миллион": 1_000_000,
}
RU_NUMBERS = {
    "один": 1, "одна": 1, "одного": 1, "одной": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3,
    "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7,
    "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12, "двенадцати": 12, "пятнадцать": 15, "пятнадцати": 15,
    "двадцать": 20, "двадцати": 20, "тридцать": 30, "тридцати": 30, "сорок": 40, "сорока": 40,
    "пятьдесят": 50, "пятидесяти": 50, "шестьдесят": 60, "шестидесяти": 60, "семьдесят": 70, "семидесяти": 70,
    "восемьдесят": 80, "восьмидесяти": 80, "девяносто": 90, "девяноста": 90, "сто": 100, "ста": 100,
    "двести": 200, "двухсот": 200, "триста": 300, "трехсот": 300, "четыреста": 400, "четырехсот": 400,
    "пятьсот": 500, "пятисот": 500, "шестьсот": 600, "шестисот": 600, "семьсот": 700, "семисот": 700,
    "восемьсот": 800, "восьмисот": 800, "девятьсот": 900, "девятисот": 900,
    "тысяча": 1000, "тысячи": 1000, "тысяч": 1000, "тысячу": 1000, "тыс": 1000,
    "миллион": 1_000_000, "миллиона": 1_000_000, "миллионов": 1_000_000, "млн": 1_000_000,
}
MULTIPLIERS = {1000, 1_000_000}
# Kazakh case endings a number word or a digit group may carry: мыңнан, жүзге, 500-ге, 200-ден.
KK_CASE = re.compile(r"^(?:дан|ден|тан|тен|нан|нен|ға|ге|қа|ке|а|е|ға|ден|ның|нің|дың|дің|тың|тің|да|де|та|те|"
                     r"еу|ау|ы|і)$")
KK_ABLATIVE = ("дан", "ден", "тан", "тен", "нан", "нен")
KK_DATIVE = ("ға", "ге", "қа", "ке", "а", "е")

VAGUE = {
    "мыңдаған": 1000, "жүздеген": 100, "ондаған": 10, "миллиондаған": 1_000_000,
    "тысячи": 1000, "сотни": 100, "десятки": 10, "тысячам": 1000, "сотням": 100, "тысячами": 1000,
    "сотен": 100, "десятков": 10, "тысяч": 1000,
}
QUALIFIER_WORDS = {"более", "свыше", "больше", "сверх", "около", "примерно", "приблизительно", "порядка", "почти",
                   "менее", "меньше", "до", "чем"}
VAGUE_PREFIX = {"бірнеше", "несколько", "нескольких", "много", "многие"}

KK_MORE = {"астам", "аса", "артық", "көп", "асты", "асады"}
KK_APPROX_AFTER = {"жуық", "шамасында", "қарай", "таяу", "жақын"}
KK_LESS = {"кем", "аз", "төмен"}
KK_APPROX_BEFORE = {"шамамен", "шамасы", "жуық", "мөлшермен"}
RU_MORE = {"более", "свыше", "больше", "сверх", "выше"}
RU_APPROX = {"около", "примерно", "приблизительно", "порядка", "почти", "чуть", "ориентировочно"}
RU_LESS = {"менее", "меньше", "до", "не более", "не больше"}

# Unit nouns by stem (lower case, Cyrillic); the first matching stem wins.
UNIT_STEMS: list[tuple[str, str]] = [
    ("ұсыныс", "proposals"), ("ұсыным", "proposals"), ("өтініш", "proposals"), ("предложен", "proposals"),
    ("обращен", "proposals"), ("пікір", "proposals"),
    ("ерікті", "volunteers"), ("волонтер", "volunteers"), ("волонтёр", "volunteers"),
    ("мүше", "members"), ("член", "members"),
    ("іс-шара", "events"), ("ісшара", "events"), ("мероприят", "events"), ("кездесу", "events"),
    ("встреч", "events"), ("жиын", "events"), ("акци", "events"), ("форум", "events"),
    ("партия", "parties"), ("партиял", "parties"), ("парти", "parties"),
    ("коалиция", "coalitions"), ("коалициял", "coalitions"), ("коалици", "coalitions"),
    ("ұйым", "organizations"), ("организаци", "organizations"), ("нпо", "organizations"), ("үеұ", "organizations"),
    ("бірлестік", "organizations"), ("объединени", "organizations"), ("компани", "organizations"),
    ("кәсіпорын", "organizations"), ("предприяти", "organizations"),
    ("тұрғын", "participants"), ("қатысушы", "participants"), ("адам", "participants"), ("азамат", "participants"),
    ("жас", "participants"), ("студент", "participants"), ("оқушы", "participants"), ("өкіл", "participants"),
    ("человек", "participants"), ("участник", "participants"), ("жител", "participants"),
    ("гражда", "participants"), ("представител", "participants"), ("студент", "participants"),
    ("делегат", "participants"), ("зритель", "participants"), ("слушател", "participants"),
    # people named by what they do, counted as participants
    ("кенші", "participants"), ("инженер", "participants"), ("металлург", "participants"),
    ("мұнайшы", "participants"), ("нефтяник", "participants"), ("шахтер", "participants"), ("горняк", "participants"),
    ("ардагер", "participants"), ("ветеран", "participants"), ("мұғалім", "participants"), ("педагог", "participants"),
    ("учител", "participants"), ("дәрігер", "participants"), ("врач", "participants"), ("фермер", "participants"),
    ("кәсіпкер", "participants"), ("предпринимател", "participants"), ("белсенді", "participants"),
    ("активист", "participants"), ("ата-ана", "participants"), ("родител", "participants"),
    ("жұмысшы", "participants"), ("рабоч", "participants"), ("работник", "participants"),
    ("қызметкер", "participants"), ("сотрудник", "participants"), ("депутат", "participants"),
    ("журналист", "participants"), ("сарапшы", "participants"), ("эксперт", "participants"),
    ("ғалым", "participants"), ("студент", "participants"), ("блогер", "participants"), ("школьник", "participants"),
]
ARTICLE_WORDS = ("стать", "бап", "баб", "пункт", "тармақ", "глав", "тарау", "раздел", "бөлім")
ARTICLE_ABBREVIATIONS = {"ст", "п", "пп", "гл"}
MONTH_STEMS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
               "желтоқсан", "январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр",
               "октябр", "ноябр", "декабр")
ARTICLE_ABBREVIATIONS = {"ст", "п", "пп", "гл"}
MONTH_STEMS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
               "желтоқсан", "январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр",
               "октябр", "ноябр", "декабр")
# Words that may stand between a number and its unit noun (adjectives, counters).
MAX_GAP = 3
STOP_BETWEEN = {"және", "мен", "и", "или", "жыл", "года", "году", "год", "лет"}
MEMBERS_AFTER = ("тұратын", "тұрады", "құралған")
MEMBERS_BEFORE = ("составе", "состав", "құрамы", "құрамында", "насчитывает", "объединяет", "объединяющ")
PERCENT = {"%", "пайыз", "процент", "процента", "процентов", "пайызы"}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: int | None
    qualifier: str
    unit: str | None
    vague: bool = False


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _digits_value(token: str) -> tuple[int | None, str]:
    """'10 000' -> 10000; '500-ге' -> (500, 'ге'); '2,5' -> None (not a count)."""
    number, _, suffix = token.partition("-")
    number = re.sub(r"[\s\u00a0\u202f]", "", number)
    if not number or not set(number) <= DIGITS:
        return None, suffix
    return int(number), _fold(suffix)


def _word_number(word: str) -> tuple[int, str] | None:
    """A Kazakh or Russian number word, possibly with a Kazakh case ending: (value, ending)."""
    w = _fold(word)
    if w in RU_NUMBERS:
        return RU_NUMBERS[w], ""
    for stem, value in KK_NUMBERS.items():
        if w == stem:
            return value, ""
        if w.startswith(stem):
            rest = w[len(stem):]
            if KK_CASE.match(rest) and not (stem == "он" and rest in {"а", "е", "ы", "і"}):
                return value, rest
    return None


def _combine(values: list[int]) -> int:
    total, current = 0, 0
    for v in values:
        if v in MULTIPLIERS:
            total += max(current, 1) * v
            current = 0
        elif v == 100:
            current = max(current, 1) * 100
        else:
            current += v
    return total + current


def _unit_of(word: str) -> str | None:
    w = _fold(word)
    for stem, unit in UNIT_STEMS:
        if w.startswith(stem):
            if stem == "жас" and w != "жас" and not w.startswith(("жастар", "жасөспірім")):
                return None
            if stem == "адам" and w.startswith("адами"):
                return None
            if stem in {"мүше", "член"} and w.startswith(("мүшел", "членств")) is False and len(w) > len(stem) + 6:
                return None
            return unit
    return None


def find_quantities(text: str) -> list[Quantity]:
    """Every counted quantity with a known unit, and every vague amount with one."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
    words = [_fold(t) for _, _, t in tokens]
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        start_i = i
        value: int | None = None
        vague = False
        ending = ""
        token = tokens[i][2]
        if token[0] in DIGITS:
            value, ending = _digits_value(token)
            if value is None:
                i += 1
                continue
            j = i + 1
            if j < len(tokens) and _word_number(tokens[j][2]) and _word_number(tokens[j][2])[0] in MULTIPLIERS:  # type: ignore[index]
                mult, ending = _word_number(tokens[j][2])  # type: ignore[misc]
                value *= mult
                j += 1
            elif j < len(tokens) and words[j] in {"тыс", "млн"}:
                value *= RU_NUMBERS[words[j]]
                j += 1
        elif (words[i] in VAGUE and (i == 0 or words[i - 1] not in QUALIFIER_WORDS)) or (words[i] in VAGUE_PREFIX and i + 1 < len(tokens)
                                   and (words[i + 1] in VAGUE or _word_number(tokens[i + 1][2]))):
            vague = True
            j = i + 1 if words[i] in VAGUE else i + 2
            ending = ""
        else:
            parts: list[int] = []
            j = i
            while j < len(tokens):
                parsed = _word_number(tokens[j][2])
                if not parsed:
                    break
                parts.append(parsed[0])
                ending = parsed[1]
                j += 1
            if not parts:
                i += 1
                continue
            value = _combine(parts)
            if value == 1:  # "бір" / "один" is an article more often than a count
                i = j
                continue
        end_i = j  # first token after the number
        previous = words[start_i - 1] if start_i else ""
        following = words[end_i] if end_i < len(tokens) else ""
        if previous.startswith(ARTICLE_WORDS) or previous in ARTICLE_ABBREVIATIONS or re.search(r"-(бап|баб)", token) \
                or following.startswith(MONTH_STEMS) or following in {"жылы", "жылғы", "года", "году", "год"}:
            i = end_i
            continue
        # Qualifier
        qualifier = "exact"
        before = words[start_i - 1] if start_i else ""
        before2 = words[start_i - 2] if start_i > 1 else ""
        after = words[end_i] if end_i < len(tokens) else ""
        consumed_after = 0
        if (before in RU_MORE and before2 != "не") or (before == "чем" and before2 in RU_MORE):
            qualifier = "more_than"
        elif before in RU_MORE and before2 == "не":
            qualifier = "less_than"
        elif before in {"менее", "меньше"} and before2 == "не":
            qualifier = "more_than"
        elif before in RU_APPROX or before in KK_APPROX_BEFORE:
            qualifier = "approx"
        elif before in {"менее", "меньше"}:
            qualifier = "less_than"
        if after in KK_MORE and (ending.endswith(KK_ABLATIVE) or ending == ""):
            qualifier, consumed_after = "more_than", 1
        elif after in KK_APPROX_AFTER:
            qualifier, consumed_after = "approx", 1
        elif after in KK_LESS and ending.endswith(KK_ABLATIVE):
            qualifier, consumed_after = "less_than", 1
        if value == 1000 and token[0] not in DIGITS and words[start_i] in {"тысячи", "тысяч"} and qualifier == "exact":
            vague = True
            value = None
        # Unit: the first unit noun within a few words after the number (and its qualifier).
        unit = None
        k = end_i + consumed_after
        last_k = k
        limit = min(len(tokens), k + MAX_GAP + 1)
        while k < limit:
            if re.search(r"[.!?;:]", text[tokens[k - 1][1]:tokens[k][0]]) and k > start_i:
                break
            if words[k] in STOP_BETWEEN or words[k] in PERCENT or tokens[k][2][0] in DIGITS:
                break
            unit = _unit_of(tokens[k][2])
            if unit:
                last_k = k
                break
            k += 1
        if unit is None and value is not None and token[0] not in DIGITS and value < 10 and qualifier == "exact":
            i = end_i
            continue
        if unit in {"parties", "coalitions", "organizations"} and last_k + 1 < len(tokens) \
                and _unit_of(tokens[last_k + 1][2]) == "members":
            unit, last_k = "members", last_k + 1  # "партия мүшесі", "членов партии" are people
        if unit == "participants":
            nxt = words[last_k + 1] if last_k + 1 < len(tokens) else ""
            window = " ".join(words[max(0, start_i - 4):start_i])
            if nxt.startswith(MEMBERS_AFTER) or any(w in window for w in MEMBERS_BEFORE):
                unit = "members"
        if unit is None:
            i = end_i
            continue
        start = tokens[start_i - 1][0] if qualifier != "exact" and consumed_after == 0 and start_i else tokens[start_i][0]
        end = tokens[last_k][1]
        found.append(Quantity(start, end, text[start:end], value, qualifier, unit, vague))
        i = last_k + 1
    return found


def parse_number(text: str) -> int | None:
    """A standalone number in digits or words ('он екі', 'двести', '10 000'), else None."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return None
    if tokens[0][0] in DIGITS:
        value, _ = _digits_value(tokens[0])
        return value
    parts = []
    for token in tokens:
        parsed = _word_number(token)
        if not parsed:
            return None
        parts.append(parsed[0])
    return _combine(parts)
