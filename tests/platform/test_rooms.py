"""Rooms are declared once (citydip.domains.ROOMS) and documented (docs/architecture.md): the Datasette habit.

A room used anywhere in the code but not declared, a declared room the architecture page does not describe,
a documented room that does not exist, or a domain module in a room without the function the room promises
fails here.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from citydip.domains import DOMAIN_PACKAGES, ROOMS, folders, rooms

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "citydip"
LOOKUPS = {"rooms": 0, "folders": 0, "declared": 0, "room": 1}  # function -> index of the room-name argument


def used_rooms() -> dict[str, set[str]]:
    """Room name -> files that look it up by name (calls of rooms/room/folders/declared with a literal)."""
    used: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            index = LOOKUPS.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used.setdefault(arg.value, set()).add(str(path.relative_to(SRC)))
    return used


def documented_rooms() -> dict[str, str]:
    """Room name -> its row in the rooms table of docs/architecture.md (the table after the marker heading)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("### Rooms the registry looks up", 1)
    assert len(section) == 2, "docs/architecture.md lost its '### Rooms the registry looks up' section"
    rows: dict[str, str] = {}
    for line in section[1].split("\n### ", 1)[0].splitlines():
        match = re.match(r"^\| `([A-Za-z_]+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_room_used_is_declared():
    used = used_rooms()
    assert {"views", "cli", "demo", "dashboard", "public", "city_sections", "vlr", "models"} <= set(used)
    undeclared = {name: sorted(files) for name, files in used.items() if name not in ROOMS}
    assert undeclared == {}


def test_every_declared_room_is_described_in_the_architecture_page():
    documented = documented_rooms()
    assert sorted(set(ROOMS) - set(documented)) == [], "declared but not described"
    assert sorted(set(documented) - set(ROOMS)) == [], "described but not declared"
    for name, room in ROOMS.items():
        row = documented[name]
        assert room.meaning and room.signature
        for part in re.findall(r"[a-z_]+\(", room.signature):
            assert part in row, f"the architecture page's row for {name} does not show {part}"


def test_room_modules_provide_what_their_room_promises():
    missing = []
    for name, room in ROOMS.items():
        if room.kind != "module" or name == "models":
            continue
        for package, module in rooms(name):
            for attr in room.provides:
                if not callable(getattr(module, attr, None)) and not hasattr(module, attr):
                    missing.append(f"{package}.{name}.{attr}")
            if name == "views":
                assert hasattr(module, "router") or hasattr(module, "api"), package
    assert missing == []


def test_folder_and_attribute_rooms_are_found():
    assert {package for package, _ in folders("templates")} >= {"citydip.register", "citydip.practices"}
    for package in DOMAIN_PACKAGES:
        nav = getattr(importlib.import_module(package), "NAV", [])
        assert isinstance(nav, list), package


def test_an_undeclared_room_is_refused():
    import pytest

    with pytest.raises(LookupError, match="not declared"):
        list(rooms("widgets"))
