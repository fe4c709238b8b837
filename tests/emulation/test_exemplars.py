"""Exemplary models: the four-stage pipeline (guards, timeline, audit, uploads) and the public honours board
(consent, folded search, no personal data, cache invalidated by publish/withdraw, throttle, CSP). Refusals change
nothing but the audit trail."""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PersonFactory, UnitFactory, client_for
from thidua.awards.models import Award, AwardType, Decision, RecipientClass
from thidua.awards.services import bulk_record_awards
from thidua.core import refusals
from thidua.core.models import AuditEvent
from thidua.emulation import exemplars as services
from thidua.emulation.models import (
    Exemplar,
    ExemplarAttachment,
    ExemplarEvent,
    ExemplarStage,
    PublicHonour,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _person_award(person, province):
    decision = Decision.objects.create(authority=province, number=f"{person.pk}/QĐ-UBND", signed_on=date(2024, 5, 10))
    (award,) = bulk_record_awards([Award(decision=decision, award_type=AwardType.objects.get(code="BK_TINH"),
                                         year=2024, recipient_class=RecipientClass.DIRECT_WORKER,
                                         recipient_person=person, recipient_name=person.full_name,
                                         unit=person.organization)])
    return award


def _state(ex):
    ex.refresh_from_db()
    return (ex.stage, ex.nurture_plan, ex.events.count(), ex.replications.count(), ex.honours.count(),
            ex.attachments.count(), PublicHonour.objects.count())


def _honoured(world):
    cb = world.cao_bang
    person = PersonFactory(organization=UnitFactory(parent=cb.home_affairs), citizen_id="004190000123")
    ex = services.discover(cb.office, province=cb.org, person=person, field="Giáo dục",
                           story="Lớp học tình thương ở bản Khuổi Khon", on=date(2022, 3, 1))
    services.nurture(cb.office, ex, plan="Kết nghĩa với trường ở thành phố", on=date(2022, 5, 1))
    services.follow_up(cb.office, ex, note="Đã tổ chức hai chuyến trao đổi", on=date(2022, 11, 1))
    services.add_replication(cb.office, ex, place="Các trường bán trú huyện Bảo Lạc", year=2023, units=6,
                             participants=420)
    services.replicate(cb.office, ex, summary="Tổng kết: nhân rộng toàn huyện", on=date(2023, 12, 1))
    award = _person_award(person, cb.org)
    services.honour(cb.office, ex, award=award)
    return ex, person, award


def test_pipeline_moves_record_the_timeline_and_audit(three_provinces):
    ex, person, award = _honoured(three_provinces)
    assert ex.stage == ExemplarStage.HONOURED
    moves = list(ex.events.filter(kind="move").values_list("from_stage", "to_stage"))
    assert moves == [("", "discovered"), ("discovered", "nurtured"), ("nurtured", "replicated"),
                     ("replicated", "honoured")]
    assert ex.events.filter(kind="follow_up").count() == 1
    assert ex.honours.get().award == award
    changes = AuditEvent.objects.filter(object_type="emulation.exemplar", object_id=str(ex.pk), action="change")
    assert changes.count() == 3  # nurtured, replicated, honoured
    assert services.allowed_moves(three_provinces.cao_bang.office, ex) == []


def test_refusals_change_nothing(three_provinces):
    world = three_provinces
    cb, lc = world.cao_bang, world.lai_chau
    ex = services.discover(cb.office, province=cb.org, collective=cb.home_affairs, story="Cải cách hành chính")
    before = _state(ex)
    denied = AuditEvent.objects.filter(action="denied").count()
    attempts = [
        (refusals.Forbidden, lambda: services.nurture(lc.office, ex, plan="x")),          # another province
        (refusals.Forbidden, lambda: services.nurture(world.central, ex, plan="x")),      # read-only role
        (refusals.Forbidden, lambda: services.nurture(cb.unit_officer, ex, plan="x")),    # not the office
        (refusals.Conflict, lambda: services.replicate(cb.office, ex, summary="x")),      # out of order
        (refusals.Conflict, lambda: services.nurture(cb.office, ex, plan="  ")),          # no plan
        (refusals.Conflict, lambda: services.nurture(cb.office, ex, plan="x", on=date(2000, 1, 1))),  # before
        (refusals.Conflict, lambda: services.add_replication(cb.office, ex, place="A", year=2024, units=1,
                                                            participants=1)),           # before nurturing
        (refusals.Conflict, lambda: services.publish(cb.office, exemplar=ex, consent_given_on=date(2024, 1, 1))),
    ]
    for exc, attempt in attempts:
        with pytest.raises(exc):
            attempt()
        assert _state(ex) == before
    assert AuditEvent.objects.filter(action="denied").count() == denied + 3
    services.nurture(cb.office, ex, plan="Kế hoạch")
    with pytest.raises(refusals.Conflict, match="nơi nhân rộng"):
        services.replicate(cb.office, ex, summary="Tổng kết")  # no replication with figures yet
    assert services.allowed_moves(cb.office, ex)[0].reason.startswith("Cần ghi ít nhất một nơi nhân rộng")
    assert not services.allowed_moves(lc.office, ex)[0].allowed


def test_honour_needs_an_award_of_this_recipient(three_provinces):
    cb = three_provinces.cao_bang
    ex, person, award = _honoured(three_provinces)
    other = _person_award(PersonFactory(organization=UnitFactory(parent=cb.home_affairs)), cb.org)
    before = _state(ex)
    with pytest.raises(refusals.Conflict, match="không phải của"):
        services.honour(cb.office, ex, award=other)
    with pytest.raises(refusals.Conflict, match="đã được ghi"):
        services.honour(cb.office, ex, award=award)
    assert _state(ex) == before


def test_attachments_go_through_the_upload_check(three_provinces):
    cb = three_provinces.cao_bang
    ex = services.discover(cb.office, province=cb.org, collective=cb.home_affairs, story="Câu chuyện")
    with pytest.raises(refusals.Conflict.__mro__[1]):  # ValidationError: renamed file refused by content
        services.add_attachment(cb.office, ex, kind="photo", uploaded_file=SimpleUploadedFile("anh.png", b"%PDF-1.4"))
    assert not ExemplarAttachment.objects.exists()
    att = services.add_attachment(cb.office, ex, kind="photo", uploaded_file=SimpleUploadedFile("ảnh đẹp.png", PNG))
    assert att.original_name == "ảnh đẹp.png"
    assert client_for(cb.office).get(f"/dien-hinh/{ex.pk}/tep/{att.pk}/").status_code == 200
    assert client_for(three_provinces.lai_chau.unit_officer).get(f"/dien-hinh/{ex.pk}/tep/{att.pk}/").status_code == 404


def test_public_board_publish_search_withdraw(three_provinces, client):
    cb = three_provinces.cao_bang
    ex, person, award = _honoured(three_provinces)
    assert person.full_name not in client.get("/vinh-danh/?q=khuoi+khon").content.decode()
    with pytest.raises(refusals.Forbidden):
        services.publish(three_provinces.lai_chau.office, exemplar=ex, consent_given_on=date(2024, 6, 1))
    consent = SimpleUploadedFile("dong-y.pdf", b"%PDF-1.4 consent")
    pub = services.publish(cb.office, exemplar=ex, consent_given_on=date(2024, 6, 1), consent_document=consent)
    assert pub.consent_recorded_by == cb.office and pub.consent_recorded_at and pub.consent_document
    with pytest.raises(refusals.Conflict, match="Đã công bố"):
        services.publish(cb.office, exemplar=ex, consent_given_on=date(2024, 6, 1))
    page = client.get("/vinh-danh/?q=khuoi+khon")  # folded search: no diacritics needed
    html = page.content.decode()
    assert page.status_code == 200 and person.full_name in html and "Bằng khen" in html
    assert person.citizen_id not in html and "004190000123" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"] and "<script>" not in html
    assert person.full_name not in client.get("/vinh-danh/?q=khong+co+ai").content.decode()
    api = client.get("/api/v1/public/honours?q=Khuổi Khon").json()
    assert api["count"] == 1 and set(api["results"][0]) == {"id", "name", "unit", "province", "field", "year",
                                                             "achievement", "honours"}
    services.withdraw(cb.office, pub, reason="Người được vinh danh đề nghị rút")
    assert person.full_name not in client.get("/vinh-danh/?q=khuoi+khon").content.decode()  # cache invalidated
    assert client.get("/api/v1/public/honours?q=Khuổi Khon").json()["count"] == 0
    assert AuditEvent.objects.filter(object_type="emulation.publichonour", object_id=str(pub.pk)).count() == 2


def test_public_board_is_throttled(settings, client):
    """The clock is held in the middle of a minute: the counts are kept per fixed window, and requests that
    straddled a window's end were counted in two (the test failed now and then, as tests/core/test_public_throttle.py
    did)."""
    settings.PUBLIC_THROTTLE_RATES = {"honours": (2, 60)}
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_050.0):
        assert [client.get("/vinh-danh/").status_code for _ in range(3)] == [200, 200, 429]
        assert client.get("/api/v1/public/honours").status_code == 429


def test_pages_and_api(three_provinces):
    world = three_provinces
    cb = world.cao_bang
    office = client_for(cb.office)
    r = office.post("/dien-hinh/phat-hien/", {"province": cb.org.pk, "collective": cb.home_affairs.pk,
                                               "story": "Số hóa hồ sơ thi đua", "field": "Chuyển đổi số",
                                               "on": "2024-02-01"})
    ex = Exemplar.objects.get(field="Chuyển đổi số")
    assert r.status_code == 302 and r["Location"] == f"/dien-hinh/{ex.pk}/"
    assert cb.home_affairs.name in office.get("/dien-hinh/?field=Chuyển đổi số").content.decode()
    assert office.get(f"/dien-hinh/{ex.pk}/").status_code == 200
    # Another province's office: 404 when not a cluster peer (a peer beside the reference scenario: refused);
    # the POST changes nothing.
    other = client_for(world.lai_chau.office)
    before = _state(ex)
    assert other.post(f"/dien-hinh/{ex.pk}/boi-duong/", {"plan": "x", "on": "2024-03-01"}).status_code in (302, 404)
    assert _state(ex) == before
    # The central board sees it and is refused (403 message) the move; nothing changes.
    central = client_for(world.central)
    before = _state(ex)
    central.post(f"/dien-hinh/{ex.pk}/boi-duong/", {"plan": "x", "on": "2024-03-01"})
    assert _state(ex) == before
    assert office.post(f"/dien-hinh/{ex.pk}/boi-duong/", {"plan": "Kế hoạch", "on": "2024-03-01"}).status_code == 302
    ex.refresh_from_db()
    assert ex.stage == ExemplarStage.NURTURED
    # API: the guard answers 409 out of order, 403 for a read-only role; the list and the stage counts.
    api = client_for(cb.office)
    body = json.dumps({"to_stage": "honoured"})
    assert api.post(f"/api/v1/exemplars/{ex.pk}/moves", body, content_type="application/json").status_code == 409
    assert central.post(f"/api/v1/exemplars/{ex.pk}/moves", json.dumps({"to_stage": "replicated", "note": "x"}),
                        content_type="application/json").status_code == 403
    assert api.post(f"/api/v1/exemplars/{ex.pk}/replications", json.dumps(
        {"place": "Sở Tư pháp", "year": 2024, "units": 3, "participants": 40}),
        content_type="application/json").status_code == 201
    r = api.post(f"/api/v1/exemplars/{ex.pk}/moves", json.dumps({"to_stage": "replicated", "note": "Tổng kết"}),
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["stage"] == "replicated" and r.json()["replicated_units"] == 3
    stages = {s["stage"]: s["count"] for s in api.get("/api/v1/exemplars/stages?field=Chuyển đổi số").json()["stages"]}
    assert stages["replicated"] == 1
    assert ExemplarEvent.objects.filter(exemplar=ex).count() == 3


def test_publish_an_award_over_the_api(three_provinces, client):
    world = three_provinces
    cb = world.cao_bang
    person = PersonFactory(organization=UnitFactory(parent=cb.home_affairs))
    award = _person_award(person, cb.org)
    body = json.dumps({"award": award.pk, "consent_given_on": "2024-06-01"})
    # Refused: anonymous, a read-only role, another province (not in its scope: 404); nothing published.
    assert client.post("/api/v1/public-honours/", body, content_type="application/json").status_code in (401, 403)
    assert client_for(world.central).post("/api/v1/public-honours/", body,
                                          content_type="application/json").status_code == 403
    assert client_for(world.lai_chau.office).post("/api/v1/public-honours/", body,
                                                  content_type="application/json").status_code in (403, 404)
    assert not PublicHonour.objects.filter(award=award).exists()
    office = client_for(cb.office)
    r = office.post("/api/v1/public-honours/", body, content_type="application/json")
    assert r.status_code == 201 and award.decision.number in r.json()["honours"]
    assert office.post("/api/v1/public-honours/", body, content_type="application/json").status_code == 409
    entry = client.get("/api/v1/public/honours", {"q": award.decision.number}).json()["results"][0]
    assert entry["name"] == person.full_name
    pk = entry["id"]
    assert client_for(world.central).post(f"/api/v1/public-honours/{pk}/withdrawal", json.dumps({"reason": "x"}),
                                          content_type="application/json").status_code == 403
    assert office.post(f"/api/v1/public-honours/{pk}/withdrawal", json.dumps({"reason": "Sai tên"}),
                       content_type="application/json").status_code == 201
    assert client.get("/api/v1/public/honours", {"q": award.decision.number}).json()["count"] == 0


def test_discover_page_refuses_who_may_not(three_provinces):
    world = three_provinces
    denied = AuditEvent.objects.filter(action="denied").count()
    count = Exemplar.objects.count()
    r = client_for(world.central).post("/dien-hinh/phat-hien/", {"province": world.cao_bang.org.pk,
                                                                  "collective": world.cao_bang.home_affairs.pk,
                                                                  "story": "x", "on": "2024-01-01"})
    assert r.status_code == 302 and Exemplar.objects.count() == count
    assert AuditEvent.objects.filter(action="denied").count() == denied + 1
    assert "Chỉ cơ quan thường trực" in client_for(world.central).get("/dien-hinh/phat-hien/").content.decode()
