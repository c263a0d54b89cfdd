"""The request parameters of `resource_history`: parsed, validated against the current machines,
normalized (lists sorted and distinct), and the cache key they give."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from datetime import date

from mes_dashboard import contracts
from mes_dashboard.errors import ApiError
from mes_dashboard.sources.history_filter import FLAG_COLUMNS, HistoryFilter

# the longest range, both ends included: one number in the field contract, which the page reads too
MAX_DAYS: int = contracts.dataset("resource_history")["max_range_days"]
LISTS = ("workcenter_groups", "families")
KNOWN = ("start", "end", *LISTS, *FLAG_COLUMNS)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _invalid(parameter: str, detail: str, **extra: object) -> ApiError:
    return ApiError("INVALID_PARAMETER", detail, extra={"parameter": parameter, **extra})


def _date(args: Mapping[str, str], name: str) -> date:
    raw = args.get(name, "").strip()
    if not raw:
        raise _invalid(name, f"{name}= is required (YYYY-MM-DD)")
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, f"{name}={raw!r} is not a date (YYYY-MM-DD)") from None


def _names(args: Mapping[str, str], name: str, known: Collection[str]) -> tuple[str, ...]:
    values = sorted({v.strip() for v in args.get(name, "").split(",") if v.strip()})
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = ", ".join(unknown[:10])
        raise _invalid(name, f"unknown {name}: {shown}", unknown_values=unknown)
    return tuple(values)


def _flag(args: Mapping[str, str], name: str) -> bool | None:
    raw = args.get(name, "").strip().lower()
    if raw not in ("", "true", "false"):
        raise _invalid(name, f"{name}= is true or false, not {args[name]!r}")
    return None if not raw else raw == "true"


def parse_history_params(
    args: Mapping[str, str], groups: Collection[str], families: Collection[str]
) -> HistoryFilter:
    """The normalized filter of a request, or INVALID_PARAMETER naming the parameter."""
    extra = sorted(set(args) - set(KNOWN))
    if extra:
        raise _invalid(extra[0], f"unknown parameter {extra[0]!r}; known: {', '.join(KNOWN)}")
    start, end = _date(args, "start"), _date(args, "end")
    if end < start:
        raise _invalid("end", f"end {end} is before start {start}")
    if (end - start).days + 1 > MAX_DAYS:
        raise _invalid("end", f"the range is at most {MAX_DAYS} days")
    flags = tuple(
        (column, value)
        for name, column in sorted(FLAG_COLUMNS.items(), key=lambda kv: kv[1])
        if (value := _flag(args, name)) is not None
    )
    return HistoryFilter(
        start,
        end,
        _names(args, "workcenter_groups", groups),
        _names(args, "families", families),
        flags,
    )


def cache_key(query: HistoryFilter) -> str:
    """A digest of the normalized filter: equal filters, equal keys."""
    canonical = json.dumps(
        {
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "workcenter_groups": query.workcenter_groups,
            "families": query.families,
            "flags": query.flags,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()
