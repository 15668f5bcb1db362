"""Language identification for proposals: "kk", "ru", "en" or "other".

A cheap rule-and-lexicon scorer written for Kenes (no downloaded model). Each word votes for
a language by its letters (ұ, қ, ә … for Kazakh; ў, ҳ for Uzbek; җ for Tatar; ї, є for
Ukrainian), by membership in small hand-written lexicons of frequent words, and by its ending
(Kazakh case and plural endings, Russian inflections, English suffixes). Votes are weighted
and summed per language; the language with the highest total wins.

Decisions and how they are made:

* Kazakh written in Latin script (2021, 2018, 2017 and informal spellings) and Kazakh typed
  without Kazakh letters (к for қ, у for ұ …) are Kazakh: the lexicons and endings are looked
  up in the folded form (`kenes.nlp.text.fold`), where all these spellings coincide.
* One vote per word, from its strongest evidence: a lexicon word or a word with a language's
  own letters (ұ қ ғ і ә for Kazakh, ў ҳ for Uzbek …) weighs 2, a telling ending weighs 1
  (letters shared by several Turkic languages, ө ү ң һ, weigh 1).
* Mixed Kazakh/Russian text: the language with the majority of the weighted word votes wins
  (the language most of the sentence is written in); on a tie, the language of the first word
  that voted.
* Kyrgyz, Tatar, Uzbek, Ukrainian, Turkish and other languages are "other": they get their own
  small lexicons and letter cues so that they do not fall into "kk" or "ru".
* Text without any evidence (numbers, names) falls back on its script: Cyrillic → "ru" if it
  has no Kazakh letters, else "kk"; Latin → "en"; anything else → "other".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kenes.nlp.text import fold

__all__ = ["LANGUAGES", "detect", "detect_batch", "scores"]

LANGUAGES = ("kk", "ru", "en", "other")

# Letters that only (or almost only) one of the languages uses, with a per-occurrence weight.
_LETTER_VOTES: dict[str, tuple[str, float]] = {
    "ұ": ("kk", 3.0),
    "қ": ("kk", 1.5),
    "ғ": ("kk", 1.5),
    "ә": ("kk", 1.0),
    "і": ("kk", 1.0),
    "ң": ("kk", 0.7),
    "ө": ("kk", 0.5),
    "ү": ("kk", 0.5),
    "һ": ("kk", 0.3),
    "ў": ("uz", 3.0),
    "ҳ": ("uz", 3.0),
    "җ": ("tt", 3.0),
    "ї": ("uk", 3.0),
    "є": ("uk", 3.0),
    "ґ": ("uk", 3.0),
    "ҙ": ("ba", 3.0),
    "ҫ": ("ba", 3.0),
    "ҡ": ("ba", 3.0),
    "ӣ": ("tg", 3.0),
    "ӯ": ("tg", 3.0),
    "ҷ": ("tg", 3.0),
    "ä": ("kk", 1.0),
    "ñ": ("kk", 1.5),
    "ū": ("kk", 3.0),
    "ǵ": ("kk", 3.0),
    "ń": ("kk", 1.5),
    "ý": ("kk", 1.0),
    "á": ("kk", 0.7),
    "ó": ("kk", 0.5),
    "ú": ("kk", 0.5),
    "ı": ("kk", 0.5),
    "ğ": ("kk", 0.7),
    "ş": ("kk", 0.5),
    "ç": ("tr", 1.5),
    "ə": ("az", 3.0),
    "ß": ("de", 3.0),
    "à": ("fr", 1.0),
    "è": ("fr", 1.0),
    "ê": ("fr", 1.0),
    "é": ("fr", 0.5),
}

# Frequent words, in folded form. Weight 2 each; a word listed for two languages counts for both.
_LEXICON_RAW: dict[str, str] = {
    "kk": """
        және мен бен пен үшін бойынша туралы керек қажет бұл осы сол ол олар біз біздің сіз сіздер
        емес бар жоқ деп деген немесе бірақ себебі өйткені егер барлық әр әрбір тиіс болуы болу
        болады болсын болса ету етуді жасау ұсынамын ұсынамыз ұсыныс ұсыныстар ұсынысым өзгерту
        енгізу қосу бап баптар бабы бабын бабына бабының бапты бапқа бапта баптың баптағы тармақ
        тармағы тармағында тармағына азамат азаматтар азаматтардың құқық құқығы құқықтары
        мемлекет мемлекеттің мемлекеттік ел елдің халық халықтың тіл тілі заң заңы жер бала
        балалар отбасы жастар білім денсаулық еңбек жалақы зейнетақы сот әділ дұрыс жақсы
        маңызды өте көп жаңа қазақ ретінде арқылы кейін дейін қарсы сияқты тек ғана қана ғой
        рахмет сәлем құрметті жоба жобасы жобаны қолдаймын келісемін міндетті тыйым салу
        қорғау қамтамасыз тең бостандық еркін ойлаймын санаймын деймін жазылсын қосылсын
        енгізілсін сақталсын болмауы аспауы жазу жазылған айтылған туралы бойы бірге жылы
        жылғы ауыл ауылда облыс облысында аудан қала әкім әкімдер сайлау ата заң Ата ұлы
        кеңес құрылтай президент үкімет жұмыс уақыты ақы айлық мектеп мұғалім дәрігер емхана
        қолдау көрсету беру алу тұру жүру істеу көмек бірінші екі үш он жүз мың
        мынау анау осында сонда қазір енді әлі қашан қайда неге қалай кім
        """,
    "ru": """
        и в во не что на с со по для к о об от из за до у же бы ли как это этот эта эти все
        так но да или если чтобы который которые которая также только при без под над между
        через после перед против был была было были будет быть есть нет мы я вы он она они их
        его ее нам нас нужно надо необходимо следует должен должна должно должны прошу
        предлагаю считаю поддерживаю против статья статью статьи статье статьей статьях
        пункт пункта закон закона законы права право граждан гражданин граждане государство
        государства человек человека люди народ народа президент республики республика
        конституции конституция язык языка земля земли работа работы зарплата пенсия пенсии
        дети детей семья семьи школ школы село сел районе области город надо очень больше
        меньше сейчас уже еще тоже всех всем каждый каждого свой своих наши наш наша мой моя
        мои спасибо здравствуйте уважаемые какой какие где когда почему кто никто ничего
        главное всего можно нельзя хорошо плохо потому поэтому тогда тоже ст ч ст. суд суда
        судьи судей власть власти выборы выборов свобода свободы жизнь жизни
        """,
    "en": """
        the of and to in is that for on with as be should by this are it not we i our article
        articles constitution right rights people citizens please propose must have has will
        all any can from or at an their they which who would could been more than also state
        public law laws land free every everyone anyone like keep add clause support thank you
        my me work day years year about do does so too very into only its been
        """,
    "ky": """
        жана үчүн менен болуп эмес мамлекет мамлекеттик укук укугу укуктары жарандар жарандын
        берене өлкө шайлоо боюнча тууралуу болушу жөнүндө эркиндик эркиндиктери ошондой бардык
        керек деп ойлойм колдойм сунуштайм кылуу тийиш тийишпи коргоо корголсун корголушу ар
        бир адамдын элдин үнү угулсун милдети саналат табигатты эмгек акы адилеттүү жумушчулардын
        бир гана жолу алты жылга шайланышы ачык өтүшү коргоого тарабынан кыргыз кыргызстан
        """,
    "tt": """
        һәм белән өчен буенча түгел кирәк итеп тиеш булырга хокук хокуклары дәүләт татарстан
        безнең аның шулай барлык кеше кешенең тел теле халык турында һәр әгәр ләкин ул бу мин
        без сез ирекләре якланырга тарафыннан кулланылырга буларак бик мөһим гаилә балалар
        пенсия яшен киметергә өлкәннәргә ярдәм итәргә
        """,
    "uz": """
        ва учун билан бўйича ҳақида керак давлат ҳуқуқ ҳуқуқи фуқаро ўзбекистон қонун бўлиш
        эмас ҳам ҳар инсон инсоннинг эркинликлари томонидан ҳимоя қилиниши иш ҳақи ўз вақтида
        va uchun bilan boyicha haqida kerak davlat huquq huquqi fuqaro fuqaroning ozbekiston
        qonun bolishi bolsin emas ham har mehnat qilish ish haqi adolatli tili sifatida hamma
        joyda qollanilishi lozim yoshlar bepul oliy talim ular kelajagimiz xil korrupsiyaga
        qarshi kurashish zarur bir
        """,
    "uk": """
        і та що це для як від який яка які також повинні повинна громадян права статті україни
        кожна людина має право життя держава гарантувати треба потрібно вчасно гідну гідно
        працівникам платити зараз щоб коли тому дуже
        """,
    "tr": """
        ve bir için bu ile olarak değil daha çok gibi ama anayasa hak vatandaş madde halkın
        görüşü alınmalı meclis bunu tartışmalıdır değişikliği
        """,
    "de": "der die das und ist nicht mit für auf hat recht jeder mensch freie",
    "fr": "les des est pour une dans pas par sur doivent pouvoir proposer lois pétition citoyens",
}
_LEXICON: dict[str, tuple[str, ...]] = {}
for _lang, _words in _LEXICON_RAW.items():
    for _word in _words.split():
        _key = fold(_word) if _lang in ("kk", "ru", "en") else _word.lower()
        if _lang not in _LEXICON.get(_key, ()):
            _LEXICON[_key] = (*_LEXICON.get(_key, ()), _lang)

# Endings of folded words, longest first, with (language, weight).
_ENDINGS: dict[str, tuple[str, float]] = {}
for _lang, _weight, _list in (
    (
        "kk",
        1.0,
        "лар лер дар дер тар тер ларды лерди дарды дерди тарды терди ларга лерге дарга дерге тарга терге "
        "лары лери дары дери тары тери нын нин дын дин тын тин нан нен дан ден тан тен "
        "ымыз имиз мыз миз сыз сиз ады еди йды йди уга уге уы уи ылы ули "
        "тиги дагы деги тагы теги ндагы ндеги лык лик дык дик тык тик ган ген кан кен сын син "
        "мын мин пын пин бын бин ынызлар иниздер ныз низ низдер ныздар сына сине сында синде "
        "ынан инен ында инде ына ине лган лген ылсын илсин ылган илген ылады иледи ларын лерин",
    ),
    (
        "ru",
        1.0,
        "ьи ьей ьям ьями ого его ому ему ыми ими ая яя ое ее ые ие ый ий ость ости ние ния нию нием ция ции цию "
        "ться тся ет ют ут ит ешь ем ами ями ах ях ов ев ей ии ать ять ить ует уют ного ной ным "
        "ных ная ное ства ство ству ский ская ское ские ских ской ением ению",
    ),
    ("en", 1.0, "tion tions ing ed ly ness ment ments ity ous ive able ible ence ance ize ise ies"),
    ("ky", 1.5, "ойм өйм айм эйм уу үү оо өө ээ"),
    ("uk", 1.0, "ити ння ість ього"),
):
    for _ending in _list.split():
        _ENDINGS.setdefault(fold(_ending) if _lang in ("kk", "ru") else _ending, (_lang, _weight))
_ENDING_LENGTHS = sorted({len(e) for e in _ENDINGS}, reverse=True)

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_CYR = re.compile("[\u0400-\u04ff]")
_LAT = re.compile("[A-Za-z\u00c0-\u024f]")
_KK_LETTERS = re.compile("[әғқңөұүһі]")
_SPECIAL = re.compile("[" + "".join(_LETTER_VOTES) + "]")
_KY_DOUBLE = re.compile("(?:оо|өө|үү|ээ|уу)")
_UZ_LATIN = re.compile(r"(?:o'|g')[a-z]")

_LEXICON_WEIGHT = 2.0
_OTHER_GROUP = frozenset({"ky", "tt", "uz", "uk", "tr", "az", "de", "fr", "ba", "tg"})


def scores(text: str) -> dict[str, float]:
    """Weighted word votes per language code (kk, ru, en, ky, tt, uz, uk, tr, de, fr, ba, tg).

    The key "_first_<code>" records the language of the first word that voted (weight 0).
    """
    totals: dict[str, float] = {}
    first: str | None = None
    votes_of = _word_votes
    total_of = totals.get
    for raw in _WORD.findall(text.lower()):
        votes = votes_of(raw)
        if not votes:
            continue
        for lang, weight in votes:
            totals[lang] = total_of(lang, 0.0) + weight
        if first is None:
            first = votes[0][0]
    if first is not None:
        totals["_first_" + first] = 0.0
    return totals


_Votes = tuple[tuple[str, float], ...]


@lru_cache(maxsize=500_000)
def _word_votes(raw: str) -> _Votes:
    """One vote per word, from the strongest evidence: lexicon, letters, ending (cached)."""
    langs = _LEXICON.get(raw)
    if langs is None:
        letters = _SPECIAL.findall(raw)
        if letters:
            lang, weight = max((_LETTER_VOTES[ch] for ch in letters), key=lambda item: item[1])
            return ((lang, _LEXICON_WEIGHT if weight >= 1.0 else 1.0),)
        if _UZ_LATIN.search(raw):
            return (("uz", 1.0),)
    key = raw
    if langs is None:
        key = fold(raw).replace(" ", "")
        langs = _LEXICON.get(key)
    if langs is not None:
        share = _LEXICON_WEIGHT / len(langs)
        return tuple((lang, share) for lang in langs)
    if len(key) < 4:
        return ()
    latin = _LAT.search(raw) is not None
    for n in _ENDING_LENGTHS:
        if n >= len(key) - 1:
            continue
        hit = _ENDINGS.get(key[-n:])
        if hit is None and latin:
            hit = _ENDINGS.get(raw[-n:])
        if hit is None:
            continue
        lang, weight = hit
        if (latin and lang == "ru") or (not latin and lang == "en"):
            continue  # Russian endings are Cyrillic, English ones Latin
        return ((lang, weight),)
    if not latin and _KY_DOUBLE.search(raw):
        return (("ky", 1.0),)
    return ()


def detect(text: str) -> str:
    """"kk", "ru", "en" or "other" for one text (see the module docstring for the rules).

    >>> detect("Конституцияның 8-бабына өзгеріс енгізу керек"), detect("Предлагаю изменить статью 6")
    ('kk', 'ru')
    >>> detect("Qazaqstan Respublikasynyn Konstitutsiyasy"), detect("Article 32 should stay")
    ('kk', 'en')
    """
    totals = scores(text)
    first = next((key[7:] for key in totals if key.startswith("_first_")), None)
    ranked = sorted(
        ((value, lang) for lang, value in totals.items() if not lang.startswith("_")),
        reverse=True,
    )
    if not ranked or ranked[0][0] <= 0:
        return _fallback(text)
    best_value, best = ranked[0]
    tied = [lang for value, lang in ranked if value >= best_value - 1e-9]
    if len(tied) > 1:
        if first in tied:
            best = first
        elif "kk" in tied:
            best = "kk"
    if best in _OTHER_GROUP:
        return "other"
    return best


def _fallback(text: str) -> str:
    lower = text.lower()
    if _CYR.search(lower):
        return "kk" if _KK_LETTERS.search(lower) else "ru"
    if _LAT.search(lower):
        return "en"
    return "other"


def detect_batch(texts: Iterable[str]) -> list[str]:
    """`detect` over many texts."""
    return [detect(text) for text in texts]
