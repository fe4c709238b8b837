"""Public disclosure of the nominees before the council meets (issue 14 part 4): the law's list and an authority's
own, publishing, public comments (no account, sanitised, throttled), the office's handling in the dossier, the
council's view, and the refusal to meet before the period ends (which changes nothing)."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.test.utils import override_settings

from tests.nominations.conftest import build, client_for, snapshot, user
from thidua.core.models import AuditEvent
from thidua.nominations import disclosure, services
from thidua.nominations.disclosure_policy import policy_for, required_items, session_refusal
from thidua.nominations.models import CommentStatus, DisclosureComment, DisclosurePolicy, DossierEvent
from thidua.nominations.workdays import Calendar

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def council_dossier(dept, unit):
    """A dossier at the council whose handler (Cao Bằng's office) publishes CSTĐ cấp tỉnh for comments too."""
    d = build("council", dept, unit)
    DisclosurePolicy.objects.create(organization=d.handler, award_codes=["CSTD_TINH", "HCLD3"], working_days=10,
                                    basis="Quy chế của tỉnh (thử nghiệm)")
    return d


def test_the_law_list_is_orders_and_honorary_titles(dept, unit):
    d = build("council", dept, unit)  # BK_TINH and CSTD_TINH: neither is an order nor an honorary title
    assert policy_for(d).award_codes is None and policy_for(d).working_days == 10
    assert required_items(d) == [] and session_refusal(d, date(2030, 1, 1)) is None


def test_ten_working_days_skip_weekends_and_holidays():
    cal = Calendar.of(holidays=[date(2025, 9, 2)])
    # Monday 1/9/2025; 2/9 a holiday: 1, 3, 4, 5, 8, 9, 10, 11, 12, 15 → the 15th.
    assert disclosure.closes_on(date(2025, 9, 1), 10, cal) == date(2025, 9, 15)
    assert disclosure.closes_on(date(2025, 9, 6), 1, cal) == date(2025, 9, 8)  # from a Saturday


def test_the_council_cannot_meet_before_publishing_nor_before_the_end(council_dossier):
    d, caobang = council_dossier, user("caobang")
    before = snapshot(d)
    with pytest.raises(ValidationError, match="chưa công khai danh sách"):
        services.open_session(caobang, d, date.today() + timedelta(days=60))
    assert snapshot(d) == before
    pub = disclosure.publish(caobang, d)
    assert pub.item_ids == [i.pk for i in required_items(d)] and len(pub.item_ids) == 1
    with pytest.raises(ValidationError, match="đến hết ngày"):
        services.open_session(caobang, d, pub.closes_on)
    session = services.open_session(caobang, d, pub.closes_on + timedelta(days=1))
    assert session.pk


def test_only_the_handling_office_publishes_and_a_refusal_changes_nothing(council_dossier):
    d = council_dossier
    audit_rows = AuditEvent.objects.count()
    for name in ("donvi", "laichau"):
        with pytest.raises(PermissionDenied):
            disclosure.publish(user(name), d)
    assert not hasattr(d, "disclosure") or d.disclosure is None
    assert AuditEvent.objects.count() == audit_rows + 2  # the two "denied" rows, nothing else


def test_public_comment_is_sanitised_handled_and_recorded(council_dossier):
    d, caobang = council_dossier, user("caobang")
    pub = disclosure.publish(caobang, d)
    item_id = pub.item_ids[0]
    c = disclosure.comment(pub, author_name="  Nguyễn\u0000 Văn   An ", contact="0912 345 678\u202e",
                           body="Ông ấy \x07có\n\n\n\nthành tích   tốt", item_id=item_id)
    assert (c.author_name, c.contact, c.body) == ("Nguyễn Văn An", "0912 345 678", "Ông ấy có\n\nthành tích tốt")
    with pytest.raises(ValidationError, match="họ và tên"):
        disclosure.comment(pub, author_name=" ", contact="x", body="y")
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        disclosure.comment(pub, author_name="A", contact="x", body="y", item_id=999999)
    with pytest.raises(ValidationError, match="hết thời hạn"):
        disclosure.comment(pub, author_name="A", contact="x", body="y", today=pub.closes_on + timedelta(days=1))
    assert DisclosureComment.objects.filter(disclosure=pub).count() == 1
    with pytest.raises(PermissionDenied):
        disclosure.handle(user("donvi"), c, status=CommentStatus.ACCEPTED, reply="Tiếp thu")
    c.refresh_from_db()
    assert c.status == CommentStatus.PENDING
    disclosure.handle(caobang, c, status=CommentStatus.EXPLAINED, reply="Đã xác minh, thành tích đúng.")
    c.refresh_from_db()
    assert c.status == "explained" and c.handled_by == caobang
    assert DossierEvent.objects.filter(dossier=d, transition="disclosure_handle", reason__contains="Giải trình").exists()
    assert AuditEvent.objects.filter(object_type="nominations.disclosurecomment", action="change").exists()


def test_pages_public_office_and_council(council_dossier):
    d, caobang = council_dossier, user("caobang")
    office = client_for("caobang")
    assert office.get(f"/ho-so/{d.pk}/cong-khai/").status_code == 200
    assert office.post(f"/ho-so/{d.pk}/cong-khai/dang/").status_code == 302
    d.refresh_from_db()
    pub = d.disclosure
    anon = Client()
    page = anon.get(f"/cong-khai/{pub.token}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Đàm Thị Hạnh" in body and "Vi Văn Thắng" not in body  # only required items
    nominee = required_items(d)[0]
    assert str(nominee.person.birth_year) not in body  # name, unit, award only
    sent = anon.post(f"/cong-khai/{pub.token}/", {"item": nominee.pk, "author_name": "Trần B",
                                                  "contact": "tranb@example.vn", "body": "<script>x</script> ý kiến"})
    assert sent.status_code == 200 and "Đã nhận ý kiến" in sent.content.decode()
    c = DisclosureComment.objects.get(disclosure=pub)
    r = office.post(f"/ho-so/{d.pk}/cong-khai/y-kien/{c.pk}/", {"status": "accepted", "reply": "Tiếp thu, bổ sung hồ sơ."})
    assert r.status_code == 302
    session = services.open_session(caobang, d, pub.closes_on + timedelta(days=1))
    member = client_for("hoidong")
    html = member.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert "Tiếp thu, bổ sung hồ sơ." in html and "&lt;script&gt;" in html and "tranb@example.vn" not in html


@override_settings(PUBLIC_THROTTLE_RATES={"verify": (2, 60)})
def test_public_page_is_throttled_like_verification(council_dossier):
    pub = disclosure.publish(user("caobang"), council_dossier)
    anon = Client()
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_050.0):  # all three in one window
        codes = [anon.get(f"/cong-khai/{pub.token}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_api_publish_comment_handle_and_schema(council_dossier):
    d = council_dossier
    office, other = client_for("caobang"), client_for("laichau")
    before = snapshot(d)
    assert other.post(f"/api/v1/dossiers/{d.pk}/disclosure", content_type="application/json").status_code == 404
    assert client_for("donvi").post(f"/api/v1/dossiers/{d.pk}/disclosure",
                                    content_type="application/json").status_code == 403
    assert snapshot(d) == before
    r = office.post(f"/api/v1/dossiers/{d.pk}/disclosure", content_type="application/json")
    assert r.status_code == 201 and r.json()["published"] and len(r.json()["nominees"]) == 1
    token = d.__class__.objects.get(pk=d.pk).disclosure.token
    anon = Client()
    pub = anon.get(f"/api/v1/public/disclosures/{token}").json()
    assert pub["open"] and set(pub["nominees"][0]) == {"id", "name", "unit", "award"}
    item = pub["nominees"][0]["id"]
    assert anon.post(f"/api/v1/public/disclosures/{token}", {"author_name": " ", "contact": "x", "body": "y"},
                     content_type="application/json").status_code == 400
    assert anon.post(f"/api/v1/public/disclosures/{token}", {"author_name": "A", "contact": "x", "body": "y",
                                                             "item": 2_000_000}, content_type="application/json").status_code == 409
    r = anon.post(f"/api/v1/public/disclosures/{token}", {"author_name": "Phạm C", "contact": "c@example.vn",
                                                          "body": "Đồng ý", "item": item}, content_type="application/json")
    assert r.status_code == 201
    comment = office.get(f"/api/v1/dossiers/{d.pk}/disclosure").json()["comments"][0]
    assert comment["status"] == "pending" and comment["contact"] == "c@example.vn"
    assert client_for("donvi").post(f"/api/v1/disclosure-comments/{comment['id']}/handling",
                                    {"status": "accepted", "reply": "ok"}, content_type="application/json").status_code == 403
    r = office.post(f"/api/v1/disclosure-comments/{comment['id']}/handling", {"status": "rejected", "reply": "Không có căn cứ."},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    schema = office.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/public/disclosures/{token}", "/api/v1/dossiers/{id}/disclosure",
                 "/api/v1/disclosure-comments/{id}/handling"):
        assert path in schema


def test_office_sets_its_own_list_and_back_to_the_law(dept, unit):
    d = build("council", dept, unit)
    caobang = user("caobang")
    with pytest.raises(PermissionDenied):
        disclosure.set_policy(user("donvi"), d, award_codes=["CSTD_TINH"], working_days=10)
    with pytest.raises(ValidationError, match="từ 10"):
        disclosure.set_policy(caobang, d, award_codes=["CSTD_TINH"], working_days=5)
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        disclosure.set_policy(caobang, d, award_codes=["NOPE"], working_days=10)
    assert not DisclosurePolicy.objects.exists()
    disclosure.set_policy(caobang, d, award_codes=["CSTD_TINH"], working_days=12)
    assert [i.final_award_type.code for i in required_items(d)] == ["CSTD_TINH"] and policy_for(d).working_days == 12
    r = client_for("caobang").post(f"/ho-so/{d.pk}/cong-khai/quy-dinh/", {"by_law": "on", "working_days": 10})
    assert r.status_code == 302 and not DisclosurePolicy.objects.exists() and required_items(d) == []
