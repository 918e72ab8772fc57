"""Read -> export inputs -> read gives the same model; SDMX output that sdmx1 reads back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sdmx

from citydip.sdg.opensdg import export_inputs, export_sdmx, read_repository, snapshot
from citydip.sdg.opensdg.sdmx_export import DIMENSIONS

REAL_REPOSITORIES = ("los-angeles", "usa", "uk-ons", "bristol", "cape-town")


def test_inputs_round_trip_on_fixture(mini: Path, tmp_path: Path) -> None:
    first = read_repository(mini)
    summary = export_inputs(first, tmp_path / "again")
    assert summary.indicators == 11
    second = read_repository(tmp_path / "again")
    assert snapshot(second) == snapshot(first)
    # The copy is plain Open SDG: its own config, data and 2.x YAML metadata.
    assert (tmp_path / "again" / "meta" / "es" / "1-1-1.yml").is_file()
    assert (tmp_path / "again" / "indicator-config" / "8-1-1.yml").is_file()
    # Problems found in the data travel with it (the cells are kept as written).
    assert {p.code for p in second.results["3-1-1"].errors} >= {"value-thousands-separator", "duplicate-row"}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", REAL_REPOSITORIES)
def test_inputs_round_trip_on_real_repositories(
    name: str, tmp_path: Path, shared_repo: Callable[[str], Path]
) -> None:
    first = read_repository(shared_repo(name))
    export_inputs(first, tmp_path)
    assert snapshot(read_repository(tmp_path)) == snapshot(first)


def _read_back(folder: Path) -> tuple[Any, list[Any], list[Any]]:
    structure = sdmx.read_sdmx(folder / "structure.xml")
    flow = structure.dataflow["DF_SDG_LOCAL"]
    xml = sdmx.read_sdmx(folder / "data.xml", structure=flow.structure)
    csv = sdmx.read_sdmx(folder / "data.csv", structure=flow)
    return flow, list(xml.data[0].obs), [o for ds in csv.data for o in ds.obs]


def test_sdmx_fixture_reads_back(mini: Path, tmp_path: Path) -> None:
    repo = read_repository(mini)
    good = [i.id for i in repo.good()]
    summary = export_sdmx(repo, tmp_path, ref_area="MINI", indicator_ids=good)
    # 1-1-1: 9 values; 2-1-1: 2; 8-1-1: 3; 11-1-1: 5; the placeholder (1-2-1) is left out.
    assert summary.observations == 19
    assert summary.skipped == {"no value or no time": 1}
    flow, xml_obs, csv_obs = _read_back(tmp_path)
    dims = [d.id for d in flow.structure.dimensions.components]
    assert dims == list(DIMENSIONS)
    assert len(xml_obs) == len(csv_obs) == 19

    def key(o: Any) -> dict[str, str]:
        return {k: str(v.value) for k, v in o.dimension.values.items()}

    by_key = {tuple(sorted(key(o).items())): o for o in xml_obs}
    assert len(by_key) == 19  # keys are unique
    women = [o for o in xml_obs if key(o)["SEX"] == "F" and key(o)["SERIES"].startswith("SDG_1_1_1")]
    assert sorted(float(o.value) for o in women) == [11.5, 15.0]
    period = [o for o in xml_obs if key(o)["TIME_PERIOD"] == "2017" and "TIME_DETAIL" in o.attached_attribute]
    assert [float(o.value) for o in period] == [9.1]
    assert str(period[0].attached_attribute["TIME_DETAIL"].value) == "2017-18"
    urban = [o for o in xml_obs if key(o)["URBANISATION"] == "U"]
    assert [float(o.value) for o in urban] == [13.0]
    geo = [o for o in xml_obs if key(o)["REF_AREA"] == "E09000001"]
    assert [float(o.value) for o in geo] == [7.25]
    assert all(key(o)["REF_AREA"] in ("MINI", "E09000001") for o in xml_obs)
    status = {
        str(o.attached_attribute["OBS_STATUS"].value) for o in xml_obs if "OBS_STATUS" in o.attached_attribute
    }
    assert status == {"A", "E", "P"}
    # The CSV carries the same observations and values.
    csv_values = sorted(float(o.value) for o in csv_obs)
    assert csv_values == sorted(float(o.value) for o in xml_obs)


@pytest.mark.shared_data
def test_sdmx_los_angeles_reads_back(tmp_path: Path, shared_repo: Callable[[str], Path]) -> None:
    repo = read_repository(shared_repo("los-angeles"))
    summary = export_sdmx(repo, tmp_path, ref_area="Los Angeles", indicator_ids=[i.id for i in repo.good()])
    _, xml_obs, csv_obs = _read_back(tmp_path)
    assert summary.observations == len(xml_obs) == len(csv_obs) > 4000
    # Every row of the clean, non-placeholder indicators is either an observation or counted as skipped.
    rows = sum(len(i.data.rows) for i in repo.good() if i.data is not None and not i.placeholder)
    assert summary.observations + sum(summary.skipped.values()) == rows
