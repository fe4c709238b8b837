"""Each rule version at its thresholds, with subjects built by hand from the law's text (not from the engine's
output): exactly half, just over half, exactly 70%, a gap year, a discipline ending mid-run, a maternity
year, an ad hoc award, the armed forces' names, the 2003 Law for 2018–2023 and the 2022 Law from 2024."""

from datetime import date

import pytest

from thidua.eligibility.engine import RuleBook, evaluate, evaluate_input
from thidua.eligibility.history import (
    InitiativeFact,
    InputError,
    MemberStats,
    Subject,
    YearRecord,
    subjects_from_input,
)

BOOK = RuleBook.builtin()


def col(year, rating, members, awards=(), led=None, extra=None):
    years = {year: YearRecord(rating=rating, members=members, awards={a: a for a in awards}, led=led)}
    years.update(extra or {})
    return Subject(id="c", kind="collective", years=years)


def ind(years: dict, holds=()):
    recs = {y: YearRecord(rating=spec.get("rating"), awards={a: f"{a} {y}" for a in spec.get("awards", [])},
                          maternity=spec.get("maternity", False), discipline=spec.get("discipline"))
            for y, spec in years.items()}
    return Subject(id="p", years=recs, holds={h: h for h in holds})


def check(r, cid):
    return next(c for c in r.checks if c.condition == cid)


# ---- Tập thể lao động tiên tiến: "có trên 50% cá nhân … đạt LĐTT" (Luật 2003 and 2022, Điều 28) ----
@pytest.mark.parametrize("year, rule", [(2018, "TTLDTT-2017"), (2023, "TTLDTT-2017"), (2024, "TTLDTT-2024")])
@pytest.mark.parametrize("count, ldtt, ok", [(10, 5, False), (10, 6, True), (4, 2, False), (5, 3, True),
                                             (100, 50, False), (100, 51, True), (7, 3, False), (7, 4, True)])
def test_ttldtt_needs_strictly_more_than_half(year, rule, count, ldtt, ok):
    r = evaluate(col(year, "HTT", MemberStats(count=count, ldtt=ldtt)), "TTLDTT", year, BOOK)
    assert r.rule == rule
    assert r.eligible is ok
    assert check(r, "ldtt_over_half").met is ok
    if not ok:
        assert "trên 50%" in check(r, "ldtt_over_half").explanation


@pytest.mark.parametrize("year", [2020, 2024])
def test_ttldtt_member_disciplined_at_warning_fails_the_collective(year):
    r = evaluate(col(year, "HTT", MemberStats(count=10, ldtt=9, disciplined=1)), "TTLDTT", year, BOOK)
    assert not r.eligible and not check(r, "no_member_warning").met
    assert evaluate(col(year, "HT", MemberStats(count=10, ldtt=9)), "TTLDTT", year, BOOK).eligible is False


# ---- Tập thể lao động xuất sắc: 100% hoàn thành, "ít nhất 70%" LĐTT, có CSTĐCS (Điều 27) ----
@pytest.mark.parametrize("year", [2019, 2024])
@pytest.mark.parametrize("count, ldtt, ok", [(10, 7, True), (10, 6, False), (100, 70, True), (100, 69, False),
                                             (3, 2, False), (3, 3, True)])
def test_ttldxs_seventy_percent_inclusive(year, count, ldtt, ok):
    r = evaluate(col(year, "HTXS", MemberStats(count=count, ldtt=ldtt, complete=count, cstdcs=1)), "TTLDXS", year, BOOK)
    assert r.eligible is ok


def test_ttldxs_old_law_also_excludes_a_member_disciplined_at_warning():
    members = MemberStats(count=10, ldtt=8, complete=10, cstdcs=1, disciplined=1)
    old = evaluate(col(2022, "HTXS", members), "TTLDXS", 2022, BOOK)
    assert old.rule == "TTLDXS-2017" and not old.eligible and not check(old, "no_member_warning").met
    # The 2022 Law's article 27 no longer names it (the general exclusion of disciplined people stays).
    new = evaluate(col(2024, "HTXS", members), "TTLDXS", 2024, BOOK)
    assert new.rule == "TTLDXS-2024" and new.eligible


# ---- armed forces' names map to the same rules ----
def test_armed_forces_names_use_the_same_rules():
    r = evaluate(col(2024, "HTT", MemberStats(count=10, ldtt=6)), "DVTT", 2024, BOOK)
    assert r.rule == "TTLDTT-2024" and r.eligible
    assert evaluate(col(2021, "HTXS", MemberStats(count=10, ldtt=7, complete=10, cstdcs=1)), "DVQT", 2021,
                    BOOK).rule == "TTLDXS-2017"
    # "Chiến sĩ tiên tiến" in the input counts as LĐTT for CSTĐCS.
    data = {"year": 2024, "subjects": [{"id": "QN", "years": {"2024": {"rating": "HTXS", "awards": ["CSTT"]}}}],
            "awards": ["CSTDCS"]}
    (res,) = evaluate_input(data)["results"]
    assert res["eligible"] and res["rule"] == "CSTDCS-2024"


# ---- runs: a gap year, a maternity year, a discipline ending mid-run ----
def test_cstd_tinh_old_law_three_consecutive_cstdcs_and_a_gap():
    base = {2018: {"awards": ["CSTDCS"]}, 2019: {"awards": ["CSTDCS"]}, 2020: {"awards": ["CSTDCS"]}}
    r = evaluate(ind(base), "CSTD_TINH", 2020, BOOK)
    assert r.rule == "CSTD_TINH-2017" and check(r, "cstdcs_3").met
    # The old decree's initiative requirement was not found: said in the explanation.
    assert check(r, "initiative_provincial").unconfirmed and "CHƯA XÁC NHẬN" in check(r, "initiative_provincial").explanation
    gap = {2018: {"awards": ["CSTDCS"]}, 2019: {"rating": "HTT"}, 2020: {"awards": ["CSTDCS"]}, 2021: {"awards": ["CSTDCS"]}}
    c = check(evaluate(ind(gap), "CSTD_TINH", 2021, BOOK), "cstdcs_3")
    assert not c.met and "thiếu 2019" in c.explanation


def test_a_maternity_year_keeps_the_run_alive_but_is_not_counted():
    years = {2018: {"awards": ["CSTDCS"]}, 2019: {"maternity": True}, 2020: {"awards": ["CSTDCS"]},
             2021: {"awards": ["CSTDCS"]}}
    c = check(evaluate(ind(years), "CSTD_TINH", 2021, BOOK), "cstdcs_3")
    assert c.met and "nghỉ thai sản" in c.explanation and "2019" in c.explanation
    # Not counted as one of the three: 2019 on leave and only 2020–2021 after it → two.
    short = {2019: {"maternity": True}, 2020: {"awards": ["CSTDCS"]}, 2021: {"awards": ["CSTDCS"]}}
    assert not check(evaluate(ind(short), "CSTD_TINH", 2021, BOOK), "cstdcs_3").met
    # The year considered itself is judged on its own achievement: leave without a rating is no LĐTT.
    assert not evaluate(ind({2024: {"maternity": True}}), "LDTT", 2024, BOOK).eligible


def test_a_maternity_year_under_discipline_still_breaks_the_run():
    years = {2018: {"awards": ["CSTDCS"]}, 2019: {"maternity": True, "discipline": "reprimand"},
             2020: {"awards": ["CSTDCS"]}, 2021: {"awards": ["CSTDCS"]}}
    c = check(evaluate(ind(years), "CSTD_TINH", 2021, BOOK), "cstdcs_3")
    assert not c.met and "thiếu 2019" in c.explanation


def test_maternity_year_inside_a_five_year_run_for_bk_ttg():
    years = {2018: {"rating": "HTT", "awards": ["BK_TINH"]}, 2019: {"rating": "HTT", "awards": ["CSTDCS"]},
             2020: {"rating": "HTT", "awards": ["CSTDCS"]}, 2021: {"maternity": True}, 2022: {"rating": "HTT"},
             2023: {"rating": "HTT", "awards": ["CSTDCS"]}, 2024: {"rating": "HTXS"}}
    r = evaluate(ind(years), "BK_TTG", 2024, BOOK)
    assert r.rule == "BK_TTG-IND-2024" and check(r, "after_bk_tinh").met  # 2019, 2020, 2022, 2023, 2024
    years[2021] = {}  # the same year with nothing recorded breaks the run
    assert not check(evaluate(ind(years), "BK_TTG", 2024, BOOK), "after_bk_tinh").met


def test_discipline_ending_mid_run_counts_from_its_end():
    data = {"year": 2024, "awards": ["BK_TINH"], "subjects": [{
        "id": "NV", "disciplines": [{"level": "reprimand", "starts_on": "2021-09-01", "ends_on": "2022-08-31"}],
        "years": {"2021": {"rating": "HTXS", "awards": ["CSTDCS"]}, "2022": {"rating": "HTXS", "awards": ["CSTDCS"]},
                  "2023": {"rating": "HTXS", "awards": ["CSTDCS"]}, "2024": {"rating": "HTXS", "awards": ["CSTDCS"]}}}]}
    (subject,) = subjects_from_input(data)
    assert [y for y, rec in sorted(subject.years.items()) if rec.discipline] == [2021, 2022]
    (res,) = evaluate_input(data)["results"]
    assert res["eligible"]  # 2023 and 2024, after the end
    data["year"] = 2023
    (res,) = evaluate_input(data)["results"]
    assert not res["eligible"]  # 2022 was under discipline: the run 2022–2023 does not count


def test_discipline_dates_are_checked():
    bad = {"year": 2024, "subjects": [{"id": "x", "disciplines": [{"level": "warning", "starts_on": "2024-05-01",
                                                                   "ends_on": "2024-01-01"}]}]}
    with pytest.raises(InputError, match=r"subjects\[0\].disciplines\[0\]"):
        evaluate_input(bad)
    bad["subjects"][0]["disciplines"][0] = {"level": "nặng", "starts_on": "2024-05-01"}
    with pytest.raises(InputError, match="mức kỷ luật"):
        evaluate_input(bad)


# ---- ad hoc and thematic awards do not count toward merit awards ----
@pytest.mark.parametrize("kind, ok", [("merit", True), ("adhoc", False), ("thematic", False)])
def test_ad_hoc_award_does_not_count(kind, ok):
    data = {"year": 2024, "awards": ["BK_TTG"], "subjects": [{"id": "NV", "years": {
        "2019": {"rating": "HTT", "awards": [{"code": "BK_TINH", "kind": kind, "decision": "QĐ 5/QĐ-UBND"}]},
        **{str(y): {"rating": "HTT", "awards": ["CSTDCS"] if y in (2020, 2022, 2024) else []}
           for y in range(2020, 2025)}}}]}
    (res,) = evaluate_input(data)["results"]
    assert res["eligible"] is ok


# ---- Bằng khen của Thủ tướng, 2018–2023: Nghị định 91/2017, Điều 38.1.c ----
def _bk_ttg_2017(ratings, initiatives):
    years = {2015: YearRecord(rating="HTXS", awards={"BK_TINH": "BK_TINH 2015"})}
    for i, (y, rating) in enumerate(zip(range(2016, 2021), ratings, strict=True)):
        years[y] = YearRecord(rating=rating, initiatives=[InitiativeFact(id=f"SK{y}")] if i < initiatives else [])
    return Subject(id="p", years=years)


def test_bk_ttg_old_decree_five_excellent_years_and_five_initiatives():
    r = evaluate(_bk_ttg_2017(["HTXS"] * 5, 5), "BK_TTG", 2020, BOOK)
    assert r.rule == "BK_TTG-IND-2017" and r.eligible
    assert not evaluate(_bk_ttg_2017(["HTXS"] * 5, 4), "BK_TTG", 2020, BOOK).eligible
    # "hoàn thành xuất sắc" every year: one good year is not enough under the old decree.
    assert not evaluate(_bk_ttg_2017(["HTXS", "HTXS", "HTT", "HTXS", "HTXS"], 5), "BK_TTG", 2020, BOOK).eligible


# ---- Huân chương Lao động hạng Nhì (Luật 2022, Điều 43) ----
def test_hcld2_after_hcld3_five_years_two_excellent_one_provincial_fighter():
    years = {2019: {"rating": "HTXS", "awards": ["HCLD3"]}, 2020: {"rating": "HTT"}, 2021: {"rating": "HTXS"},
             2022: {"rating": "HTT", "awards": ["CSTD_TINH"]}, 2023: {"rating": "HTT"}, 2024: {"rating": "HTXS"}}
    r = evaluate(ind(years), "HCLD2", 2024, BOOK)
    assert r.rule == "HCLD2-IND-2024" and r.eligible
    years[2021] = {"rating": "HTT"}  # one excellent year only
    assert not evaluate(ind(years), "HCLD2", 2024, BOOK).eligible
    r = evaluate(ind(years), "HCLD1", 2024, BOOK)
    assert r.rule == "HCLD1-IND-2024" and check(r, "after_hcld2").unconfirmed


# ---- Cờ thi đua (Luật 2022, Điều 25, 26): leading a cluster comes from the cluster year's results ----
def test_flags_need_the_cluster_lead():
    assert evaluate(col(2024, "HTXS", None, led="internal"), "CO_TINH", 2024, BOOK).eligible
    assert not evaluate(col(2024, "HTXS", None), "CO_TINH", 2024, BOOK).eligible
    assert evaluate(col(2024, "HTXS", None, led="internal"), "CO_CP", 2024, BOOK).eligible
    assert evaluate(col(2024, "HT", None, led="central"), "CO_CP", 2024, BOOK).eligible  # art. 25.2
    assert not evaluate(col(2024, "HT", None, led="internal"), "CO_CP", 2024, BOOK).eligible


# ---- the transition: the rule in force on the dossier's submission date ----
def test_submission_date_picks_the_rule_version():
    s = ind({2023: {"rating": "HTXS", "awards": ["LDTT"]}})
    assert evaluate(s, "CSTDCS", 2023, BOOK).rule == "CSTDCS-2017"
    assert evaluate(s, "CSTDCS", 2023, BOOK, as_of=date(2023, 12, 20)).rule == "CSTDCS-2017"
    late = evaluate(s, "CSTDCS", 2023, BOOK, as_of=date(2024, 1, 15))
    assert late.rule == "CSTDCS-2024" and late.eligible


# ---- every award with a rule, every year from 2018 ----
def test_every_award_has_a_rule_every_year_from_2018():
    for award in ["LDTT", "CSTDCS", "CSTD_TINH", "CSTDTQ", "BK_TINH", "BK_TTG", "HCLD3", "HCLD2", "HCLD1"]:
        for year in range(2018, 2027):
            assert BOOK.rule_for(award, "individual", year), (award, year)
    for award in ["TTLDTT", "TTLDXS", "BK_TINH", "BK_TTG", "HCLD3", "CO_TINH", "CO_CP"]:
        for year in range(2018, 2027):
            assert BOOK.rule_for(award, "collective", year), (award, year)


def test_example_file_evaluates_every_year_from_2018():
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parents[2] / "docs" / "eligibility-example.json").read_text(encoding="utf-8"))
    results = evaluate_input(data)["results"]
    assert {r["year"] for r in results} >= set(range(2018, 2025))
    assert all(r["rule"] for r in results)


# ---- Huân chương Lao động hạng Ba by the career path (Luật 2022, Điều 44.1.g; Nghị định 152/2025, Điều 21) ----
@pytest.mark.parametrize("gender, posts, ok", [
    ("male", {"director": 6}, True), ("male", {"director": 5.9}, False),
    ("male", {"director_general": 3}, True), ("male", {"deputy_director": 9}, False),
    ("male", {"director": 4, "deputy_director": 6}, True),  # 4 years higher up count toward the 10 as deputy
    ("female", {"director": 4}, True),  # a third less for women leaders: 6 × 2/3
    ("female", {"director": 3.9}, False)])
def test_hcld3_career_path_from_1_7_2025(gender, posts, ok):
    data = {"year": 2025, "awards": ["HCLD3"], "subjects": [{"id": "LD", "gender": gender, "posts": posts,
                                                             "years": {"2025": {"rating": "HTT"}}}]}
    (res,) = evaluate_input(data)["results"]
    assert res["rule"] == "HCLD3-IND-2025" and res["eligible"] is ok
    # Before 1/7/2025 (Nghị định 98/2023) the career table was not found: not encoded, the merit path only.
    data["year"] = 2024
    data["subjects"][0]["years"] = {"2024": {"rating": "HTT"}}
    (res,) = evaluate_input(data)["results"]
    assert res["rule"] == "HCLD3-IND-2024" and not res["eligible"]


def test_career_posts_are_checked():
    with pytest.raises(InputError, match="chức vụ 'minister'"):
        evaluate_input({"year": 2025, "subjects": [{"id": "x", "posts": {"minister": 5}}]})


# ---- Huân chương Lao động, collective classes (hạng Nhì: Điều 43.2; hạng Nhất: Điều 42.2) ----
def _col_years(ratings: dict, awards: dict | None = None):
    awards = awards or {}
    return Subject(id="c", kind="collective", years={
        y: YearRecord(rating=r, awards={a: f"{a} {y}" for a in awards.get(y, [])}) for y, r in ratings.items()})


@pytest.mark.parametrize("award, lower, rule", [("HCLD2", "HCLD3", "HCLD2-COL-2024"), ("HCLD1", "HCLD2", "HCLD1-COL-2024")])
def test_collective_hcld_from_2024_structure_and_flag(award, lower, rule):
    """The text of the collective clauses of arts. 42 and 43 of the 2022 Law was not found: the rule encodes the
    structure of the old law (the lower class, then five consecutive years HTXS) and says UNCONFIRMED."""
    five = {2019: "HTXS", 2020: "HTXS", 2021: "HTXS", 2022: "HTXS", 2023: "HTXS", 2024: "HTXS"}
    r = evaluate(_col_years(five, {2019: [lower]}), award, 2024, BOOK)
    assert r.rule == rule and r.eligible
    c = next(c for c in r.checks if c.condition.startswith("after_"))
    assert c.unconfirmed and "CHƯA XÁC NHẬN" in c.explanation
    gap = {**five, 2022: "HTT"}  # one year only "hoàn thành tốt" breaks the run
    assert not evaluate(_col_years(gap, {2019: [lower]}), award, 2024, BOOK).eligible
    four = {y: v for y, v in five.items() if y != 2020}  # a year with no record breaks the run
    assert not evaluate(_col_years(four, {2019: [lower]}), award, 2024, BOOK).eligible
    assert not evaluate(_col_years(five), award, 2024, BOOK).eligible  # without the lower class


def test_collective_hcld2_old_law_five_ttldxs_and_flags():
    """Luật 2003, Điều 43.2.a (through the Ministry of Justice's English text; the 2013 wording not found)."""
    ratings = {y: "HTXS" for y in range(2017, 2023)}
    awards = {2017: ["HCLD3"], **{y: ["TTLDXS"] for y in range(2018, 2023)}}
    flags = {2019: ["CO_TINH"], 2021: ["CO_TINH"]}
    merged = {y: awards.get(y, []) + flags.get(y, []) for y in ratings}
    r = evaluate(_col_years(ratings, merged), "HCLD2", 2022, BOOK)
    assert r.rule == "HCLD2-COL-2017" and r.eligible
    assert all(c.unconfirmed for c in r.checks if c.condition in ("after_hcld3", "ttldxs_5", "flags"))
    one_flag = {y: awards.get(y, []) + (["CO_TINH"] if y == 2019 else []) for y in ratings}
    assert not evaluate(_col_years(ratings, one_flag), "HCLD2", 2022, BOOK).eligible
    gov_flag = {y: awards.get(y, []) + (["CO_CP"] if y == 2020 else []) for y in ratings}
    assert evaluate(_col_years(ratings, gov_flag), "HCLD2", 2022, BOOK).eligible
    no_ttldxs_2020 = {y: [a for a in merged[y] if not (y == 2020 and a == "TTLDXS")] for y in ratings}
    assert not evaluate(_col_years(ratings, no_ttldxs_2020), "HCLD2", 2022, BOOK).eligible


def test_every_collective_hcld_class_has_a_rule_every_year_from_2018():
    for award in ("HCLD3", "HCLD2", "HCLD1"):
        for year in range(2018, 2027):
            assert BOOK.rule_for(award, "collective", year), (award, year)


def test_no_rule_in_force_only_where_the_law_has_none():
    """Every award the rule book holds, asked for every year from 2018, for both kinds of subject: a result
    without a rule appears only for a kind of subject the law does not give the award to (an individual
    cannot hold a flag; a collective cannot be an Advanced Worker)."""
    individual_only = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTDTQ"}
    collective_only = {"TTLDTT", "TTLDXS", "CO_TINH", "CO_CP"}
    awards = sorted({r["award"] for r in BOOK.rules})
    data = {"years": list(range(2018, 2027)), "awards": awards, "subjects": [
        {"id": "NV", "kind": "individual", "years": {"2018": {"rating": "HTT"}}},
        {"id": "DV", "kind": "collective", "years": {"2018": {"rating": "HTT"}}}]}
    results = evaluate_input(data)["results"]
    assert {r["year"] for r in results} == set(range(2018, 2027))
    for r in results:
        if r["rule"] is None:
            assert r["award"] in (collective_only if r["subject"] == "NV" else individual_only), r
            assert "Không có quy định" in r["checks"][0]["explanation"]
        else:
            assert r["award"] not in (collective_only if r["subject"] == "NV" else individual_only), r


def test_transition_rule_is_stated_as_unconfirmed():
    from thidua.eligibility.engine import TRANSITION

    assert TRANSITION["confidence"] == "unconfirmed" and "Điều 95" in TRANSITION["basis"]


def test_form_0602_row_codes_and_the_unencoded_successor():
    from thidua.reports.definitions import UNENCODED_SUCCESSORS, definition

    codes = [r.code for r in definition("0602", date(2026, 1, 1)).rows if r.code]
    assert codes[:3] == ["01", "02", "03"] and codes[3] == "06"  # 04–05 absent from the layout found; not invented
    assert definition("0602", date(2026, 1, 1)).version == "TT-02-2023-BNV"  # no successor encoded
    tt18 = UNENCODED_SUCCESSORS["TT-18-2025-BNV"]
    assert tt18["effective"] is None and tt18["layout_found"] is False
