"""`citydip demo` gives the SDG progress, network index and VLR pages something to show, marked as sample data."""

from __future__ import annotations

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
    assert "Los Angeles" in ranking and "Houston" in ranking and "NaN" not in ranking
    assert demo.get(f"{run_path}/heatmap").status_code == 200
    reports = demo.get("/w/los-angeles/reports").text
    assert "Text blocks written: 2 of 6" in reports
    code, out = cli("demo")  # resetting the demo replaces the sample index instead of adding another
    assert code == 0, out
    again = make_client().login(DEMO_EMAIL, DEMO_PASSWORD).get(f"/n/{net}/index").text
    assert len(set(re.findall(rf'href="(/n/{net}/index/[0-9a-f-]{{36}})"', again))) == 1
