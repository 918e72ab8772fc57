"""`citydip demo` gives the SDG progress, network index and VLR pages something to show, marked as sample data."""

from __future__ import annotations

import csv
import io
import re

from citydip.system.demo_workspaces import DEMO_EMAIL, DEMO_NETWORK, DEMO_PASSWORD


def test_demo_has_progress_badges_and_a_network_index(cli, make_client):
    code, out = cli("demo")
    assert code == 0, out
    demo = make_client().login(DEMO_EMAIL, DEMO_PASSWORD)
    progress = demo.get("/w/los-angeles/progress")
    assert progress.status_code == 200
    assert "No indicator has progress options yet" not in progress.text
    assert "1-2-1" in progress.text or "1.2.1" in progress.text
    net = DEMO_NETWORK[0]
    runs = demo.get(f"/n/{net}/index")
    assert runs.status_code == 200 and "invented numbers" in runs.text
    run_path = re.search(rf'href="(/n/{net}/index/[0-9a-f-]{{36}})"', runs.text).group(1)
    ranking = demo.get(run_path).text
    assert "NaN" not in ranking
    # The City column shows the member cities' names, not their offices' names.
    cities = re.findall(r'city\?name=([^"&]+)"', ranking)
    assert sorted(cities) == ["Houston", "Los%20Angeles"]
    assert "Office" not in "".join(re.findall(r'<th scope="row">(.*?)</th>', ranking, re.S))
    # The two cities have different sample data, so the index tells them apart; directions come from the
    # indicators' settings: poverty and emissions are lower-is-better.
    rows = {r["city"]: r for r in csv.DictReader(io.StringIO(demo.get(f"{run_path}/export.csv").text))}
    assert rows["Los Angeles"]["index"] != rows["Houston"]["index"]
    assert {rows[c]["rank"] for c in rows} == {"1", "2"}
    detail = list(csv.DictReader(io.StringIO(demo.get(f"{run_path}/indicators.csv").text)))
    values = {(d["city"], d["indicator"]): float(d["value"]) for d in detail}
    scores = {(d["city"], d["indicator"]): float(d["normalised"]) for d in detail}
    for code in ("1-2-1", "13-2-2"):  # the city with the lower value scores higher
        low, high = sorted(("Los Angeles", "Houston"), key=lambda c: values[(c, code)])
        assert values[(low, code)] < values[(high, code)] and scores[(low, code)] > scores[(high, code)]
    assert any(d["trend"] for d in detail)  # the sample series give trends
    assert demo.get(f"{run_path}/heatmap").status_code == 200
    reports = demo.get("/w/los-angeles/reports").text
    assert "Text blocks written: 2 of 6" in reports
    code, out = cli("demo")  # resetting the demo replaces the sample index instead of adding another
    assert code == 0, out
    again = make_client().login(DEMO_EMAIL, DEMO_PASSWORD).get(f"/n/{net}/index").text
    assert len(set(re.findall(rf'href="(/n/{net}/index/[0-9a-f-]{{36}})"', again))) == 1
