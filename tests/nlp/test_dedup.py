"""Form-letter and near-duplicate grouping (kenes.nlp.dedup)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpus
from kenes.nlp import dedup
from kenes.nlp.text import fold

pytestmark = pytest.mark.nodb

LETTER_KK = (
    "Конституция жобасының 8-бабына жер мен табиғи ресурстардың халыққа тиесілі екені туралы нақты норма "
    "қосуды ұсынамын. Жер қойнауын пайдаланудан түскен табыс әр өңірдің дамуына әділ бөлінуі керек. "
    "Біздің ауылдағы жайылымдар жылдан жылға азайып барады, сондықтан жерді сатуға тыйым салынсын. "
    "Осы ұсынысты ескерулеріңізді сұраймын."
)
LETTER_RU = (
    "Прошу дополнить статью 26 проекта нормой о том, что земля и её недра принадлежат народу Казахстана. "
    "Доходы от добычи полезных ископаемых должны справедливо распределяться между регионами, а продажа "
    "сельскохозяйственных земель иностранцам должна быть запрещена. Прошу учесть моё предложение."
)
# Kazakh Cyrillic → Latin (2021 alphabet), written out for the test.
LATIN = str.maketrans({
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş",
    "ы": "y", "і": "ı", "я": "ia", "ю": "iu", "К": "K", "Ж": "J", "Б": "B", "О": "O", "Қ": "Q",
})
NO_KAZAKH_LETTERS = str.maketrans("әғқңөұүһі", "агкноуухи")


def kk_variants() -> list[str]:
    words = LETTER_KK.split()
    return [
        LETTER_KK,
        "Құрметті комиссия мүшелері! " + LETTER_KK,  # greeting added
        LETTER_KK + " Құрметпен, Айгүл Серікқызы, Атырау қаласы, тел. +7 701 123 45 67",  # signature added
        " ".join(w for i, w in enumerate(words) if i not in (3, 17, 30)),  # words dropped
        LETTER_KK.replace("ұсынамын", "ұсынамн").replace("өңірдің", "өнірдің").replace("жайылымдар", "жайлымдар"),
        LETTER_KK.upper(),  # case
        LETTER_KK.replace(".", "").replace(",", "") + "!!!",  # punctuation
        LETTER_KK.translate(LATIN),  # re-typed in Latin script
        LETTER_KK.translate(NO_KAZAKH_LETTERS),  # typed without Kazakh letters
        "Сәлеметсіздер ме! " + " ".join(words[:-3]).translate(LATIN).lower() + " Ізгі ниетпен, Ерлан",  # several at once
    ]


DIFFERENT_SAME_TOPIC = [
    "8-бапта жер халықтың меншігі деп жазылсын, бірақ шаруаларға жерді ұзақ мерзімге жалға беру құқығы сақталсын.",
    "Жер мәселесі бойынша: шетелдіктерге ауыл шаруашылығы жерін сатуға да, жалға беруге де тыйым салу керек.",
    "Пайдалы қазбалардан түсетін табыстың бір бөлігі Ұлттық қорға емес, тікелей облыстардың бюджетіне түссін.",
    "Статья 26: частная собственность на землю должна сохраниться, но с ограничением площади в одних руках.",
    "Предлагаю создать фонд будущих поколений, куда шли бы все доходы от нефти, и публиковать его отчёты ежегодно.",
    "Недра принадлежат народу, поэтому местные жители должны получать долю от добычи в своём районе.",
]


def groups_of(ids: list[str | None]) -> list[set[int]]:
    members: dict[str, set[int]] = {}
    for i, gid in enumerate(ids):
        if gid is not None:
            members.setdefault(gid, set()).add(i)
    return list(members.values())


def test_form_letter_variants_land_in_one_group() -> None:
    kk = kk_variants()
    ru = [
        LETTER_RU,
        "Здравствуйте! " + LETTER_RU + " С уважением, Ольга Петрова, г. Костанай",
        LETTER_RU.replace("распределяться", "распредлеяться").replace("иностранцам", "иностраннцам").lower(),
        LETTER_RU.replace(" полезных", "").replace(" сельскохозяйственных", "").replace(",", ""),
    ]
    ids = dedup.find_groups(kk + ru + DIFFERENT_SAME_TOPIC)
    assert ids[: len(kk)] == [ids[0]] * len(kk) and ids[0] is not None
    assert ids[len(kk) : len(kk) + len(ru)] == [ids[len(kk)]] * len(ru) and ids[len(kk)] is not None
    assert ids[0] != ids[len(kk)]


def test_different_proposals_on_the_same_topic_are_not_grouped() -> None:
    ids = dedup.find_groups([LETTER_KK, LETTER_RU, *DIFFERENT_SAME_TOPIC])
    assert ids == [None] * (2 + len(DIFFERENT_SAME_TOPIC))


def test_exact_duplicates_short_texts_and_empty_texts() -> None:
    texts = ["Қолдаймын!", "қолдаймын", "Qoldaimyn", "Келісемін", "", "   ", "!!! ...", "", "👍"]
    ids = dedup.find_groups(texts)
    assert ids[0] is not None and ids[0] == ids[1] == ids[2]
    assert ids[3] is None  # a different word
    assert ids[4:] == [None] * 5  # no words: never grouped, even with each other


def test_group_needs_two_members_and_ids_are_16_hex_digits() -> None:
    ids = dedup.find_groups([LETTER_KK, LETTER_RU])
    assert ids == [None, None]
    ids = dedup.find_groups([LETTER_RU, LETTER_KK, LETTER_KK.upper()])
    assert ids[0] is None
    assert ids[1] == ids[2]
    assert ids[1] is not None and len(ids[1]) == 16 and int(ids[1], 16) >= 0


def test_group_id_is_the_key_hash_of_the_earliest_member() -> None:
    greeting = "Құрметті комиссия мүшелері! " + LETTER_KK
    ids = dedup.find_groups([LETTER_RU, greeting, LETTER_KK])
    assert ids[1] == ids[2] == f"{dedup.key_hash(fold(greeting)):016x}"
    ids = dedup.find_groups([LETTER_KK, greeting])
    assert ids[0] == ids[1] == f"{dedup.key_hash(fold(LETTER_KK)):016x}"


def test_group_ids_stable_across_reruns_and_when_texts_are_appended() -> None:
    texts = [record["text"] for record, _ in corpus.records(1500, seed=7)]
    first = dedup.find_groups(texts)
    again = dedup.find_groups(list(texts))
    assert first == again
    more = [record["text"] for record, _ in corpus.records(600, seed=8)]
    appended = dedup.find_groups(texts + more + kk_variants())
    # Every proposal grouped before keeps its id (its group's earliest member is still the earliest).
    changed = [i for i, gid in enumerate(first) if gid is not None and appended[i] != gid]
    assert not changed
    assert sum(g is not None for g in first) > 300


def test_incremental_index_matches_new_texts_against_an_analysed_corpus(tmp_path: Path) -> None:
    base = [record["text"] for record, _ in corpus.records(1200, seed=3)]
    variants = kk_variants()
    batch1 = [*base, variants[0], "Единственное предложение без копий про выборы акимов в сёлах."]
    index = dedup.DedupIndex()
    ids1 = dedup.find_groups(batch1, index=index)
    assert ids1[len(base)] is None and ids1[len(base) + 1] is None
    state = tmp_path / "dedup.npz"
    index.save(state)

    loaded = dedup.DedupIndex.load(state)
    assert len(loaded) == len(index)
    batch2 = [variants[5], variants[7], "Единственное предложение без копий про выборы акимов в сёлах!"]
    ids2 = dedup.find_groups(batch2, index=loaded)
    full = dedup.find_groups(batch1 + batch2)
    # New copies join the letter seen in the first batch, with the id a full run gives.
    assert ids2[0] == ids2[1] == full[len(base)] is not None
    assert ids2[0] == f"{dedup.key_hash(fold(variants[0])):016x}"
    assert ids2[2] == full[len(base) + 1] is not None
    # Groups of the first batch keep their ids in the index.
    old_rows = {int(k): g for k, g in zip(index.keys.tolist(), index.groups.tolist(), strict=True)}
    for k, g in zip(loaded.keys.tolist()[: len(index)], loaded.groups.tolist()[: len(index)], strict=True):
        if old_rows[int(k)] != 0:
            assert g == old_rows[int(k)]
    # The full run agrees with the incremental one on the first batch.
    assert full[: len(base)] == ids1[: len(base)]


def test_incremental_merge_keeps_the_earlier_groups_id() -> None:
    words = LETTER_KK.split()
    head, tail = " ".join(words[:-8]), " ".join(words[8:])
    index = dedup.DedupIndex()
    ids1 = dedup.find_groups([head, head.upper(), tail, tail.lower()], index=index)
    assert ids1[0] == ids1[1] and ids1[2] == ids1[3] and ids1[0] != ids1[2]
    # The whole letter is close to both halves: it bridges the two groups, which become one that
    # keeps the id of the earlier group.
    ids2 = dedup.find_groups([LETTER_KK], index=index)
    assert ids2 == [ids1[0]]
    assert set(index.groups.tolist()) == {int(str(ids1[0]), 16)}


def test_state_file_damaged_or_incompatible(tmp_path: Path) -> None:
    index = dedup.DedupIndex()
    dedup.find_groups([LETTER_KK, LETTER_KK.upper()], index=index)
    path = tmp_path / "dedup.npz"
    index.save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["num_perm"] = np.array([128])
    np.savez(tmp_path / "other.npz", **arrays)
    with pytest.raises(ValueError, match="incompatible"):
        dedup.DedupIndex.load(tmp_path / "other.npz")
    arrays["num_perm"] = np.array([dedup.NUM_PERM])
    arrays["counts"] = arrays["counts"][:-1]
    np.savez(tmp_path / "short.npz", **arrays)
    with pytest.raises(ValueError, match="damaged"):
        dedup.DedupIndex.load(tmp_path / "short.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises((ValueError, OSError)):
        dedup.DedupIndex.load(tmp_path / "junk.npz")


def test_grouping_quality_on_a_generated_corpus() -> None:
    pairs = list(corpus.records(4000, seed=11))
    ids = dedup.find_groups([record["text"] for record, _ in pairs])
    gold = [doc.group for _, doc in pairs]

    def count(counter: Counter[object]) -> int:
        return sum(v * (v - 1) // 2 for v in counter.values())

    tp = count(Counter((p, g) for p, g in zip(ids, gold, strict=True) if p and g))
    precision = tp / count(Counter(p for p in ids if p))
    recall = tp / count(Counter(g for g in gold if g))
    assert precision >= 0.97 and recall >= 0.97, (precision, recall)


def test_text_key_equals_fold_on_the_corpus() -> None:
    texts = [record["text"] for record, _ in corpus.records(3000, seed=5)]
    assert [dedup.text_key(t) for t in texts] == [fold(t) for t in texts]


def test_lsh_pairs_are_linear_in_a_big_bucket() -> None:
    # 3,000 identical signatures: a star and a chain per band, never all 4.5 million pairs.
    sigs = np.zeros((3000, dedup.NUM_PERM), dtype=np.uint32)
    pairs = dedup.candidate_pairs(sigs, np.ones(3000, dtype=bool))
    assert len(pairs) < 2 * 3000
    assert (pairs[:, 0] < pairs[:, 1]).all()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_text_key_is_fold(text: str) -> None:
    assert dedup.text_key(text) == fold(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=30))
def test_find_groups_never_raises_on_arbitrary_text(texts: list[str]) -> None:
    ids = dedup.find_groups(texts)
    assert len(ids) == len(texts)
    sizes = Counter(i for i in ids if i is not None)
    assert all(size >= 2 for size in sizes.values())
    for text, gid in zip(texts, ids, strict=True):
        if not fold(text):
            assert gid is None


def test_state_round_trip_keeps_arrays(tmp_path: Path) -> None:
    index = dedup.DedupIndex()
    dedup.find_groups(kk_variants() + DIFFERENT_SAME_TOPIC, index=index)
    index.save(tmp_path / "s.npz")
    loaded = dedup.DedupIndex.load(tmp_path / "s.npz")
    for name in ("keys", "sigs", "counts", "groups"):
        assert np.array_equal(getattr(index, name), getattr(loaded, name))
    assert json.dumps(loaded.threshold) == json.dumps(dedup.THRESHOLD)


def test_truncated_state_file_is_a_clear_error(tmp_path: Path) -> None:
    index = dedup.DedupIndex()
    dedup.find_groups(kk_variants(), index=index)
    path = tmp_path / "dedup.npz"
    index.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="damaged"):
        dedup.DedupIndex.load(path)
    with pytest.raises(FileNotFoundError):
        dedup.DedupIndex.load(tmp_path / "absent.npz")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec=None, categories=["Cs", "Lu", "Ll", "Zs", "Cc", "Nd", "Po"]),
                        max_size=50), max_size=12))
def test_find_groups_survives_surrogates_and_control_characters(texts: list[str]) -> None:
    ids = dedup.find_groups(texts + texts)
    assert len(ids) == 2 * len(texts)
