"""Checks at submission and appraisal: eligibility from the engine, duplicates (registry and open dossiers),
single-use initiatives, discipline and open reviews, the authority's quota; computed in bulk."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.nominations.conftest import atype, bk_tinh_candidate, build, give_award, new_person, snapshot, user
from thidua.awards.models import Discipline, Initiative, Review
from thidua.eligibility.models import Quota
from thidua.nominations import services
from thidua.nominations.checks import BLOCK, INFO, OK, WARN, check_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def checks_of(dossier, item, code=None):
    report = check_dossier(dossier)
    return [c for c in report.items[item.pk].checks if code is None or c.code == code]


def test_eligibility_from_the_engine_with_its_explanation(dossier, unit):
    donvi = user("donvi")
    ok = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=bk_tinh_candidate(unit))
    missing = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Chưa Đủ"))
    report = check_dossier(dossier)
    (good,) = [c for c in report.items[ok.pk].checks if c.code == "eligibility"]
    (bad,) = [c for c in report.items[missing.pk].checks if c.code == "eligibility"]
    assert good.status == OK and report.items[ok.pk].eligible is True
    assert any("Luật TĐKT" in line or "Luật" in line for line in good.details)
    assert bad.status == WARN and report.items[missing.pk].eligible is False
    assert bad.message.startswith("Chưa đủ điều kiện BK_TINH năm 2024")
    assert "2023" in bad.message and "2024" in bad.message  # the engine says which years are missing
    # Not eligible is a warning (the appraisal decides), not a block: the dossier can be submitted.
    services.move(donvi, dossier, "submit")


def test_no_rule_and_non_merit_kinds_are_information(dept, unit):
    donvi = user("donvi")
    d = services.create_dossier(donvi, from_org=dept, granted_by="head_of_unit", year=2024, title="Giấy khen")
    item = services.add_item(donvi, d, award_type=atype("GIAY_KHEN"), person=new_person(unit))
    (c,) = checks_of(d, item, "eligibility")
    assert c.status == INFO and "Chưa có quy định để xét tự động GIAY_KHEN" in c.message
    adhoc = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Đột xuất",
                                    kind="adhoc")
    item = services.add_item(donvi, adhoc, award_type=atype("BK_TINH"), person=new_person(unit, "Dũng Cảm"))
    (c,) = checks_of(adhoc, item, "eligibility")
    assert c.status == INFO and "đột xuất" in c.message and "không được tính cho khen thường xuyên" in c.message


def test_duplicate_against_the_registry_blocks_submission(dossier, unit):
    donvi = user("donvi")
    p = bk_tinh_candidate(unit)
    give_award(p, "BK_TINH", 2024, number="DUP-1/QĐ-UBND")
    item = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=p)
    (c,) = checks_of(dossier, item, "duplicate")
    assert c.status == BLOCK and "QĐ DUP-1/QĐ-UBND" in c.message and "Điều 5" in c.message
    before = snapshot(dossier)
    with pytest.raises(ValidationError, match="Đã được khen BK_TINH năm 2024"):
        services.move(donvi, dossier, "submit")
    assert snapshot(dossier) == before
    # Another year is not a duplicate.
    other = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=p, year=2023)
    assert checks_of(dossier, other, "duplicate")[0].status == OK


def test_duplicate_against_other_open_dossiers_and_inside_the_dossier(dept, unit):
    donvi = user("donvi")
    p = new_person(unit, "Trùng Lặp")
    first = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Một")
    services.add_item(donvi, first, award_type=atype("BK_TINH"), person=p)
    second = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Hai")
    item = services.add_item(donvi, second, award_type=atype("BK_TINH"), person=p)
    assert checks_of(second, item, "duplicate")[0].status == OK  # the first is only a draft
    services.move(donvi, first, "submit")
    (c,) = checks_of(second, item, "duplicate")
    assert c.status == BLOCK and f"hồ sơ #{first.pk}" in c.message
    third = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Ba")
    q = new_person(unit, "Hai Lần")
    services.add_item(donvi, third, award_type=atype("BK_TINH"), person=q)
    again = services.add_item(donvi, third, award_type=atype("BK_TINH"), person=q)
    assert any(c.status == BLOCK and "mục số 1" in c.message for c in checks_of(third, again, "duplicate"))


def test_initiative_used_for_another_award_is_refused(dossier, unit):
    donvi = user("donvi")
    p = bk_tinh_candidate(unit)
    used = Initiative.objects.create(person=p, title="Số hóa hồ sơ thi đua", scope="provincial", year=2024,
                                     used_for=give_award(p, "GIAY_KHEN", 2024, number="GK-1/QĐ"))
    fresh = Initiative.objects.create(person=p, title="Phần mềm chấm điểm", scope="provincial", year=2024)
    item = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=p, initiatives=[used, fresh])
    messages = [c.message for c in checks_of(dossier, item, "initiative") if c.status == BLOCK]
    assert messages == ["Sáng kiến “Số hóa hồ sơ thi đua” đã được dùng cho GIAY_KHEN năm 2024 (QĐ GK-1/QĐ); mỗi sáng "
                        "kiến chỉ dùng cho một lần khen thưởng (CV 5007/BNV-TĐKT)."]
    with pytest.raises(ValidationError, match="đã được dùng cho GIAY_KHEN"):
        services.move(donvi, dossier, "submit")
    # Someone else's initiative cannot be cited at all.
    with pytest.raises(ValidationError, match="không phải của đối tượng"):
        services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Khác"),
                          initiatives=[fresh])


def test_initiative_cited_in_another_open_dossier_is_refused(dept, unit):
    donvi = user("donvi")
    p = new_person(unit, "Sáng Kiến")
    ini = Initiative.objects.create(person=p, title="Quy trình một cửa", scope="grassroots", year=2024)
    a = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="A")
    services.add_item(donvi, a, award_type=atype("BK_TINH"), person=p, initiatives=[ini])
    services.move(donvi, a, "submit")
    b = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="B")
    item = services.add_item(donvi, b, award_type=atype("CSTD_TINH"), person=p, initiatives=[ini])
    (c,) = [c for c in checks_of(b, item, "initiative") if c.status == BLOCK]
    assert f"hồ sơ #{a.pk}" in c.message


def test_discipline_and_open_review_block_with_the_reason(dossier, unit):
    donvi = user("donvi")
    disciplined = bk_tinh_candidate(unit, "Kỷ Luật")
    Discipline.objects.create(person=disciplined, level="warning", starts_on=date(2024, 5, 1),
                              ends_on=date(2025, 4, 30), decision="12/QĐ-KL")
    reviewed = bk_tinh_candidate(unit, "Đang Xem Xét")
    Review.objects.create(person=reviewed, kind="complaint", opened_on=date(2025, 1, 10), note="đơn thư tháng 1")
    closed = bk_tinh_candidate(unit, "Đã Xong")
    Review.objects.create(person=closed, kind="inspection", opened_on=date(2024, 1, 10), closed_on=date(2024, 6, 1))
    i1, i2, i3 = (services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=p)
                  for p in (disciplined, reviewed, closed))
    report = check_dossier(dossier)
    (d1,) = [c for c in report.items[i1.pk].checks if c.code == "discipline"]
    assert d1.status == BLOCK and "cảnh cáo từ 01/05/2024 đến 30/04/2025 (QĐ 12/QĐ-KL)" in d1.message
    (r2,) = [c for c in report.items[i2.pk].checks if c.code == "review"]
    assert r2.status == BLOCK and "khiếu nại" in r2.message and "10/01/2025" in r2.message
    assert not [c for c in report.items[i3.pk].checks if c.code in ("review", "discipline")]
    with pytest.raises(ValidationError) as exc:
        services.move(donvi, dossier, "submit")
    text = " ".join(exc.value.messages)
    assert "Kỷ Luật" in text and "Đang Xem Xét" in text and "Đã Xong" not in text
    # Rejecting the blocked items lets the rest go on.
    services.remove_item(donvi, i1)
    services.remove_item(donvi, i2)
    services.move(donvi, dossier, "submit")


def test_quota_of_the_authority_shown_with_what_remains(dossier, unit, cao_bang):
    """Limit − already awarded in the authority's area − other open dossiers to it − this dossier; beyond it the
    items are blocked. The counts come from independent queries here."""
    from thidua.awards.models import Award
    from thidua.nominations.models import DossierItem

    donvi = user("donvi")
    give_award(new_person(unit, "Đã Khen"), "BK_TINH", 2024)
    awarded = Award.objects.in_force().filter(award_type__code="BK_TINH", year=2024,
                                              unit__path__startswith=cao_bang.path).count()
    other = services.create_dossier(donvi, from_org=dossier.from_org, granted_by="minister_chairman", year=2024,
                                    title="Khác")
    services.add_item(donvi, other, award_type=atype("BK_TINH"), person=new_person(unit, "Ở Hồ Sơ Khác"))
    services.move(donvi, other, "submit")
    pending = DossierItem.objects.filter(dossier__authority=cao_bang, dossier__state__in=["submitted", "received",
                                         "appraisal", "council", "proposed"], award_type__code="BK_TINH", year=2024,
                                         outcome="pending").count()
    Quota.objects.create(authority=cao_bang, year=2024, award_code="BK_TINH", max_count=awarded + pending + 2,
                         basis="Thử")
    first = services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Một"))
    report = check_dossier(dossier)
    (line,) = report.quotas
    assert (line.limit, line.awarded, line.other_dossiers, line.this_dossier, line.remaining) == (
        awarded + pending + 2, awarded, pending, 1, 1)
    (c,) = [c for c in report.items[first.pk].checks if c.code == "quota"]
    assert c.status == OK and c.message.endswith("còn lại 1.")
    for name in ("Hai", "Ba"):
        services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, name))
    report = check_dossier(dossier)
    (line,) = report.quotas
    assert line.remaining == -1 and line.exceeded and not line.exceeded_by_decision
    assert {c.status for r in report.items.values() for c in r.checks if c.code == "quota"} == {WARN}
    services.move(donvi, dossier, "submit")  # a warning: the authority chooses when it decides


def test_quota_as_a_share_of_another_award(dossier, unit, cao_bang):
    """CSTĐCS ≤ 15% of LĐTT: the limit follows the LĐTT awarded in the authority's area that year."""
    donvi = user("donvi")
    Quota.objects.create(authority=cao_bang, year=2023, award_code="BK_TINH", max_share="0.5", of_award_code="LDTT")
    ldtt = type(give_award(new_person(unit, "L0"), "LDTT", 2023)).objects.in_force().filter(
        award_type__code="LDTT", year=2023, unit__path__startswith=cao_bang.path).count()
    services.add_item(donvi, dossier, award_type=atype("BK_TINH"), person=new_person(unit, "Tỷ Lệ"), year=2023)
    (line,) = check_dossier(dossier).quotas
    assert line.base == ldtt and line.limit == int(0.5 * ldtt)


def test_checks_are_bulk_a_fixed_number_of_queries(dept, unit):
    donvi = user("donvi")

    def queries_for(n):
        d = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title=f"{n} mục")
        for i in range(n):
            p = bk_tinh_candidate(unit, f"Người {n}-{i}")
            ini = Initiative.objects.create(person=p, title=f"SK {n}-{i}", scope="grassroots", year=2024)
            services.add_item(donvi, d, award_type=atype("BK_TINH" if i % 2 else "CSTD_TINH"), person=p, initiatives=[ini])
        with CaptureQueriesContext(connection) as ctx:
            report = check_dossier(d)
        assert len(report.items) == n
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(12)


def test_blocked_items_refuse_appraisal_too(dept, unit):
    d = build("received", dept, unit)
    item = d.items.order_by("position").first()
    Review.objects.create(person=item.person, kind="investigation", opened_on=date(2025, 2, 1))
    before = snapshot(d)
    with pytest.raises(ValidationError, match="Đang điều tra"):
        services.move(user("caobang"), d, "appraise")
    assert snapshot(d) == before
    services.set_item_outcome(user("caobang"), item, "returned", "Chờ kết luận điều tra")
    services.move(user("caobang"), d, "appraise")  # the returned item no longer blocks the rest
