"""The JSON contracts are consistent with each other and with the design's error table."""

from __future__ import annotations

from mes_dashboard import contracts
from mes_dashboard.errors import error_codes


def test_metric_ids_are_unique_and_reference_real_columns() -> None:
    raw = contracts.load("metrics")["metrics"]
    ids = [m["id"] for m in raw]
    assert len(ids) == len(set(ids))
    for m in raw:
        for ds in m["datasets"]:
            names = {c["name"] for c in contracts.columns(ds)}
            parts = [m, m.get("numerator", {}), m.get("denominator", {})]
            for part in parts:
                if "field" in part:
                    assert part["field"] in names, (m["id"], ds)
                for f in part.get("where", []):
                    assert f["field"] in names, (m["id"], ds)


def test_every_dataset_has_a_key_column_in_its_main_payload() -> None:
    for name in ("wip", "resource"):
        key = contracts.dataset(name)["key"]
        assert key in {c["name"] for c in contracts.columns(name, "main")}


def test_columns_carry_labels_in_both_languages_and_an_export_header() -> None:
    for name in contracts.dataset_names():
        for col in contracts.columns(name):
            assert col["label"]["zh-TW"] and col["label"]["en"] and col["export"]
            assert col["semantic"] in {
                "identifier",
                "category",
                "quantity",
                "count",
                "timestamp",
                "flag",
                "text",
                "duration",
            }


def test_error_codes_match_the_resilience_contract() -> None:
    codes = error_codes()
    expected = {
        "DB_POOL_EXHAUSTED": (503, True),
        "CIRCUIT_OPEN": (503, True),
        "DB_UNAVAILABLE": (503, True),
        "DB_TIMEOUT": (504, True),
        "SNAPSHOT_UNAVAILABLE": (503, True),
        "RATE_LIMITED": (429, True),
        "BAD_REQUEST": (400, False),
        "NOT_FOUND": (404, False),
        "UNAUTHORIZED": (401, False),
        "FORBIDDEN": (403, False),
    }
    for code, (status, retryable) in expected.items():
        assert (codes[code].status, codes[code].retryable) == (status, retryable)
