"""The evaluator: for a subject, an award and a year, eligible or not and why.

Pure Python (no ORM import): rule sets come in as data (`RuleBook`), histories as
`history.Subject`. The database loader, the CLI, the page and the API all end here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thidua.eligibility.conditions import KINDS, Context, Outcome
from thidua.eligibility.history import Subject, from_input

BUILTIN_RULES = Path(__file__).parent / "data" / "rules.json"
CONFIDENCE_VI = {"confirmed": "", "paraphrased": " (diễn giải, cần đối chiếu văn bản)",
                 "unconfirmed": " [CHƯA XÁC NHẬN căn cứ pháp lý]"}


class Check:
    """One condition of a result: met or not, its legal basis, evidence and explanation
    (built on first read; see conditions.Outcome)."""

    __slots__ = ("condition", "label", "met", "basis", "evidence", "confidence", "_outcome")

    def __init__(self, condition: str, label: str, met: bool, basis: str, outcome: Outcome,
                 confidence: str = "confirmed"):
        self.condition, self.label, self.met, self.basis = condition, label, met, basis
        self.evidence, self.confidence, self._outcome = outcome.evidence, confidence, outcome

    @property
    def unconfirmed(self) -> bool:
        return self.confidence == "unconfirmed"

    @property
    def explanation(self) -> str:
        return self._outcome.vi + CONFIDENCE_VI.get(self.confidence, "")

    @property
    def explanation_en(self) -> str:
        return self._outcome.en + (" [UNCONFIRMED legal basis]" if self.unconfirmed else "")


@dataclass
class Result:
    subject: str
    award: str
    year: int
    eligible: bool
    rule: str | None
    checks: list[Check]
    subject_name: str = ""
    gender: str | None = None

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    def as_dict(self) -> dict:
        return {
            "subject": self.subject, "award": self.award, "year": self.year, "eligible": self.eligible,
            "rule": self.rule,
            "checks": [{"condition": c.condition, "label": c.label, "met": c.met, "basis": c.basis,
                        "confidence": c.confidence, "unconfirmed": c.unconfirmed, "explanation": c.explanation,
                        "explanation_en": c.explanation_en, "evidence": c.evidence} for c in self.checks],
        }


def _in_force(rule: dict, year: int) -> bool:
    """A rule applies to year Y when it is in force on 31/12/Y (when Y's titles are considered)."""
    day = date(year, 12, 31)
    start = date.fromisoformat(rule["effective_from"]) if rule.get("effective_from") else date.min
    end = date.fromisoformat(rule["effective_to"]) if rule.get("effective_to") else date.max
    return start <= day <= end


class RuleBook:
    """Built-in rules plus a deployment's overrides (same shape, e.g. from RuleOverride rows).

    An override for the same award and subject kind that is in force for the year wins over
    the built-in rule; authority-specific overrides win over general ones.
    """

    def __init__(self, rules: list[dict], general: list[dict], overrides: Iterable[dict] = ()):
        self.rules = rules
        self.general = general
        self.overrides = list(overrides)
        self._cache: dict[tuple, dict | None] = {}  # rule lookups repeat for every subject
        self._compiled: dict[tuple, list[tuple]] = {}
        self._general = {kind: [g for g in general if kind in g.get("subjects", ["individual", "collective"])]
                         for kind in ("individual", "collective")}

    @classmethod
    def builtin(cls, overrides: Iterable[dict] = ()) -> RuleBook:
        data = json.loads(BUILTIN_RULES.read_text(encoding="utf-8"))
        return cls(data["rules"], data["general"], overrides)

    def awards(self, kind: str | None = None) -> list[str]:
        seen = []
        for r in self.overrides + self.rules:
            if (kind is None or r["subject"] == kind) and r["award"] not in seen:
                seen.append(r["award"])
        return seen

    def rule_for(self, award: str, kind: str, year: int, authority: str | None = None) -> dict | None:
        key = (award, kind, year, authority)
        if key not in self._cache:
            self._cache[key] = self._find(award, kind, year, authority)
        return self._cache[key]

    def general_for(self, kind: str) -> list[dict]:
        return self._general.get(kind, [])

    def compiled(self, rule: dict, kind: str) -> list[tuple]:
        """The general and the rule's conditions as (function, params, id, label, basis, confidence),
        resolved once per rule instead of once per subject."""
        key = (rule["id"], kind)
        steps = self._compiled.get(key)
        if steps is None:
            steps = self._compiled[key] = [
                (KINDS[spec["kind"]], spec.get("params", {}), spec.get("id", spec["kind"]),
                 spec.get("label_vi", spec["kind"]), spec.get("basis", rule.get("basis", "")),
                 spec.get("confidence", rule.get("confidence", "confirmed")))
                for spec in (*self.general_for(kind), *rule["conditions"])
            ]
        return steps

    def _find(self, award: str, kind: str, year: int, authority: str | None) -> dict | None:
        def matches(r):
            return r["award"] == award and r["subject"] == kind and _in_force(r, year)

        for r in self.overrides:
            if matches(r) and authority is not None and r.get("authority") == authority:
                return r
        for r in self.overrides:
            if matches(r) and not r.get("authority"):
                return r
        return next((r for r in self.rules if matches(r)), None)


def evaluate(subject: Subject, award: str, year: int, book: RuleBook, authority: str | None = None) -> Result:
    rule = book.rule_for(award, subject.kind, year, authority)
    if rule is None:
        kind_vi = "tập thể" if subject.kind == "collective" else "cá nhân"
        check = Check("rule", "Quy định áp dụng", False, "—", Outcome(False, lambda: (
            f"Không có quy định về {award} cho {kind_vi} có hiệu lực trong năm {year}.",
            f"No rule for {award} ({subject.kind}) in force in {year}.")))
        return Result(subject.id, award, year, False, None, [check], subject.name, subject.gender)
    ctx = Context(award=award, year=year)
    checks, eligible = [], True
    for fn, params, cid, label, basis, confidence in book.compiled(rule, subject.kind):
        outcome = fn(subject, ctx, params)
        eligible = eligible and outcome.met
        checks.append(Check(cid, label, outcome.met, basis, outcome, confidence))
    return Result(subject.id, award, year, eligible, rule["id"], checks, subject.name, subject.gender)


def evaluate_all(subjects: Iterable[Subject], year: int, book: RuleBook, awards: list[str] | None = None,
                 authority: str | None = None) -> Iterable[Result]:
    """Every requested award (default: every award with a rule for the subject's kind) for every subject."""
    per_kind = {kind: awards or [a for a in book.awards(kind) if book.rule_for(a, kind, year, authority)]
                for kind in ("individual", "collective")}
    for s in subjects:
        for award in per_kind[s.kind]:
            yield evaluate(s, award, year, book, authority)


def evaluate_input(data: dict, awards: list[str] | None = None, book: RuleBook | None = None) -> dict:
    """The documented JSON in → JSON out interface, without any database."""
    year, subjects = from_input(data)
    book = book or RuleBook.builtin()
    return {"results": [r.as_dict() for r in evaluate_all(subjects, year, book, awards or data.get("awards"))]}


def rank_for_quota(results: list[Result], limit: int, tie_breaks: Iterable[str] = ("female_first",)) -> list[tuple[Result, bool]]:
    """Order eligible candidates for a quota and say who falls within it.

    Tie-breaks are data: "female_first" (ND 152 art. 4: ties go to women). Candidates are first
    ordered by the strength of their evidence (number of items), then the tie-breaks, then id.
    """
    eligible = [r for r in results if r.eligible]

    def key(r: Result):
        parts = [-sum(len(c.evidence) for c in r.checks)]
        for t in tie_breaks:
            if t == "female_first":
                parts.append(0 if r.gender == "female" else 1)
        parts.append(r.subject)
        return parts

    ordered = sorted(eligible, key=key)
    return [(r, i < limit) for i, r in enumerate(ordered)]


