"""Every rule version at its own thresholds (issue 13): for each version, the pass case exactly at the
threshold the article states and the fail case one step below it (N-1 years, a gap year, the prerequisite
award too recent, one initiative short, an award already given for the same run…), built by hand from the
text the rule cites, not from the engine's output. Each subject is judged through `evaluate` (with every
check built) and through the fast path (`evaluate_all`), which must agree; the discipline cases go through
the documented JSON input (`evaluate_input`). Years: 2018–2023 for the -2017 versions, 2024 on for -2024.

Where the encoded rule is unconfirmed, the test documents what is encoded and that the explanation says so.
"""

import pytest

from tests.eligibility.test_law import BOOK, check
from thidua.eligibility.engine import evaluate, evaluate_all, evaluate_input
from thidua.eligibility.history import InitiativeFact, Subject, YearRecord


def subject(years: dict, kind="individual", holds=()):
    """years: {year: {"rating", "awards": [...], "initiatives": [scope or (scope, used_for)], "maternity",
    "discipline", "led"}}."""
    recs = {}
    for y, spec in years.items():
        inits = []
        for n, item in enumerate(spec.get("initiatives", [])):
            scope, used_for = item if isinstance(item, tuple) else (item, None)
            inits.append(InitiativeFact(id=f"SK{y}-{n}", scope=scope, used_for=used_for))
        recs[y] = YearRecord(rating=spec.get("rating"), awards={a: f"{a} {y}" for a in spec.get("awards", [])},
                             initiatives=inits, maternity=spec.get("maternity", False),
                             discipline=spec.get("discipline"), led=spec.get("led"))
    return Subject(id="s", kind=kind, years=recs, holds={h: h for h in holds})


def unit(years: dict):
    return subject(years, kind="collective")


def span(first: int, last: int, **spec) -> dict:
    return {y: dict(spec) for y in range(first, last + 1)}


def judge(s: Subject, award: str, year: int, rule_id: str):
    """The full evaluation, checked against the fast path; the rule version chosen must be `rule_id`."""
    r = evaluate(s, award, year, BOOK)
    assert r.rule == rule_id
    (fast,) = evaluate_all([s], year, BOOK, [award])
    assert (fast.rule, fast.eligible) == (rule_id, r.eligible)
    return r


def failed(r) -> list[str]:
    return [c.condition for c in r.checks if not c.met]


def assert_unconfirmed(r, cid):
    c = check(r, cid)
    assert c.unconfirmed and "CHƯA XÁC NHẬN" in c.explanation and "UNCONFIRMED" in c.explanation_en


def assert_paraphrased(r, cid):
    c = check(r, cid)
    assert c.confidence == "paraphrased" and "diễn giải" in c.explanation and "CHƯA XÁC NHẬN" not in c.explanation


def assert_confirmed(r, cid):
    c = check(r, cid)
    assert c.confidence == "confirmed" and "CHƯA XÁC NHẬN" not in c.explanation and "diễn giải" not in c.explanation


def json_run(year, award, years, disciplines, kind="individual"):
    data = {"year": year, "awards": [award], "subjects": [{"id": "NV", "kind": kind, "disciplines": disciplines,
                                                           "years": {str(y): v for y, v in years.items()}}]}
    (res,) = evaluate_input(data)["results"]
    return res


# ---------------------------------------------------------------- LĐTT
@pytest.mark.parametrize("year", [2018, 2023])
def test_ldtt_2017_rated_good_in_the_year(year):
    """LDTT-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 24.1 (paraphrased): "Xếp loại từ hoàn thành tốt nhiệm vụ
    trở lên" in the year. HTT passes, HT (one step below) fails; no rating (maternity leave) fails; a
    reprimand in the year fails."""
    r = judge(subject({year: {"rating": "HTT"}}), "LDTT", year, "LDTT-2017")
    assert r.eligible
    assert_paraphrased(r, "ldtt_rating")
    r = judge(subject({year: {"rating": "HT"}}), "LDTT", year, "LDTT-2017")
    assert failed(r) == ["ldtt_rating"] and "hoàn thành tốt trở lên" in check(r, "ldtt_rating").explanation
    assert failed(judge(subject({year: {"maternity": True}}), "LDTT", year, "LDTT-2017")) == ["ldtt_rating"]
    r = judge(subject({year: {"rating": "HTXS", "discipline": "reprimand"}}), "LDTT", year, "LDTT-2017")
    assert not r.eligible and "no_discipline" in failed(r)
    # The year after the period follows the 2022 Law.
    assert judge(subject({2024: {"rating": "HTT"}}), "LDTT", 2024, "LDTT-2024").eligible


# ---------------------------------------------------------------- CSTĐ cấp tỉnh
def test_cstd_tinh_2024_three_cstdcs_and_a_provincial_initiative():
    """CSTD_TINH-2024 — Luật TĐKT 2022, Điều 22: "3 lần liên tục Chiến sĩ thi đua cơ sở" and "Sáng kiến, đề tài
    có hiệu quả, ảnh hưởng trong bộ, ngành, tỉnh"; Điều 5 (paraphrased): one achievement, one award."""
    base = {**span(2022, 2024, rating="HTXS", awards=["CSTDCS"]), 2023: {"rating": "HTXS", "awards": ["CSTDCS"],
                                                                          "initiatives": ["provincial"]}}
    r = judge(subject(base), "CSTD_TINH", 2024, "CSTD_TINH-2024")
    assert r.eligible and check(r, "cstdcs_3").met
    assert_confirmed(r, "cstdcs_3")
    # Two CSTĐCS (2023–2024) are one short.
    r = judge(subject({**base, 2022: {"rating": "HTXS"}}), "CSTD_TINH", 2024, "CSTD_TINH-2024")
    assert failed(r) == ["cstdcs_3"] and "thiếu 2022" in check(r, "cstdcs_3").explanation
    # A gap year (2023 without the title) breaks the run even with CSTĐCS in 2021.
    gap = {**base, 2021: {"awards": ["CSTDCS"]}, 2023: {"rating": "HTT", "initiatives": ["provincial"]}}
    assert failed(judge(subject(gap), "CSTD_TINH", 2024, "CSTD_TINH-2024")) == ["cstdcs_3"]
    # A maternity year (2022, no title) keeps the run alive without counting: 2021, 2023, 2024.
    leave = {**base, 2021: {"awards": ["CSTDCS"]}, 2022: {"maternity": True}}
    r = judge(subject(leave), "CSTD_TINH", 2024, "CSTD_TINH-2024")
    assert r.eligible and "nghỉ thai sản" in check(r, "cstdcs_3").explanation
    # The initiative must reach the province: a grassroots one is one step below; one already used elsewhere
    # does not count; one from 2021 falls outside the three years.
    for init in (["grassroots"], [("provincial", "BK_TINH:2023")]):
        low = {**base, 2023: {"rating": "HTXS", "awards": ["CSTDCS"], "initiatives": init}}
        assert failed(judge(subject(low), "CSTD_TINH", 2024, "CSTD_TINH-2024")) == ["initiative_provincial"]
    first = {**base, 2022: {"rating": "HTXS", "awards": ["CSTDCS"], "initiatives": ["provincial"]},
             2023: {"rating": "HTXS", "awards": ["CSTDCS"]}}
    assert judge(subject(first), "CSTD_TINH", 2024, "CSTD_TINH-2024").eligible  # 2022: first of the three years
    old = {**base, 2021: {"initiatives": ["provincial"]}, 2023: {"rating": "HTXS", "awards": ["CSTDCS"]}}
    assert failed(judge(subject(old), "CSTD_TINH", 2024, "CSTD_TINH-2024")) == ["initiative_provincial"]
    # One achievement, one award: CSTĐ tỉnh in 2022 used 2022; in 2021 it did not.
    assert failed(judge(subject({**base, 2022: {"rating": "HTXS", "awards": ["CSTDCS", "CSTD_TINH"]}}),
                        "CSTD_TINH", 2024, "CSTD_TINH-2024")) == ["not_already_awarded"]
    assert judge(subject({**base, 2021: {"awards": ["CSTD_TINH"]}}), "CSTD_TINH", 2024, "CSTD_TINH-2024").eligible


def test_cstd_tinh_2024_discipline_ending_mid_run_counts_from_its_end():
    """CSTD_TINH-2024 with Nghị định 98/2023, Điều 4: "thành tích tính từ khi chấp hành xong kỷ luật"."""
    years = {y: {"rating": "HTXS", "awards": ["CSTDCS"], "initiatives": [{"id": f"SK{y}", "scope": "provincial"}]}
             for y in range(2022, 2026)}
    discipline = [{"level": "reprimand", "starts_on": "2022-03-01", "ends_on": "2022-09-30"}]
    assert not json_run(2024, "CSTD_TINH", years, discipline)["eligible"]  # 2022 under discipline
    res = json_run(2025, "CSTD_TINH", years, discipline)  # 2023–2025, after its end
    assert res["eligible"] and res["rule"] == "CSTD_TINH-2024"


# ---------------------------------------------------------------- CSTĐ toàn quốc
def _cstdtq(first_tinh, second_tinh, initiative_year=2019, scope="national", used_for=None, extra=()):
    years = span(first_tinh - 2, second_tinh + 1, rating="HTXS", awards=["CSTDCS"])
    years[first_tinh]["awards"] = ["CSTDCS", "CSTD_TINH"]
    years[second_tinh]["awards"] = ["CSTDCS", "CSTD_TINH"]
    years[initiative_year]["initiatives"] = [(scope, used_for)]
    for y, award in extra:
        years[y]["awards"] = years[y]["awards"] + [award]
    return subject(years)


def test_cstdtq_2017_twice_provincial_fighter_and_a_national_initiative():
    """CSTDTQ-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 21: "2 lần liên tục Chiến sĩ thi đua cấp bộ, ngành,
    tỉnh" (paraphrased; thời điểm đề nghị: năm sau lần thứ hai) and, from Nghị định 91/2017 (điều khoản chưa
    đối chiếu, unconfirmed), "Sáng kiến, đề tài có hiệu quả, ảnh hưởng toàn quốc"."""
    r = judge(_cstdtq(2017, 2020), "CSTDTQ", 2021, "CSTDTQ-2017")
    assert r.eligible and "2017, 2020" in check(r, "cstd_tinh_twice").explanation
    assert_paraphrased(r, "cstd_tinh_twice")
    assert_unconfirmed(r, "initiative_national")
    # Not consecutive: four years apart (2016, 2020).
    assert failed(judge(_cstdtq(2016, 2020), "CSTDTQ", 2021, "CSTDTQ-2017")) == ["cstd_tinh_twice"]
    # Proposed too late: the second one two years before (2019 for 2021).
    assert failed(judge(_cstdtq(2016, 2019), "CSTDTQ", 2021, "CSTDTQ-2017")) == ["cstd_tinh_twice"]
    # A provincial initiative is one step below national.
    r = judge(_cstdtq(2017, 2020, scope="provincial"), "CSTDTQ", 2021, "CSTDTQ-2017")
    assert failed(r) == ["initiative_national"]
    assert_unconfirmed(r, "initiative_national")
    # The initiative within the six years 2016–2021: 2016 is in, 2015 is not.
    assert judge(_cstdtq(2017, 2020, initiative_year=2016), "CSTDTQ", 2021, "CSTDTQ-2017").eligible
    assert failed(judge(_cstdtq(2017, 2020, initiative_year=2015), "CSTDTQ", 2021, "CSTDTQ-2017")) \
        == ["initiative_national"]
    # One achievement, one award: CSTĐTQ already given in 2016 (first year of 2016–2021); 2015 is outside.
    assert failed(judge(_cstdtq(2017, 2020, extra=[(2016, "CSTDTQ")]), "CSTDTQ", 2021, "CSTDTQ-2017")) \
        == ["not_already_awarded"]
    assert judge(_cstdtq(2017, 2020, extra=[(2015, "CSTDTQ")]), "CSTDTQ", 2021, "CSTDTQ-2017").eligible


def test_cstdtq_2024_twice_provincial_fighter_and_a_national_initiative():
    """CSTDTQ-2024 — Luật TĐKT 2022, Điều 21: "2 lần liên tục Chiến sĩ thi đua cấp bộ, ngành, tỉnh" (thời điểm
    đề nghị: năm sau lần thứ hai, paraphrased) and "Sáng kiến, đề tài có hiệu quả, ảnh hưởng toàn quốc";
    Điều 5: one achievement, one award (6 years)."""
    r = judge(_cstdtq(2020, 2023, initiative_year=2022), "CSTDTQ", 2024, "CSTDTQ-2024")
    assert r.eligible
    assert_confirmed(r, "initiative_national")
    assert_paraphrased(r, "cstd_tinh_twice")
    assert failed(judge(_cstdtq(2019, 2023, initiative_year=2022), "CSTDTQ", 2024, "CSTDTQ-2024")) \
        == ["cstd_tinh_twice"]
    # A provincial initiative is one step below national.
    assert failed(judge(_cstdtq(2020, 2023, initiative_year=2022, scope="provincial"), "CSTDTQ", 2024,
                        "CSTDTQ-2024")) == ["initiative_national"]
    # The national initiative was already used for the second CSTĐ tỉnh: it does not serve twice.
    r = judge(_cstdtq(2020, 2023, initiative_year=2022, used_for="CSTD_TINH:2023"), "CSTDTQ", 2024, "CSTDTQ-2024")
    assert failed(r) == ["initiative_national"] and "đã dùng cho CSTD_TINH:2023" in check(r, "initiative_national").explanation
    # Six-year window of the initiative: 2019 is in (2019–2024), 2018 is not.
    assert judge(_cstdtq(2020, 2023, initiative_year=2019), "CSTDTQ", 2024, "CSTDTQ-2024").eligible
    assert failed(judge(_cstdtq(2020, 2023, initiative_year=2018), "CSTDTQ", 2024, "CSTDTQ-2024")) \
        == ["initiative_national"]
    # Already CSTĐTQ in 2019 (inside 2019–2024) versus 2018 (outside).
    assert failed(judge(_cstdtq(2020, 2023, initiative_year=2022, extra=[(2019, "CSTDTQ")]), "CSTDTQ", 2024,
                        "CSTDTQ-2024")) == ["not_already_awarded"]
    assert judge(_cstdtq(2020, 2023, initiative_year=2022, extra=[(2018, "CSTDTQ")]), "CSTDTQ", 2024,
                 "CSTDTQ-2024").eligible


# ---------------------------------------------------------------- Bằng khen cấp tỉnh
def test_bk_tinh_ind_2017_two_excellent_years_two_grassroots_initiatives():
    """BK_TINH-IND-2017 — Nghị định 91/2017/NĐ-CP, Điều 39.1 (chưa đối chiếu văn bản, unconfirmed): "2 năm
    liên tục hoàn thành xuất sắc nhiệm vụ, có 2 sáng kiến cấp cơ sở"; one achievement, one award (2 years)."""
    base = {2019: {"rating": "HTXS", "initiatives": ["grassroots"]}, 2020: {"rating": "HTXS", "initiatives": ["grassroots"]}}
    r = judge(subject(base), "BK_TINH", 2020, "BK_TINH-IND-2017")
    assert r.eligible
    assert_unconfirmed(r, "bk_tinh_htxs_2_initiatives")
    # One good (not excellent) year; one initiative short.
    assert failed(judge(subject({**base, 2019: {"rating": "HTT", "initiatives": ["grassroots"]}}), "BK_TINH", 2020,
                        "BK_TINH-IND-2017")) == ["bk_tinh_htxs_2_initiatives"]
    assert failed(judge(subject({**base, 2019: {"rating": "HTXS"}}), "BK_TINH", 2020,
                        "BK_TINH-IND-2017")) == ["bk_tinh_htxs_2_initiatives"]
    # A maternity year between two excellent years keeps the run (2018, 2020); both initiatives in 2020.
    leave = {2018: {"rating": "HTXS"}, 2019: {"maternity": True},
             2020: {"rating": "HTXS", "initiatives": ["grassroots", "grassroots"]}}
    assert judge(subject(leave), "BK_TINH", 2020, "BK_TINH-IND-2017").eligible
    # Already given in 2019 (inside 2019–2020) versus 2018 (outside).
    assert failed(judge(subject({**base, 2019: {**base[2019], "awards": ["BK_TINH"]}}), "BK_TINH", 2020,
                        "BK_TINH-IND-2017")) == ["not_already_awarded"]
    assert judge(subject({**base, 2018: {"awards": ["BK_TINH"]}}), "BK_TINH", 2020, "BK_TINH-IND-2017").eligible


def test_bk_tinh_ind_2017_ad_hoc_award_and_discipline():
    """BK_TINH-IND-2017 with Nghị định 91/2017 (không khen nhiều lần cho một thành tích): an ad hoc Bằng khen in
    2019 rewarded another achievement, not the yearly run, so it does not block; a discipline ending in 2019
    leaves 2019 out of the run."""
    years = {str(y): {"rating": "HTXS", "initiatives": [{"id": f"SK{y}"}]} for y in (2019, 2020, 2021)}
    adhoc = {**years, "2019": {**years["2019"], "awards": [{"code": "BK_TINH", "kind": "adhoc", "decision": "QĐ 9"}]}}
    assert json_run(2020, "BK_TINH", adhoc, [])["eligible"]
    merit = {**years, "2019": {**years["2019"], "awards": [{"code": "BK_TINH", "kind": "merit", "decision": "QĐ 9"}]}}
    assert not json_run(2020, "BK_TINH", merit, [])["eligible"]
    discipline = [{"level": "reprimand", "starts_on": "2019-02-01", "ends_on": "2019-12-31"}]
    assert not json_run(2020, "BK_TINH", years, discipline)["eligible"]
    res = json_run(2021, "BK_TINH", years, discipline)
    assert res["eligible"] and res["rule"] == "BK_TINH-IND-2017"


def test_bk_tinh_col_2017_two_excellent_years():
    """BK_TINH-COL-2017 — Nghị định 91/2017/NĐ-CP, Điều 39.2 (chưa đối chiếu văn bản, unconfirmed): "2 năm liên
    tục hoàn thành xuất sắc nhiệm vụ"; one achievement, one award (2 years)."""
    r = judge(unit(span(2018, 2019, rating="HTXS")), "BK_TINH", 2019, "BK_TINH-COL-2017")
    assert r.eligible
    assert_unconfirmed(r, "bk_tinh_collective")
    assert failed(judge(unit({2018: {"rating": "HTT"}, 2019: {"rating": "HTXS"}}), "BK_TINH", 2019,
                        "BK_TINH-COL-2017")) == ["bk_tinh_collective"]
    # A gap year (no record for 2018) breaks it; TTLĐXS twice with "good" ratings is not the old option.
    assert failed(judge(unit({2017: {"rating": "HTXS"}, 2019: {"rating": "HTXS"}}), "BK_TINH", 2019,
                        "BK_TINH-COL-2017")) == ["bk_tinh_collective"]
    assert not judge(unit(span(2018, 2019, rating="HTT", awards=["TTLDXS"])), "BK_TINH", 2019,
                     "BK_TINH-COL-2017").eligible
    assert failed(judge(unit({2018: {"rating": "HTXS", "awards": ["BK_TINH"]}, 2019: {"rating": "HTXS"}}),
                        "BK_TINH", 2019, "BK_TINH-COL-2017")) == ["not_already_awarded"]


def test_bk_tinh_col_2024_two_excellent_years_or_two_ttldxs():
    """BK_TINH-COL-2024 — Luật TĐKT 2022, Điều 74 (paraphrased): "2 năm liên tục hoàn thành xuất sắc nhiệm vụ
    hoặc Tập thể lao động xuất sắc"; Điều 5: one achievement, one award (2 years)."""
    r = judge(unit(span(2023, 2024, rating="HTXS")), "BK_TINH", 2024, "BK_TINH-COL-2024")
    assert r.eligible
    assert_paraphrased(r, "bk_tinh_collective")
    assert judge(unit(span(2023, 2024, rating="HTT", awards=["TTLDXS"])), "BK_TINH", 2024, "BK_TINH-COL-2024").eligible
    # One year of each is one short of both options.
    for one in ({2023: {"rating": "HTT"}, 2024: {"rating": "HTXS"}},
                {2023: {"rating": "HTT"}, 2024: {"rating": "HTT", "awards": ["TTLDXS"]}}):
        r = judge(unit(one), "BK_TINH", 2024, "BK_TINH-COL-2024")
        assert failed(r) == ["bk_tinh_collective"] and "Chưa đạt phương án nào" in check(r, "bk_tinh_collective").explanation
    assert failed(judge(unit({**span(2023, 2024, rating="HTXS"), 2023: {"rating": "HTXS", "awards": ["BK_TINH"]}}),
                        "BK_TINH", 2024, "BK_TINH-COL-2024")) == ["not_already_awarded"]
    assert judge(unit({**span(2023, 2024, rating="HTXS"), 2022: {"awards": ["BK_TINH"]}}), "BK_TINH", 2024,
                 "BK_TINH-COL-2024").eligible


# ---------------------------------------------------------------- Bằng khen Thủ tướng (tập thể)
def test_bk_ttg_col_2017_bk_tinh_then_five_excellent_years():
    """BK_TTG-COL-2017 — Nghị định 91/2017/NĐ-CP, Điều 38.2 (chưa đối chiếu văn bản, unconfirmed): "Đã có Bằng
    khen cấp bộ, ngành, tỉnh, sau đó 5 năm liên tục hoàn thành xuất sắc nhiệm vụ"; one achievement, one award."""
    base = {2017: {"rating": "HTXS", "awards": ["BK_TINH"]}, **span(2018, 2022, rating="HTXS")}
    r = judge(unit(base), "BK_TTG", 2022, "BK_TTG-COL-2017")
    assert r.eligible
    assert_unconfirmed(r, "after_bk_tinh_collective")
    # Four excellent years: 2018 only good; or the BK tỉnh in 2018, leaving 2019–2022 after it.
    assert failed(judge(unit({**base, 2018: {"rating": "HTT"}}), "BK_TTG", 2022, "BK_TTG-COL-2017")) \
        == ["after_bk_tinh_collective"]
    late = {**base, 2017: {"rating": "HTXS"}, 2018: {"rating": "HTXS", "awards": ["BK_TINH"]}}
    r = judge(unit(late), "BK_TTG", 2022, "BK_TTG-COL-2017")
    assert failed(r) == ["after_bk_tinh_collective"] and "có 4" in check(r, "after_bk_tinh_collective").explanation
    assert failed(judge(unit(span(2017, 2022, rating="HTXS")), "BK_TTG", 2022, "BK_TTG-COL-2017")) \
        == ["after_bk_tinh_collective"]  # no BK tỉnh at all
    # One achievement, one award: BK TTg in 2018 (first year of 2018–2022) versus 2017 (outside).
    assert failed(judge(unit({**base, 2018: {"rating": "HTXS", "awards": ["BK_TTG"]}}), "BK_TTG", 2022,
                        "BK_TTG-COL-2017")) == ["not_already_awarded"]
    assert judge(unit({**base, 2017: {"rating": "HTXS", "awards": ["BK_TINH", "BK_TTG"]}}), "BK_TTG", 2022,
                 "BK_TTG-COL-2017").eligible


def test_bk_ttg_col_2024_bk_tinh_then_five_good_years_with_two_ttldxs():
    """BK_TTG-COL-2024 — Luật TĐKT 2022, Điều 73 (chưa tìm thấy văn bản, unconfirmed): "Đã có Bằng khen cấp tỉnh,
    sau đó 5 năm liên tục hoàn thành tốt nhiệm vụ, có 2 lần Tập thể lao động xuất sắc"."""
    base = {2019: {"rating": "HTXS", "awards": ["BK_TINH"]}, **span(2020, 2024, rating="HTT"),
            2022: {"rating": "HTXS", "awards": ["TTLDXS"]}, 2024: {"rating": "HTXS", "awards": ["TTLDXS"]}}
    r = judge(unit(base), "BK_TTG", 2024, "BK_TTG-COL-2024")
    assert r.eligible
    assert_unconfirmed(r, "after_bk_tinh_collective")
    r = judge(unit({**base, 2022: {"rating": "HTXS"}}), "BK_TTG", 2024, "BK_TTG-COL-2024")
    assert failed(r) == ["after_bk_tinh_collective"] and "có 1" in check(r, "after_bk_tinh_collective").explanation
    assert failed(judge(unit({**base, 2020: {"rating": "HT"}}), "BK_TTG", 2024, "BK_TTG-COL-2024")) \
        == ["after_bk_tinh_collective"]
    assert failed(judge(unit({**base, 2020: {"rating": "HTT", "awards": ["BK_TTG"]}}), "BK_TTG", 2024,
                        "BK_TTG-COL-2024")) == ["not_already_awarded"]


# ---------------------------------------------------------------- Huân chương Lao động hạng Ba
def test_hcld3_ind_2017_bk_ttg_then_five_excellent_years():
    """HCLD3-IND-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 44.1 (chưa đối chiếu văn bản, unconfirmed): "Đã có
    Bằng khen Thủ tướng, sau đó 5 năm liên tục hoàn thành xuất sắc nhiệm vụ"."""
    base = {2018: {"rating": "HTXS", "awards": ["BK_TTG"]}, **span(2019, 2023, rating="HTXS")}
    r = judge(subject(base), "HCLD3", 2023, "HCLD3-IND-2017")
    assert r.eligible
    assert_unconfirmed(r, "after_bk_ttg")
    assert failed(judge(subject({**base, 2019: {"rating": "HTT"}}), "HCLD3", 2023, "HCLD3-IND-2017")) == ["after_bk_ttg"]
    # A maternity year keeps the run alive but is not one of the five: 2019, (2020), 2021–2023 is four …
    assert failed(judge(subject({**base, 2020: {"maternity": True}}), "HCLD3", 2023, "HCLD3-IND-2017")) \
        == ["after_bk_ttg"]
    # … and with the BK TTg a year earlier, 2018, 2019, (2020), 2021–2023 is five.
    early = {2017: {"rating": "HTXS", "awards": ["BK_TTG"]}, **span(2018, 2023, rating="HTXS"), 2020: {"maternity": True}}
    r = judge(subject(early), "HCLD3", 2023, "HCLD3-IND-2017")
    assert r.eligible and "nghỉ thai sản" in check(r, "after_bk_ttg").explanation
    # One achievement, one award: HCLĐ Ba in 2019 (first year of 2019–2023).
    assert failed(judge(subject({**base, 2019: {"rating": "HTXS", "awards": ["HCLD3"]}}), "HCLD3", 2023,
                        "HCLD3-IND-2017")) == ["not_already_awarded"]


def test_hcld3_ind_2017_ad_hoc_prerequisite_and_discipline():
    """HCLD3-IND-2017: an ad hoc (đột xuất) Bằng khen Thủ tướng is not the prerequisite merit award; a
    discipline ending in 2019 restarts the five years from 2020."""
    years = {str(y): {"rating": "HTXS"} for y in range(2018, 2024)}
    for kind, ok in (("merit", True), ("adhoc", False), ("thematic", False)):
        data = {**years, "2018": {"rating": "HTXS", "awards": [{"code": "BK_TTG", "kind": kind, "decision": "QĐ 1"}]}}
        assert json_run(2023, "HCLD3", data, [])["eligible"] is ok
    data = {**years, "2017": {"rating": "HTXS", "awards": ["BK_TTG"]}}
    discipline = [{"level": "reprimand", "starts_on": "2019-06-01", "ends_on": "2019-12-31"}]
    assert json_run(2023, "HCLD3", data, [])["eligible"]  # 2018–2023 without it
    assert not json_run(2023, "HCLD3", data, discipline)["eligible"]  # 2020–2023: four


def test_hcld3_ind_2024_bk_ttg_then_five_good_years_one_excellent_three_cstdcs():
    """HCLD3-IND-2024 — Luật TĐKT 2022, Điều 44.1.e (confirmed): "Đã có Bằng khen Thủ tướng, sau đó 5 năm liên tục
    hoàn thành tốt nhiệm vụ trở lên, có 1 năm xuất sắc và 3 lần CSTĐCS"."""
    base = {2019: {"rating": "HTXS", "awards": ["BK_TTG"]}, 2020: {"rating": "HTT", "awards": ["CSTDCS"]},
            2021: {"rating": "HTT"}, 2022: {"rating": "HTT", "awards": ["CSTDCS"]}, 2023: {"rating": "HTT"},
            2024: {"rating": "HTXS", "awards": ["CSTDCS"]}}
    r = judge(subject(base), "HCLD3", 2024, "HCLD3-IND-2024")
    assert r.eligible
    assert_confirmed(r, "after_bk_ttg")
    # No excellent year; two CSTĐCS; four years (2020 only "hoàn thành").
    r = judge(subject({**base, 2024: {"rating": "HTT", "awards": ["CSTDCS"]}}), "HCLD3", 2024, "HCLD3-IND-2024")
    assert failed(r) == ["after_bk_ttg"] and "năm hoàn thành xuất sắc, có 0" in check(r, "after_bk_ttg").explanation
    r = judge(subject({**base, 2022: {"rating": "HTT"}}), "HCLD3", 2024, "HCLD3-IND-2024")
    assert failed(r) == ["after_bk_ttg"] and "có 2" in check(r, "after_bk_ttg").explanation
    assert failed(judge(subject({**base, 2020: {"rating": "HT", "awards": ["CSTDCS"]}, 2021: {"rating": "HTT",
                                                                                             "awards": ["CSTDCS"]}}),
                        "HCLD3", 2024, "HCLD3-IND-2024")) == ["after_bk_ttg"]
    # Already given in 2020 for part of the same run.
    assert failed(judge(subject({**base, 2020: {"rating": "HTT", "awards": ["CSTDCS", "HCLD3"]}}), "HCLD3", 2024,
                        "HCLD3-IND-2024")) == ["not_already_awarded"]


def test_hcld3_col_2017_five_ttldxs_and_a_flag_or_bk_ttg():
    """HCLD3-COL-2017 — Luật TĐKT 2003, Điều 44.2 (bản gốc 2003; bản sửa đổi 2013 chưa đối chiếu, unconfirmed):
    "5 năm liên tục Tập thể lao động xuất sắc" and "Có Cờ thi đua cấp bộ, tỉnh hoặc Bằng khen Thủ tướng"."""
    base = {**span(2018, 2022, rating="HTXS", awards=["TTLDXS"]), 2020: {"rating": "HTXS", "awards": ["TTLDXS", "CO_TINH"]}}
    r = judge(unit(base), "HCLD3", 2022, "HCLD3-COL-2017")
    assert r.eligible
    assert_unconfirmed(r, "ttldxs_5")
    assert_unconfirmed(r, "flag_or_bk_ttg")
    with_bk = {**base, 2020: {"rating": "HTXS", "awards": ["TTLDXS"]}, 2018: {"rating": "HTXS", "awards": ["TTLDXS", "BK_TTG"]}}
    assert judge(unit(with_bk), "HCLD3", 2022, "HCLD3-COL-2017").eligible
    # Four TTLĐXS; no flag nor BK TTg; the flag of 2017 is outside 2018–2022.
    assert failed(judge(unit({**base, 2018: {"rating": "HTXS"}}), "HCLD3", 2022, "HCLD3-COL-2017")) == ["ttldxs_5"]
    no_flag = {**base, 2020: {"rating": "HTXS", "awards": ["TTLDXS"]}}
    assert failed(judge(unit(no_flag), "HCLD3", 2022, "HCLD3-COL-2017")) == ["flag_or_bk_ttg"]
    assert failed(judge(unit({**no_flag, 2017: {"awards": ["CO_TINH"]}}), "HCLD3", 2022, "HCLD3-COL-2017")) \
        == ["flag_or_bk_ttg"]
    first = {**no_flag, 2018: {"rating": "HTXS", "awards": ["TTLDXS", "CO_TINH"]}}
    assert judge(unit(first), "HCLD3", 2022, "HCLD3-COL-2017").eligible  # 2018: first year of the five
    assert failed(judge(unit({**base, 2018: {"rating": "HTXS", "awards": ["TTLDXS", "HCLD3"]}}), "HCLD3", 2022,
                        "HCLD3-COL-2017")) == ["not_already_awarded"]


def test_hcld3_col_2024_bk_ttg_then_five_excellent_years():
    """HCLD3-COL-2024 — Luật TĐKT 2022, Điều 44.2 (chưa đối chiếu văn bản, unconfirmed): "Đã có Bằng khen Thủ
    tướng, sau đó 5 năm liên tục hoàn thành xuất sắc nhiệm vụ"."""
    base = {2019: {"rating": "HTXS", "awards": ["BK_TTG"]}, **span(2020, 2024, rating="HTXS")}
    r = judge(unit(base), "HCLD3", 2024, "HCLD3-COL-2024")
    assert r.eligible
    assert_unconfirmed(r, "after_bk_ttg_collective")
    assert failed(judge(unit({**base, 2020: {"rating": "HTT"}}), "HCLD3", 2024, "HCLD3-COL-2024")) \
        == ["after_bk_ttg_collective"]
    assert failed(judge(unit({**base, 2019: {"rating": "HTXS"}, 2020: {"rating": "HTXS", "awards": ["BK_TTG"]}}),
                        "HCLD3", 2024, "HCLD3-COL-2024")) == ["after_bk_ttg_collective"]
    assert failed(judge(unit({**base, 2020: {"rating": "HTXS", "awards": ["HCLD3"]}}), "HCLD3", 2024,
                        "HCLD3-COL-2024")) == ["not_already_awarded"]


# ---------------------------------------------------------------- Huân chương Lao động hạng Nhì, Nhất
@pytest.mark.parametrize("award, prerequisite, rule, cid, kind, confidence", [
    ("HCLD2", "HCLD3", "HCLD2-IND-2017", "after_hcld3", "individual", "unconfirmed"),
    ("HCLD1", "HCLD2", "HCLD1-IND-2017", "after_hcld2", "individual", "paraphrased"),
    ("HCLD1", "HCLD2", "HCLD1-COL-2017", "after_hcld2", "collective", "confirmed"),
])
def test_hcld_higher_class_2017_previous_class_then_five_excellent_years(award, prerequisite, rule, cid, kind,
                                                                         confidence):
    """HCLD2-IND-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 43.1 (chưa đối chiếu bản sửa đổi 2013, unconfirmed):
    "Đã có Huân chương Lao động hạng Ba, sau đó 5 năm liên tục hoàn thành xuất sắc nhiệm vụ".
    HCLD1-IND-2017 — Điều 42.1.a (paraphrased; Thư viện Pháp luật trích "5 năm tiếp theo liên tục lập được thành
    tích xuất sắc có phạm vi ảnh hưởng toàn quốc"): "Đã có Huân chương Lao động hạng Nhì, sau đó 5 năm liên tục
    lập thành tích xuất sắc".
    HCLD1-COL-2017 — Điều 42.2.b (confirmed): "Đã có Huân chương Lao động hạng Nhì, sau đó 5 năm liên tục hoàn
    thành xuất sắc nhiệm vụ"."""
    base = {2018: {"rating": "HTXS", "awards": [prerequisite]}, **span(2019, 2023, rating="HTXS")}
    r = judge(subject(base, kind), award, 2023, rule)
    assert r.eligible
    {"unconfirmed": assert_unconfirmed, "paraphrased": assert_paraphrased, "confirmed": assert_confirmed}[confidence](r, cid)
    # One good year; the prerequisite one year later (2019–2023 minus one); the prerequisite missing.
    assert failed(judge(subject({**base, 2021: {"rating": "HTT"}}, kind), award, 2023, rule)) == [cid]
    late = {**base, 2018: {"rating": "HTXS"}, 2019: {"rating": "HTXS", "awards": [prerequisite]}}
    r = judge(subject(late, kind), award, 2023, rule)
    assert failed(r) == [cid] and "có 4" in check(r, cid).explanation
    assert failed(judge(subject(span(2018, 2023, rating="HTXS"), kind), award, 2023, rule)) == [cid]
    # The prerequisite held without a year (from `holds`) with five excellent years counts back from the year.
    assert judge(subject(span(2019, 2023, rating="HTXS"), kind, holds=[prerequisite]), award, 2023, rule).eligible
    # One achievement, one award.
    assert failed(judge(subject({**base, 2019: {"rating": "HTXS", "awards": [award]}}, kind), award, 2023, rule)) \
        == ["not_already_awarded"]
    if kind == "individual":  # a maternity year bridges but does not count: four rated years
        assert failed(judge(subject({**base, 2020: {"maternity": True}}, kind), award, 2023, rule)) == [cid]


# ---------------------------------------------------------------- Cờ thi đua (2018–2023)
def test_co_tinh_2017_excellent_and_leading_its_movement():
    """CO_TINH-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 26 (paraphrased): "Hoàn thành vượt mức chỉ tiêu thi đua
    và nhiệm vụ được giao (xếp loại hoàn thành xuất sắc)" and "Tập thể tiêu biểu xuất sắc, dẫn đầu phong trào
    thi đua của bộ, ngành, tỉnh"."""
    for led in ("internal", "central"):
        r = judge(unit({2020: {"rating": "HTXS", "led": led}}), "CO_TINH", 2020, "CO_TINH-2017")
        assert r.eligible
    assert_paraphrased(r, "leads_cluster")
    assert_paraphrased(r, "exceeds_targets")
    assert failed(judge(unit({2020: {"rating": "HTT", "led": "internal"}}), "CO_TINH", 2020, "CO_TINH-2017")) \
        == ["exceeds_targets"]
    r = judge(unit({2020: {"rating": "HTXS"}}), "CO_TINH", 2020, "CO_TINH-2017")
    assert failed(r) == ["leads_cluster"] and "không dẫn đầu" in check(r, "leads_cluster").explanation
    # Leading the year before is not leading the year considered.
    assert failed(judge(unit({2019: {"rating": "HTXS", "led": "internal"}, 2020: {"rating": "HTXS"}}), "CO_TINH", 2020,
                        "CO_TINH-2017")) == ["leads_cluster"]


def test_co_cp_2017_exceeded_targets_and_most_outstanding():
    """CO_CP-2017 — Luật TĐKT 2003 (sửa đổi 2013), Điều 25.1 (paraphrased): "Hoàn thành vượt mức các chỉ tiêu thi
    đua và nhiệm vụ được giao trong năm" and Điều 25.2 (confirmed): "Tập thể tiêu biểu xuất sắc nhất trong phong
    trào thi đua của bộ, ngành, tỉnh (dẫn đầu cụm, khối)". Unlike the 2022 Law's art. 25.2, leading a central
    cluster does not dispense from the excellent rating."""
    r = judge(unit({2021: {"rating": "HTXS", "led": "internal"}}), "CO_CP", 2021, "CO_CP-2017")
    assert r.eligible
    assert_confirmed(r, "most_outstanding")
    assert_paraphrased(r, "exceeds_targets")
    assert failed(judge(unit({2021: {"rating": "HTT", "led": "central"}}), "CO_CP", 2021, "CO_CP-2017")) \
        == ["exceeds_targets"]
    assert failed(judge(unit({2021: {"rating": "HTXS"}}), "CO_CP", 2021, "CO_CP-2017")) == ["most_outstanding"]
