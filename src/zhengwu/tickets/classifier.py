"""The ticket classifier: from the text of a call, the likely category and handling department.

Training (``train``, used by ``manage.py train_ticket_classifier``) segments the texts with jieba,
weighs the words and character bigrams by TF-IDF and fits one scikit-learn logistic regression
per target (category, department). The fitted model is saved as JSON (vocabulary, IDF weights,
coefficients and intercepts, rounded): a plain data file that any version of the code can read,
with no pickled code in it. Predicting needs only numpy and takes well under a millisecond.

Where the model lives: ``settings.TICKET_CLASSIFIER_PATH`` (``ZHENGWU_TICKET_CLASSIFIER_PATH``,
default ``<VAR_DIR>/tickets/classifier.json``); when that file does not exist, the model shipped
with the package (``tickets/data/classifier.json``, trained on the demo data). Each process loads
it once, on first use, and loads it again when the file changes. scikit-learn is imported only
when training.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhengwu.tickets.segment import bigrams, tokens

SHIPPED_PATH = Path(__file__).resolve().parent / "data" / "classifier.json.gz"
FORMAT = "zhengwu-ticket-classifier/1"


def features(text: str) -> list[str]:
    """The terms a text is weighed by: its jieba words and its character bigrams (``#``-marked)."""
    return tokens(text) + ["#" + g for g in sorted(bigrams(text))]


@dataclass(frozen=True)
class Guess:
    code: str
    probability: float


@dataclass(frozen=True)
class Prediction:
    category: Guess | None
    department: Guess | None


@dataclass
class Head:
    """One target: classes, coefficient matrix (classes × terms) and intercepts."""

    classes: list[str]
    coef: object  # numpy array
    intercept: object

    def predict(self, x) -> Guess | None:
        import numpy as np

        if not self.classes:
            return None
        if len(self.classes) == 1:
            return Guess(self.classes[0], 1.0)
        scores = self.coef @ x + self.intercept
        if scores.ndim == 0 or (len(self.classes) == 2 and scores.shape[0] == 1):
            p = 1 / (1 + math.exp(-float(np.ravel(scores)[0])))
            best = 1 if p >= 0.5 else 0
            return Guess(self.classes[best], round(p if best else 1 - p, 4))
        scores = scores - scores.max()
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum()
        best = int(probabilities.argmax())
        return Guess(self.classes[best], round(float(probabilities[best]), 4))


@dataclass
class Model:
    vocabulary: dict[str, int]
    idf: object
    category: Head
    department: Head
    meta: dict = field(default_factory=dict)

    def vector(self, text: str):
        import numpy as np

        x = np.zeros(len(self.vocabulary))
        for term, count in Counter(features(text)).items():
            index = self.vocabulary.get(term)
            if index is not None:
                x[index] = (1 + math.log(count)) * self.idf[index]
        norm = float(np.linalg.norm(x))
        return x / norm if norm else x

    def predict(self, text: str) -> Prediction:
        x = self.vector(text)
        return Prediction(self.category.predict(x), self.department.predict(x))

    # --- storage --------------------------------------------------------------------------------

    def to_json(self) -> dict:
        def head(h: Head) -> dict:
            return {
                "classes": h.classes,
                "coef": [[round(float(v), 5) for v in row] for row in h.coef],
                "intercept": [round(float(v), 5) for v in h.intercept],
            }

        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        return {
            "format": FORMAT,
            "meta": self.meta,
            "terms": terms,
            "idf": [round(float(v), 5) for v in self.idf],
            "category": head(self.category),
            "department": head(self.department),
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        import numpy as np

        if data.get("format") != FORMAT:
            raise ValueError(f"not a ticket classifier model: {data.get('format')!r}")

        terms = len(data["terms"])

        def head(h: dict) -> Head:
            return Head(
                list(h["classes"]),
                np.asarray(h["coef"], dtype=float).reshape(len(h["coef"]), terms),
                np.asarray(h["intercept"], dtype=float),
            )

        return cls(
            vocabulary={t: i for i, t in enumerate(data["terms"])},
            idf=np.asarray(data["idf"], dtype=float),
            category=head(data["category"]),
            department=head(data["department"]),
            meta=data.get("meta") or {},
        )

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        tmp = path.with_name(path.name + ".tmp")
        if path.suffix == ".gz":
            tmp.write_bytes(gzip.compress(payload.encode(), mtime=0))
        else:
            tmp.write_text(payload, encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> Model:
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return cls.from_json(json.loads(raw.decode("utf-8")))


# --- training ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A text and its labels; an empty label leaves the sample out of that target."""

    text: str
    category: str
    department: str


@dataclass(frozen=True)
class Report:
    trained_on: int
    tested_on: int
    category_accuracy: float | None
    department_accuracy: float | None
    categories: int
    departments: int


def split(samples: Sequence[Sample], *, test_share: float, seed: int):
    """A reproducible shuffle into (train, test); the test part is empty when ``test_share``
    is 0 or there are fewer than ten samples."""
    rows = list(samples)
    random.Random(seed).shuffle(rows)  # noqa: S311 (a reproducible split, not a secret)
    n_test = int(len(rows) * test_share) if len(rows) >= 10 else 0
    return rows[n_test:], rows[:n_test]


def _fit(samples: Sequence[Sample], *, min_df: int = 1) -> Model:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, min_df=min_df, norm="l2", smooth_idf=True
    )
    x = vectorizer.fit_transform([s.text for s in samples])

    def head(labels: list[str]) -> Head:
        """One target, fitted on the samples that have a label for it."""
        rows = [i for i, label in enumerate(labels) if label]
        classes = sorted({labels[i] for i in rows})
        if len(classes) < 2:
            return Head(classes, np.zeros((len(classes), x.shape[1])), np.zeros(len(classes)))
        fitted = LogisticRegression(C=10.0, max_iter=2000).fit(x[rows], [labels[i] for i in rows])
        return Head([str(c) for c in fitted.classes_], fitted.coef_, fitted.intercept_)

    return Model(
        vocabulary={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_,
        category=head([s.category for s in samples]),
        department=head([s.department for s in samples]),
    )


def _accuracy(pairs: list[tuple[Guess | None, str]]) -> float | None:
    """The share of guesses that name the true label (None when there is nothing to check)."""
    if not pairs:
        return None
    return sum(g is not None and g.code == label for g, label in pairs) / len(pairs)


def train(
    samples: Sequence[Sample], *, test_share: float = 0.2, seed: int = 12345
) -> tuple[Model, Report]:
    """Fit on a share of the samples, measure accuracy on the rest, then refit on all of them
    (the saved model learns from every sample; the accuracy is the held-out estimate)."""
    if len(samples) < 2:
        raise ValueError("at least two samples are needed")
    train_rows, test_rows = split(samples, test_share=test_share, seed=seed)
    category_accuracy = department_accuracy = None
    if test_rows:
        held_out = _fit(train_rows)
        guesses = [(held_out.predict(s.text), s) for s in test_rows]
        category_accuracy = _accuracy([(g.category, s.category) for g, s in guesses if s.category])
        department_accuracy = _accuracy(
            [(g.department, s.department) for g, s in guesses if s.department]
        )
    model = _fit(samples)
    report = Report(
        trained_on=len(train_rows),
        tested_on=len(test_rows),
        category_accuracy=category_accuracy,
        department_accuracy=department_accuracy,
        categories=len(model.category.classes),
        departments=len(model.department.classes),
    )
    model.meta = {
        "samples": len(samples),
        "category_accuracy": category_accuracy,
        "department_accuracy": department_accuracy,
    }
    return model, report


# --- the model of this process -------------------------------------------------------------------

_CACHE: dict = {}
_CACHE_LOCK = threading.Lock()


def configured_path() -> Path:
    from django.conf import settings

    return Path(settings.TICKET_CLASSIFIER_PATH)


def model_path() -> Path | None:
    """The file the current model comes from: the configured one, else the shipped one (unless
    ``TICKET_CLASSIFIER_SHIPPED`` is off)."""
    from django.conf import settings

    paths = [configured_path()]
    if getattr(settings, "TICKET_CLASSIFIER_SHIPPED", True):
        paths.append(SHIPPED_PATH)
    for path in paths:
        if path.is_file():
            return path
    return None


def current_model() -> Model | None:
    """The model, loaded once per process and again when its file changes; None when there
    is none (the routing rules decide then) or it cannot be read."""
    path = model_path()
    if path is None:
        return None
    stamp = (str(path), path.stat().st_mtime_ns)
    cached = _CACHE.get("model")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _CACHE_LOCK:
        try:
            model = Model.load(path)
        except (OSError, ValueError, KeyError):
            model = None
        _CACHE["model"] = (stamp, model)
    return model


def predict(text: str) -> Prediction | None:
    model = current_model()
    if model is None or not (text or "").strip():
        return None
    return model.predict(text)
