"""Checks on the reference data and vendored front-end assets that ship inside the citydip package."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pycountry
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "citydip" / "reference" / "data"
VENDOR = REPO / "src" / "citydip" / "static" / "vendor"
SHARED_FRAMEWORK = REPO / ".." / "shared" / "data" / "sdg_framework" / "sdg_framework.csv"

GOAL_RE = re.compile(r"^(1[0-7]|[1-9])$")
TARGET_RE = re.compile(r"^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-z])$")
INDICATOR_RE = re.compile(r"^((1[0-7]|[1-9])\.([1-9][0-9]?|[a-z]))\.([1-9][0-9]?)$")
HEX_RE = re.compile(r"^#[0-9A-F]{6}$")
TRANSLATIONS = ("label_es", "label_fr", "label_de", "label_it")

# ISO 3166-1 entries that the UN M49 standard does not list (documented in reference/data/README.md).
NOT_IN_M49 = {"TW"}
EU_MEMBERS = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip

VENDORED = {
    "htmx.org-2.0.11": ["htmx.min.js"],
    "world-atlas-2.0.2": ["countries-110m.json", "countries-50m.json"],
    "topojson-client-3.1.0": ["topojson-client.min.js"],
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV file into a list of row dicts."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def norm(text: str) -> str:
    """Lower-case a text and collapse everything but letters and digits to single spaces."""
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


def check_label(where: str, label: str) -> None:
    """Fail unless a short English label is present and 3 to 9 words long."""
    assert label.strip() == label and label, f"{where}: empty or padded label {label!r}"
    words = len(label.split())
    assert 3 <= words <= 9, f"{where}: label {label!r} has {words} words, expected 3-9"


@pytest.fixture(scope="module")
def goals() -> list[dict[str, str]]:
    return read_csv(DATA / "sdg_goals.csv")


@pytest.fixture(scope="module")
def targets() -> list[dict[str, str]]:
    return read_csv(DATA / "sdg_targets.csv")


@pytest.fixture(scope="module")
def indicators() -> list[dict[str, str]]:
    return read_csv(DATA / "sdg_indicators.csv")


@pytest.fixture(scope="module")
def m49() -> list[dict[str, str]]:
    return read_csv(DATA / "un_m49.csv")


@pytest.fixture(scope="module")
def official() -> list[dict[str, str]]:
    if not SHARED_FRAMEWORK.is_file():
        pytest.skip(
            "../shared/data/sdg_framework/sdg_framework.csv absent: cannot compare codes and labels "
            "with the official UN list"
        )
    return read_csv(SHARED_FRAMEWORK)


# --- SDG goals, targets, indicators ---------------------------------------------------------------


def test_goals_are_the_seventeen_with_colours_and_labels(goals: list[dict[str, str]]) -> None:
    assert [g["goal"] for g in goals] == [str(n) for n in range(1, 18)]
    colours = [g["colour"] for g in goals]
    assert all(HEX_RE.match(c) for c in colours), colours
    assert len(set(colours)) == 17, "each goal needs its own colour"
    for g in goals:
        check_label(f"goal {g['goal']}", g["label"])
        for col in TRANSLATIONS:
            assert g[col].strip(), f"goal {g['goal']}: {col} is empty"
            assert g[col] != g["label"], f"goal {g['goal']}: {col} is the English label"
    for col in TRANSLATIONS:
        assert len({g[col] for g in goals}) == 17, f"{col} has duplicate labels"
    assert len({g["label"] for g in goals}) == 17


def test_targets_are_169_well_formed(goals: list[dict[str, str]], targets: list[dict[str, str]]) -> None:
    assert len(targets) == 169
    codes = [t["target"] for t in targets]
    assert len(set(codes)) == 169, [c for c, n in Counter(codes).items() if n > 1]
    goal_numbers = {g["goal"] for g in goals}
    for t in targets:
        m = TARGET_RE.match(t["target"])
        assert m, f"bad target code {t['target']!r}"
        assert m.group(1) == t["goal"], f"target {t['target']} filed under goal {t['goal']}"
        assert t["goal"] in goal_numbers
        check_label(f"target {t['target']}", t["label"])
    assert {t["goal"] for t in targets} == goal_numbers, "every goal has targets"


def test_indicators_are_well_formed_and_linked(
    targets: list[dict[str, str]], indicators: list[dict[str, str]]
) -> None:
    target_goal = {t["target"]: t["goal"] for t in targets}
    codes = [i["indicator"] for i in indicators]
    assert len(set(codes)) == len(codes), [c for c, n in Counter(codes).items() if n > 1]
    for i in indicators:
        m = INDICATOR_RE.match(i["indicator"])
        assert m, f"bad indicator code {i['indicator']!r}"
        assert m.group(1) == i["target"], f"indicator {i['indicator']} filed under target {i['target']}"
        assert i["target"] in target_goal, f"indicator {i['indicator']}: target {i['target']} missing"
        assert target_goal[i["target"]] == i["goal"], f"indicator {i['indicator']}: goal mismatch"
        assert i["tier"] in {"", "I", "II", "III"}, f"indicator {i['indicator']}: tier {i['tier']!r}"
        check_label(f"indicator {i['indicator']}", i["label"])
    assert set(target_goal) == {i["target"] for i in indicators}, "every target has an indicator"


def test_indicator_counts_and_repeats(indicators: list[dict[str, str]]) -> None:
    by_code = {i["indicator"]: i for i in indicators}
    repeats = [i for i in indicators if i["repeat_of"]]
    distinct = [i for i in indicators if not i["repeat_of"]]
    assert len(indicators) == 251
    assert len(distinct) == 235
    assert len(repeats) == 16
    for r in repeats:
        orig = by_code.get(r["repeat_of"])
        assert orig is not None, f"{r['indicator']} repeats unknown {r['repeat_of']}"
        assert not orig["repeat_of"], f"{r['indicator']} points at another repeat"
        assert orig["label"] == r["label"], f"{r['indicator']} label differs from {orig['indicator']}"
        assert orig["target"] != r["target"]
    labels = Counter(i["label"] for i in distinct)
    assert not [lab for lab, n in labels.items() if n > 1], "two distinct indicators share a label"


def test_codes_match_official_list(
    official: list[dict[str, str]], targets: list[dict[str, str]], indicators: list[dict[str, str]]
) -> None:
    assert [i["indicator"] for i in indicators] == [o["indicator"] for o in official]
    assert {t["target"] for t in targets} == {o["target"] for o in official}
    off = {o["indicator"]: o for o in official}
    for i in indicators:
        o = off[i["indicator"]]
        assert (i["target"], i["goal"], i["repeat_of"]) == (o["target"], o["goal"], o["repeat_of"]), i


def test_labels_are_not_official_titles(
    official: list[dict[str, str]],
    goals: list[dict[str, str]],
    targets: list[dict[str, str]],
    indicators: list[dict[str, str]],
) -> None:
    goal_titles = {o["goal"]: norm(o["goal_title"]) for o in official}
    target_titles = {o["target"]: norm(o["target_title"]) for o in official}
    indicator_titles = {o["indicator"]: norm(o["indicator_title"]) for o in official}
    copied = [g["goal"] for g in goals if norm(g["label"]) == goal_titles[g["goal"]]]
    copied += [t["target"] for t in targets if norm(t["label"]) == target_titles[t["target"]]]
    copied += [i["indicator"] for i in indicators if norm(i["label"]) == indicator_titles[i["indicator"]]]
    assert not copied, f"labels equal to the official title: {copied}"


# --- UN M49 -----------------------------------------------------------------------------------------


def test_m49_covers_pycountry(m49: list[dict[str, str]]) -> None:
    rows = {r["alpha2"]: r for r in m49}
    assert len(rows) == len(m49), "duplicate alpha-2 codes"
    iso = {c.alpha_2: c for c in pycountry.countries}
    missing = sorted(set(iso) - set(rows) - NOT_IN_M49)
    assert not missing, f"pycountry countries missing from un_m49.csv: {missing}"
    unknown = sorted(set(rows) - set(iso))
    assert not unknown, f"un_m49.csv rows that pycountry does not know: {unknown}"
    assert not NOT_IN_M49 & set(rows)
    for a2, r in rows.items():
        assert r["alpha3"] == iso[a2].alpha_3, f"{a2}: alpha-3 {r['alpha3']} != {iso[a2].alpha_3}"
        assert re.fullmatch(r"\d{3}", r["m49"]), f"{a2}: m49 {r['m49']!r}"
        assert int(r["m49"]) == int(iso[a2].numeric), f"{a2}: m49 {r['m49']} != ISO {iso[a2].numeric}"
        assert r["name"].strip(), f"{a2}: empty name"
    assert len({r["m49"] for r in m49}) == len(m49), "duplicate M49 codes"


def test_m49_hierarchy_is_consistent(m49: list[dict[str, str]]) -> None:
    regions = {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    without = [r["alpha2"] for r in m49 if not r["region"]]
    assert without == ["AQ"], f"only Antarctica may lack a region, got {without}"
    sub_parent: dict[str, set[str]] = defaultdict(set)
    inter_parent: dict[str, set[str]] = defaultdict(set)
    names_by_code: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in m49:
        if not r["region"]:
            continue
        assert r["region"] in regions, r
        assert r["sub_region"], f"{r['alpha2']}: no sub-region"
        sub_parent[r["sub_region"]].add(r["region"])
        if r["intermediate_region"]:
            inter_parent[r["intermediate_region"]].add(r["sub_region"])
        for level in ("region", "sub_region", "intermediate_region"):
            if r[level]:
                assert re.fullmatch(r"\d{3}", r[f"{level}_code"]), f"{r['alpha2']}: {level}_code"
                names_by_code[(level, r[f"{level}_code"])].add(r[level])
    assert all(len(p) == 1 for p in sub_parent.values()), "a sub-region sits under two regions"
    assert all(len(p) == 1 for p in inter_parent.values()), "an intermediate region has two parents"
    assert all(len(n) == 1 for n in names_by_code.values()), "a region code carries two names"
    assert len(sub_parent) == 17


def test_m49_sanity_against_known_facts(m49: list[dict[str, str]]) -> None:
    rows = {r["alpha2"]: r for r in m49}
    # M49 files Cyprus under Western Asia; every other EU member is in Europe.
    assert {a2 for a2 in EU_MEMBERS if rows[a2]["region"] != "Europe"} == {"CY"}
    assert rows["CY"]["sub_region"] == "Western Asia"
    for a2 in ("US", "CA"):
        assert (rows[a2]["region"], rows[a2]["sub_region"]) == ("Americas", "Northern America")
    assert rows["MX"]["intermediate_region"] == "Central America"
    assert rows["BR"]["intermediate_region"] == "South America"
    assert rows["NG"]["intermediate_region"] == "Western Africa"
    assert rows["EG"]["sub_region"] == "Northern Africa"
    assert rows["JP"]["sub_region"] == "Eastern Asia"
    assert rows["AU"]["sub_region"] == "Australia and New Zealand"
    counts = Counter(r["region"] for r in m49 if r["region"])
    # Plausible sizes: the UN lists 193 member states plus dependencies spread over five regions.
    assert 45 <= counts["Africa"] <= 65
    assert 50 <= counts["Americas"] <= 60
    assert 45 <= counts["Asia"] <= 55
    assert 45 <= counts["Europe"] <= 55
    assert 20 <= counts["Oceania"] <= 30


# --- vendored front-end assets ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", sorted(VENDORED))
def test_vendored_files_exist_with_licence(folder: str) -> None:
    base = VENDOR / folder
    licence = base / "LICENSE.txt"
    assert licence.is_file() and licence.stat().st_size > 100, f"{folder}: LICENSE.txt missing or empty"
    assert "permission" in licence.read_text(encoding="utf-8").casefold()
    for name in VENDORED[folder]:
        f = base / name
        assert f.is_file() and f.stat().st_size > 1000, f"{folder}/{name} missing or too small"
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    package, version = folder.rsplit("-", 1)
    assert f"`{package}`" in readme and version in readme, f"vendor README does not list {folder}"
    notice = (REPO / "NOTICE.md").read_text(encoding="utf-8")
    assert folder in notice, f"NOTICE.md does not credit {folder}"


def test_vendored_contents_match_their_versions() -> None:
    htmx = (VENDOR / "htmx.org-2.0.11" / "htmx.min.js").read_text(encoding="utf-8")
    assert 'version:"2.0.11"' in htmx
    topo = (VENDOR / "topojson-client-3.1.0" / "topojson-client.min.js").read_text(encoding="utf-8")
    assert "topojson-client v3.1.0" in topo


@pytest.mark.parametrize("name", ["countries-110m.json", "countries-50m.json"])
def test_world_atlas_ids_join_m49(name: str, m49: list[dict[str, str]]) -> None:
    topology = json.loads((VENDOR / "world-atlas-2.0.2" / name).read_text(encoding="utf-8"))
    assert topology["type"] == "Topology"
    geometries = topology["objects"]["countries"]["geometries"]
    assert len(geometries) > 150
    ids = {g["id"] for g in geometries if "id" in g}
    codes = {r["m49"] for r in m49}
    taiwan = {f"{int(c.numeric):03d}" for c in pycountry.countries if c.alpha_2 in NOT_IN_M49}
    unmatched = ids - codes - taiwan
    assert not unmatched, f"{name}: country ids not in un_m49.csv: {sorted(unmatched)}"
    assert len(ids & codes) > 150
