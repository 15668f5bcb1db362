"""Semantic clusters of proposals: hashed TF-IDF → TruncatedSVD → MiniBatchKMeans.

- Features: the `search_terms` of each text (stemmed, stop words removed, folded), hashed into
  `N_FEATURES` columns (`term_counts`), weighted by TF-IDF (sublinear tf, L2 norm).
- A `N_COMPONENTS`-dimensional LSA space (TruncatedSVD fitted on a sample of at most `SVD_SAMPLE`
  rows), rows normalised, so Euclidean k-means behaves like cosine k-means.
- The number of clusters is chosen from the data: MiniBatchKMeans is fitted on a sample for each
  candidate k in `k_candidates(n)` and the k with the best silhouette (cosine, on a sample of at
  most `SILHOUETTE_SAMPLE` rows) wins; the final model is fitted on all rows with that k.
- Each cluster gets: its most distinctive terms (cluster mean TF-IDF minus corpus mean), shown in
  their most frequent surface form among the cluster's central texts (`describe`); representative
  texts (closest to the centroid); a 1–3 sentence extractive summary (sentences of the central texts
  closest to the cluster's TF-IDF centroid, near-identical sentences skipped).

Deterministic for a given seed: every random step takes `random_state=seed`, samples are drawn with
`numpy.random.default_rng(seed)`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils import murmurhash3_32
from threadpoolctl import threadpool_limits

from kenes.nlp.text import fold, search_terms

N_FEATURES = 2**18
N_COMPONENTS = 64
SVD_SAMPLE = 60_000
SELECT_SAMPLE = 12_000
SILHOUETTE_SAMPLE = 2_000
MIN_CLUSTER_DOCS = 20  # below this many texts there is nothing to cluster
MAX_MEAN_CLUSTER = 2_000  # texts per cluster on average, at most (`k_floor`)
MAX_K = 256
_K_LADDER = (2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256)
LABEL_TERMS = 4
REPRESENTATIVES = 3
SUMMARY_SENTENCES = 2

_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_TERM_CACHE_MAX = 500_000
_term_cache: dict[str, list[str]] = {}


def _identity(terms: list[str]) -> list[str]:
    return terms


_hasher = HashingVectorizer(n_features=N_FEATURES, analyzer=_identity, alternate_sign=False, norm=None,
                            dtype=np.float32)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a raw text (cheap; the same token pattern as `text.tokenize`)."""
    return _TOKEN.findall(text.lower())


def term_of_token(token: str) -> list[str]:
    """`search_terms` of one token, cached (a corpus repeats a few tens of thousands of words)."""
    cached = _term_cache.get(token)
    if cached is None:
        if len(_term_cache) > _TERM_CACHE_MAX:
            _term_cache.clear()
        cached = search_terms(token)
        _term_cache[token] = cached
    return cached


def terms(text: str) -> list[str]:
    """The search terms of a text, token by token through the cache.

    Equivalent to `search_terms(text)` token by token, at a fraction of the cost on large batches
    (measured: `search_terms` takes ~0.8 ms per proposal; this ~20 µs)."""
    out: list[str] = []
    for token in tokens(text):
        out.extend(term_of_token(token))
    return out


def term_counts(term_lists: Sequence[list[str]]) -> sparse.csr_matrix:
    """Hashed term counts (len × N_FEATURES, float32 CSR)."""
    if not term_lists:
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    matrix: sparse.csr_matrix = _hasher.transform(term_lists)
    return matrix


def feature_of(term: str) -> int:
    """The hashed column of a term (as `term_counts` puts it): the signed 32-bit MurmurHash3 of its
    UTF-8 bytes, seed 0, as sklearn's FeatureHasher computes it, without building a matrix."""
    h = int(murmurhash3_32(term.encode("utf-8"), seed=0))
    if h == -(2**31):
        return (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES
    return abs(h) % N_FEATURES


def k_floor(n: int) -> int:
    """The fewest clusters for n texts: ceil(n / MAX_MEAN_CLUSTER), at least 2.

    Why a floor: the silhouette measures how well separated clusters are, not how useful they are.
    On a large corpus about a few broad subjects it prefers a handful of huge clusters (measured: 4
    clusters for ~66,000 texts), and a working group cannot read, let alone answer, a "cluster" of
    tens of thousands of proposals. A cluster is worth something when one person can go through its
    summary, representatives and a good part of its members: about a working day's reading, which
    we put at `MAX_MEAN_CLUSTER` (2,000) texts. So the floor keeps the *average* cluster at most
    that big; sizes still vary (the largest may be a few times the mean), the silhouette still picks
    the number among the candidates at or above the floor, and the floor only grows linearly, so
    it splits broad subjects into sub-subjects rather than inventing subjects. Below 2 ×
    MAX_MEAN_CLUSTER texts (the demo's 2,000 proposals, every test corpus) the floor is 2, the old
    minimum: small corpora are clustered as before."""
    return max(2, -(-n // MAX_MEAN_CLUSTER))


def k_candidates(n: int) -> list[int]:
    """Candidate cluster counts for n texts, all at or above `k_floor(n)`.

    Small corpora: 2 up to about sqrt(n/2), capped at 64 (the ladder 2, 3, 4, 6, … 64). Large ones:
    the floor, then 1.25×, 1.5× and 2× the floor and the rungs of the ladder in between (up to
    the larger of the sqrt rule and 2× the floor, never above `MAX_K`)."""
    floor = min(k_floor(n), MAX_K)
    top = int(min(64, max(2, np.sqrt(n / 2))))
    if floor <= 2:
        ks = {k for k in _K_LADDER if k <= top}
    else:
        top = min(MAX_K, max(top, 2 * floor))
        ks = {floor} | {k for k in _K_LADDER if floor <= k <= top}
        ks |= {min(top, round(floor * f)) for f in (1.25, 1.5, 2.0)}
    return sorted(ks) or [2]


@dataclass
class ClusterFit:
    """Cluster of every row (-1: not clustered), centroids in TF-IDF space (k × N_FEATURES, CSR),
    the silhouette of each candidate k, and each row's distance to its centroid in LSA space."""

    labels: NDArray[np.int32]
    k: int
    silhouettes: dict[int, float]
    distances: NDArray[np.float32]
    tfidf_centroids: sparse.csr_matrix
    distinctive: list[list[int]]  # per cluster: feature columns, most distinctive first
    sizes: list[int] = field(default_factory=list)
    columns: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # hashed columns in use
    df: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # texts with each column
    n_docs: int = 0  # texts clustered (with at least one term)


def fit(counts: sparse.csr_matrix, *, seed: int = 0, k: int | None = None) -> ClusterFit:
    """Cluster the rows of a hashed term-count matrix. Rows without any term get -1.

    Runs with one BLAS/OpenMP thread: on a shared 2-core machine more threads made it ~25× slower
    (measured: 20.7 s against 0.8 s for 1,000 rows), and the pipeline's workers use the cores."""
    with threadpool_limits(limits=1):
        return _fit(counts, seed=seed, k=k)


def _fit(counts: sparse.csr_matrix, *, seed: int, k: int | None) -> ClusterFit:
    n = counts.shape[0]
    labels = np.full(n, -1, dtype=np.int32)
    distances = np.zeros(n, dtype=np.float32)
    has_terms = np.flatnonzero(np.diff(counts.indptr) > 0)
    empty = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    if len(has_terms) < MIN_CLUSTER_DOCS:
        return ClusterFit(labels, 0, {}, distances, empty, [])
    rng = np.random.default_rng(seed)
    x = counts[has_terms]
    # Only the columns in use (a few tens of thousands of the 2**18): SVD gets ~20× cheaper.
    columns = np.unique(x.indices)
    x = x[:, columns]
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(x).astype(np.float32)
    m = x.shape[0]
    n_comp = int(min(N_COMPONENTS, max(2, min(m, x.shape[1]) - 1)))
    svd = TruncatedSVD(n_components=n_comp, random_state=seed, algorithm="randomized", n_iter=4)
    fit_rows = np.sort(rng.choice(m, SVD_SAMPLE, replace=False)) if m > SVD_SAMPLE else np.arange(m)
    svd.fit(tfidf[fit_rows])
    lsa = l2_normalize(svd.transform(tfidf).astype(np.float32))

    silhouettes: dict[int, float] = {}
    if k is None:
        select = np.sort(rng.choice(m, SELECT_SAMPLE, replace=False)) if m > SELECT_SAMPLE else np.arange(m)
        scored = np.sort(rng.choice(len(select), SILHOUETTE_SAMPLE, replace=False)) \
            if len(select) > SILHOUETTE_SAMPLE else np.arange(len(select))
        for cand in k_candidates(m):
            if cand >= len(select):
                continue
            model = MiniBatchKMeans(n_clusters=cand, random_state=seed, n_init=1, batch_size=2048)
            cand_labels = model.fit_predict(lsa[select])
            if len(set(cand_labels[scored].tolist())) < 2:
                continue
            silhouettes[cand] = cosine_silhouette(lsa[select][scored], cand_labels[scored])
        k = max(silhouettes, key=lambda c: (round(silhouettes[c], 3), c)) if silhouettes else k_floor(m)
    k = int(min(k, m))
    model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096)
    sub_labels = model.fit_predict(lsa).astype(np.int32)
    # Renumber clusters by size (largest first, ties by first row) so ids read naturally.
    sizes = np.bincount(sub_labels, minlength=k)
    first_row = np.full(k, m, dtype=np.int64)
    np.minimum.at(first_row, sub_labels, np.arange(m))
    order = sorted(range(k), key=lambda c: (-sizes[c], first_row[c]))
    order = [c for c in order if sizes[c] > 0]
    renumber = np.full(k, -1, dtype=np.int32)
    renumber[order] = np.arange(len(order), dtype=np.int32)
    sub_labels = renumber[sub_labels]
    k = len(order)
    centers = l2_normalize(model.cluster_centers_[order].astype(np.float32))
    sub_dist = np.linalg.norm(lsa - centers[sub_labels], axis=1).astype(np.float32)
    labels[has_terms] = sub_labels
    distances[has_terms] = sub_dist

    onehot = sparse.csr_matrix((np.ones(m, dtype=np.float32), (sub_labels, np.arange(m))), shape=(k, m))
    sizes_k = np.asarray(onehot.sum(axis=1)).ravel()
    centroids = sparse.csr_matrix(sparse.diags(1.0 / sizes_k) @ (onehot @ tfidf))
    overall = np.asarray(tfidf.mean(axis=0)).ravel()
    distinctive: list[list[int]] = []
    for c in range(k):
        row = centroids.getrow(c)
        # Over-representation weighted by weight in the cluster (a KL-divergence term): words
        # frequent everywhere ("керек", "нужно") score low, the cluster's own words high.
        gain = row.data * np.log(row.data / np.maximum(overall[row.indices], 1e-9))
        top = row.indices[np.lexsort((row.indices, -gain))][: LABEL_TERMS * 4]
        distinctive.append([int(t) for t in columns[top]])
    # Centroids back in the full hashed space (for scoring sentences by `term_counts`).
    centroids = sparse.csr_matrix((centroids.data, columns[centroids.indices], centroids.indptr),
                                  shape=(k, N_FEATURES))
    df = np.bincount(x.indices, minlength=len(columns)).astype(np.int32)
    return ClusterFit(labels, k, silhouettes, distances, centroids, distinctive, [int(s) for s in sizes_k],
                      columns=columns.astype(np.int32), df=df, n_docs=m)


def cosine_silhouette(points: NDArray[np.float32], labels: NDArray[np.int32]) -> float:
    """Mean silhouette with cosine distance of L2-normalised points (one matrix product; sklearn's
    `silhouette_score` does the same in ~20× the time here)."""
    distance = np.clip(1.0 - points @ points.T, 0.0, 2.0)
    _, dense = np.unique(labels, return_inverse=True)
    k = int(dense.max()) + 1
    onehot = np.zeros((len(points), k), dtype=np.float32)
    onehot[np.arange(len(points)), dense] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distance @ onehot  # n × k: total distance of each point to each cluster
    own = sums[np.arange(len(points)), dense]
    own_size = sizes[dense]
    a = np.where(own_size > 1, own / np.maximum(own_size - 1, 1), 0.0)
    mean_other = np.where(onehot > 0, np.inf, sums / np.maximum(sizes, 1))
    b = mean_other.min(axis=1)
    scores = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(scores.mean())


@dataclass
class ClusterInfo:
    id: int
    size: int
    label: str
    terms: list[str]
    representatives: list[int]  # row indices, closest to the centroid first
    summary: list[str]
    language: str


def central_rows(result: ClusterFit, cluster: int, limit: int) -> list[int]:
    """Rows of a cluster closest to its centroid (ties by row)."""
    rows = np.flatnonzero(result.labels == cluster)
    order = np.lexsort((rows, result.distances[rows]))
    return [int(r) for r in rows[order][:limit]]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 1]


def describe(result: ClusterFit, text_of: Callable[[list[int]], list[str]],
             language_of: Callable[[list[int]], list[str]], *, sample: int = 60) -> list[ClusterInfo]:
    """Labels, representatives and summaries; `text_of(rows)` and `language_of(rows)` give the raw
    texts and languages of rows (the caller may read them back from a file)."""
    infos: list[ClusterInfo] = []
    for c in range(result.k):
        rows = central_rows(result, c, sample)
        texts = text_of(rows)
        languages = Counter(language_of(rows))
        language = languages.most_common(1)[0][0] if languages else "other"
        wanted = result.distinctive[c]
        # Most frequent surface form of each distinctive feature among the central texts.
        surfaces: dict[int, Counter[str]] = {f: Counter() for f in wanted}
        for text in texts:
            for token in tokens(text):
                for term in term_of_token(token):
                    col = feature_of_cached(term)
                    if col in surfaces:
                        surfaces[col][token] += 1
        label_terms: list[str] = []
        for f in wanted:
            if surfaces[f]:
                surface = surfaces[f].most_common(1)[0][0]
                if surface not in label_terms and not any(ch.isdigit() for ch in surface):  # not "8-бапқа"
                    label_terms.append(surface)
        label_terms = label_terms[:LABEL_TERMS]
        centroid = result.tfidf_centroids.getrow(c)
        infos.append(ClusterInfo(
            id=c,
            size=result.sizes[c],
            label=", ".join(label_terms) if label_terms else f"#{c}",
            terms=label_terms,
            representatives=rows[:REPRESENTATIVES],
            summary=summarize(texts[:10], centroid),
            language=language,
        ))
    return infos


_feature_cache: dict[str, int] = {}


def feature_of_cached(term: str) -> int:
    col = _feature_cache.get(term)
    if col is None:
        if len(_feature_cache) > _TERM_CACHE_MAX:
            _feature_cache.clear()
        col = _feature_cache[term] = feature_of(term)
    return col


def summarize(texts: Sequence[str], centroid: sparse.csr_matrix, limit: int = SUMMARY_SENTENCES) -> list[str]:
    """The sentences of `texts` closest to a TF-IDF centroid, at most `limit`, no two alike."""
    sentences: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for sentence in split_sentences(text):
            key = fold(sentence)
            if key.count(" ") >= 2 and key not in seen and len(sentence) <= 400:
                seen.add(key)
                sentences.append(sentence)
    if not sentences:
        return []
    vectors = l2_normalize(term_counts([terms(s) for s in sentences]))
    scores = np.asarray((vectors @ centroid.T).todense()).ravel()
    order = np.lexsort((np.arange(len(sentences)), -scores))
    return [sentences[i] for i in order[:limit] if scores[i] > 0]


# --------------------------------------------------------------------------------------------
# Clusters kept between runs: new texts join the nearest one when close enough
# --------------------------------------------------------------------------------------------

JOIN_SIMILARITY = 0.20
CENTROID_TERMS = 1_000
_MODEL_VERSION = 1


@dataclass
class ClusterModel:
    """The clusters of earlier runs, as an incremental run needs them to place new texts.

    - `keys`: the caller's name of each cluster (the workspace's group keys, "c3", "r12c0" …);
    - `centroids`: each cluster's mean TF-IDF vector in the hashed feature space (len(keys) ×
      `N_FEATURES`), cut to its `CENTROID_TERMS` heaviest columns and L2-normalised;
    - the document frequency `df` of every hashed column (`idf_columns`) seen in at least two texts
      of the run that built the model, and `n_docs` of that run: the IDF weights (as sklearn's
      TfidfTransformer with `smooth_idf` computes them; a column seen once or never gets the IDF of
      an unseen term, the difference is ln 2 at most);
    - `threshold`: the cosine similarity a new text needs with its nearest centroid to join it.

    A new text is weighted like the clustered ones (sublinear tf × IDF, L2 norm) and joins the
    cluster with the nearest centroid (cosine) when the similarity reaches `threshold`
    (`JOIN_SIMILARITY`, 0.20). Why 0.20: a text scores against a centroid by the share of its
    weight on the cluster's words. Measured (tests/nlp/test_clusters_incremental.py corpora, kk and
    ru): texts of a cluster's subject not seen in the fit score 0.28–0.55 against its centroid
    (5th percentile 0.38; a new wording in one sentence ~0.30), texts on another subject 0.0–0.13
    (they share only words every subject uses, "керек", "нужно", "болсын", which IDF weighs
    down). 0.20 sits in that gap, closer to the unrelated side so short texts on a known subject
    still join; tests check both sides. Centroids are not moved by the texts that join (a run's
    clusters stay what the analysts saw); clusters formed by an incremental run are added with
    `extend`, in the same IDF weighting. Small: at most 1,000 columns per cluster (float16) and the
    counts of the columns seen twice or more, a few hundred kB compressed at most (`to_bytes`)."""

    keys: list[str]
    centroids: sparse.csr_matrix
    idf_columns: NDArray[np.int32]
    df: NDArray[np.int32]
    n_docs: int
    threshold: float = JOIN_SIMILARITY
    _idf: NDArray[np.float32] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.centroids.shape != (len(self.keys), N_FEATURES):
            raise ValueError(f"centroids must be {len(self.keys)} × {N_FEATURES}, got {self.centroids.shape}")
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("cluster keys must be distinct")
        if self.idf_columns.shape != self.df.shape:
            raise ValueError("idf_columns and df must have the same length")
        if len(self.idf_columns) and (self.idf_columns.min() < 0 or self.idf_columns.max() >= N_FEATURES):
            raise ValueError("idf_columns outside the hashed feature space")
        if self.n_docs < 0 or (len(self.df) and int(self.df.max()) > self.n_docs):
            raise ValueError("document frequencies larger than the number of documents")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")

    def __len__(self) -> int:
        return len(self.keys)

    def idf(self) -> NDArray[np.float32]:
        """IDF of every hashed column (length `N_FEATURES`)."""
        if self._idf is None:
            idf = np.full(N_FEATURES, np.log(1.0 + self.n_docs) + 1.0, dtype=np.float32)
            idf[self.idf_columns] = np.log((1.0 + self.n_docs) / (1.0 + self.df)) + 1.0
            self._idf = idf
        return self._idf

    def tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Hashed term counts weighted like the clustered texts: (1 + ln tf) × IDF, rows L2-normalised."""
        x = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
        if not x.shape[0]:
            return x
        x.sum_duplicates()
        x.data = (np.log(x.data) + 1.0).astype(np.float32)
        x.data *= self.idf()[x.indices]
        matrix: sparse.csr_matrix = l2_normalize(x)
        return matrix

    def nearest(self, counts: sparse.csr_matrix) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
        """Nearest cluster of each row and the cosine similarity to it (-1 and 0 for a row without
        terms or an empty model)."""
        n = counts.shape[0]
        best = np.full(n, -1, dtype=np.int32)
        score = np.zeros(n, dtype=np.float32)
        if not n or not len(self.keys):
            return best, score
        sims = (self.tfidf(counts) @ self.centroids.T).toarray()
        best = sims.argmax(axis=1).astype(np.int32)
        score = sims[np.arange(n), best].astype(np.float32)
        best[score <= 0] = -1
        score[score <= 0] = 0.0
        return best, score

    def assign(self, counts: sparse.csr_matrix) -> NDArray[np.int32]:
        """The cluster (index into `keys`) each row joins, -1 when no centroid is close enough."""
        best, score = self.nearest(counts)
        best[score < self.threshold] = -1
        return best

    def subset(self, keys: Sequence[str]) -> ClusterModel:
        """The model restricted to the clusters named in `keys` (unknown names are ignored)."""
        wanted = set(keys)
        rows = [i for i, key in enumerate(self.keys) if key in wanted]
        return ClusterModel([self.keys[i] for i in rows], sparse.csr_matrix(self.centroids[rows]),
                            self.idf_columns, self.df, self.n_docs, self.threshold)

    def extend(self, counts: sparse.csr_matrix, labels: NDArray[np.int32], keys: Sequence[str]) -> ClusterModel:
        """The model with new clusters added: cluster j has the rows labelled j, named `keys[j]`
        (rows labelled -1 are left out), weighted with this model's IDF."""
        if len(labels) != counts.shape[0]:
            raise ValueError("one label per row is needed")
        clash = set(keys) & set(self.keys)
        if clash:
            raise ValueError(f"cluster keys already in the model: {sorted(clash)[:5]}")
        added = centroids_of(self.tfidf(counts), labels, len(keys))
        return ClusterModel([*self.keys, *keys], sparse.vstack([self.centroids, added], format="csr"),
                            self.idf_columns, self.df, self.n_docs, self.threshold)

    @classmethod
    def from_fit(cls, counts: sparse.csr_matrix, result: ClusterFit, keys: Sequence[str],
                 threshold: float = JOIN_SIMILARITY) -> ClusterModel:
        """The model of a fit: `counts` are the rows `fit` was given, `keys` name its clusters."""
        if len(keys) != result.k:
            raise ValueError(f"{result.k} cluster keys are needed, got {len(keys)}")
        frequent = result.df >= 2
        empty = cls([], sparse.csr_matrix((0, N_FEATURES), dtype=np.float32),
                    result.columns[frequent].astype(np.int32), result.df[frequent].astype(np.int32),
                    result.n_docs, threshold)
        return empty.extend(counts, result.labels, keys)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        c = self.centroids
        np.savez_compressed(
            buffer,
            version=np.array([_MODEL_VERSION], dtype=np.int32),
            keys=np.array(self.keys, dtype=np.str_),
            data=c.data.astype(np.float16), indices=c.indices.astype(np.int32), indptr=c.indptr.astype(np.int64),
            idf_columns=self.idf_columns.astype(np.int32), df=self.df.astype(np.int32),
            n_docs=np.array([self.n_docs], dtype=np.int64), threshold=np.array([self.threshold], dtype=np.float64),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ClusterModel:
        """A model stored by `to_bytes`; ValueError when the bytes are not one."""
        try:
            with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as f:
                if int(f["version"][0]) != _MODEL_VERSION:
                    raise ValueError(f"unknown cluster model version {int(f['version'][0])}")
                keys = [str(k) for k in f["keys"].tolist()]
                centroids = sparse.csr_matrix(
                    (f["data"].astype(np.float32), f["indices"], f["indptr"]), shape=(len(keys), N_FEATURES))
                return cls(keys, centroids, f["idf_columns"], f["df"], int(f["n_docs"][0]), float(f["threshold"][0]))
        except (OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"not a stored cluster model ({type(exc).__name__}: {exc})") from exc


def centroids_of(tfidf: sparse.csr_matrix, labels: NDArray[np.int32], k: int,
                 terms_kept: int = CENTROID_TERMS) -> sparse.csr_matrix:
    """k × N_FEATURES: the mean TF-IDF row of each label 0..k-1, cut to its `terms_kept` heaviest
    columns, L2-normalised (a label without rows gets an empty row)."""
    rows = np.flatnonzero((labels >= 0) & (labels < k))
    onehot = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (labels[rows], rows)),
                               shape=(k, tfidf.shape[0]))
    sums = sparse.csr_matrix(onehot @ tfidf)
    data: list[NDArray[np.float32]] = []
    indices: list[NDArray[np.int32]] = []
    indptr = [0]
    for c in range(k):
        lo, hi = sums.indptr[c], sums.indptr[c + 1]
        values, cols = sums.data[lo:hi], sums.indices[lo:hi]
        if len(values) > terms_kept:
            top = np.lexsort((cols, -values))[:terms_kept]
            values, cols = values[top], cols[top]
        order = np.argsort(cols)
        values, cols = values[order].astype(np.float32), cols[order].astype(np.int32)
        norm = float(np.linalg.norm(values))
        data.append(values / norm if norm > 0 else values)
        indices.append(cols)
        indptr.append(indptr[-1] + len(cols))
    return sparse.csr_matrix(
        (np.concatenate(data) if data else np.zeros(0, dtype=np.float32),
         np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
         np.array(indptr, dtype=np.int64)),
        shape=(k, N_FEATURES))
