"""The demo seed: a few sample indicators, published, in English and Spanish, clearly marked as sample."""

from __future__ import annotations

from typing import Any

from citydip.sdg.demo import seed
from support.factories import make_workspace


def test_demo_indicators_are_published_and_marked_sample(sys_session: Any, client: Any) -> None:
    with sys_session() as s:
        ws = make_workspace(s, "los-angeles", name="Demo office")
    with sys_session() as s:
        seed(s, ws)
    page = client.get("/public/los-angeles/sdg/indicators/1-2-1")
    assert page.status_code == 200 and "<svg" in page.text
    assert "the numbers are invented" in page.text and "(sample)" in page.text
    es = client.get("/public/los-angeles/sdg/indicators/1-2-1?lang=es&d0=Under+18+years").text
    assert "(ejemplo)" in es and "Edad: Menores de 18 años" in es and "las cifras son inventadas" in es
    overview = client.get("/public/los-angeles/sdg/").text
    assert 'href="/public/los-angeles/sdg/goals/13"' in overview
