"""The fast path (compiled "met only" conditions, checks built when read) decides exactly what the full
evaluation decides: same eligibility, same number of conditions missing, same checks, on random histories,
for every built-in rule and for rules that use every kind of condition with unusual parameters."""

import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.eligibility import conditions
from thidua.eligibility.engine import (
    RuleBook,
    evaluate,
    evaluate_all,
    evidence_count,
    quota_key,
    rank_for_quota,
)
from thidua.eligibility.history import InitiativeFact, MemberStats, Subject, YearRecord

BOOK = RuleBook.builtin()
CODES = ["LDTT", "CSTDCS", "CSTD_TINH", "CSTDTQ", "BK_TINH", "BK_TTG", "HCLD3", "HCLD2", "HCLD1", "TTLDTT", "TTLDXS",
         "CO_TINH"]
YEARS = [2019, 2022, 2023, 2024]


def _rule(award: str, kind: str, conditions_: list[dict], subject: str = "individual") -> dict:
    return {"id": f"T-{award}-{kind}", "award": award, "subject": subject, "effective_from": "2019-01-01",
            "basis": "thử", "confidence": "unconfirmed", "conditions": [dict(c, id=f"c{i}") for i, c in enumerate(conditions_)]}


# Every kind, with parameters the built-in rules do not use (empty windows, offsets, fixed awards, counts…).
ODD = RuleBook(BOOK.rules, BOOK.general, [
    _rule("X1", "individual", [{"kind": "title_run", "params": {"award": "CSTDCS", "years": 0}},
                               {"kind": "title_run", "params": {"award": "LDTT", "years": 2, "offset": 1}},
                               {"kind": "rating_run", "params": {"min": "HT", "years": 3}}]),
    _rule("X2", "individual", [{"kind": "not_awarded_within", "params": {"award": "LDTT", "years": 2}},
                               {"kind": "initiatives", "params": {"kinds": ["research"], "count": 2, "window": 4,
                                                                  "min_scope": "provincial"}},
                               {"kind": "no_discipline", "params": {"min_level": "warning"}}]),
    _rule("X3", "individual", [{"kind": "holds_then_run", "params": {"award": "CSTDCS", "years": 2, "min_rating": "HTXS",
                                                                     "titles": {"LDTT": 1, "BK_TINH": 1}, "min_htxs": 2}},
                               {"kind": "title_repeat", "params": {"award": "CSTDCS", "interval": 1, "latest_within": 2}}]),
    _rule("X4", "individual", [{"kind": "any_of", "params": {"options": [
                                   {"kind": "title_run", "params": {"award": "BK_TTG"}},
                                   {"kind": "rating_run", "params": {"min": "HTXS", "years": 2}},
                                   {"kind": "initiatives", "params": {"min_scope": "national"}}]}},
                               {"kind": "all_of", "params": {"conditions": [
                                   {"kind": "rating_run", "params": {"min": "HTT"}},
                                   {"kind": "not_awarded_within", "params": {"years": 3}},
                                   {"kind": "no_open_review"}]}}]),
    _rule("X5", "collective", [{"kind": "members_share", "params": {"metric": "cstdcs", "min_count": 2}},
                               {"kind": "members_share", "params": {"metric": "complete", "min_share": 0.9,
                                                                    "max_count": 20}},
                               {"kind": "holds_then_run", "params": {"award": "BK_TINH", "years": 1}}],
          subject="collective"),
    _rule("X6", "collective", [{"kind": "members_share", "params": {"metric": "ldtt", "more_than_share": 0.5}},
                               {"kind": "title_count", "params": {"award": "CO_TINH", "years": 3, "count": 2}},
                               {"kind": "led_cluster", "params": {"levels": ["central"]}},
                               {"kind": "title_run", "params": {"award": "TTLDXS", "years": 3}}],
          subject="collective"),
    _rule("X7", "individual", [{"kind": "tenure", "params": {"posts": [["director", 6], ["deputy_director", 10]],
                                                             "female_factor": "2/3"}},
                               {"kind": "any_of", "params": {"options": [
                                   {"kind": "tenure", "params": {"posts": [["director_general", 3]]}},
                                   {"kind": "title_count", "params": {"award": "LDTT", "years": 4, "count": 3}}]}}]),
])

RATINGS = st.sampled_from(["HTXS", "HTT", "HT", "KHT", None])
INITIATIVE = st.builds(
    InitiativeFact, id=st.text("AB12", min_size=1, max_size=3),
    scope=st.sampled_from(["grassroots", "provincial", "national"]), kind=st.sampled_from(["initiative", "research"]),
    used_for=st.one_of(st.none(), st.sampled_from([f"{c}:{y}" for c in CODES for y in YEARS])))
MEMBERS = st.one_of(st.none(), st.builds(MemberStats, count=st.integers(0, 12), ldtt=st.integers(0, 12),
                                         complete=st.integers(0, 12), cstdcs=st.integers(0, 3),
                                         disciplined=st.integers(0, 2), women=st.integers(0, 12)))
RECORD = st.builds(
    YearRecord, rating=RATINGS, awards=st.lists(st.sampled_from(CODES), unique=True, max_size=4).map(
        lambda codes: {c: f"{c} (QĐ thử)" for c in codes}),
    initiatives=st.lists(INITIATIVE, max_size=2),
    discipline=st.one_of(st.none(), st.sampled_from(["reprimand", "warning", "demotion", "dismissal"])),
    under_review=st.booleans(), members=MEMBERS, maternity=st.booleans(),
    led=st.sampled_from([None, "internal", "central"]))
SUBJECT = st.builds(
    Subject, id=st.just("s"), kind=st.sampled_from(["individual", "collective"]),
    gender=st.sampled_from(["female", "male", None]), years=st.dictionaries(st.integers(2012, 2025), RECORD, max_size=12),
    holds=st.lists(st.sampled_from(CODES), unique=True, max_size=2).map(lambda codes: {c: c for c in codes}),
    posts=st.dictionaries(st.sampled_from(["director_general", "deputy_director_general", "director", "deputy_director"]),
                          st.sampled_from([0, 2.5, 3, 4, 6, 9.5, 10]), max_size=3))


def _same(book: RuleBook, subject: Subject, year: int) -> None:
    fast = list(evaluate_all([subject], year, book))
    assert [r.award for r in fast] == [a for a in book.awards(subject.kind) if book.rule_for(a, subject.kind, year)]
    for r in fast:
        full = evaluate(subject, r.award, year, book)
        assert (r.eligible, r.rule, r.missing_count) == (full.eligible, full.rule, len(full.missing)), r.award
        assert [(c.condition, c.met, c.basis, c.evidence, c.explanation, c.explanation_en) for c in r.checks] == \
               [(c.condition, c.met, c.basis, c.evidence, c.explanation, c.explanation_en) for c in full.checks]
        assert r.missing_count == len(r.missing)


@settings(max_examples=300, deadline=None)
@given(SUBJECT, st.sampled_from(YEARS))
def test_fast_path_decides_as_the_full_evaluation(subject, year):
    _same(BOOK, subject, year)


@settings(max_examples=300, deadline=None)
@given(SUBJECT, st.sampled_from(YEARS))
def test_fast_path_with_every_kind_and_unusual_parameters(subject, year):
    _same(ODD, subject, year)


def test_requested_awards_without_a_rule_say_so_lazily():
    s = Subject(id="p", years={2024: YearRecord(rating="HTXS")})
    (r,) = evaluate_all([s], 2024, BOOK, ["TTLDXS"])  # a collective title, asked for a person
    assert (r.eligible, r.rule, r.missing_count) == (False, None, 1)
    assert r.checks[0].condition == "rule" and "Không có quy định về Tập thể lao động xuất sắc" in r.checks[0].explanation


def test_a_kind_added_elsewhere_runs_its_full_function(monkeypatch):
    calls = []

    def always(s, ctx, p):
        calls.append(ctx.award)
        return conditions.Outcome(True, lambda: ("luôn đạt", "always met"))

    monkeypatch.setitem(conditions.KINDS, "always", always)
    book = RuleBook(BOOK.rules, BOOK.general, [_rule("LDTT", "x", [{"kind": "always"}])])
    (r,) = evaluate_all([Subject(id="p")], 2024, book, ["LDTT"])
    assert r.eligible and calls == ["LDTT"]


def test_quota_ranking_on_rows_matches_rank_for_quota():
    people = [Subject(id=str(i), gender=g, years={2024: YearRecord(rating="HTXS", awards=awards)})
              for i, (g, awards) in enumerate([("male", {"LDTT": "a"}), ("female", {}), ("male", {}),
                                               ("female", {"LDTT": "b"})])]
    results = list(evaluate_all(people, 2024, BOOK, ["CSTDCS"]))
    ranked = [(r.subject, within) for r, within in rank_for_quota(results, 2)]
    by_rows = sorted((r for r in results if r.eligible),
                     key=lambda r: quota_key(evidence_count(r), r.gender, r.subject, ["female_first"]))
    assert ranked == [(r.subject, i < 2) for i, r in enumerate(by_rows)]
    assert [evidence_count(r) for r in results] == [2, 2, 2, 2]  # LĐTT (title or rating) + the HTXS year
    assert [s for s, _ in ranked] == ["1", "3", "0", "2"]  # equal evidence: women first, then by id


def test_garbage_collector_is_left_as_it_was():
    from thidua.eligibility.loader import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()
