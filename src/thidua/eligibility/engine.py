"""The evaluator: for a subject, an award and a year, eligible or not and why.

Pure Python (no ORM import): rule sets come in as data (`RuleBook`), histories as
`history.Subject`. The database loader, the CLI, the page and the API all end here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from thidua.eligibility.conditions import KINDS, Context, MetFn, Outcome, compile_met, held_codes
from thidua.eligibility.history import Subject, canonical, input_years, subjects_from_input
from thidua.eligibility.labels import award_en, award_vi

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


class Result:
    """An award evaluated for a subject and a year.

    `eligible` and `missing_count` are decided when the result is made; the checks (each condition
    with its evidence and explanation) are built on first read from the subject's history, so a
    national run that counts or filters results never builds the millions of checks it does not show.
    (The history must therefore not be changed between the evaluation and that first read.)
    """

    __slots__ = ("subject", "award", "year", "eligible", "rule", "subject_name", "gender", "_checks",
                 "_missing_count", "_history", "_rule", "_book")

    def __init__(self, subject: str, award: str, year: int, eligible: bool, rule: str | None,
                 checks: list[Check] | None = None, subject_name: str = "", gender: str | None = None, *,
                 missing_count: int | None = None, history: Subject | None = None, rule_spec: dict | None = None,
                 book: RuleBook | None = None):
        self.subject, self.award, self.year, self.eligible, self.rule = subject, award, year, eligible, rule
        self.subject_name, self.gender = subject_name, gender
        self._checks, self._missing_count = checks, missing_count
        # Without `checks`: what builds them on first read (the subject's history and the rule applied).
        self._history, self._rule, self._book = history, rule_spec, book

    @property
    def checks(self) -> list[Check]:
        if self._checks is None:
            if self._rule is None:
                self._checks = [_no_rule(self._history, self.award, self.year)]
            else:
                self._checks = _checks(self._history, self.award, self.year, self._rule, self._book)
            self._history = self._rule = self._book = None
        return self._checks

    @checks.setter
    def checks(self, value: list[Check]) -> None:
        self._checks, self._missing_count = value, None
        self._history = self._rule = self._book = None

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    @property
    def missing_count(self) -> int:
        """How many conditions are not met (without building the checks)."""
        if self._missing_count is None:
            self._missing_count = len(self.missing)
        return self._missing_count

    def __repr__(self) -> str:
        return (f"Result(subject={self.subject!r}, award={self.award!r}, year={self.year!r}, "
                f"eligible={self.eligible!r}, rule={self.rule!r})")

    def as_dict(self) -> dict:
        return {
            "subject": self.subject, "award": self.award, "year": self.year, "eligible": self.eligible,
            "rule": self.rule,
            "checks": [{"condition": c.condition, "label": c.label, "met": c.met, "basis": c.basis,
                        "confidence": c.confidence, "unconfirmed": c.unconfirmed, "explanation": c.explanation,
                        "explanation_en": c.explanation_en, "evidence": c.evidence} for c in self.checks],
        }


class _LazyResult(Result):
    """A result made by `evaluator`: the same attributes, set straight from the subject (no keyword
    handling: a national run makes millions), the checks built on first read."""

    __slots__ = ()

    def __init__(self, s: Subject, award: str, year: int, missing: int, rule_id: str | None, rule: dict | None,
                 book: RuleBook | None):
        self.subject, self.award, self.year, self.eligible, self.rule = s.id, award, year, missing == 0, rule_id
        self.subject_name, self.gender = s.name, s.gender
        self._checks, self._missing_count = None, missing
        self._history, self._rule, self._book = s, rule, book


TRANSITION = {
    "basis": "Luật TĐKT 2022, Điều 94.1 (hiệu lực từ 01/01/2024) và Điều 95 (danh hiệu, hình thức đã tặng trước đó "
             "được tiếp tục công nhận)",
    "confidence": "unconfirmed",
    "rule_vi": "Hồ sơ trình trước ngày 01/01/2024 xét theo Luật 2003 (sửa đổi 2013) và Nghị định 91/2017; hồ sơ trình "
               "từ ngày đó xét theo Luật 2022 (ngày trình hồ sơ chọn phiên bản quy định).",
    "note_vi": "Điều 94, 95 Luật 2022 đã đối chiếu nguyên văn nhưng không nói hồ sơ trình trước 01/01/2024 theo luật nào; "
               "chưa tìm thấy điều khoản chuyển tiếp của Nghị định 98/2023/NĐ-CP về việc này: chưa xác nhận.",
}


def _in_force(rule: dict, year: int, as_of: date | None = None) -> bool:
    """A rule applies to year Y when it is in force on 31/12/Y (when Y's titles are considered), or, given
    the date a dossier was submitted (`as_of`), on that date: a dossier for 2023 submitted from 1/1/2024 on
    follows the 2022 Law, one submitted before follows the 2003 Law.

    Sources: Law 2022 art. 94.1 (in force from 1/1/2024) and art. 95 (titles and awards granted before that day
    stay recognised) were read in the text (vi.wikisource, Chương VIII). Neither says which law a dossier
    submitted before 1/1/2024 and decided after follows. Searched on 5/12/2026 for a transitional article of
    Nghị định 98/2023/NĐ-CP (arts. 114–117) saying so: not found. The submission-date rule is therefore
    UNCONFIRMED (see TRANSITION below, shown on the "Căn cứ pháp lý" page)."""
    day = as_of or date(year, 12, 31)
    start = date.fromisoformat(rule["effective_from"]) if rule.get("effective_from") else date.min
    end = date.fromisoformat(rule["effective_to"]) if rule.get("effective_to") else date.max
    return start <= day <= end


class RuleBook:
    """Built-in rules plus a deployment's overrides (same shape, e.g. from RuleOverride rows).

    An override for the same award and subject kind that is in force for the year wins over
    the built-in rule; authority-specific overrides win over general ones.
    """

    def __init__(self, rules: list[dict], general: list[dict], overrides: Iterable[dict] = (),
                 templates: list[dict] | None = None):
        self.rules = rules
        self.general = general
        # Rule templates a deployment fills in as overrides (e.g. Giấy khen: its criteria are the granting head's).
        self.templates = templates or []
        self.overrides = list(overrides)
        self._cache: dict[tuple, dict | None] = {}  # rule lookups repeat for every subject
        self._compiled: dict[tuple, list[tuple]] = {}
        self._met: dict[tuple, list[tuple[MetFn, bool]]] = {}
        self._general = {kind: [g for g in general if kind in g.get("subjects", ["individual", "collective"])]
                         for kind in ("individual", "collective")}

    @classmethod
    def builtin(cls, overrides: Iterable[dict] = ()) -> RuleBook:
        data = json.loads(BUILTIN_RULES.read_text(encoding="utf-8"))
        return cls(data["rules"], data["general"], overrides, data.get("templates"))

    def awards(self, kind: str | None = None) -> list[str]:
        seen = []
        for r in self.overrides + self.rules:
            if (kind is None or r["subject"] == kind) and r["award"] not in seen:
                seen.append(r["award"])
        return seen

    def rule_for(self, award: str, kind: str, year: int, authority: str | None = None,
                 as_of: date | None = None) -> dict | None:
        key = (award, kind, year, authority, as_of)
        if key not in self._cache:
            self._cache[key] = self._find(canonical(award), kind, year, authority, as_of)
        return self._cache[key]

    def versions(self, award: str, kind: str) -> list[dict]:
        """Every built-in rule for an award and a kind of subject, oldest first (the "Căn cứ pháp lý" page)."""
        return sorted((r for r in self.rules if r["award"] == award and r["subject"] == kind),
                      key=lambda r: r.get("effective_from") or "")

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

    def general_met(self, kind: str) -> list[tuple[MetFn, bool]]:
        """The general conditions' "met only" functions, each with whether it ignores the award."""
        key = ("general", kind)
        fns = self._met.get(key)
        if fns is None:
            fns = self._met[key] = [compile_met(spec) for spec in self.general_for(kind)]
        return fns

    def rule_met(self, rule: dict) -> list[tuple[MetFn, bool]]:
        """The rule's own conditions' "met only" functions (see conditions.compile_met)."""
        key = ("rule", rule["id"], id(rule))
        fns = self._met.get(key)
        if fns is None:
            fns = self._met[key] = [compile_met(spec) for spec in rule["conditions"]]
        return fns

    def _find(self, award: str, kind: str, year: int, authority: str | None, as_of: date | None) -> dict | None:
        def matches(r):
            return r["award"] == award and r["subject"] == kind and _in_force(r, year, as_of)

        for r in self.overrides:
            if matches(r) and authority is not None and r.get("authority") == authority:
                return r
        for r in self.overrides:
            if matches(r) and not r.get("authority"):
                return r
        return next((r for r in self.rules if matches(r)), None)


def _no_rule(subject: Subject, award: str, year: int) -> Check:
    kind_vi = "tập thể" if subject.kind == "collective" else "cá nhân"
    return Check("rule", "Quy định áp dụng", False, "—", Outcome(False, lambda: (
        f"Không có quy định về {award_vi(award)} cho {kind_vi} có hiệu lực trong năm {year}.",
        f"No rule for {award_en(award)} ({subject.kind}) in force in {year}.")))


def _checks(subject: Subject, award: str, year: int, rule: dict, book: RuleBook) -> list[Check]:
    ctx = Context(award=award, year=year)
    return [Check(cid, label, (outcome := fn(subject, ctx, params)).met, basis, outcome, confidence)
            for fn, params, cid, label, basis, confidence in book.compiled(rule, subject.kind)]


def evaluate(subject: Subject, award: str, year: int, book: RuleBook, authority: str | None = None,
             as_of: date | None = None) -> Result:
    """One award for one subject, with every check built (see `evaluate_all` for many)."""
    rule = book.rule_for(award, subject.kind, year, authority, as_of)
    if rule is None:
        return Result(subject.id, award, year, False, None, [_no_rule(subject, award, year)], subject.name,
                      subject.gender)
    checks = _checks(subject, award, year, rule, book)
    return Result(subject.id, award, year, all(c.met for c in checks), rule["id"], checks, subject.name,
                  subject.gender)


def evaluate_all(subjects: Iterable[Subject], year: int, book: RuleBook, awards: list[str] | None = None,
                 authority: str | None = None, as_of: date | None = None) -> Iterator[Result]:
    """Every requested award (default: every award with a rule for the subject's kind) for every subject.

    The fast path: each condition answers met or not through its compiled "met only" function, the
    general conditions (no review, no discipline) once per subject for all its awards, and each
    result builds its checks only when they are read. Same results as `evaluate`, one by one.
    """
    run = evaluator(year, book, awards, authority, as_of)
    for s in subjects:
        yield from run((s,))


def evaluator(year: int, book: RuleBook, awards: list[str] | None = None,
              authority: str | None = None, as_of: date | None = None) -> Callable[[Iterable[Subject]], list[Result]]:
    """`evaluate_all` as a function from subjects to the list of their results (for a chunk at a time)."""
    plans = {}
    for kind in ("individual", "collective"):
        general = book.general_met(kind)
        shared = all(free for _fn, free in general)
        plan = []
        for award in awards or [a for a in book.awards(kind) if book.rule_for(a, kind, year, authority, as_of)]:
            rule = book.rule_for(award, kind, year, authority, as_of)
            fns = [fn for fn, _free in (book.rule_met(rule) if shared else book.general_met(kind) + book.rule_met(rule))] \
                if rule else []
            plan.append((award, rule, rule["id"] if rule else None, fns))
        plans[kind] = (plan, [fn for fn, _free in general] if shared else [])

    def run(subjects: Iterable[Subject]) -> list[Result]:
        out = []
        add = out.append
        for s in subjects:
            plan, general = plans[s.kind]
            held = held_codes(s)
            base = 0
            for fn in general:
                if not fn(s, year, None, held):
                    base += 1
            for award, rule, rule_id, fns in plan:
                if rule is None:
                    add(_LazyResult(s, award, year, 1, None, None, None))
                    continue
                missing = base
                for fn in fns:
                    if not fn(s, year, award, held):
                        missing += 1
                add(_LazyResult(s, award, year, missing, rule_id, rule, book))
        return out

    return run


def evaluate_input(data: dict, awards: list[str] | None = None, book: RuleBook | None = None) -> dict:
    """The documented JSON in → JSON out interface, without any database: every year considered
    (`"year"`, or `"years"`), every requested award (default: every award with a rule in force)."""
    years = input_years(data)
    subjects = subjects_from_input(data, years[-1])
    as_of = date.fromisoformat(data["submitted_on"]) if data.get("submitted_on") else None
    book = book or RuleBook.builtin()
    return {"results": [r.as_dict() for year in years
                        for r in evaluate_all(subjects, year, book, awards or data.get("awards"), as_of=as_of)]}


def evidence_count(r: Result) -> int:
    """The strength of a result's evidence for a quota ranking: its number of evidence items."""
    return sum(len(c.evidence) for c in r.checks)


def quota_key(evidence: int, gender: str | None, subject: str, tie_breaks: Iterable[str] = ("female_first",)) -> list:
    """The order of candidates for a quota: stronger evidence first, then the tie-breaks, then id."""
    parts = [-evidence]
    for t in tie_breaks:
        if t == "female_first":
            parts.append(0 if gender == "female" else 1)
    parts.append(subject)
    return parts


def rank_for_quota(results: list[Result], limit: int, tie_breaks: Iterable[str] = ("female_first",)) -> list[tuple[Result, bool]]:
    """Order eligible candidates for a quota and say who falls within it.

    Tie-breaks are data: "female_first" (ND 152 art. 4: ties go to women). Candidates are first
    ordered by the strength of their evidence (number of items), then the tie-breaks, then id.
    """
    eligible = [r for r in results if r.eligible]
    ordered = sorted(eligible, key=lambda r: quota_key(evidence_count(r), r.gender, r.subject, tie_breaks))
    return [(r, i < limit) for i, r in enumerate(ordered)]
