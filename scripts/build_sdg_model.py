"""Train the SDG suggestion model shipped with citydip (build time only; needs numpy + scikit-learn).

Features: the practice text embedded by citydip's static multilingual model (256 dims). Model: one
logistic regression per goal (one-vs-rest), trained on the UNDP SDG Commons urban solutions that carry
SDG labels in ../shared/data/practices/corpus.jsonl. Metrics are measured on a held-out 20 % split
(seeded), then the model is refitted on all labelled records and written as a small .npz (17 x 256
weights + biases).

    PYTHONPATH=src /tmp/buildvenv/bin/python scripts/build_sdg_model.py \
        --corpus ../shared/data/practices/corpus.jsonl --out src/citydip/practices/search/data
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from citydip.practices.search.embedding import load_embedder
from citydip.practices.search.sdg import GOALS, sdg_text

SEED = 20240611


def load(corpus: Path) -> tuple[list[str], np.ndarray]:
    """Return texts and a (n, 17) 0/1 label matrix of the labelled records."""
    texts, labels = [], []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        goals = [int(g) for g in rec.get("sdgs") or [] if 1 <= int(g) <= 17]
        if not goals:
            continue
        texts.append(sdg_text(rec.get("title") or "", rec.get("text") or ""))
        row = np.zeros(len(GOALS))
        row[[g - 1 for g in goals]] = 1
        labels.append(row)
    return texts, np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, c: float, balanced: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per goal; returns (weights (17, d), biases (17,))."""
    w = np.zeros((y.shape[1], x.shape[1]))
    b = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # goal never (or always) present: constant prior
            b[j] = 10.0 if y[0, j] else -10.0
            continue
        m = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=2000)
        m.fit(x, y[:, j])
        w[j], b[j] = m.coef_[0], m.intercept_[0]
    return w, b


def metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Top-k metrics of predicted probabilities p against true labels y."""
    top3 = np.argsort(-p, axis=1)[:, :3]
    top1 = top3[:, 0]
    hit1 = y[np.arange(len(y)), top1]
    rel3 = np.take_along_axis(y, top3, axis=1)
    n_true = y.sum(axis=1)
    # goal 11 is on nearly every record (urban solutions); measure the others separately too
    y_no11 = y.copy()
    y_no11[:, 10] = 0
    p_no11 = p.copy()
    p_no11[:, 10] = -1
    top3_no11 = np.argsort(-p_no11, axis=1)[:, :3]
    rel3_no11 = np.take_along_axis(y_no11, top3_no11, axis=1)
    has_other = y_no11.sum(axis=1) > 0
    return {
        "records": len(y),
        "top1_accuracy": round(float(hit1.mean()), 4),
        "precision_at_3": round(float(rel3.sum(axis=1).mean() / 3), 4),
        "recall_at_3": round(float((rel3.sum(axis=1) / np.minimum(n_true, 3)).mean()), 4),
        "any_hit_at_3": round(float((rel3.sum(axis=1) > 0).mean()), 4),
        "excluding_goal_11_top1_accuracy": round(float(rel3_no11[has_other, 0].mean()), 4),
        "excluding_goal_11_any_hit_at_3": round(float((rel3_no11[has_other].sum(axis=1) > 0).mean()), 4),
    }


def main() -> None:
    """Measure on a held-out split, print JSON, refit on everything and save."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--c", type=float, default=1.0)
    args = ap.parse_args()
    emb = load_embedder()
    texts, y = load(args.corpus)
    x, ok = emb.embed_many(texts)
    x, y = x[ok], y[ok]
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(y))
    cut = int(len(y) * 0.8)
    tr, te = order[:cut], order[cut:]
    report: dict[str, object] = {"labelled_records": len(y), "split_seed": SEED, "held_out": len(te)}
    # prior baseline: always suggest the three most frequent goals of the training part
    prior = np.tile(y[tr].mean(axis=0), (len(te), 1))
    report["baseline_most_frequent_goals"] = metrics(prior, y[te])
    for balanced in (False, True):
        for c in (1.0, 10.0, 100.0):
            w, b = fit(x[tr], y[tr], c, balanced)
            p = 1 / (1 + np.exp(-(x[te] @ w.T + b)))
            report[f"held_out_C{c:g}{'_balanced' if balanced else ''}"] = metrics(p, y[te])
    w, b = fit(x, y, args.c)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "sdg_model.npz", weights=w.astype(np.float32), biases=b.astype(np.float32))
    report["shipped_C"] = args.c
    (args.out / "sdg_model_metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
