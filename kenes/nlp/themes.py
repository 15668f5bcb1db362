"""Multi-label theme classification of proposals over the vocabulary in `kenes/data/themes.csv`.

Two sources of evidence, both explainable:

* built-in lexicons (Kazakh, Russian, English words and phrases per theme, written for Kenes),
  matched on search terms (`kenes.nlp.text.search_term_pairs`: stemmed and folded, so any
  grammatical form, Latin-script Kazakh and Kazakh typed without Kazakh letters all match);
* a `ThemeModel` trained from labelled examples (analysts' corrections): one-vs-rest logistic
  regression (scikit-learn) on hashed unigram and bigram features of the same search terms.
  It is saved as JSON (coefficients only; no pickle) and explains itself by the features that
  contributed most to a theme.

`classify` uses the lexicon alone, or the lexicon and a model when one is given: the final
score of a theme is the larger of the lexicon score and the model probability. A theme is kept
when its score reaches `THRESHOLD` and `RELATIVE` times the best theme's score (so a theme
named by one passing word does not ride along with one named by several).
"""

from __future__ import annotations

import csv
import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from kenes.nlp.text import search_term_pairs

__all__ = [
    "THEMES",
    "ThemeHit",
    "ThemeModel",
    "classify",
    "classify_batch",
    "lexicon_terms",
    "themes_of",
]

THEMES_CSV = Path(__file__).resolve().parent.parent / "data" / "themes.csv"


def _load_slugs() -> tuple[str, ...]:
    with THEMES_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(row["slug"] for row in csv.DictReader(handle))


THEMES: tuple[str, ...] = _load_slugs()
THRESHOLD = 0.5
RELATIVE = 0.75


@dataclass(frozen=True, slots=True)
class ThemeHit:
    slug: str
    score: float
    evidence: tuple[str, ...]


# Words and phrases per theme, any grammatical form (they go through the same stemming as
# the text). A phrase matches consecutive terms. Keep words specific: a word that is common
# in every proposal ("право", "құқық", "закон") decides nothing and is not listed alone.
_LEXICON: dict[str, str] = {
    "human_rights": """
        адам құқықтары; құқықтары мен бостандықтары; бостандық; қадір-қасиет; қол сұғылмаушылық;
        кемсіту; теңдік; өмір сүру құқығы; өлім жазасы; жеке өмір; ар-ождан; жүріп-тұру;
        бейбіт жиналыс; жиналыс; сөз бостандығы; мүгедектігі бар; мүгедек; азаптау; шетелге беру;
        права человека; права и свободы; свобода; свободы; достоинство; неприкосновенность;
        дискриминация; равенство; право на жизнь; смертная казнь; частная жизнь; совести;
        передвижения; выезжать; мирные собрания; собраний; пытки; инвалидность; инвалид; выслан;
        human rights; freedom; freedoms; dignity; equality; discrimination; right to life;
        death penalty; privacy; peaceful assembly; assembly; conscience; torture; disability
    """,
    "political_institutions": """
        президент; парламент; мәжіліс; сенат; құрылтай; үкімет; халық кеңесі; министр;
        депутат; депутаттар; сайлау; өкілеттік; өкілеттігі; билік тармақтары; конституциялық сот;
        жеті жыл; мерзім; вице-президент;
        президент; парламент; мажилис; сенат; курултай; правительство; народный совет;
        министров; министры; депутаты; депутатов; полномочия; срок; семь лет; органы власти;
        president; presidential; parliament; kurultai; government; people's council; minister;
        ministers; deputies; powers; term; seven years
    """,
    "rule_of_law": """
        заң үстемдігі; заңдылық; сыбайлас жемқорлық; жемқорлық; жемқор; жауапкершілік;
        шенеунік; заң шығару; заңның күші; құқықтық мемлекет; жоғары заңдық күш; әділеттілік;
        верховенство закона; законность; коррупция; коррупционер; коррупционеры;
        ответственность; чиновник; правовой определенности; правовое государство;
        юридическая сила; публиковаться; постановление;
        rule of law; legality; corruption; accountable; accountability; officials; legal certainty;
        public drafts
    """,
    "judiciary": """
        сот; соттар; судья; судьялар; судьялардың тәуелсіздігі; алқабилер; прокуратура;
        прокурор; адвокат; қорғаушы; ұсталған; тергеу; әділ сот;
        суд; суды; судья; судьи; судей; несменяемость; присяжных; присяжные; прокуратура;
        прокурор; адвокат; адвокаты; задержания; следствие; правосудие;
        court; courts; judge; judges; jury; prosecutor; lawyer; detention; trial; trials
    """,
    "labour": """
        еңбек; жұмыс; жұмысшы; жалақы; айлық; ең төменгі жалақы; кәсіподақ; ереуіл;
        жұмыс уақыты; үстеме; жұмыспен қамту; жұмыссыздық; еңбек бостандығы; вахта; демалыс;
        еңбек қауіпсіздігі;
        труд; труда; работа; работы; рабочая неделя; зарплата; зарплаты; оплата труда;
        минимальная зарплата; профсоюз; забастовка; забастовку; сверхурочные; безработица;
        занятость; работаю; вахтовикам; вахта; отдых; дни отдыха; вредность; охрана труда;
        labour; labor; work; workers; wage; wages; salary; minimum wage; trade union; strike;
        working hours; unemployment; employment; rest days; occupational safety
    """,
    "social_protection": """
        зейнетақы; зейнеткер; жәрдемақы; әлеуметтік; әлеуметтік қорғау; әлеуметтік кепілдік;
        медициналық көмек; емхана; аурухана; дәрігер; дәрі; мүгедектігі; көп балалы;
        жалғыз басты; қамсыздандыру; тегін медициналық; зейнеткерлер; оңалту; тегін дәрі;
        пенсия; пенсии; пенсионный; пособие; социальные гарантии; социальная защита;
        медицинская помощь; больница; больницы; поликлиника; врач; врача; лекарства;
        малоимущие; соцобеспечение; бесплатной медицинской; пенсионеров; пенсионеры; реабилитация;
        бесплатных лекарств; льготы; льготный проезд;
        pension; pensions; benefits; social protection; social guarantees; healthcare; hospital;
        doctor; medicine; medicines; medical care; pensioners; rehabilitation
    """,
    "ecology_health": """
        экология; экологиялық; қоршаған орта; таза ауа; ауыз су; таза су; табиғат; арал;
        ағаш; жасыл; ластану; денсаулық; климат; қалдық; полигон; радиация; семей полигоны;
        экология; экологический; экологическая; окружающей среды; окружающая среда; чистый воздух;
        чистой воды; природа; арал; деревьев; вырубку; загрязнение; загрязнителей; здоровье;
        климат; отходы; полигона; радиация; семипалатинского полигона;
        ecology; environment; environmental; clean air; drinking water; nature; aral; trees;
        pollution; climate; health; waste; test site; radiation; semipalatinsk
    """,
    "digital_rights": """
        дербес деректер; деректер; цифрлық; интернет; жасанды интеллект; бейнебақылау;
        камера; ақпарат; киберқауіпсіздік; цифрландыру;
        персональные данные; персональных данных; данные; цифровой; цифровые; интернет;
        интернете; искусственный интеллект; искусственном интеллекте; видеонаблюдение;
        видеонаблюдения; камеры; распознаванием лиц; кибербезопасность; цифровизация;
        personal data; data; digital; internet; online; artificial intelligence; surveillance;
        cameras; cybersecurity
    """,
    "family_values": """
        отбасы; отбасылар; неке; ана мен бала; әке; балалардың құқықтары; дәстүрлі құндылықтар; ажырасу;
        ер мен әйел; балалар омбудсмені; ата-ана;
        семья; семьи; семьям; брак; материнство; детство; права детей; развод; традиционные
        ценности; мужчины и женщины; многодетным; родители;
        family; families; marriage; mothers; children's rights; divorce; traditional values; parents
    """,
    "education_science_youth": """
        білім; білім беру; мектеп; мұғалім; мұғалімдер; университет; жоғары білім; ғылым;
        жастар; студент; грант; инновация;
        образование; высшее образование; школа; школ; учитель; учителям; учителя; университет;
        наука; науку; молодежь; молодежи; студент; гранты; грантов; стартапы; инновации;
        education; school; schools; teacher; teachers; university; science; youth; young people;
        students; grants; innovation
    """,
    "economy_property": """
        меншік; жеке меншік; жер сату; жер қойнауы; табиғи ресурстар; салық; бизнес; кәсіпкер;
        кәсіпкерлік; инвестиция; активтер; табыс; шағын бизнес; шетелдіктерге сатылмасын;
        несие; фермер; фермерлер; ауыл шаруашылығы; банк; баға;
        собственность; частная собственность; земля; земли; недра; природные ресурсы; налог;
        налоги; бизнес; малого бизнеса; предприниматель; инвестиции; активы; доходы; кредит;
        кредитам; фермеров; фермеры; сельское хозяйство; банки; цены;
        property; land; natural resources; tax; taxes; business; entrepreneurs; investment;
        assets; income; foreign owners; credit; loans; farmers; agriculture; prices
    """,
    "regions_local": """
        өңір; өңірлер; аймақ; облыс; әкім; әкімдер; әкімдік; мәслихат; маслихат; жол жөндеу;
        жергілікті; жергілікті өзін-өзі басқару; әкімшілік-аумақтық; елорда; бюджет;
        регион; регионы; регионов; область; области; аким; акимов; акимы; ремонт дорог; дорога;
        маслихаты; местное самоуправление; местный бюджет; административно-территориальное;
        столица;
        region; regions; regional; governors; akims; local; local government; roads;
        maslikhat
    """,
    "identity_culture": """
        мемлекеттік тіл; қазақ тілі; тіл; орыс тілі; мәдениет; тарих; ұлы дала; дәстүр; жер-су атаулары; ономастика;
        егемендік; тәуелсіздік; зайырлы; дін; рәміздер; мемлекеттік ту; елтаңба; әнұран; ұлттық; азаматтық;
        қос азаматтық; ата-баба; мұра;
        государственный язык; казахский язык; язык; русский язык; культура; история; великая степь;
        суверенитет; независимость; светский; светское; религия; символы; гражданство;
        двойного гражданства; государственности; национальные;
        state language; kazakh; language; russian; culture; history; great steppe; sovereignty;
        independence; secular; religion; symbols; citizenship
    """,
    "participation": """
        референдум; қоғамдық талқылау; талқылау; ұсыныс; ұсыныстар; петиция; диалог;
        қатысу; дауыс беру; учаске; жауап; қолдаймын; келісемін; хат; рахмет; түсінікті;
        референдум; общественное обсуждение; обсуждение; предложения; предложений; петиция;
        петицию; диалог; участие; голосование; голосовал; участке; поддерживаю; высказаться;
        спасибо; понятно; итоги голосования;
        обращаться;
        referendum; referendums; public discussion; discussion; proposals; petition; dialogue;
        participation; voted; polling station; support; direct democracy
    """,
}


def _phrase_terms(phrase: str) -> tuple[str, ...]:
    return tuple(term for _word, term in search_term_pairs(phrase))


# theme -> list of phrases as term tuples; and term -> phrases starting with it, for matching
_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _slug, _entries in _LEXICON.items():
    seen: list[tuple[str, ...]] = []
    for _entry in _entries.split(";"):
        _terms = _phrase_terms(_entry.strip())
        if _terms and _terms not in seen:
            seen.append(_terms)
    _PHRASES[_slug] = seen
_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _slug, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        _BY_FIRST.setdefault(_phrase[0], []).append((_slug, _phrase))
for _candidates in _BY_FIRST.values():
    _candidates.sort(key=lambda item: -len(item[1]))


def lexicon_terms(slug: str) -> list[tuple[str, ...]]:
    """The built-in lexicon of a theme as stemmed, folded term tuples."""
    return list(_PHRASES.get(slug, []))


def _lexicon_scores(pairs: Sequence[tuple[str, str]]) -> dict[str, tuple[float, list[str]]]:
    """theme -> (score in [0, 1), evidence words). Each distinct matched entry adds 1 to a sum
    s, a phrase of n terms adds n; score = 1 - exp(-s) (one word: 0.63; two: 0.86)."""
    terms = [term for _word, term in pairs]
    matched: dict[str, dict[tuple[str, ...], str]] = {}
    i = 0
    n_terms = len(terms)
    starting = _BY_FIRST.get
    while i < n_terms:
        candidates = starting(terms[i])
        if candidates is None:  # most terms start no lexicon entry
            i += 1
            continue
        step = 1
        for slug, phrase in candidates:
            n = len(phrase)
            if tuple(terms[i : i + n]) == phrase:
                words = " ".join(word for word, _term in pairs[i : i + n])
                matched.setdefault(slug, {}).setdefault(phrase, words)
                step = max(step, n) if n > 1 else step
        i += step
    result: dict[str, tuple[float, list[str]]] = {}
    for slug, phrases in matched.items():
        total = sum(len(phrase) for phrase in phrases)
        result[slug] = (1.0 - math.exp(-total), list(phrases.values()))
    return result


def classify(text: str, lang: str | None = None, model: ThemeModel | None = None) -> list[ThemeHit]:
    """Themes of a text, best first, each with its score and the words that decided it."""
    return classify_batch([text], lang=lang, model=model)[0]


def classify_batch(
    texts: Sequence[str], lang: str | None = None, model: ThemeModel | None = None, threshold: float = THRESHOLD
) -> list[list[ThemeHit]]:
    """`classify` over many texts (the model, if any, scores them in one matrix product)."""
    all_pairs = [search_term_pairs(text, lang) for text in texts]
    probabilities = model.predict_proba_pairs(all_pairs) if model is not None else None
    results: list[list[ThemeHit]] = []
    for row, pairs in enumerate(all_pairs):
        lexicon = _lexicon_scores(pairs)
        hits: list[ThemeHit] = []
        for slug in THEMES:
            lex_score, evidence = lexicon.get(slug, (0.0, []))
            score = lex_score
            if probabilities is not None and model is not None and slug in model.slugs:
                probability = probabilities[row][model.slugs.index(slug)]
                score = max(lex_score, probability)
                if probability >= threshold:
                    evidence = evidence + [f for f, _w in model.explain_pairs(pairs, slug, top=3)]
            if score >= threshold:
                unique = tuple(dict.fromkeys(evidence))
                hits.append(ThemeHit(slug, round(score, 4), unique))
        hits.sort(key=lambda hit: -hit.score)
        if hits:
            # a secondary theme must be nearly as well supported as the best one
            hits = [hit for hit in hits if hit.score >= RELATIVE * hits[0].score]
        results.append(hits)
    return results


def themes_of(text: str, lang: str | None = None, model: ThemeModel | None = None) -> list[str]:
    """Slugs of the themes of a text, best first."""
    return [hit.slug for hit in classify(text, lang=lang, model=model)]


# ---------------------------------------------------------------------------------------------
# trainable model


def _features(pairs: Sequence[tuple[str, str]]) -> list[str]:
    terms = [term for _word, term in pairs if not term.isdigit()]
    return terms + [f"{a} {b}" for a, b in pairwise(terms)]


def _hash(feature: str, n_features: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) % n_features


class ThemeModel:
    """One-vs-rest logistic regression on hashed unigrams and bigrams of search terms."""

    FORMAT = "kenes-theme-model/1"

    def __init__(self, n_features: int = 1 << 16, c: float = 4.0) -> None:
        self.n_features = n_features
        self.c = c
        self.slugs: list[str] = []
        self.weights: dict[str, dict[int, float]] = {}
        self.intercepts: dict[str, float] = {}

    # -- training ----------------------------------------------------------------------------
    def _matrix(self, all_pairs: Sequence[Sequence[tuple[str, str]]]) -> Any:
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        for pairs in all_pairs:
            counts: dict[int, float] = {}
            for feature in _features(pairs):
                index = _hash(feature, self.n_features)
                counts[index] = counts.get(index, 0.0) + 1.0
            norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
            for index, value in sorted(counts.items()):
                indices.append(index)
                data.append(value / norm)
            indptr.append(len(indices))
        return csr_matrix((data, indices, indptr), shape=(len(all_pairs), self.n_features))

    def fit(self, texts: Sequence[str], labels: Sequence[Iterable[str]], lang: str | None = None) -> ThemeModel:
        """Train from texts and their theme slugs (unknown slugs are ignored). Themes that have
        no positive or no negative example are left to the lexicon."""
        from sklearn.linear_model import LogisticRegression

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        label_sets = [{slug for slug in row if slug in THEMES} for row in labels]
        matrix = self._matrix([search_term_pairs(text, lang) for text in texts])
        self.slugs, self.weights, self.intercepts = [], {}, {}
        for slug in THEMES:
            target = [1 if slug in row else 0 for row in label_sets]
            if sum(target) == 0 or sum(target) == len(target):
                continue
            classifier = LogisticRegression(C=self.c, max_iter=1000, class_weight="balanced")
            classifier.fit(matrix, target)
            coef = classifier.coef_[0]
            self.slugs.append(slug)
            self.weights[slug] = {int(i): float(coef[i]) for i in coef.nonzero()[0]}
            self.intercepts[slug] = float(classifier.intercept_[0])
        return self

    # -- prediction --------------------------------------------------------------------------
    def predict_proba_pairs(self, all_pairs: Sequence[Sequence[tuple[str, str]]]) -> list[list[float]]:
        matrix = self._matrix(all_pairs)
        rows: list[list[float]] = []
        for r in range(matrix.shape[0]):
            start, end = matrix.indptr[r], matrix.indptr[r + 1]
            cols, vals = matrix.indices[start:end], matrix.data[start:end]
            row = []
            for slug in self.slugs:
                weights = self.weights[slug]
                z = self.intercepts[slug] + sum(weights.get(int(c), 0.0) * float(v) for c, v in zip(cols, vals, strict=True))
                row.append(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))))
            rows.append(row)
        return rows

    def predict_proba(self, texts: Sequence[str], lang: str | None = None) -> list[dict[str, float]]:
        rows = self.predict_proba_pairs([search_term_pairs(text, lang) for text in texts])
        return [dict(zip(self.slugs, row, strict=True)) for row in rows]

    def explain_pairs(self, pairs: Sequence[tuple[str, str]], slug: str, top: int = 5) -> list[tuple[str, float]]:
        weights = self.weights.get(slug, {})
        contributions: dict[str, float] = {}
        for feature in set(_features(pairs)):
            weight = weights.get(_hash(feature, self.n_features), 0.0)
            if weight > 0:
                contributions[feature] = weight
        return sorted(contributions.items(), key=lambda item: -item[1])[:top]

    def explain(self, text: str, slug: str, top: int = 5, lang: str | None = None) -> list[tuple[str, float]]:
        """The features of `text` that pushed it most towards `slug`: [(feature, weight), …]."""
        return self.explain_pairs(search_term_pairs(text, lang), slug, top)

    # -- persistence (JSON: no code is loaded) -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.FORMAT,
            "n_features": self.n_features,
            "c": self.c,
            "slugs": self.slugs,
            "intercepts": self.intercepts,
            "weights": {slug: {str(i): w for i, w in ws.items()} for slug, ws in self.weights.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThemeModel:
        if not isinstance(data, dict) or data.get("format") != cls.FORMAT:
            raise ValueError("not a Kenes theme model")
        model = cls(n_features=int(data["n_features"]), c=float(data["c"]))
        model.slugs = [str(slug) for slug in data["slugs"] if slug in THEMES]
        model.intercepts = {slug: float(data["intercepts"][slug]) for slug in model.slugs}
        model.weights = {
            slug: {int(i): float(w) for i, w in data["weights"][slug].items() if 0 <= int(i) < model.n_features}
            for slug in model.slugs
        }
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ThemeModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
