"""Semantic clusters, labels and summaries (kenes.nlp.clusters)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from kenes.nlp import clusters

pytestmark = pytest.mark.nodb

TOPICS = {
    "ecology": ("kk", [
        "Арал теңізін сақтау үшін суды үнемдеу керек.", "Қалалардағы ауаның ластануы балалардың денсаулығына зиян.",
        "Зауыттар өзенге қалдық төгуді тоқтатсын.", "Орманды қалпына келтіруге қаржы бөлінсін.",
        "Каспий теңізінің экологиясын қорғау міндетті болсын.", "Таза ауыз су әр ауылға жетуі тиіс.",
    ]),
    "pensions": ("ru", [
        "Пенсии должны расти вместе с ценами.", "Пенсионный возраст для женщин нужно снизить.",
        "Пенсионерам в сёлах трудно получать лекарства.", "Размер минимальной пенсии слишком мал.",
        "Накопительные пенсии должны быть защищены от инфляции.", "Пенсионеры ждут индексации выплат.",
    ]),
    "courts": ("en", [
        "Judges must be independent from the executive.", "Court decisions should be published online.",
        "Jury trials should cover more criminal cases.", "Every defendant needs access to a lawyer.",
        "Judges should be selected in open competitions.", "Court fees must not block access to justice.",
    ]),
}


def topic_corpus(per_topic: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    topics: list[str] = []
    for _ in range(per_topic):
        for topic, (_, sentences) in TOPICS.items():
            texts.append(" ".join(rng.sample(sentences, rng.randint(2, 4))))
            topics.append(topic)
    return texts, topics


def run(texts: list[str], seed: int = 0) -> tuple[clusters.ClusterFit, list[clusters.ClusterInfo]]:
    result = clusters.fit(clusters.term_counts([clusters.terms(t) for t in texts]), seed=seed)
    languages = {topic: lang for topic, (lang, _) in TOPICS.items()}
    lang_of = [next((languages[t] for t, (_, s) in TOPICS.items() if text.split(".")[0] + "." in s), "other")
               for text in texts]
    infos = clusters.describe(result, lambda rows: [texts[r] for r in rows], lambda rows: [lang_of[r] for r in rows])
    return result, infos


def test_clusters_follow_topics_and_k_is_chosen_from_the_data() -> None:
    texts, topics = topic_corpus(60, seed=1)
    result, infos = run(texts)
    assert result.k == 3
    assert result.silhouettes and max(result.silhouettes, key=lambda k: result.silhouettes[k]) == 3
    for c in range(result.k):
        members = Counter(t for t, label in zip(topics, result.labels, strict=True) if label == c)
        assert members.most_common(1)[0][1] / sum(members.values()) >= 0.95
    assert sorted(info.size for info in infos) == sorted(Counter(result.labels.tolist()).values())


def test_labels_are_surface_words_in_the_clusters_language_and_summaries_are_its_sentences() -> None:
    texts, topics = topic_corpus(40, seed=2)
    result, infos = run(texts)
    words_by_topic = {topic: set(clusters.tokens(" ".join(sentences))) for topic, (_, sentences) in TOPICS.items()}
    for info in infos:
        members = [texts[r] for r in np.flatnonzero(result.labels == info.id)]
        topic = Counter(topics[r] for r in np.flatnonzero(result.labels == info.id)).most_common(1)[0][0]
        assert info.language == TOPICS[topic][0]
        assert info.label and info.terms
        assert info.label == ", ".join(info.terms)
        # Words as people wrote them (not stems), from this topic.
        assert all(term in words_by_topic[topic] for term in info.terms), info.terms
        assert 1 <= len(info.summary) <= clusters.SUMMARY_SENTENCES
        assert all(any(sentence in text for text in members) for sentence in info.summary)
        assert info.representatives and all(result.labels[r] == info.id for r in info.representatives)


def test_clusters_are_deterministic_for_a_seed() -> None:
    texts, _ = topic_corpus(50, seed=3)
    first, first_info = run(texts, seed=5)
    again, again_info = run(list(texts), seed=5)
    assert np.array_equal(first.labels, again.labels)
    assert [(i.label, i.summary, i.representatives) for i in first_info] == \
        [(i.label, i.summary, i.representatives) for i in again_info]


def test_rows_without_terms_and_tiny_inputs_are_not_clustered() -> None:
    texts, _ = topic_corpus(30, seed=4)
    texts[5] = ""
    texts[7] = "👍 !!! 123"
    result, _ = run(texts)
    assert result.labels[5] == -1
    assert result.labels[7] == -1 or clusters.terms(texts[7])
    tiny, infos = run(texts[:5])
    assert tiny.k == 0 and (tiny.labels == -1).all() and infos == []


def test_cosine_silhouette_equals_sklearn() -> None:
    rng = np.random.default_rng(0)
    points = normalize(rng.normal(size=(300, 6)).astype(np.float32) + np.repeat(np.eye(6, dtype=np.float32) * 2, 50, axis=0))
    labels = np.repeat(np.arange(6), 50).astype(np.int32)
    assert clusters.cosine_silhouette(points, labels) == pytest.approx(
        silhouette_score(points, labels, metric="cosine"), abs=1e-4)


def test_terms_match_search_terms_token_by_token() -> None:
    from kenes.nlp.text import search_terms

    text = "Конституцияның 8-бабына өзгеріс енгізу керек. Предлагаю изменить статью 6 о правах граждан."
    assert clusters.terms(text) == [t for token in clusters.tokens(text) for t in search_terms(token)]
    assert clusters.terms("") == []


def test_summary_skips_near_identical_and_tiny_sentences() -> None:
    centroid = normalize(clusters.term_counts([clusters.terms("Пенсии должны расти вместе с ценами")]))
    summary = clusters.summarize(
        ["Пенсии должны расти вместе с ценами. ок!", "ПЕНСИИ ДОЛЖНЫ РАСТИ ВМЕСТЕ С ЦЕНАМИ!!", "Суды нужны."],
        centroid)
    assert summary == ["Пенсии должны расти вместе с ценами."]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_feature_of_is_the_hashers_column(term: str) -> None:
    assert clusters.feature_of(term) == int(clusters._hasher.transform([[term]]).indices[0])
    assert clusters.term_counts([[term]]).indices.tolist() == [clusters.feature_of(term)]
