"""Import and export: clean round trips in CSV and XLSX, and every kind of bad input changes nothing."""

from __future__ import annotations

import csv
import io
import os

import pytest
from openpyxl import Workbook, load_workbook

from register.helpers import row_counts, upload
from support.paths import FIXTURES
from support.web import flash_of

API = "/api/v1/workspaces/la/register"
DATA = FIXTURES / "register"


def do_import(ana, kind: str, name: str, content: bytes, dry_run: bool = False):
    return upload(ana, f"{API}/import/{kind}", name, content, **({"dry_run": "true"} if dry_run else {}))


def load_clean_set(ana) -> None:
    for kind in ("partners", "people", "agreements", "engagements"):
        path = DATA / f"{kind}.csv"
        r = do_import(ana, kind, path.name, path.read_bytes())
        assert r.status_code == 200 and r.json()["committed"], r.text


def problems(response) -> list[tuple[int | None, str, str]]:
    body = response.json()
    items = body["problems"] if "problems" in body else body["error"]["details"]
    return [(p.get("row"), p["field"], p["message"]) for p in items]


def test_clean_set_imports_and_links_everything(ana):
    load_clean_set(ana)
    partners = ana.api("GET", "/api/v1/workspaces/la/partners?per_page=50").json()
    assert partners["total"] == 5
    consulate = next(p for p in partners["items"] if p["external_id"] == "CG-CN")
    assert consulate["represented_country"] == "CN" and consulate["national_day"] == "10-01"
    agreements = ana.api("GET", "/api/v1/workspaces/la/agreements?sdg=17").json()["items"]
    assert [a["title"] for a in agreements] == ["Los Angeles – Guangzhou"]
    assert agreements[0]["signatories"][0] == {
        "name": "Tom Bradley",
        "title": "Mayor",
        "on_behalf_of": "Los Angeles",
    }
    engagement = ana.api("GET", "/api/v1/workspaces/la/engagements?q=trade").json()["items"][0]
    assert engagement["partners"].startswith("Guangzhou (CN); Consulate General")
    assert engagement["investment_amount"] == 5_000_000 and engagement["jobs"] == 40
    call = ana.api("GET", "/api/v1/workspaces/la/engagements?kind=courtesy_call").json()["items"][0]
    assert (
        call["start_time"] == "10:00:00" and call["country_code"] == "MX"
    )  # a consulate stands for the country it represents


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["partners", "people", "agreements", "engagements"])
def test_export_then_reimport_updates_instead_of_duplicating(ana, sys_session, kind, fmt):
    load_clean_set(ana)
    exported = ana.get(f"/w/la/register/export/{kind}?format={fmt}")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment")
    before = row_counts(sys_session)
    r = do_import(ana, kind, f"export.{fmt}", exported.content)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["create"] == 0 and body["update"] == body["rows"] > 0
    assert row_counts(sys_session) == before
    again = ana.get(f"/w/la/register/export/{kind}?format={fmt}")
    if fmt == "csv":
        assert again.content == exported.content  # a round trip changes nothing
    else:
        rows = lambda data: list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # noqa: E731
        assert rows(again.content) == rows(exported.content)


def test_reimporting_the_same_file_updates_by_external_id_and_natural_key(ana, sys_session):
    load_clean_set(ana)
    before = row_counts(sys_session)
    load_clean_set(ana)
    assert row_counts(sys_session) == before
    no_ids = b"kind,title,starts_on,place\nincoming_delegation,Guangzhou trade delegation,2026-12-03,Getty Center\n"
    r = do_import(ana, "engagements", "e.csv", no_ids)
    assert r.json()["update"] == 1 and r.json()["create"] == 0
    items = ana.api("GET", "/api/v1/workspaces/la/engagements?q=trade").json()["items"]
    assert len(items) == 1 and items[0]["place"] == "Getty Center"
    assert items[0]["partners"].startswith("Guangzhou")  # columns left out of the file are not touched


def test_export_uses_the_list_filters(ana):
    load_clean_set(ana)
    r = ana.get("/w/la/register/export/partners?format=csv&kind=consulate")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sorted(x["external_id"] for x in rows) == ["CG-CN", "CG-MX"]
    r = ana.api("GET", f"{API}/export/engagements?format=csv&country=MX")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [x["external_id"] for x in rows] == ["E-2"]


def test_export_neutralises_formula_like_text(ana):
    r = ana.api(
        "POST",
        "/api/v1/workspaces/la/partners",
        json={
            "kind": "company",
            "name": '=HYPERLINK("http://evil.example")',
            "notes": "+1 555 0100",
            "phone": "-12",
            "email": "@handle",
        },
    )
    assert r.status_code == 201
    text = ana.get("/w/la/register/export/partners?format=csv").content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=") and row["notes"] == "'+1 555 0100"
    # a number keeps its sign (a spreadsheet reads -12 as a number, never as a formula)
    assert row["phone"] == "-12" and row["email"] == "'@handle"
    book = load_workbook(io.BytesIO(ana.get("/w/la/register/export/partners?format=xlsx").content))
    cells = {c.value: c.data_type for c in book.active[2]}
    assert cells['=HYPERLINK("http://evil.example")'] == "s"  # text, never a formula
    # and the exported file imports back to the very same values
    r = do_import(ana, "partners", "p.csv", text.encode())
    assert r.json()["update"] == 1
    partner = ana.api("GET", "/api/v1/workspaces/la/partners").json()["items"][0]
    assert partner["name"] == '=HYPERLINK("http://evil.example")' and partner["notes"] == "+1 555 0100"


def test_templates_download_in_both_formats(ana):
    r = ana.get("/w/la/register/templates/engagements?format=csv")
    assert (
        r.content.decode("utf-8-sig").splitlines()[0].startswith("id,external_id,kind,title,status,starts_on")
    )
    book = load_workbook(io.BytesIO(ana.get("/w/la/register/templates/engagements?format=xlsx").content))
    assert book.sheetnames == ["engagements", "help"]
    help_rows = list(book["help"].iter_rows(values_only=True))
    assert help_rows[[r[0] for r in help_rows].index("starts_on")][:2] == ("starts_on", "yes")
    assert ana.get("/w/la/register/templates/gifts?format=csv").status_code == 404


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fixture", "expected"),
    [
        ("partners", "partners_cp1252.csv", (2, "file", "not UTF-8")),
        ("partners", "partners_missing_column.csv", (1, "name", "required column is missing")),
        ("partners", "partners_extra_column.csv", (1, "colour", "unknown column")),
        ("partners", "partners_unknown_country.csv", (2, "country", "unknown country 'Atlantis'")),
        ("engagements", "engagements_bad.csv", (2, "starts_on", "not a date")),
        ("engagements", "engagements_bad.csv", (3, "ends_on", "before the start")),
        ("engagements", "engagements_bad.csv", (4, "investment_amount", "must not be negative")),
        ("engagements", "engagements_bad.csv", (6, "partners", "formulas are never evaluated")),
        ("engagements", "engagements_bad.csv", (7, "row", "duplicate of row 5")),
    ],
)
def test_bad_files_list_row_column_reason_and_write_nothing(ana, sys_session, kind, fixture, expected):
    content = (DATA / fixture).read_bytes()
    before = row_counts(sys_session)
    dry = do_import(ana, kind, fixture, content, dry_run=True)
    assert dry.status_code == 200 and dry.json()["ok"] is False
    found = problems(dry)
    row, field, reason = expected
    assert any(r == row and f == field and reason in m for r, f, m in found), found
    assert all(p["file"] == fixture for p in dry.json()["problems"])
    commit = do_import(ana, kind, fixture, content)
    assert commit.status_code == 422
    assert row_counts(sys_session) == before


def test_a_quote_never_closed_is_refused_naming_its_line(ana, sys_session):
    """Read leniently, the open quote would swallow the following rows into one multi-line partner."""
    content = (
        b"kind,name,notes\n"
        b"company,Acme,plain\n"
        b'company,Globex,"opens a quote\n'
        b"company,Initech,never closed\n"
        b"company,Umbrella,last\n"
    )
    before = row_counts(sys_session)
    dry = do_import(ana, "partners", "open-quote.csv", content, dry_run=True)
    assert dry.status_code == 200 and dry.json()["ok"] is False
    [(row, field, message)] = problems(dry)
    assert (row, field) == (3, "file") and "quoted value starting on line 3 is never closed" in message
    assert do_import(ana, "partners", "open-quote.csv", content).status_code == 422
    assert row_counts(sys_session) == before


def test_ten_megabytes_of_random_bytes(ana, sys_session):
    before = row_counts(sys_session)
    noise = os.urandom(10 * 1024 * 1024)
    for name in ("noise.csv", "noise.xlsx"):
        r = do_import(ana, "engagements", name, noise, dry_run=True)
        assert r.status_code == 200 and not r.json()["ok"]
        assert problems(r)[0][1] == "file"
    disguised = b"PK\x03\x04" + noise[:100_000]
    r = do_import(ana, "engagements", "fake.xlsx", disguised)
    assert r.status_code == 422 and problems(r)[0][1] == "file"
    assert row_counts(sys_session) == before


def test_xlsx_formulas_and_types(ana, sys_session):
    book = Workbook()
    sheet = book.active
    sheet.append(["kind", "title", "starts_on", "jobs"])
    sheet.append(["meeting", "Budget review", "2026-05-04", "=2+2"])
    import datetime as dt

    sheet.append(["meeting", "Dated cell", dt.datetime(2026, 5, 5), 12])
    out = io.BytesIO()
    book.save(out)
    r = do_import(ana, "engagements", "e.xlsx", out.getvalue(), dry_run=True)
    assert [(p[0], p[1]) for p in problems(r)] == [(2, "jobs")]
    assert "formula" in problems(r)[0][2]
    sheet.delete_rows(2)
    out = io.BytesIO()
    book.save(out)
    r = do_import(ana, "engagements", "e.xlsx", out.getvalue())
    assert r.json()["committed"] and r.json()["create"] == 1
    e = ana.api("GET", "/api/v1/workspaces/la/engagements").json()["items"][0]
    assert e["starts_on"] == "2026-05-05" and e["jobs"] == 12


def test_a_failed_commit_leaves_the_database_exactly_as_it_was(ana, sys_session):
    load_clean_set(ana)
    before = row_counts(sys_session)
    snapshot = ana.get("/w/la/register/export/engagements?format=csv").content
    good_then_bad = (
        b"external_id,kind,title,starts_on\nE-1,meeting,Renamed,2026-12-03\n"
        b"E-9,meeting,New one,2026-12-09\nE-10,meeting,Broken,2026-02-30\n"
    )
    r = do_import(ana, "engagements", "mixed.csv", good_then_bad)
    assert r.status_code == 422
    assert [(d["row"], d["field"]) for d in r.json()["error"]["details"]] == [(4, "starts_on")]
    assert row_counts(sys_session) == before
    assert ana.get("/w/la/register/export/engagements?format=csv").content == snapshot


def test_unknown_references_and_ambiguous_names(ana):
    load_clean_set(ana)
    r = do_import(ana, "people", "p.csv", b"partner,name\nNowhere City Hall,Someone\n", dry_run=True)
    assert problems(r) == [
        (2, "partner", "no partner 'Nowhere City Hall' (import partners first, or use their external_id)")
    ]
    ana.api(
        "POST",
        "/api/v1/workspaces/la/partners",
        json={"kind": "university", "name": "Guangzhou", "country": "CN"},
    )
    r = do_import(ana, "people", "p.csv", b"partner,name\nGuangzhou,Someone\n", dry_run=True)
    assert "several partners" in problems(r)[0][2]
    r = do_import(
        ana, "people", "p.csv", b"id,partner,name\n01a00000-0000-7000-8000-000000000000,GZ,X\n", dry_run=True
    )
    assert problems(r)[0][1] == "id"


def test_import_page_dry_run_then_commit(ana):
    path = DATA / "partners.csv"
    r = ana.client.post(
        "/w/la/register/import",
        data={"csrf_token": ana.csrf, "kind": "partners", "action": "check"},
        files={"file": (path.name, path.read_bytes())},
    )
    assert r.status_code == 200 and "Import these 5 rows" in r.text
    token = r.text.split('name="upload" value="')[1].split('"')[0]
    assert ana.api("GET", "/api/v1/workspaces/la/partners").json()["total"] == 0
    r = ana.post("/w/la/register/import", {"upload": token, "action": "import"})
    assert r.status_code == 303 and "5 created" in flash_of(r.headers["location"])
    assert ana.api("GET", "/api/v1/workspaces/la/partners").json()["total"] == 5
    bad = (DATA / "engagements_bad.csv").read_bytes()
    r = ana.client.post(
        "/w/la/register/import",
        data={"csrf_token": ana.csrf, "kind": "engagements", "action": "check"},
        files={"file": ("engagements_bad.csv", bad)},
    )
    assert r.status_code == 200 and "nothing was imported" in r.text and "not a date" in r.text


def test_cli_import_export_template(cli, office, tmp_path, sys_session):
    code, out = cli(
        "register",
        "import",
        str(DATA / "partners.csv"),
        "--workspace",
        "la",
        "--kind",
        "partners",
        "--dry-run",
    )
    assert code == 0 and "dry run" in out and "5 new" in out
    assert row_counts(sys_session)["partners"] == 0
    code, out = cli(
        "register", "import", str(DATA / "partners.csv"), "--workspace", "la", "--kind", "partners"
    )
    assert code == 0 and "Imported" in out
    code, out = cli(
        "register", "import", str(DATA / "partners_cp1252.csv"), "--workspace", "la", "--kind", "partners"
    )
    assert code == 1 and "not UTF-8" in out and "Traceback" not in out
    target = tmp_path / "p.xlsx"
    code, out = cli(
        "register",
        "export",
        "--workspace",
        "la",
        "--kind",
        "partners",
        "--format",
        "xlsx",
        "--filter",
        "kind=consulate",
        "-o",
        str(target),
    )
    assert code == 0 and target.exists()
    assert len(list(load_workbook(target).active.iter_rows())) == 3
    code, out = cli("register", "export", "--workspace", "la", "--kind", "partners", "--filter", "country=MX")
    assert code == 0 and "Consulado" not in out and "Mexico City" in out
    code, out = cli("register", "template", "--kind", "people", "-o", str(tmp_path / "people.csv"))
    assert code == 0 and (tmp_path / "people.csv").read_text("utf-8-sig").startswith(
        "id,external_id,partner,name"
    )
