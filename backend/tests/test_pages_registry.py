"""The page registry: validation, atomic writes, visibility by role, and its endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mes_dashboard.registry.pages import (
    RegistryError,
    read_registry,
    validate,
    visible_pages,
    write_registry,
)


def test_default_registry_is_valid_and_hides_dev_pages_from_users() -> None:
    doc = read_registry(None)
    assert all(p["status"] == "released" for p in doc["pages"])
    for page in doc["pages"]:
        if page["id"] == "equipment-history":
            page["status"] = "dev"
    user = visible_pages(doc, is_admin=False)
    admin = visible_pages(doc, is_admin=True)
    assert "equipment-history" not in {p["id"] for p in user["pages"]}
    assert "equipment-history" in {p["id"] for p in admin["pages"]}
    for drawer in user["drawers"]:
        assert drawer["pages"], "empty drawers are dropped"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["pages"][0].update(status="beta"), "status"),
        (lambda d: d["pages"][1].update(id=d["pages"][0]["id"]), "duplicated"),
        (lambda d: d["pages"][0]["label"].pop("en"), "label"),
        (lambda d: d["drawers"][0]["pages"].append("ghost"), "unknown page"),
        (lambda d: d.pop("pages"), "pages"),
    ],
)
def test_malformed_registry_is_rejected(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = read_registry(None)
    mutate(doc)
    with pytest.raises(RegistryError, match=message):
        validate(doc)


def test_write_is_atomic_and_a_bad_document_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    doc = read_registry(None)
    doc["pages"][0]["status"] = "dev"
    write_registry(path, doc)
    assert read_registry(path)["pages"][0]["status"] == "dev"
    before = path.read_bytes()
    bad = json.loads(before)
    bad["pages"][0]["status"] = "nope"
    with pytest.raises(RegistryError):
        write_registry(path, bad)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["pages.json"]
