"""SDG suggestions from the shipped model."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from citydip.practices.search.sdg import suggest_sdgs


def test_three_goals_with_confidence_best_first() -> None:
    got = suggest_sdgs(
        "Solar panels on school roofs", "Rooftop photovoltaic plants produce clean electricity."
    )
    assert len(got) == 3
    assert len({s.goal for s in got}) == 3
    assert all(1 <= s.goal <= 17 and 0.0 <= s.confidence <= 1.0 for s in got)
    assert [s.confidence for s in got] == sorted((s.confidence for s in got), reverse=True)


def test_topic_changes_the_suggestion() -> None:
    energy = [
        s.goal for s in suggest_sdgs("Solar power for rural homes", "Affordable clean solar electricity")
    ]
    water = [
        s.goal for s in suggest_sdgs("Clean drinking water", "Water filters and sanitation for villages")
    ]
    assert 7 in energy
    assert 6 in water


def test_other_language_text_is_understood() -> None:
    goals = [
        s.goal for s in suggest_sdgs("Agua potable", "Filtros de agua y saneamiento para las comunidades")
    ]
    assert 6 in goals


def test_empty_or_unreadable_text_gives_no_suggestion() -> None:
    assert suggest_sdgs("", "") == []
    assert suggest_sdgs("ሰላም ዓለም") == []
    assert suggest_sdgs("Bike lanes", top=0) == []


def test_shipped_model_beat_the_frequency_baseline_on_held_out_data() -> None:
    path = Path(str(resources.files("citydip.practices.search") / "data" / "sdg_model_metrics.json"))
    report = json.loads(path.read_text(encoding="utf-8"))
    shipped = report[f"held_out_C{report['shipped_C']:g}"]
    base = report["baseline_most_frequent_goals"]
    assert shipped["precision_at_3"] > base["precision_at_3"]
    assert shipped["excluding_goal_11_top1_accuracy"] > base["excluding_goal_11_top1_accuracy"]
