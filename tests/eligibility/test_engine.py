"""The pure evaluator: one test per condition and rule, the edges, and properties."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.eligibility.engine import RuleBook, evaluate, evaluate_input, rank_for_quota
from thidua.eligibility.history import InitiativeFact, MemberStats, Subject, YearRecord, from_input

BOOK = RuleBook.builtin()


def person(years: dict, holds=(), gender="male") -> Subject:
    recs = {}
    for y, spec in years.items():
        recs[y] = YearRecord(
            rating=spec.get("rating"), awards={a: f"{a} {y}" for a in spec.get("awards", [])},
            initiatives=[InitiativeFact(**i) for i in spec.get("initiatives", [])],
            discipline=spec.get("discipline"), under_review=spec.get("review", False))
    return Subject(id="p", kind="individual", gender=gender, years=recs, holds={h: h for h in holds})


def collective(rating, members: MemberStats, awards=(), year=2024, extra=None) -> Subject:
    years = {year: YearRecord(rating=rating, members=members, awards={a: a for a in awards})}
    years.update(extra or {})
    return Subject(id="c", kind="collective", years=years)


def check(result, condition):
    return next(c for c in result.checks if c.condition == condition)


# ---- LDTT ----
@pytest.mark.parametrize("rating, ok", [("HTXS", True), ("HTT", True), ("HT", False), ("KHT", False), (None, False)])
def test_ldtt_needs_htt_or_better(rating, ok):
    r = evaluate(person({2024: {"rating": rating}}), "LDTT", 2024, BOOK)
    assert r.eligible is ok
    assert r.rule == "LDTT-2024"
    assert check(r, "ldtt_rating").basis == "Luật TĐKT 2022, Điều 24.1"


def test_discipline_blocks_and_is_explained():
    r = evaluate(person({2024: {"rating": "HTXS", "discipline": "reprimand"}}), "LDTT", 2024, BOOK)
    assert not r.eligible
    c = check(r, "no_discipline")
    assert not c.met and "khiển trách" in c.explanation and "Điều 4" in c.basis


def test_open_review_blocks():
    r = evaluate(person({2024: {"rating": "HTXS", "review": True}}), "LDTT", 2024, BOOK)
    assert not r.eligible and not check(r, "no_review").met


# ---- CSTDCS ----
def test_cstdcs_by_excellent_rating():
    assert evaluate(person({2024: {"rating": "HTXS", "awards": ["LDTT"]}}), "CSTDCS", 2024, BOOK).eligible


def test_cstdcs_by_initiative_when_only_good():
    s = person({2024: {"rating": "HTT", "awards": ["LDTT"], "initiatives": [{"id": "SK1"}]}})
    r = evaluate(s, "CSTDCS", 2024, BOOK)
    assert r.eligible and "SK1" in check(r, "excellence").explanation


def test_cstdcs_not_without_htxs_or_initiative():
    r = evaluate(person({2024: {"rating": "HTT", "awards": ["LDTT"]}}), "CSTDCS", 2024, BOOK)
    assert not r.eligible and not check(r, "excellence").met


def test_initiative_used_once_cannot_be_used_again():
    used = {"id": "SK1", "used_for": "BK_TINH:2023"}
    s = person({2024: {"rating": "HTT", "awards": ["LDTT"], "initiatives": [used]}})
    r = evaluate(s, "CSTDCS", 2024, BOOK)
    assert not r.eligible
    assert "SK1 (đã dùng cho BK_TINH:2023)" in check(r, "excellence").explanation
    # … but it still counts for the very award that used it.
    same = person({2024: {"rating": "HTT", "awards": ["LDTT"], "initiatives": [{"id": "SK1", "used_for": "CSTDCS:2024"}]}})
    assert evaluate(same, "CSTDCS", 2024, BOOK).eligible


def test_rule_not_in_force_is_not_applied():
    """2023 is judged by the older rule (initiative mandatory); HTXS alone is not enough then."""
    s = person({2023: {"rating": "HTXS", "awards": ["LDTT"]}})
    old = evaluate(s, "CSTDCS", 2023, BOOK)
    assert old.rule == "CSTDCS-2017" and not old.eligible
    # Article 23 of the 2003 Law is quoted verbatim by a provincial emulation office: an initiative was mandatory.
    assert check(old, "initiative").confidence == "confirmed" and "2003" in check(old, "initiative").basis
    s.years[2024] = copy.deepcopy(s.years[2023])
    assert evaluate(s, "CSTDCS", 2024, BOOK).rule == "CSTDCS-2024"
    assert evaluate(s, "CSTDCS", 2024, BOOK).eligible
    assert evaluate(s, "CSTDCS", 2010, BOOK).rule is None  # nothing in force in 2010


# ---- CSTD_TINH ----
def test_cstd_tinh_three_consecutive_and_provincial_initiative():
    s = person({y: {"rating": "HTXS", "awards": ["LDTT", "CSTDCS"]} for y in (2022, 2023, 2024)})
    s.years[2023].initiatives.append(InitiativeFact(id="SK-T", scope="provincial"))
    assert evaluate(s, "CSTD_TINH", 2024, BOOK).eligible


def test_gap_year_breaks_the_run_and_is_named():
    s = person({2022: {"awards": ["CSTDCS"]}, 2024: {"awards": ["CSTDCS"]}, 2023: {"rating": "HTT", "awards": ["LDTT"]}})
    r = evaluate(s, "CSTD_TINH", 2024, BOOK)
    c = check(r, "cstdcs_3")
    assert not c.met
    assert c.explanation == "Cần 3 năm liên tục Chiến sĩ thi đua cơ sở: có 2022, 2024; thiếu 2023."


def test_missing_year_message_in_the_issue_format():
    s = person({2022: {"awards": ["CSTDCS"]}, 2023: {"awards": ["CSTDCS"]}})
    c = check(evaluate(s, "CSTD_TINH", 2024, BOOK), "cstdcs_3")
    assert c.explanation == "Cần 3 năm liên tục Chiến sĩ thi đua cơ sở: có 2022, 2023; thiếu 2024."
    assert "missing 2024" in c.explanation_en


def test_discipline_year_breaks_a_title_run():
    s = person({y: {"awards": ["CSTDCS"]} for y in (2022, 2023, 2024)})
    s.years[2023].discipline = "reprimand"
    assert not check(evaluate(s, "CSTD_TINH", 2024, BOOK), "cstdcs_3").met


def test_grassroots_initiative_is_not_enough_for_cstd_tinh():
    s = person({y: {"awards": ["CSTDCS"], "initiatives": [{"id": f"S{y}", "scope": "grassroots"}]} for y in (2022, 2023, 2024)})
    assert not check(evaluate(s, "CSTD_TINH", 2024, BOOK), "initiative_provincial").met


# ---- CSTDTQ ----
def test_cstdtq_twice_provincial_and_national_initiative():
    s = person({2020: {"awards": ["CSTD_TINH"]}, 2023: {"awards": ["CSTD_TINH"]},
                2022: {"initiatives": [{"id": "QG1", "scope": "national"}]}})
    r = evaluate(s, "CSTDTQ", 2024, BOOK)
    assert r.eligible, [c.explanation for c in r.checks]
    assert check(r, "cstd_tinh_twice").confidence == "paraphrased"
    s2 = person({2017: {"awards": ["CSTD_TINH"]}, 2023: {"awards": ["CSTD_TINH"]},
                 2022: {"initiatives": [{"id": "QG1", "scope": "national"}]}})
    assert not evaluate(s2, "CSTDTQ", 2024, BOOK).eligible  # not consecutive


# ---- BK_TINH ----
def test_bk_tinh_two_cstdcs_or_htxs_with_two_initiatives():
    assert evaluate(person({2023: {"awards": ["CSTDCS"]}, 2024: {"awards": ["CSTDCS"]}}), "BK_TINH", 2024, BOOK).eligible
    s = person({2023: {"rating": "HTXS", "initiatives": [{"id": "A"}]}, 2024: {"rating": "HTXS", "initiatives": [{"id": "B"}]}})
    assert evaluate(s, "BK_TINH", 2024, BOOK).eligible
    s.years[2024].initiatives = []
    r = evaluate(s, "BK_TINH", 2024, BOOK)
    assert not r.eligible and "thiếu 1" in check(r, "bk_tinh_path").explanation


# ---- BK_TTG and HCLD3 ----
def five_good_years(first=2020, cstdcs=(2021, 2022, 2024), htxs=()):
    return {y: {"rating": "HTXS" if y in htxs else "HTT", "awards": ["LDTT"] + (["CSTDCS"] if y in cstdcs else [])}
            for y in range(first, first + 5)}


def test_bk_ttg_after_bk_tinh():
    years = five_good_years()
    years[2019] = {"rating": "HTXS", "awards": ["BK_TINH"]}
    r = evaluate(person(years), "BK_TTG", 2024, BOOK)
    assert r.eligible, [c.explanation for c in r.checks]
    assert any("BK_TINH 2019" in e for e in check(r, "after_bk_tinh").evidence)


def test_bk_ttg_needs_bk_tinh_first_and_three_cstdcs():
    assert not evaluate(person(five_good_years()), "BK_TTG", 2024, BOOK).eligible
    years = five_good_years(cstdcs=(2021, 2022))
    years[2019] = {"awards": ["BK_TINH"]}
    c = check(evaluate(person(years), "BK_TTG", 2024, BOOK), "after_bk_tinh")
    assert not c.met and "cần 3 lần Chiến sĩ thi đua cơ sở" in c.explanation


def test_bk_ttg_with_holding_without_year():
    r = evaluate(person(five_good_years(), holds=["BK_TINH"]), "BK_TTG", 2024, BOOK)
    assert r.eligible


def test_hcld3_needs_one_excellent_year():
    years = five_good_years()
    years[2019] = {"awards": ["BK_TTG"]}
    assert not evaluate(person(years), "HCLD3", 2024, BOOK).eligible
    years = five_good_years(htxs=(2023,))
    years[2019] = {"awards": ["BK_TTG"]}
    assert evaluate(person(years), "HCLD3", 2024, BOOK).eligible


# ---- collectives ----
def test_ttldtt_more_than_half_computed_from_members():
    assert evaluate(collective("HTT", MemberStats(count=10, ldtt=6)), "TTLDTT", 2024, BOOK).eligible
    r = evaluate(collective("HTT", MemberStats(count=10, ldtt=5)), "TTLDTT", 2024, BOOK)
    assert not r.eligible and "5/10" in check(r, "ldtt_over_half").explanation
    r = evaluate(collective("HTT", MemberStats(count=10, ldtt=9, disciplined=1)), "TTLDTT", 2024, BOOK)
    assert not r.eligible and not check(r, "no_member_warning").met
    assert not evaluate(collective("HTT", None), "TTLDTT", 2024, BOOK).eligible


def test_ttldxs():
    good = MemberStats(count=10, ldtt=8, complete=10, cstdcs=1)
    assert evaluate(collective("HTXS", good), "TTLDXS", 2024, BOOK).eligible
    assert not evaluate(collective("HTXS", MemberStats(count=10, ldtt=8, complete=9, cstdcs=1)), "TTLDXS", 2024, BOOK).eligible
    assert not evaluate(collective("HTXS", MemberStats(count=10, ldtt=8, complete=10, cstdcs=0)), "TTLDXS", 2024, BOOK).eligible
    assert not evaluate(collective("HTT", good), "TTLDXS", 2024, BOOK).eligible


def test_collective_bk_tinh_and_unconfirmed_bk_ttg():
    s = collective("HTXS", MemberStats(count=5, ldtt=5), extra={2023: YearRecord(rating="HTXS")})
    assert evaluate(s, "BK_TINH", 2024, BOOK).eligible
    r = evaluate(s, "BK_TTG", 2024, BOOK)
    assert r.rule == "BK_TTG-COL-2024"
    c = check(r, "after_bk_tinh_collective")
    assert c.unconfirmed and "CHƯA XÁC NHẬN" in c.explanation and "UNCONFIRMED" in c.explanation_en


# ---- overrides, quotas, input format ----
def test_deployment_override_replaces_the_builtin_rule():
    stricter = {"id": "CB-BK", "award": "BK_TINH", "subject": "individual", "effective_from": "2024-01-01",
                "basis": "QĐ tỉnh Cao Bằng (ví dụ)", "confidence": "confirmed", "authority": "4",
                "conditions": [{"id": "cstdcs_3", "kind": "title_run", "params": {"award": "CSTDCS", "years": 3},
                                "basis": "QĐ tỉnh Cao Bằng (ví dụ)"}]}
    book = RuleBook.builtin([stricter])
    s = person({2023: {"awards": ["CSTDCS"]}, 2024: {"awards": ["CSTDCS"]}})
    assert evaluate(s, "BK_TINH", 2024, book).eligible  # other authorities keep the law's rule
    r = evaluate(s, "BK_TINH", 2024, book, authority="4")
    assert r.rule == "CB-BK" and not r.eligible


def test_quota_ranks_women_first_on_ties():
    results = [evaluate(person({2024: {"rating": "HTXS"}}, gender=g), "LDTT", 2024, BOOK) for g in ("male", "female", "male")]
    for i, r in enumerate(results):
        r.subject = f"s{i}"
    ranked = rank_for_quota(results, limit=1)
    assert [(r.subject, within) for r, within in ranked] == [("s1", True), ("s0", False), ("s2", False)]


def test_input_format_round_trip():
    data = {"year": 2024, "subjects": [{"id": "A", "kind": "individual", "gender": "female",
                                         "years": {"2024": {"rating": "HTXS", "awards": ["LDTT"], "initiatives": [],
                                                            "discipline": None}}, "holds": []}]}
    out = evaluate_input(data, ["LDTT", "CSTDCS"])
    assert [(r["subject"], r["award"], r["eligible"]) for r in out["results"]] == [("A", "LDTT", True), ("A", "CSTDCS", True)]
    assert {"condition", "met", "basis", "explanation"} <= set(out["results"][0]["checks"][0])
    year, subjects = from_input(data)
    assert year == 2024 and subjects[0].gender == "female"


# ---- properties ----
RATINGS = st.sampled_from(["HTXS", "HTT", "HT", "KHT", None])
AWARDS = st.lists(st.sampled_from(["LDTT", "CSTDCS", "CSTD_TINH", "BK_TINH", "BK_TTG", "TTLDXS"]), unique=True)
YEAR_SPEC = st.fixed_dictionaries({
    "rating": RATINGS, "awards": AWARDS,
    "initiatives": st.lists(st.fixed_dictionaries({"id": st.text("ABC123", min_size=1, max_size=3),
                                                   "scope": st.sampled_from(["grassroots", "provincial", "national"])}),
                            max_size=2)})
HISTORIES = st.dictionaries(st.integers(2015, 2024), YEAR_SPEC, max_size=10)
AWARD_CODES = ["LDTT", "CSTDCS", "CSTD_TINH", "CSTDTQ", "BK_TINH", "BK_TTG", "HCLD3"]


@settings(max_examples=150, deadline=None)
@given(HISTORIES, st.sampled_from(AWARD_CODES), st.sampled_from(["discipline", "review", "used", "gap", "downgrade"]),
       st.integers(2015, 2024))
def test_adding_a_disqualifying_fact_never_makes_eligible(history, award, fact, fact_year):
    before = evaluate(person(history), award, 2024, BOOK).eligible
    worse = copy.deepcopy(history)
    spec = worse.setdefault(fact_year, {"rating": None, "awards": [], "initiatives": []})
    if fact == "discipline":
        spec["discipline"] = "warning"
    elif fact == "review":
        spec["review"] = True
    elif fact == "used":
        spec["initiatives"] = [dict(i, used_for="OTHER:2000") for i in spec.get("initiatives", [])]
    elif fact == "gap":
        worse.pop(fact_year)
    else:
        spec["rating"] = {"HTXS": "HTT", "HTT": "HT", "HT": "KHT"}.get(spec.get("rating"), spec.get("rating"))
    after = evaluate(person(worse), award, 2024, BOOK).eligible
    assert not (after and not before)


@settings(max_examples=60, deadline=None)
@given(HISTORIES)
def test_every_result_explains_every_condition(history):
    for award in AWARD_CODES:
        r = evaluate(person(history), award, 2024, BOOK)
        assert r.eligible == all(c.met for c in r.checks)
        assert all(c.explanation and c.basis for c in r.checks)


def test_one_achievement_one_award():
    """BK_TINH 2023 used CSTDCS 2022–2023: in 2024 the same run cannot serve again; 2025 can."""
    s = person({2022: {"awards": ["CSTDCS"]}, 2023: {"awards": ["CSTDCS", "BK_TINH"]}, 2024: {"awards": ["CSTDCS"]}})
    r = evaluate(s, "BK_TINH", 2024, BOOK)
    assert not r.eligible and "Đã được tặng Bằng khen cấp bộ, ban, ngành, tỉnh năm 2023" in check(r, "not_already_awarded").explanation
    s.years[2025] = YearRecord(awards={"CSTDCS": "CSTDCS 2025"})
    assert evaluate(s, "BK_TINH", 2025, BOOK).eligible


def test_explanations_name_awards_and_read_as_sentences():
    """A reader sees award names, never catalogue codes, and no "có chưa có năm nào"."""
    s = person({2024: {"rating": "HTT", "awards": ["LDTT"]}})
    r = evaluate(s, "CSTD_TINH", 2024, BOOK)
    text = " ".join(c.explanation for c in r.checks)
    assert "Chiến sĩ thi đua cơ sở" in text
    for code in ("CSTDCS", "CSTD_TINH", "BK_TINH", "LDTT"):
        assert code not in text, code
    assert "có chưa có" not in text and "chưa có năm nào" in text
    english = " ".join(c.explanation_en for c in r.checks)
    assert "Grassroots Emulation Fighter" in english and "CSTDCS" not in english
