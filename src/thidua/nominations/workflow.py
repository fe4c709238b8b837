"""The workflow as data: states, transitions, routing between levels, deadlines and council thresholds,
read from `nominations/data/*.json`. A deployment changes these files (or points
`settings.THIDUA_NOMINATIONS_DATA` at its own directory), not the code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from thidua.orgs.models import Organization

DATA_DIR = Path(__file__).parent / "data"


def _data_dir() -> Path:
    return Path(getattr(settings, "THIDUA_NOMINATIONS_DATA", DATA_DIR))


def _load(name: str) -> dict:
    return json.loads((_data_dir() / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Transition:
    code: str
    label_vi: str
    label_en: str
    sources: tuple[str, ...]
    target: str
    level: str  # "proposer" | "handler"
    roles: frozenset[str]
    reason: bool = False
    checks: bool = False
    route: str | None = None  # "next" | "last" | None
    via: str | None = None  # taken by another service (e.g. "decision")
    first_step_only: bool = False
    style: str = "primary"


@dataclass(frozen=True)
class Deadline:
    code: str
    states: frozenset[str]
    start: str  # Dossier field holding the start time
    working_days: int
    label_vi: str
    basis: str


@dataclass
class Workflow:
    states: dict[str, dict]
    transitions: dict[str, Transition]
    item_outcomes: dict
    items_editable: dict
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def terminal_states(self) -> list[str]:
        return [c for c, s in self.states.items() if s.get("terminal")]

    def state_label(self, code: str) -> str:
        return self.states.get(code, {}).get("label_vi", code)

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def deadline_for(self, state: str) -> Deadline | None:
        return next((d for d in self.deadlines if state in d.states), None)


@lru_cache(maxsize=1)
def workflow() -> Workflow:
    data = _load("workflow.json")
    states = {s["code"]: s for s in data["states"]}
    transitions = {}
    for t in data["transitions"]:
        for code in (*t["from"], t["to"]):
            if code not in states:
                raise ValueError(f"workflow.json: transition {t['code']} names an unknown state {code!r}")
        transitions[t["code"]] = Transition(
            code=t["code"], label_vi=t["label_vi"], label_en=t.get("label_en", t["label_vi"]), sources=tuple(t["from"]),
            target=t["to"], level=t["level"], roles=frozenset(t["roles"]), reason=bool(t.get("reason")),
            checks=bool(t.get("checks")), route=t.get("route"), via=t.get("via"),
            first_step_only=bool(t.get("first_step_only")), style=t.get("style", "primary"))
    deadlines = [Deadline(code=d["code"], states=frozenset(d["states"]), start=d["from"], working_days=int(d["working_days"]),
                          label_vi=d["label_vi"], basis=d.get("basis", ""))
                 for d in _load("deadlines.json")["deadlines"]]
    return Workflow(states, transitions, data["item_outcomes"], data["items_editable"], deadlines)


# ---------------------------------------------------------------------------
# Routing between levels
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteRule:
    id: str
    granted_by: str
    from_kinds: frozenset[str]
    route: tuple[str, ...]
    authority: str
    valid_from: date | None
    valid_to: date | None
    basis: str

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@lru_cache(maxsize=1)
def routing() -> tuple[dict, list[RouteRule]]:
    data = _load("routing.json")
    rules = [RouteRule(id=r["id"], granted_by=r["granted_by"], from_kinds=frozenset(r["from_kinds"]),
                       route=tuple(r["route"]), authority=r["authority"],
                       valid_from=date.fromisoformat(r["valid_from"]) if r.get("valid_from") else None,
                       valid_to=date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
                       basis=r.get("basis", ""))
             for r in data["routes"]]
    return data["organizations"], rules


def route_rule(from_kind: str, granted_by: str, on: date) -> RouteRule | None:
    _orgs, rules = routing()
    return next((r for r in rules if r.granted_by == granted_by and from_kind in r.from_kinds and r.in_force(on)), None)


HEAD_KINDS = ("department", "commune", "enterprise", "district", "province", "ministry")


def _current(org):
    """A merged organisation's successor (the one that exists now)."""
    chain = org.successors_chain()
    return chain[-1] if chain and not org.is_current else org


def resolve_target(symbol: str, from_org):
    """The organisation a routing symbol names for a dossier from `from_org` (None: no such level, skipped)."""
    named, _rules = routing()
    if symbol in named:
        spec = named[symbol]
        return Organization.objects.filter(kind=spec["kind"], name=spec["name"]).order_by("pk").first()
    ancestors = {o.pk: o for o in Organization.objects.filter(pk__in=[int(i) for i in from_org.path.strip("/").split("/")])}
    chain = [ancestors[int(i)] for i in reversed(from_org.path.strip("/").split("/")) if int(i) in ancestors]
    if symbol == "head":
        return next((o for o in chain if o.kind in HEAD_KINDS), None)
    if symbol == "district":
        return next((o for o in chain if o.kind == "district"), None)
    if symbol == "province":
        top = next((o for o in chain if o.kind in ("province", "ministry")), None)
        return _current(top) if top else None
    raise ValueError(f"routing.json: unknown target {symbol!r}")


# ---------------------------------------------------------------------------
# Council thresholds
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    award: str
    share: Decimal
    basis: str


@lru_cache(maxsize=1)
def council_rules() -> tuple[Decimal, str, dict[str, Threshold]]:
    data = _load("council.json")
    thresholds = {t["award"]: Threshold(t["award"], Decimal(t["share"]), t.get("basis", "")) for t in data["thresholds"]}
    return Decimal(data["quorum"]["share"]), data["quorum"].get("basis", ""), thresholds


def reload() -> None:
    """Forget the cached data files (tests, or after a deployment edits them)."""
    workflow.cache_clear()
    routing.cache_clear()
    council_rules.cache_clear()
