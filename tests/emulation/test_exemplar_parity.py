"""What the exemplar pages do, the API does, and the reverse: follow-ups, attachments and the consent document over
the API (the same services, upload check and audit rows as the pages); an award published on the public honours
board from its page (consent recorded, withdrawal), as over the API. Each persona's refusal changes nothing."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.emulation.test_exemplars import PNG, _honoured, _person_award, _state
from tests.factories import PersonFactory, UnitFactory, client_for, cluster_year
from thidua.core.models import AuditEvent
from thidua.emulation import exemplars as services
from thidua.emulation.models import ExemplarAttachment, ExemplarEvent, PublicHonour

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%consent\n"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def personas(three_provinces):
    """Lai Châu chairs this year's cluster of the three provinces; Hà Giang is another member."""
    w = three_provinces
    cluster_year(w, year=timezone.localdate().year, chair=w.lai_chau)
    return {"province_officer": w.cao_bang.office, "other_province_officer": w.ha_giang.office,
            "cluster_chair": w.lai_chau.office, "central_board": w.central, "council_member": w.council_member,
            "anonymous": None}


def _client(user) -> Client:
    return client_for(user) if user is not None else Client()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _nurtured(w):
    cb = w.cao_bang
    ex = services.discover(cb.office, province=cb.org, collective=cb.home_affairs, story="Một cửa liên thông",
                           on=date(2024, 1, 10))
    services.nurture(cb.office, ex, plan="Kế hoạch bồi dưỡng", on=date(2024, 2, 1))
    return ex


def _audit_rows():
    return (AuditEvent.objects.exclude(action="denied").count(), AuditEvent.objects.filter(action="denied").count())


# --------------------------------------------------------------------------- follow-ups and attachments (API)


def test_follow_up_and_attachment_over_the_api_as_on_the_page(three_provinces, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = three_provinces
    ex = _nurtured(w)
    office = client_for(w.cao_bang.office)
    r = office.post(f"/api/v1/exemplars/{ex.pk}/follow-ups", {"note": "Đã dự giờ hai lớp", "on": "2024-03-01"},
                    content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["timeline"][-1] == {"kind": "follow_up", "from_stage": None, "to_stage": None,
                                        "on": "2024-03-01", "note": "Đã dự giờ hai lớp"}
    # The page writes the same kind of row through the same service: one event and one audit row each.
    page = office.post(f"/dien-hinh/{ex.pk}/theo-doi/", {"note": "Đã dự giờ lớp ba", "on": "2024-03-02"})
    assert page.status_code == 302
    events = ExemplarEvent.objects.filter(exemplar=ex, kind="follow_up")
    assert list(events.values_list("note", flat=True)) == ["Đã dự giờ hai lớp", "Đã dự giờ lớp ba"]
    assert AuditEvent.objects.filter(object_type="emulation.exemplarevent", action="create",
                                     object_id__in=[str(e.pk) for e in events]).count() == 2
    # An attachment: the upload check by content (a PDF named .png is refused, 409, nothing stored).
    before = _state(ex)
    r = office.post(f"/api/v1/exemplars/{ex.pk}/attachments",
                    {"kind": "photo", "file": {"name": "anh.png", "content": _b64(PDF)}}, content_type=JSON)
    assert r.status_code == 409 and "Ảnh" in json.dumps(r.json(), ensure_ascii=False)
    assert _state(ex) == before
    r = office.post(f"/api/v1/exemplars/{ex.pk}/attachments",
                    {"kind": "photo", "file": {"name": "lớp học.png", "content": _b64(PNG)}}, content_type=JSON)
    assert r.status_code == 201, r.content
    att = ExemplarAttachment.objects.get(pk=r.json()["id"])
    assert (att.original_name, att.size, att.uploaded_by) == ("lớp học.png", len(PNG), w.cao_bang.office)
    assert AuditEvent.objects.filter(object_type="emulation.exemplarattachment", object_id=str(att.pk),
                                     action="create").count() == 1
    got = office.get(f"/api/v1/exemplars/{ex.pk}/attachments/{att.pk}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert office.get(f"/api/v1/exemplars/{ex.pk}/attachments/999999").status_code == 404
    assert office.get(f"/api/v1/exemplars/{ex.pk}").json()["attachments"] == [
        {"id": att.pk, "kind": "photo", "name": "lớp học.png", "size": len(PNG)}]


def test_follow_up_refused_by_the_data_over_the_api(three_provinces):
    w = three_provinces
    cb = w.cao_bang
    office = client_for(cb.office)
    fresh = services.discover(cb.office, province=cb.org, collective=cb.home_affairs, story="Mới phát hiện")
    ex = _nurtured(w)
    cases = [
        (fresh, {"note": "x"}, 409, "đã có kế hoạch bồi dưỡng"),                   # not yet nurtured
        (ex, {"note": "x", "on": str(timezone.localdate() + timedelta(days=2))}, 409, "chưa đến"),  # future
        (ex, {"note": "x", "on": "2023-01-01"}, 409, "trước bước trước"),          # before the last step
        (ex, {"note": "   "}, 400, ""),                                             # the schema's own check
    ]
    for target, body, status, text in cases:
        before = _state(target)
        r = office.post(f"/api/v1/exemplars/{target.pk}/follow-ups", body, content_type=JSON)
        assert r.status_code == status, (body, r.content)
        assert text in json.dumps(r.json(), ensure_ascii=False)
        assert _state(target) == before


@pytest.mark.parametrize("persona", ["other_province_officer", "cluster_chair", "central_board", "council_member",
                                     "anonymous"])
def test_exemplar_api_writes_refused_per_persona_change_nothing(three_provinces, personas, persona, settings,
                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ex = _nurtured(three_provinces)
    c = _client(personas[persona])
    before, (audited, denied) = _state(ex), _audit_rows()
    writes = [
        (f"/api/v1/exemplars/{ex.pk}/follow-ups", {"note": "x", "on": "2024-03-01"}),
        (f"/api/v1/exemplars/{ex.pk}/attachments", {"kind": "photo", "file": {"name": "a.png", "content": _b64(PNG)}}),
    ]
    for url, body in writes:
        r = c.post(url, body, content_type=JSON)
        if persona == "anonymous":
            assert r.status_code in (401, 403), url
        else:
            # The cluster's peers and the Cao Bằng council see the exemplar (403: not theirs to manage); the
            # Central Board sees every one (403).
            assert r.status_code == 403, (url, r.status_code, r.content)
            assert "chỉ cơ quan thường trực thi đua, khen thưởng của Cao Bằng" in r.json()["detail"]
    assert _state(ex) == before
    assert AuditEvent.objects.exclude(action="denied").count() == audited
    expected_denied = 0 if persona == "anonymous" else len(writes)
    assert AuditEvent.objects.filter(action="denied").count() == denied + expected_denied


def test_consent_document_over_the_api_goes_through_the_upload_check(three_provinces, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = three_provinces
    ex, person, award = _honoured(w)
    office = client_for(w.cao_bang.office)
    bad = {"exemplar": ex.pk, "consent_given_on": "2024-06-01",
           "consent_document": {"name": "dong-y.pdf", "content": _b64(b"MZ not a pdf")}}
    r = office.post("/api/v1/public-honours/", bad, content_type=JSON)
    assert r.status_code == 409 and "Văn bản đồng ý" in json.dumps(r.json(), ensure_ascii=False)
    assert not PublicHonour.objects.filter(exemplar=ex).exists()
    r = office.post("/api/v1/public-honours/", {**bad, "consent_document": {"name": "dong-y.pdf",
                                                                            "content": _b64(PDF)}},
                    content_type=JSON)
    assert r.status_code == 201, r.content
    pub = PublicHonour.objects.get(exemplar=ex)
    assert pub.consent_document.read() == PDF and pub.consent_given_on == date(2024, 6, 1)
    assert pub.consent_recorded_by == w.cao_bang.office
    assert set(r.json()) == {"id", "name", "unit", "province", "field", "year", "achievement", "honours"}


def test_new_operations_are_documented_with_their_refusals(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/exemplars/{id}/follow-ups", "/api/v1/exemplars/{id}/attachments"):
        responses = schema["paths"][path]["post"]["responses"]
        assert {"201", "400", "401", "403", "404", "409"} <= set(responses), path
    download = schema["paths"]["/api/v1/exemplars/{id}/attachments/{att}"]["get"]["responses"]
    assert "*/*" in download["200"]["content"] and "404" in download
    publish = schema["paths"]["/api/v1/public-honours/"]["post"]["requestBody"]["content"][JSON]["schema"]["$ref"]
    body = schema["components"]["schemas"][publish.rsplit("/", 1)[1]]
    assert "consent_document" in body["properties"]


# --------------------------------------------------------------------------- an award on the board (page)


def _award(w):
    return _person_award(PersonFactory(organization=UnitFactory(parent=w.cao_bang.home_affairs)), w.cao_bang.org)


def test_award_published_and_withdrawn_from_its_page(three_provinces, settings, tmp_path, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    w = three_provinces
    award = _award(w)
    office = client_for(w.cao_bang.office)
    url = f"/dien-hinh/khen-thuong/{award.pk}/vinh-danh/"
    page = office.get(url).content.decode()
    assert award.recipient_name in page and 'id="publish-form"' in page and "Chưa công bố." in page
    r = office.post(url + "cong-bo/", {"consent": "on", "consent_given_on": "2024-06-01",
                                       "consent_document": SimpleUploadedFile("dong-y.pdf", PDF)}, follow=True)
    assert "Đã công bố trên bảng vinh danh công khai." in r.content.decode()
    pub = PublicHonour.objects.get(award=award)
    assert (pub.consent_given_on, pub.consent_recorded_by, pub.published_by) == (
        date(2024, 6, 1), w.cao_bang.office, w.cao_bang.office)
    assert pub.consent_recorded_at is not None and pub.consent_document.read() == PDF
    assert award.decision.number in pub.honours and award.recipient_name in client.get("/vinh-danh/").content.decode()
    page = office.get(url).content.decode()
    assert "Đang công bố từ" in page and "Có văn bản đồng ý." in page and 'id="withdraw-form"' in page
    r = office.post(url + f"{pub.pk}/rut/", {"reason": "Người được khen đề nghị rút"}, follow=True)
    assert "Đã rút khỏi bảng vinh danh." in r.content.decode()
    pub.refresh_from_db()
    assert pub.withdrawn_by == w.cao_bang.office and pub.withdrawal_reason == "Người được khen đề nghị rút"
    assert award.recipient_name not in client.get("/vinh-danh/").content.decode()
    assert list(AuditEvent.objects.filter(object_type="emulation.publichonour", object_id=str(pub.pk))
                .order_by("pk").values_list("action", flat=True)) == ["create", "change"]
    # The certificate-less award is reached from its page; the API publishes the same award again, once.
    r = office.post("/api/v1/public-honours/", {"award": award.pk, "consent_given_on": "2024-07-01"},
                    content_type=JSON)
    assert r.status_code == 201
    assert office.post(url + "cong-bo/", {"consent": "on", "consent_given_on": "2024-07-01"},
                       follow=True).content.decode().count("Đã công bố trên bảng vinh danh.") == 1
    assert PublicHonour.objects.published().filter(award=award).count() == 1


def test_award_page_refusals_by_the_data_change_nothing(three_provinces):
    w = three_provinces
    award = _award(w)
    office = client_for(w.cao_bang.office)
    url = f"/dien-hinh/khen-thuong/{award.pk}/vinh-danh/cong-bo/"
    before = (PublicHonour.objects.count(), AuditEvent.objects.count())
    future = str(timezone.localdate() + timedelta(days=3))
    for body, text in [({"consent_given_on": "2024-06-01"}, "đã đồng ý"),              # consent not ticked
                       ({"consent": "on", "consent_given_on": future}, "chưa đến")]:   # consent in the future
        r = office.post(url, body, follow=True)
        assert r.redirect_chain[-1][0] == f"/dien-hinh/khen-thuong/{award.pk}/vinh-danh/"
        assert text in r.content.decode(), body
        assert (PublicHonour.objects.count(), AuditEvent.objects.count()) == before


# Per persona: what the award's page shows and whether its publish and withdraw POSTs act (Cao Bằng's award; the
# cluster's members see each other's award records, so they see the page and are refused by the service).
PAGE = {"province_officer": 200, "other_province_officer": 200, "cluster_chair": 200, "central_board": 200,
        "council_member": 200, "anonymous": "login"}


@pytest.mark.parametrize("persona", sorted(PAGE))
def test_award_page_per_persona(three_provinces, personas, persona):
    w = three_provinces
    award = _award(w)
    other = _award(w)
    withdrawn_later = services.publish(w.cao_bang.office, award=other, consent_given_on=date(2024, 6, 1))
    c = _client(personas[persona])
    url = f"/dien-hinh/khen-thuong/{award.pk}/vinh-danh/"
    r = c.get(url)
    if PAGE[persona] == "login":
        assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/")
    else:
        assert r.status_code == PAGE[persona]
        if r.status_code == 200:
            html = r.content.decode()
            assert ('id="publish-form"' in html) == (persona == "province_officer")
            assert ("Chỉ cơ quan thường trực" in html) == (persona != "province_officer")
    if persona == "province_officer":
        return
    before = (PublicHonour.objects.published().count(), AuditEvent.objects.exclude(action="denied").count())
    denied = AuditEvent.objects.filter(action="denied").count()
    c.post(url + "cong-bo/", {"consent": "on", "consent_given_on": "2024-06-01"})
    c.post(f"/dien-hinh/khen-thuong/{other.pk}/vinh-danh/{withdrawn_later.pk}/rut/", {"reason": "Thử rút"})
    assert (PublicHonour.objects.published().count(),
            AuditEvent.objects.exclude(action="denied").count()) == before
    assert not PublicHonour.objects.filter(award=award).exists()
    # Who sees the award is refused by the service (a 'denied' row each); who does not gets 404 (no row).
    assert AuditEvent.objects.filter(action="denied").count() == denied + (2 if PAGE[persona] == 200 else 0)


@pytest.mark.parametrize("persona", sorted(PAGE))
def test_consent_document_only_for_the_province_office(three_provinces, personas, persona, settings, tmp_path):
    """The signed consent is personal data kept with the entry, never published: the office that may publish and
    withdraw downloads it from the page; every other persona gets 404 (the login page for anonymous)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    w = three_provinces
    award = _award(w)
    pub = services.publish(w.cao_bang.office, award=award, consent_given_on=date(2024, 6, 1),
                           consent_document=SimpleUploadedFile("dong-y.pdf", PDF))
    url = f"/dien-hinh/vinh-danh/{pub.pk}/van-ban-dong-y/"
    c = _client(personas[persona])
    page = c.get(f"/dien-hinh/khen-thuong/{award.pk}/vinh-danh/").content.decode()
    r = c.get(url)
    if persona == "province_officer":
        assert f'href="{url}"' in page
        assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
        assert "dong-y" in r["Content-Disposition"] and "attachment" in r["Content-Disposition"]
    elif persona == "anonymous":
        assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/")
    else:
        assert url not in page and r.status_code == 404
    # Without a document there is nothing to download, even for the office.
    bare = services.publish(w.cao_bang.office, award=_award(w), consent_given_on=date(2024, 6, 1))
    assert client_for(w.cao_bang.office).get(f"/dien-hinh/vinh-danh/{bare.pk}/van-ban-dong-y/").status_code == 404
