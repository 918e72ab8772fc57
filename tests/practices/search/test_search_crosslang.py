"""Cross-language retrieval, the static embedding model and the language guess, on the fixture corpus."""

from __future__ import annotations

import time

import numpy as np

from citydip.practices.search import SqliteSearchEngine, detect_language, load_embedder
from practices.search.practice_search_helpers import ext_ids, fixture_documents


def test_german_cycling_query_finds_english_and_italian_cycling_practices(engine: SqliteSearchEngine) -> None:
    top = ext_ids(engine.search("Radwege ausbauen", limit=3))
    assert {"fx-en-cycle", "fx-it-cycle", "fx-de-cycle"} == set(top)


def test_queries_in_four_languages_find_the_english_practice(engine: SqliteSearchEngine) -> None:
    cases = {
        "Wärmepumpen in Wohngebäuden": "fx-en-heatpump",
        "piantare alberi contro il caldo": "fx-en-trees",
        "desperdicio de alimentos": "fx-en-food",
        "panneaux solaires sur les toits": "fx-en-solar",
    }
    for query, expected in cases.items():
        assert expected in ext_ids(engine.search(query, limit=3)), query


def test_dense_only_finds_translation_with_no_shared_word(engine: SqliteSearchEngine) -> None:
    hits = engine.search("bicycle paths", limit=3, mode="dense")
    assert {"fx-de-cycle", "fx-it-cycle"} <= set(ext_ids(hits))
    keyword = ext_ids(engine.search("bicycle paths", limit=10, mode="keyword"))
    assert "fx-de-cycle" not in keyword and "fx-it-cycle" not in keyword


def test_meaning_only_hit_gets_a_snippet(engine: SqliteSearchEngine) -> None:
    hit = next(h for h in engine.search("Radwege ausbauen", limit=3) if h.external_id == "fx-it-cycle")
    assert hit.keyword_rank is None and hit.dense_rank is not None
    body = next(d for d in fixture_documents() if d.external_id == "fx-it-cycle").body()
    assert hit.snippet and hit.snippet in body


def test_model_loads_fast_and_is_deterministic() -> None:
    t0 = time.perf_counter()
    emb = load_embedder()
    assert time.perf_counter() - t0 < 3.0
    a = emb.embed("heat pumps for homes")
    b = emb.embed("heat pumps for homes")
    assert a is not None and b is not None
    assert np.allclose(a, b) and abs(float(np.linalg.norm(a)) - 1.0) < 1e-5


def test_translations_are_closer_than_other_topics() -> None:
    emb = load_embedder()
    vec = {t: emb.embed(t) for t in ("heat pumps", "Wärmepumpen", "pompe di calore", "bicycle lanes")}
    assert all(v is not None for v in vec.values())
    sim = {k: float(vec["heat pumps"] @ v) for k, v in vec.items()}  # type: ignore[operator]
    assert sim["Wärmepumpen"] > sim["bicycle lanes"]
    assert sim["pompe di calore"] > sim["bicycle lanes"]


def test_unembeddable_text_gives_none() -> None:
    emb = load_embedder()
    assert emb.embed("") is None
    assert emb.embed("12345 !!! ...") is None
    assert emb.embed("ሰላም ዓለም") is None


def test_language_guess() -> None:
    assert detect_language("The city built new cycle lanes for the residents") == "en"
    assert detect_language("Il comune ha realizzato una rete di piste ciclabili per la città") == "it"
    assert detect_language("Die Stadt baut sichere Radwege und Fahrradstraßen für den Verkehr aus") == "de"
    assert detect_language("Los comerciantes donan los alimentos a los bancos de alimentos") == "es"
    assert detect_language("La métropole plante des arbres dans les rues pour la ville") == "fr"
    assert detect_language("") is None and detect_language("Radwege") is None
