"""The registry of known divergences (`divergences.toml`): which checker disagrees with the runtime, and why."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import cast

from ..model import CHECKER_NAMES, DIVERGENCE_OWNERS, TARGET_FINGERPRINTS, Divergence, EngineError

TARGETS = frozenset(TARGET_FINGERPRINTS)

_DIVERGENCE_KEYS = frozenset({"owner", "reason", "issue", "reports", "targets"})


def load_divergences(path: Path) -> dict[str, Divergence]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise EngineError("not UTF-8", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise EngineError(f"malformed TOML: {exc}", path=path) from exc
    found: dict[str, Divergence] = {}
    for ident, raw in data.items():
        if not isinstance(raw, dict):
            raise EngineError(f"[{ident}] must be a table", path=path)
        entry = cast(dict[str, object], raw)
        unknown = set(entry) - _DIVERGENCE_KEYS
        reason, issue, reports = entry.get("reason"), entry.get("issue"), entry.get("reports")
        if unknown or not isinstance(reason, str) or not isinstance(issue, str) or not isinstance(reports, dict):
            raise EngineError(
                f"[{ident}] needs owner, reason, issue and reports (and nothing but targets besides)", path=path
            )
        owner = entry.get("owner")
        if owner not in DIVERGENCE_OWNERS:
            raise EngineError(
                f'[{ident}] owner must say whose behaviour it describes: "checker" (a checker bug) or "target" '
                f"(the target's own typing), not {owner!r}",
                path=path,
            )
        parsed: dict[str, frozenset[str]] = {}
        for checker, codes in cast(dict[str, object], reports).items():
            if checker not in CHECKER_NAMES or not isinstance(codes, list):
                raise EngineError(
                    f"[{ident}] reports: {checker!r} is not a known checker with a list of codes", path=path
                )
            parsed[checker] = frozenset(str(c) for c in cast(list[object], codes))
        if not parsed:
            raise EngineError(f"[{ident}] reports is empty: name the checker(s) that diverge", path=path)
        targets = entry.get("targets", sorted(TARGETS))
        items = cast(list[object], targets) if isinstance(targets, list) else None
        if items is None or not all(isinstance(t, str) for t in items) or not set(map(str, items)) <= TARGETS:
            raise EngineError(f"[{ident}] targets must be a subset of {sorted(TARGETS)}", path=path)
        if not targets:
            raise EngineError(
                f"[{ident}] targets is empty, so it applies nowhere: remove it or name a target", path=path
            )
        found[ident] = Divergence(
            ident, reason, issue, parsed, frozenset(str(t) for t in cast(list[object], targets)), str(owner)
        )
    return found
