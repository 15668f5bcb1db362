"""Clusters at scale (the floor on k) and clusters kept between runs (`clusters.ClusterModel`)."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pytest
from scipy import sparse

from kenes.nlp import clusters, dedup, pipeline

pytestmark = pytest.mark.nodb

# Subjects with clearly different vocabularies, in Kazakh and Russian, ten sentences each. A text is
# two sentences of one subject; no two texts have the same pair, so none are form letters.
SUBJECTS: dict[str, tuple[str, list[str]]] = {
    "ecology": ("kk", [
        "Арал теңізін сақтау үшін суды үнемдеу керек.", "Қалалардағы ауаның ластануы балалардың денсаулығына зиян.",
        "Зауыттар өзенге қалдық төгуді тоқтатсын.", "Орманды қалпына келтіруге қаржы бөлінсін.",
        "Каспий теңізінің экологиясын қорғау міндетті болсын.", "Таза ауыз су әр ауылға жетуі тиіс.",
        "Қоқысты сұрыптап жинау әр қалада енгізілсін.", "Көмір жағатын жылу станциялары газға көшірілсін.",
        "Өзен жағасына ағаш отырғызу науқаны өткізілсін.", "Экологиялық айыппұлдар ластаушы зауыттарға көбейтілсін.",
    ]),
    "education": ("kk", [
        "Мектептерде оқулықтар тегін берілуі керек.", "Мұғалімдердің жалақысын көтеру қажет.",
        "Ауыл мектептеріне компьютер сыныптары ашылсын.", "Балабақшаларда орын жетіспейді, жаңа балабақша салынсын.",
        "Студенттерге жатақхана көбірек салынсын.", "Мектеп оқушыларына ыстық тамақ тегін болсын.",
        "Мұғалімдердің қағазбастылығын азайту керек.", "Университет гранттарының саны көбейсін.",
        "Мектеп бітірушілерге кәсіптік бағдар беру сабақтары енгізілсін.",
        "Оқушылардың сабақ кестесі жеңілдетілсін.",
    ]),
    "pensions": ("ru", [
        "Пенсии должны расти вместе с ценами.", "Пенсионный возраст для женщин нужно снизить.",
        "Пенсионерам в сёлах трудно получать лекарства.", "Размер минимальной пенсии слишком мал.",
        "Накопительные пенсии должны быть защищены от инфляции.", "Пенсионеры ждут индексации выплат.",
        "Пенсионные накопления можно будет тратить на жильё.", "Стаж для пенсии должен учитывать уход за детьми.",
        "Пенсионный фонд должен отчитываться перед вкладчиками.", "Пенсионерам нужны льготы на проезд.",
    ]),
    "transport": ("ru", [
        "Автобусы в городе должны ходить чаще.", "Проезд в общественном транспорте слишком дорогой.",
        "Нужно построить больше велосипедных дорожек.", "Дороги между сёлами нужно отремонтировать.",
        "Пробки в центре города надо решать метро и трамваями.", "Парковки у больниц должны быть бесплатными.",
        "Водителей маршруток нужно проверять строже.", "Электрички в пригород нужно пустить чаще.",
        "Остановки автобусов должны быть с навесами.", "Светофоры на перекрёстках нужно настроить лучше.",
    ]),
    # Absent from the base corpora below: the subject a later run brings.
    "animals": ("kk", [
        "Қаңғыбас иттерге арналған баспаналар ашылсын.", "Үй жануарларын тіркеу міндетті болсын.",
        "Ветеринарлық клиникалар әр ауданда болуы керек.", "Жануарларға қатыгездік үшін жаза күшейтілсін.",
        "Мысықтар мен иттерді стерилизациялау тегін болсын.", "Хайуанаттар бағындағы жануарлардың жағдайы жақсарсын.",
        "Иттерді серуендету алаңдары көбейсін.", "Жабайы аңдарды аулауға тыйым салынсын.",
        "Мал дәрігерлерінің жалақысы көтерілсін.", "Жануарлар сатылатын дүкендер тексерілсін.",
    ]),
}
BASE_SUBJECTS = ("ecology", "education", "pensions", "transport")
# New wording on a known subject (not a copy of any corpus text), one per subject.
NEAR_COPIES = {
    "pensions": "Пенсии пенсионерам надо индексировать каждый год, минимальная пенсия слишком мала.",
    "ecology": "Зауыттар өзен мен теңізді ластамасын, экологиялық айыппұлдар көбейсін.",
    "animals": "Қаңғыбас иттер мен мысықтарға баспана ашылсын, жануарларға қатыгездік тоқтатылсын.",
}
UNRELATED = "Футбол стадионы салынсын және спорт секциялары тегін болсын."


def subject_texts(subject: str, count: int, seed: int = 0) -> list[str]:
    """`count` (at most 45) two-sentence texts of a subject, no two with the same pair of sentences."""
    pairs = list(itertools.combinations(SUBJECTS[subject][1], 2))
    random.Random(f"{subject}-{seed}").shuffle(pairs)
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} texts per subject")
    return [f"{a} {b}" for a, b in pairs[:count]]


def corpus(subjects: tuple[str, ...], per_subject: int, seed: int = 0) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for subject in subjects:
        texts.extend(subject_texts(subject, per_subject, seed))
        labels.extend([subject] * per_subject)
    return texts, labels


def counts_of(texts: list[str]) -> sparse.csr_matrix:
    return clusters.term_counts([clusters.terms(t) for t in texts])


def purity(labels: np.ndarray, truth: list[str]) -> float:
    """Share of texts in the majority subject of their cluster."""
    clustered = [(int(c), t) for c, t in zip(labels, truth, strict=True) if c >= 0]
    by_cluster: dict[int, Counter[str]] = {}
    for c, t in clustered:
        by_cluster.setdefault(c, Counter())[t] += 1
    return sum(counter.most_common(1)[0][1] for counter in by_cluster.values()) / len(clustered)


# ---------------------------------------------------------------- the floor on k


def test_floor_keeps_the_average_cluster_at_most_max_mean_cluster() -> None:
    assert clusters.MAX_MEAN_CLUSTER == 2000
    for n in (0, 20, 240, 2000, 4000):  # small corpora, the demo and the tests: no floor beyond 2
        assert clusters.k_floor(n) == 2
    assert clusters.k_floor(4001) == 3
    assert clusters.k_floor(66_000) == 33
    assert clusters.k_floor(100_000) == 50
    for n in [*range(20, 5000, 97), 10_000, 49_557, 66_000, 100_000, 250_000, 512_000]:
        floor = clusters.k_floor(n)
        candidates = clusters.k_candidates(n)
        assert candidates == sorted(set(candidates)) and candidates[0] >= 2
        assert all(k >= min(floor, clusters.MAX_K) for k in candidates), (n, candidates)
        assert max(candidates) <= clusters.MAX_K
        if floor <= clusters.MAX_K:
            assert n / floor <= clusters.MAX_MEAN_CLUSTER
            assert candidates[0] == floor or floor == 2
            assert len(candidates) >= 2 or floor >= clusters.MAX_K  # silhouette still has a choice
    # Unchanged for small corpora: the ladder up to about sqrt(n / 2).
    assert clusters.k_candidates(2000) == [2, 3, 4, 6, 8, 10, 12, 16, 20, 24]
    assert clusters.k_candidates(66_000) == [33, 40, 41, 48, 50, 64, 66]


def test_silhouette_chooses_above_the_floor_on_a_corpus_with_many_subjects(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, truth = corpus(tuple(SUBJECTS), 40, seed=1)  # 5 subjects, 200 texts
    counts = counts_of(texts)
    free = clusters.fit(counts, seed=0)
    assert 4 <= free.k <= 6  # without a floor: about one cluster per subject
    assert purity(free.labels, truth) >= 0.95
    monkeypatch.setattr(clusters, "MAX_MEAN_CLUSTER", 20)  # floor: ceil(200 / 20) = 10
    assert clusters.k_floor(200) == 10
    floored = clusters.fit(counts, seed=0)
    assert floored.silhouettes and min(floored.silhouettes) >= 10
    assert floored.k >= 10 and floored.k in floored.silhouettes
    assert floored.k == max(floored.silhouettes, key=lambda k: (round(floored.silhouettes[k], 3), k))
    # The floor splits subjects into parts; it does not mix them.
    assert purity(floored.labels, truth) >= 0.95
    assert len(floored.labels[floored.labels >= 0]) / floored.k <= 20


# ---------------------------------------------------------------- clusters kept between runs


def model_of(texts: list[str], seed: int = 0) -> tuple[clusters.ClusterFit, clusters.ClusterModel]:
    counts = counts_of(texts)
    result = clusters.fit(counts, seed=seed)
    return result, clusters.ClusterModel.from_fit(counts, result, [f"c{i}" for i in range(result.k)])


def cluster_of_subject(result: clusters.ClusterFit, truth: list[str], subject: str) -> int:
    return Counter(int(c) for c, t in zip(result.labels, truth, strict=True) if t == subject).most_common(1)[0][0]


def test_a_near_copy_joins_its_subjects_cluster_and_an_unrelated_text_joins_none() -> None:
    texts, truth = corpus(BASE_SUBJECTS, 30)
    result, model = model_of(texts)
    assert len(model) == result.k and model.keys == [f"c{i}" for i in range(result.k)]
    for subject in ("pensions", "ecology"):  # Russian and Kazakh
        joined = model.assign(counts_of([NEAR_COPIES[subject]]))
        assert joined[0] == cluster_of_subject(result, truth, subject), subject
    best, score = model.nearest(counts_of([UNRELATED, NEAR_COPIES["animals"], "", "123 !!!"]))
    assert (score[:2] < clusters.JOIN_SIMILARITY).all() and (model.assign(counts_of([UNRELATED]))[0] == -1)
    assert best[2] == -1 and best[3] == -1 and score[2] == 0.0
    # Texts of the base subjects not seen before join their subject's cluster (held out: other pairs).
    held_texts, held_truth = [], []
    for subject in BASE_SUBJECTS:
        unseen = subject_texts(subject, 45)[30:]
        held_texts.extend(unseen)
        held_truth.extend([subject] * len(unseen))
    joined = model.assign(counts_of(held_texts))
    assert (joined >= 0).mean() >= 0.9
    expected = {s: cluster_of_subject(result, truth, s) for s in BASE_SUBJECTS}
    placed = [(int(j), expected[s]) for j, s in zip(joined, held_truth, strict=True) if j >= 0]
    assert sum(j == e for j, e in placed) / len(placed) >= 0.95
    # Texts of a subject the model never saw join nothing.
    assert (model.assign(counts_of(subject_texts("animals", 30))) == -1).all()


def test_model_survives_bytes_and_grows_with_new_clusters() -> None:
    texts, _ = corpus(BASE_SUBJECTS, 30)
    _, model = model_of(texts)
    data = model.to_bytes()
    assert len(data) < 200_000
    again = clusters.ClusterModel.from_bytes(data)
    assert again.keys == model.keys and again.threshold == model.threshold and again.n_docs == model.n_docs
    probe = counts_of([NEAR_COPIES["pensions"], NEAR_COPIES["ecology"], *subject_texts("transport", 45)[30:]])
    assert np.array_equal(again.assign(probe), model.assign(probe))
    assert np.allclose(again.nearest(probe)[1], model.nearest(probe)[1], atol=2e-3)
    animals = subject_texts("animals", 30)
    grown = again.extend(counts_of(animals), np.zeros(30, dtype=np.int32), ["r7c0"])
    assert grown.keys == [*model.keys, "r7c0"]
    assert grown.assign(counts_of([NEAR_COPIES["animals"]]))[0] == len(model.keys)
    assert grown.assign(counts_of([NEAR_COPIES["pensions"]]))[0] == model.assign(counts_of([NEAR_COPIES["pensions"]]))[0]
    with pytest.raises(ValueError, match="already in the model"):
        grown.extend(counts_of(animals), np.zeros(30, dtype=np.int32), ["r7c0"])
    nothing_new = grown.extend(counts_of([]), np.zeros(0, dtype=np.int32), [])  # every new text joined
    assert nothing_new.keys == grown.keys and np.array_equal(nothing_new.assign(probe), grown.assign(probe))
    kept = grown.subset(["r7c0", "nope"])
    assert kept.keys == ["r7c0"] and kept.assign(counts_of([NEAR_COPIES["animals"]]))[0] == 0
    for bad in (b"", b"not an npz", data[: len(data) // 2]):
        with pytest.raises(ValueError):
            clusters.ClusterModel.from_bytes(bad)


def test_incremental_pipeline_joins_known_clusters_and_clusters_the_rest_anew() -> None:
    texts, truth = corpus(BASE_SUBJECTS, 30)
    index = dedup.DedupIndex()
    first = pipeline.analyze_records([{"id": str(i), "text": t} for i, t in enumerate(texts)], state=index)
    assert (first.groups == 0).all() and first.cluster_model is not None
    model = first.cluster_model
    assert model.keys == [f"c{i}" for i in range(len(first.cluster_info))]
    assert (first.joined == -1).all()
    pension_key = f"c{cluster_of_subject_rows(first.cluster_ids, truth, 'pensions')}"
    new = [NEAR_COPIES["pensions"], *subject_texts("animals", 30)]
    later = pipeline.analyze_records([{"id": f"n{i}", "text": t} for i, t in enumerate(new)], state=index,
                                     model=model, cluster_prefix="r2c")
    assert model.keys[later.joined[0]] == pension_key and later.cluster_ids[0] == -1
    assert (later.joined[1:] == -1).all() and (later.cluster_ids[1:] >= 0).all()
    assert later.cluster_model is not None
    new_keys = [f"r2c{i}" for i in range(len(later.cluster_info))]
    assert later.cluster_model.keys == [*model.keys, *new_keys]
    assert later.summary()["clusters"]["joined_earlier_clusters"] == 1
    record = later.record(0)
    assert record["cluster"] is None and record["duplicate_group"] is None


def cluster_of_subject_rows(labels: np.ndarray, truth: list[str], subject: str) -> int:
    return Counter(int(c) for c, t in zip(labels, truth, strict=True) if t == subject).most_common(1)[0][0]
