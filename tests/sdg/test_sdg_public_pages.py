"""The public SDG site: goals, goal and indicator pages in English and Spanish, selectors, table, CSV,
reporting status, search; anonymous visitors see only public indicators; never NaN."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.tenancy import Visibility
from citydip.sdg.indicators import service
from citydip.sdg.io.cli import CliWorkspace
from citydip.sdg.models import CityIndicator
from support.factories import PASSWORD, make_user, make_workspace
from support.sdg_helpers import CITY, do_import, shared_repo

SysSession = Callable[[], AbstractContextManager[Session]]
NAN = re.compile(r"\bnan\b|\binf\b", re.IGNORECASE)


@pytest.fixture
def sample(sys_session: SysSession) -> Any:
    """Sample City imported publicly, except 11-6-1 which stays private."""
    with sys_session() as s:
        owner = make_user(s, "owner@sample.org")
        ws = make_workspace(s, "sample", owner=owner, name="Sample City Office")
    with sys_session() as s:
        do_import(s, ws, CITY, visibility=Visibility.public)
    with sys_session() as s:
        ind = s.scalars(select(CityIndicator).where(CityIndicator.code == "11-6-1")).one()
        service.set_visibility(s, CliWorkspace(ws), ind, "private")
    return ws


def _no_nan(text: str) -> None:
    assert not NAN.search(re.sub(r"<svg.*?</svg>", "", text, flags=re.S)), "NaN/inf printed"


def test_goals_overview_in_english_and_spanish(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/sdg/")
    assert r.status_code == 200
    assert 'lang="en"' in r.text and "Sustainable Development Goals" in r.text
    assert r.text.count('class="sdg-tile"') == 17
    assert "#E5243B" in r.text  # goal 1's colour from the reference data
    assert 'href="/public/sample/sdg/goals/1"' in r.text
    assert 'href="/public/sample/sdg/goals/11"' not in r.text  # its only indicator is private
    es = client.get("/public/sample/sdg/?lang=es")
    assert es.status_code == 200 and 'lang="es"' in es.text
    assert "Objetivos de Desarrollo Sostenible" in es.text and "Objetivo 1" in es.text
    assert 'href="/public/sample/sdg/goals/1?lang=es"' in es.text
    assert 'hreflang="en"' in es.text  # language switch back to English
    _no_nan(r.text + es.text)


def test_goal_page_lists_targets_and_public_indicators(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/sdg/goals/1")
    assert r.status_code == 200
    assert "Target 1.2" in r.text and "Share of residents below the city poverty line" in r.text
    es = client.get("/public/sample/sdg/goals/1?lang=es")
    assert "Meta 1.2" in es.text and "Proporción de residentes bajo la línea de pobreza" in es.text
    assert client.get("/public/sample/sdg/goals/11").status_code == 404  # nothing public there
    assert client.get("/public/sample/sdg/goals/99").status_code == 404


def test_indicator_page_chart_table_metadata_and_selectors(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/sdg/indicators/1-2-1")
    assert r.status_code == 200
    html = r.text
    assert "<svg" in html and "Headline" in html
    # Headline by default: 2015-2017 and the period 2018-19, in the first unit (Percent).
    table = html[html.index('class="sdg-data"') :]
    assert ">2018-19<" in table and ">21.5<" in table and ">812,000<" not in table
    assert 'name="d0" value="Female"' in html and 'name="unit"' in html
    assert "Local target" in html and "$33.00 per day" in html
    assert "Target 10" in html  # the numeric target line from the progress options
    assert "Sample City statistics office" in html and 'href="https://example.org/statistics"' in html
    assert "<strong>$33.00 per day</strong>" in html  # Markdown page content rendered
    assert "<script>" not in html and "alert(" not in html.split("</header>")[1]  # and cleaned
    _no_nan(html)

    women = client.get("/public/sample/sdg/indicators/1-2-1?d0=Female&d0=Male").text
    assert "Sex: Female" in women and "Sex: Male" in women and ">23<" in women
    counts = client.get("/public/sample/sdg/indicators/1-2-1?unit=Count").text
    assert ">812,000<" in counts and "–" in counts  # 2018 has no value: shown as a dash, never NaN
    _no_nan(women + counts)

    es = client.get("/public/sample/sdg/indicators/1-2-1?lang=es&d0=Female").text
    assert 'lang="es"' in es and "Sexo: Mujer" in es and "Tabla de datos" in es
    assert "Proporción de residentes bajo la línea de pobreza de la ciudad" in es
    assert "33,00 dólares por día" in es


def test_table_sorts_by_a_column(client: Any, sample: Any) -> None:
    html = client.get("/public/sample/sdg/indicators/1-2-1?sort=-0").text
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', html)
    values = [float(v.replace(",", "")) for _y, v in rows if v != "–"]
    assert values == sorted(values, reverse=True) and len(values) == 4
    assert 'aria-sort="descending"' in html


def test_placeholder_indicator_is_not_charted(client: Any, sample: Any) -> None:
    html = client.get("/public/sample/sdg/indicators/5-1-1").text
    assert "Placeholder data" in html and "<svg" not in html


def test_csv_download(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/sdg/indicators/1-2-1/data.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["Year", "Sex", "Age", "Units", "Value"]
    assert rows[-1] == ["2018", "", "", "Count", ""]  # the empty value stays empty, never NaN
    assert rows == list(csv.reader(io.StringIO((CITY / "data" / "indicator_1-2-1.csv").read_text())))


def test_missing_value_words_are_never_stored(client: Any, sys_session: SysSession, tmp_path: Path) -> None:
    """A Value of NaN or NA is refused at import (with the fix), so no page or CSV can show it."""
    repo = tmp_path / "city"
    import shutil

    shutil.copytree(CITY, repo)
    data = repo / "data" / "indicator_city-1.csv"
    data.write_text(data.read_text(encoding="utf-8") + "2022,,NaN\n2023,,NA\n", encoding="utf-8")
    with sys_session() as s:
        ws = make_workspace(s, "missing-city")
    with sys_session() as s:
        report = do_import(s, ws, repo, visibility=Visibility.public)
    assert [o.code for o in report.rejected] == ["city-1"]
    reasons = [p.reason for p in report.rejected[0].errors]
    assert any("is a word for 'no data'" in r and "Leave the cell empty" in r for r in reasons)
    assert client.get("/public/missing-city/sdg/indicators/city-1").status_code == 404
    for path in ("/", "/indicators/1-2-1", "/indicators/1-2-1/data.csv", "/reporting"):
        _no_nan(client.get("/public/missing-city/sdg" + path).text)


def test_anonymous_sees_only_public_indicators(client: Any, sample: Any, make_client: Any) -> None:
    assert client.get("/public/sample/sdg/indicators/11-6-1").status_code == 404
    assert client.get("/public/sample/sdg/indicators/11-6-1/data.csv").status_code == 404
    assert "Municipal solid waste" not in client.get("/public/sample/sdg/search?q=waste").text
    assert "Municipal" not in client.get("/public/sample/sdg/reporting").text
    # A member previews the private indicator, marked as such.
    owner = make_client().login("owner@sample.org", PASSWORD)
    preview = owner.get("/public/sample/sdg/indicators/11-6-1")
    assert preview.status_code == 200 and "Preview: this indicator is not public" in preview.text


def test_reporting_status_and_search(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/sdg/reporting")
    assert r.status_code == 200 and "Status by goal" in r.text
    # Public: 1-2-1 complete, 5-1-1 complete; city-1 is local (standalone) and counted overall.
    assert re.search(r"Reported online: <strong>3</strong>", r.text)
    found = client.get("/public/sample/sdg/search?q=poverty").text
    assert "/public/sample/sdg/indicators/1-2-1" in found
    found_es = client.get("/public/sample/sdg/search?q=pobreza&lang=es").text
    assert "/public/sample/sdg/indicators/1-2-1?lang=es" in found_es
    none = client.get("/public/sample/sdg/search?q=zzzz").text
    assert "No indicator matches your search." in none


def test_public_front_page_links_the_sdg_site(client: Any, sample: Any) -> None:
    r = client.get("/public/sample/")
    assert r.status_code == 200 and 'href="/public/sample/sdg/"' in r.text


def test_every_public_template_string_is_translated_to_spanish() -> None:
    from citydip.sdg.site.i18n import catalogue

    folder = Path(__file__).resolve().parents[2] / "src" / "citydip" / "sdg" / "templates" / "sdg"
    strings: set[str] = set()
    for path in folder.glob("*.html"):
        if path.name.startswith(("public_", "_public_nav")):
            strings |= set(re.findall(r'_\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
            strings |= set(re.findall(r"_\(\s*'([^']+)'", path.read_text(encoding="utf-8")))
    assert len(strings) > 30
    for language in ("es", "fr"):
        missing = sorted(s for s in strings if s not in catalogue(language))
        assert not missing, f"{language}: {missing}"


@pytest.mark.shared_data
def test_los_angeles_pages_in_english_and_spanish(client: Any, sys_session: SysSession) -> None:
    la = shared_repo("los-angeles")
    with sys_session() as s:
        ws = make_workspace(s, "la", name="Los Angeles")
    with sys_session() as s:
        do_import(s, ws, la, visibility=Visibility.public)
    for lang in ("", "?lang=es"):
        goal = client.get(f"/public/la/sdg/goals/1{lang}")
        assert goal.status_code == 200 and "1.1.1" in goal.text
        page = client.get(f"/public/la/sdg/indicators/1-1-1{lang}")
        assert page.status_code == 200 and "<svg" in page.text
        _no_nan(page.text)
    es = client.get("/public/la/sdg/indicators/1-1-1?lang=es&d0=Under+18+years").text
    assert "Tabla de datos" in es and "Under 18 years" in es
    # Every published indicator page renders, never with NaN (placeholders are not charted).
    with sys_session() as s:
        codes = s.scalars(select(CityIndicator.code).where(CityIndicator.workspace_id == ws.id)).all()
    for code in codes:
        r = client.get(f"/public/la/sdg/indicators/{code}")
        assert r.status_code == 200, code
        _no_nan(r.text)
