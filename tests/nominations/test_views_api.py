"""Pages and API with personas: the whole path in the browser's forms and over the API, refusals that change
nothing, attachments, the certificate with its QR code and the public verification (no citizen ID, no birth date)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.nominations.conftest import atype, bk_tinh_candidate, build, client_for, snapshot, user
from thidua.awards.models import Award
from thidua.nominations.models import Attachment, Certificate, Dossier

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_whole_path_through_the_pages(dept, unit, media):
    donvi, caobang = client_for("donvi"), client_for("caobang")
    r = donvi.post("/ho-so/tao/", {"from_org": dept.pk, "granted_by": "minister_chairman", "kind": "merit",
                                   "year": 2024, "title": "Đề nghị Bằng khen qua trang", "letter_number": "5/TTr"})
    d = Dossier.objects.get(title="Đề nghị Bằng khen qua trang")
    assert r.status_code == 302 and r.url == f"/ho-so/{d.pk}/"
    p = bk_tinh_candidate(unit, "Qua Trang")
    r = donvi.post(f"/ho-so/{d.pk}/muc/them/", {"recipient_kind": "person", "person": p.pk,
                                               "award_type": atype("BK_TINH").pk, "year": 2024,
                                               "achievement": "Hai năm CSTĐCS"})
    assert r.status_code == 302 and d.items.get().person == p
    r = donvi.post(f"/ho-so/{d.pk}/tai-lieu/", {"kind": "achievement_report",
                                                "file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test")})
    assert r.status_code == 302 and d.attachments.get().original_name == "bao-cao.pdf"
    page = donvi.get(f"/ho-so/{d.pk}/").content.decode()
    assert 'data-transition="submit"' in page and 'data-transition="receive"' not in page
    assert "Đủ điều kiện Bằng khen cấp bộ, ban, ngành, tỉnh năm 2024" in page
    donvi.post(f"/ho-so/{d.pk}/chuyen/", {"transition": "submit"})
    page = caobang.get(f"/ho-so/{d.pk}/").content.decode()
    assert 'data-transition="receive"' in page and 'data-transition="submit"' not in page
    assert "còn 5 ngày làm việc" in page
    for code in ("receive", "appraise", "propose"):
        r = caobang.post(f"/ho-so/{d.pk}/chuyen/", {"transition": code}, follow=True)
        assert "Hồ sơ chuyển sang" in messages_of(r), code
    item = d.items.get()
    r = caobang.post(f"/ho-so/{d.pk}/quyet-dinh/", {
        "number": "TN-P1/QĐ-UBND", "signed_on": "2025-03-20", "signer_name": "Hoàng Xuân Ánh",
        "signer_title": "Chủ tịch UBND tỉnh", "items": [item.pk],
        "file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 decision")})
    assert r.status_code == 302, messages_of(r)
    d.refresh_from_db()
    award = Award.objects.get(decision=d.decision)
    assert d.state == "decided" and award.recipient_person == p
    page = caobang.get(f"/ho-so/{d.pk}/").content.decode()
    assert 'id="prize-total">3.510.000<' in page  # 1,5 × 2.340.000
    cert = caobang.get(f"/chung-nhan/{award.pk}/").content.decode()
    token = award.certificate.token
    assert "<svg" in cert and f"/xac-minh/{token}/" in cert and award.certificate.register_no in cert
    assert ' style="' not in cert  # the Content-Security-Policy allows no inline style
    public = Client().get(f"/xac-minh/{token}/").content.decode()
    assert "Qua Trang" in public and "TN-P1/QĐ-UBND" in public and "Còn hiệu lực" in public
    timeline = re.findall(r'class="timeline-event"', page)
    assert len(timeline) == d.events.count() >= 7


def test_page_refusals_change_nothing(dept, unit):
    d = build("submitted", dept, unit, vote_item=False)
    before = snapshot(d)
    r = client_for("hoidong").post(f"/ho-so/{d.pk}/chuyen/", {"transition": "receive"}, follow=True)
    assert "vai trò của bạn" in messages_of(r)
    r = client_for("donvi").post(f"/ho-so/{d.pk}/chuyen/", {"transition": "receive"}, follow=True)
    assert "chỉ đơn vị đang xử lý hồ sơ" in messages_of(r)
    assert client_for("laichau").post(f"/ho-so/{d.pk}/chuyen/", {"transition": "receive"}).status_code == 404
    assert client_for("laichau").get(f"/ho-so/{d.pk}/").status_code == 404
    anonymous = Client().post(f"/ho-so/{d.pk}/chuyen/", {"transition": "receive"})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/dang-nhap/")
    item = d.items.first()
    r = client_for("donvi").post(f"/ho-so/{d.pk}/muc/{item.pk}/xoa/", follow=True)
    assert "chỉ sửa được khi" in messages_of(r)
    r = client_for("caobang").post(f"/ho-so/{d.pk}/muc/{item.pk}/ket-qua/", {"outcome": "rejected", "reason": ""},
                                   follow=True)
    assert "đang ở trạng thái “Đã gửi, chờ tiếp nhận”" in messages_of(r)  # received first
    client_for("caobang").post(f"/ho-so/{d.pk}/chuyen/", {"transition": "receive"})
    before = snapshot(d)
    r = client_for("caobang").post(f"/ho-so/{d.pk}/muc/{item.pk}/ket-qua/", {"outcome": "rejected", "reason": ""},
                                   follow=True)
    assert "Cần nêu lý do" in messages_of(r)
    assert snapshot(d) == before


def docx_bytes() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_attachments_checked_and_scoped(dept, unit, media):
    d = build("draft", dept, unit, vote_item=False)
    donvi = client_for("donvi")
    for name, content, text in (("virus.exe", b"MZ", "không được chấp nhận"), ("rong.pdf", b"", "rỗng"),
                                ("setup.pdf", b"MZ\x90\x00\x03\x00", "nội dung không phải tệp .pdf")):
        r = donvi.post(f"/ho-so/{d.pk}/tai-lieu/", {"kind": "minutes", "file": SimpleUploadedFile(name, content)},
                       follow=True)
        assert text in messages_of(r), name
    assert not Attachment.objects.filter(dossier=d).exists() and not list(media.rglob("*.*"))
    r = client_for("caobang").post(f"/ho-so/{d.pk}/tai-lieu/", {"kind": "minutes",
                                                                 "file": SimpleUploadedFile("bb.pdf", b"%PDF")},
                                   follow=True)
    assert "Đính kèm tài liệu" in messages_of(r)  # a draft is the proposer's
    docx = docx_bytes()
    donvi.post(f"/ho-so/{d.pk}/tai-lieu/", {"kind": "minutes", "file": SimpleUploadedFile("bien-ban.docx", docx)})
    att = Attachment.objects.get(dossier=d)
    url = f"/ho-so/{d.pk}/tai-lieu/{att.pk}/"
    expected = {"donvi": 200, "caobang": 200, "hoidong": 200, "trunguong": 200, "kiemtra": 200, "laichau": 404}
    for name, status in expected.items():
        r = client_for(name).get(url)
        assert r.status_code == status, name
        if status == 200:
            assert b"".join(r.streaming_content) == docx and "bien-ban.docx" in r["Content-Disposition"]
    assert Client().get(url).status_code == 302


def test_list_search_without_diacritics_and_filters():
    c = client_for("caobang")
    r = c.get("/ho-so/", {"q": "bang khen chu tich"})
    titles = [d.title for d, _ in r.context["rows"]]
    assert titles and all("Bằng khen" in t for t in titles)
    r = c.get("/ho-so/", {"state": "decided"})
    assert {d.state for d, _ in r.context["rows"]} == {"decided"}
    assert [d.pk for d, _ in client_for("laichau").get("/ho-so/").context["rows"]] == []
    donvi_rows = {d.pk for d, _ in client_for("donvi").get("/ho-so/").context["rows"]}
    assert donvi_rows == set(Dossier.objects.filter(from_org__user_roles__user__username="donvi")
                             .values_list("pk", flat=True))


def test_inbox_per_persona():
    waiting = Dossier.objects.get(state="submitted", title__contains="minh họa")
    draft = Dossier.objects.get(state="draft", title__contains="minh họa")
    caobang = [d.pk for d, _, _ in client_for("caobang").get("/ho-so/cho-xu-ly/").context["rows"]]
    assert waiting.pk in caobang and draft.pk not in caobang
    donvi = [d.pk for d, _, _ in client_for("donvi").get("/ho-so/cho-xu-ly/").context["rows"]]
    assert draft.pk in donvi and waiting.pk not in donvi
    for name in ("laichau", "hoidong", "kiemtra"):
        assert client_for(name).get("/ho-so/cho-xu-ly/").context["rows"] == [], name


# --- Verification: public, minimal, unguessable ------------------------------------------------------------


def test_verification_shows_only_name_award_decision_and_validity():
    cert = Certificate.objects.select_related("award__recipient_person", "award__decision__authority").filter(
        award__recipient_person__isnull=False, award__revocation__isnull=True).first()
    person = cert.award.recipient_person
    assert person.citizen_id and person.birth_year
    r = Client().get(f"/xac-minh/{cert.token}/")
    body = r.content.decode()
    assert r.status_code == 200
    for shown in (person.full_name, cert.award.award_type.name, cert.award.decision.number,
                  cert.award.decision.signed_on.strftime("%d/%m/%Y"), cert.award.decision.authority.name, "Còn hiệu lực"):
        assert shown in body, shown
    for hidden in (person.citizen_id, str(person.birth_year), person.organization.name, cert.register_no):
        assert hidden not in body, hidden
    api = Client().get(f"/api/v1/verify/{cert.token}")
    assert api.status_code == 200
    assert set(api.json()) == {"recipient_name", "award", "decision_number", "decision_date", "decision_authority",
                               "valid", "decision_transcribed_by", "revocation", "signatures"}
    assert api.json()["decision_transcribed_by"] is None and api.json()["revocation"] is None
    assert not any(api.json()["signatures"].values())  # nothing signed yet (tests/papers/test_signing.py signs)
    assert person.citizen_id not in api.content.decode()


def test_unknown_token_is_a_clear_404():
    for token in ("khong-co", "A" * 32, str(Certificate.objects.first().pk)):
        r = Client().get(f"/xac-minh/{token}/")
        assert r.status_code == 404 and "Không tìm thấy giấy chứng nhận" in r.content.decode()
        assert Client().get(f"/api/v1/verify/{token}").status_code == 404
    tokens = list(Certificate.objects.values_list("token", flat=True))
    assert len(set(tokens)) == len(tokens) and min(len(t) for t in tokens) >= 32


def test_certificate_page_is_scoped_and_offers_revocation_to_the_office():
    cert = Certificate.objects.filter(award__revocation__isnull=True).first()
    assert 'id="revoke"' in client_for("caobang").get(f"/chung-nhan/{cert.award_id}/").content.decode()
    assert 'id="revoke"' not in client_for("trunguong").get(f"/chung-nhan/{cert.award_id}/").content.decode()
    r = client_for("caobang").post(f"/chung-nhan/{cert.award_id}/thu-hoi/", {
        "number": "TN-THU-HOI/QĐ-UBND", "signed_on": "2025-07-01", "reason": "Thử thu hồi"}, follow=True)
    assert "Đã thu hồi" in messages_of(r) and "ĐÃ THU HỒI" in r.content.decode()
    assert "Đã bị thu hồi" in Client().get(f"/xac-minh/{cert.token}/").content.decode()


# --- API -----------------------------------------------------------------------------------------------------


def test_api_whole_path_and_refusals(dept, unit):
    donvi, caobang = client_for("donvi"), client_for("caobang")
    r = donvi.post("/api/v1/dossiers/", {"from_org": dept.pk, "granted_by": "minister_chairman", "year": 2024,
                                         "title": "Qua API"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["route"] == ["Cao Bằng"] and r.json()["allowed_transitions"] == ["submit", "withdraw"]
    p = bk_tinh_candidate(unit, "Qua API")
    r = donvi.post(f"/api/v1/dossiers/{pk}/items", {"person": p.pk, "award_type": "BK_TINH"},
                   content_type="application/json")
    assert r.status_code == 201 and r.json()["eligible"] is True
    item_id = r.json()["id"]
    # Refusals: wrong role 403, wrong state 409, outside the scope 404, anonymous 401/403; nothing changes.
    d = Dossier.objects.get(pk=pk)
    before = snapshot(d)
    assert client_for("hoidong").post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "submit"},
                                      content_type="application/json").status_code == 403
    r = caobang.post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "receive"}, content_type="application/json")
    assert r.status_code == 409 and "trạng thái" in str(r.json())
    assert client_for("laichau").post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "submit"},
                                      content_type="application/json").status_code == 404
    assert Client().post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "submit"},
                         content_type="application/json").status_code in (401, 403)
    assert donvi.post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "fly"},
                      content_type="application/json").status_code == 400
    assert snapshot(d) == before
    for actor, code in ((donvi, "submit"), (caobang, "receive"), (caobang, "appraise")):
        r = actor.post(f"/api/v1/dossiers/{pk}/transitions", {"transition": code}, content_type="application/json")
        assert r.status_code == 200 and r.json()["event"]["transition"] == code
    r = caobang.post(f"/api/v1/dossiers/{pk}/items/{item_id}/outcome", {"outcome": "approved"},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["outcome"] == "approved"
    caobang.post(f"/api/v1/dossiers/{pk}/transitions", {"transition": "propose"}, content_type="application/json")
    r = caobang.post(f"/api/v1/dossiers/{pk}/decision", {"number": "TN-API/QĐ-UBND", "signed_on": "2025-03-20",
                                                          "signer_name": "A"}, content_type="application/json")
    assert r.status_code == 201, r.content
    (award,) = r.json()["awards"]
    assert award["prize"] == 3_510_000 and award["award_type"] == "BK_TINH"
    token = award["verification_url"].rstrip("/").rsplit("/", 1)[1]
    assert Client().get(f"/api/v1/verify/{token}").json()["valid"] is True
    detail = client_for("kiemtra").get(f"/api/v1/dossiers/{pk}").json()
    assert detail["state"] == "decided" and detail["allowed_transitions"] == []
    assert [e["transition"] for e in detail["events"]][:2] == ["create", "submit"]
    listing = donvi.get("/api/v1/dossiers/", {"state": "decided"}).json()
    assert pk in [row["id"] for row in listing["results"]]
    assert donvi.get("/api/v1/dossiers/", {"state": "bogus"}).status_code == 400


def test_api_input_errors_are_400_not_500(dept):
    donvi = client_for("donvi")
    assert donvi.post("/api/v1/dossiers/", {"from_org": 2_147_483_647, "granted_by": "minister_chairman", "year": 2024,
                                            "title": "x"}, content_type="application/json").status_code == 404
    bad = [
        {"from_org": dept.pk, "granted_by": "nobody", "year": 2024, "title": "x"},
        {"from_org": dept.pk, "granted_by": "minister_chairman", "year": 2024, "title": ""},
    ]
    for body in bad:
        assert donvi.post("/api/v1/dossiers/", body, content_type="application/json").status_code == 400, body
    # Bodies the schema allows but the data refuses (a thematic dossier without its movement): 409, nothing created.
    before = Dossier.objects.count()
    thematic = {"from_org": dept.pk, "granted_by": "minister_chairman", "year": 2024, "title": "x", "kind": "thematic"}
    assert donvi.post("/api/v1/dossiers/", thematic, content_type="application/json").status_code == 409
    assert Dossier.objects.count() == before
    d = Dossier.objects.filter(state="draft", from_org=dept).first()
    person = d.items.first().person
    items = d.items.count()
    response = donvi.post(f"/api/v1/dossiers/{d.pk}/items", {"person": person.pk, "award_type": "NOPE"},
                          content_type="application/json")
    assert response.status_code == 400
    # Not exactly one recipient: a data refusal of the service (409), no item added.
    for body in ({"award_type": "BK_TINH"}, {"person": person.pk, "organization": dept.pk, "award_type": "BK_TINH"}):
        response = donvi.post(f"/api/v1/dossiers/{d.pk}/items", body, content_type="application/json")
        assert response.status_code == 409 and "đúng một đối tượng" in response.content.decode(), body
    assert d.items.count() == items
    # An unknown id (or a person outside the proposing organisation) is a 404, like an unknown id in the path.
    for body in ({"person": 99_999_999, "award_type": "BK_TINH"}, {"person": 1, "award_type": "BK_TINH"}):
        assert donvi.post(f"/api/v1/dossiers/{d.pk}/items", body, content_type="application/json").status_code == 404


def test_api_council_ballot(dept, unit):
    from tests.nominations.conftest import council_members
    from thidua.nominations import services

    d = build("council", dept, unit)
    session = services.open_session(user("caobang"), d, date(2025, 3, 5))
    item_id = session.counts.get().item_id
    member = Client()
    member.force_login(council_members()[1])
    url = f"/api/v1/council-sessions/{session.pk}/ballot"
    assert member.post(url, {"choices": {str(item_id): "yes"}}, content_type="application/json").status_code == 201
    # Twice: the session's state refuses it (409), not the body's shape.
    assert member.post(url, {"choices": {str(item_id): "no"}}, content_type="application/json").status_code == 409
    assert client_for("caobang").post(url, {"choices": {str(item_id): "yes"}},
                                      content_type="application/json").status_code == 403
    assert client_for("laichau").post(url, {"choices": {str(item_id): "yes"}},
                                      content_type="application/json").status_code == 404
    # One sealed ballot, nothing counted while open; the close would count it: yes 1, no 0.
    assert (session.counts.get().yes, session.counts.get().no) == (0, 0) and session.sealed_ballots.count() == 1
    assert services._count_sealed(session) == (1, {item_id: (1, 0)})


def test_pages_have_no_inline_style_or_script():
    c = client_for("caobang")
    decided = Dossier.objects.filter(state="decided").first()
    for url in ("/ho-so/", "/ho-so/cho-xu-ly/", "/ho-so/tao/", f"/ho-so/{decided.pk}/",
                f"/hoi-dong/phien/{decided.council_sessions.first().pk}/"):
        body = c.get(url).content.decode()
        assert ' style="' not in body and "<script>" not in body, url

