"""Sample SDG indicators for ``citydip demo``: a few indicators shaped like a city's Open SDG data (English and
Spanish), published on the demo workspace's public SDG site. Every number is invented and says so."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.core.tenancy import Visibility
from citydip.sdg.io.service import import_repository
from citydip.sdg.opensdg.model import DataTable, Indicator, IndicatorResult, Repository
from citydip.workspaces.models import Workspace

SAMPLE = "Sample data for the CityDip demo: the numbers are invented."
SAMPLE_ES = "Datos de ejemplo de la demostración de CityDip: las cifras son inventadas."
# How far each demo city's invented numbers sit from the base values, so that cities compared in the demo
# network's SDG index differ; other workspaces get a shift from their slug.
DEMO_SHIFTS = {"los-angeles": 0.0, "houston": 3.5}


@dataclass(frozen=True)
class _Owner:
    id: int

    def require_edit(self) -> None:
        """Demo seeding acts as the workspace's owner."""


def _poverty(shift: float) -> Indicator:
    rows = []
    for i, year in enumerate(range(2015, 2023)):
        base = 19.5 - 0.6 * i + shift
        rows.append([str(year), "", "Percent", f"{base:.1f}"])
        rows.append([str(year), "Under 18 years", "Percent", f"{base + 6.2:.1f}"])
        rows.append([str(year), "65 years and over", "Percent", f"{base - 3.9:.1f}"])
    return Indicator(
        id="1-2-1",
        data=DataTable(["Year", "Age", "Units", "Value"], rows),
        meta={
            "indicator_name": "Proportion of residents living below the poverty line (sample)",
            "reporting_status": "complete",
            "graph_type": "line",
            "computation_units": "Percent",
            "national_target_line": "Halve the share of residents living below $33.00 per day by 2030 (sample)",
            "source_active_1": True,
            "source_organisation_1": "Demo statistics office",
            "page_content": SAMPLE,
        },
        meta_translations={
            "es": {
                "indicator_name": "Proporción de residentes bajo la línea de pobreza (ejemplo)",
                "page_content": SAMPLE_ES,
            }
        },
        config={
            "auto_progress_calculation": True,
            "progress_calculation_options": [{"direction": "negative", "target": 10, "unit": "Percent"}],
        },
    )


def _waste(shift: float) -> Indicator:
    rows = [[str(y), "Percent", f"{58 + 2.5 * i + shift:.1f}"] for i, y in enumerate(range(2016, 2023))]
    return Indicator(
        id="11-6-1",
        data=DataTable(["Year", "Units", "Value"], rows),
        meta={
            "indicator_name": "Share of municipal waste diverted from landfill (sample)",
            "reporting_status": "complete",
            "graph_type": "bar",
            "source_active_1": True,
            "source_organisation_1": "Demo sanitation department",
            "page_content": SAMPLE,
        },
        meta_translations={
            "es": {"indicator_name": "Residuos municipales desviados del vertedero (ejemplo)"}
        },
        config={
            "auto_progress_calculation": True,
            "progress_calculation_options": [{"direction": "positive", "target": 90}],
        },
    )


def _emissions(shift: float) -> Indicator:
    rows = []
    for i, year in enumerate(range(2015, 2023)):
        transport, buildings = 12.4 - 0.3 * i + shift, 10.1 - 0.35 * i + shift
        rows.append([str(year), "", "Million tonnes CO2e", f"{transport + buildings:.2f}"])
        rows.append([str(year), "Transport", "Million tonnes CO2e", f"{transport:.2f}"])
        rows.append([str(year), "Buildings", "Million tonnes CO2e", f"{buildings:.2f}"])
    return Indicator(
        id="13-2-2",
        data=DataTable(["Year", "Sector", "Units", "Value"], rows),
        meta={
            "indicator_name": "Greenhouse gas emissions by sector (sample)",
            "reporting_status": "inprogress",
            "graph_type": "line",
            "page_content": SAMPLE,
        },
        meta_translations={
            "es": {"indicator_name": "Emisiones de gases de efecto invernadero por sector (ejemplo)"}
        },
        config={"progress_calculation_options": [{"direction": "negative", "unit": "Million tonnes CO2e"}]},
    )


def sample_repository(shift: float = 0.0) -> Repository:
    """The demo indicators as a repository model (``shift`` varies the numbers between workspaces)."""
    indicators = [_poverty(shift), _waste(shift), _emissions(shift)]
    return Repository(
        root="demo",
        languages=["en", "es"],
        indicators={i.id: i for i in indicators},
        results={i.id: IndicatorResult(i, []) for i in indicators},
        translations={
            "es": {
                "data": {
                    "Under 18 years": "Menores de 18 años",
                    "65 years and over": "65 años y más",
                    "Percent": "Porcentaje",
                    "Age": "Edad",
                    "Sector": "Sector",
                    "Transport": "Transporte",
                    "Buildings": "Edificios",
                }
            }
        },
        settings={"config_first": False, "reporting_status_extra_fields": []},
    )


def seed(session: Session, workspace: Workspace) -> None:
    """Import the sample indicators into a demo workspace and publish them."""
    shift = DEMO_SHIFTS.get(workspace.slug, float(zlib.crc32(workspace.slug.encode()) % 7) * 0.5)
    import_repository(
        session,
        _Owner(workspace.id),
        sample_repository(shift),
        visibility=Visibility.public,
        source="citydip demo (sample data)",
        workspace_label=workspace.slug,
    )
