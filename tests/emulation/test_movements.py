"""Movements from launch to review (issue 14 part 1): launch, adoption and roll-up, registration within the
window (a late one refused with the window named, changing nothing), reviews with reports, the Word report, the
thematic commendation dossier (through the dossier service) and the pages and API on their own data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import DepartmentFactory, PersonFactory, client_for, cluster_year, officer
from thidua.awards.models import AwardType
from thidua.core.models import AuditEvent
from thidua.core.refusals import Conflict, Forbidden
from thidua.emulation import movements as services
from thidua.emulation.models import Movement, MovementRegistration
from thidua.emulation.movement_documents import review_docx
from thidua.emulation.movement_statistics import movement_summary, participation_by_movement
from thidua.lib.documents import docx_text
from thidua.nominations import movement_commendations
from thidua.nominations.models import Dossier
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def plan(name="Thi đua chuyển đổi số", **kw):
    defaults = {"registration_opens": TODAY - timedelta(days=10), "registration_closes": TODAY + timedelta(days=20),
                "launched_on": TODAY - timedelta(days=15), "goals": "Mục tiêu một\nMục tiêu hai"}
    return services.MovementPlan(name=name, **{**defaults, **kw})


@pytest.fixture
def world(three_provinces):
    w = three_provinces
    cb = w.cao_bang
    parent = services.launch(cb.office, cb.org, plan("Phong trào tỉnh Cao Bằng"))
    return w, parent


def test_launch_adopt_register_and_roll_up(world):
    w, parent = world
    cb = w.cao_bang
    child = services.adopt(cb.unit_officer, parent, cb.home_affairs, plan("Phong trào của Sở Nội vụ"))
    assert child.parent == parent and child.launched_by == cb.home_affairs
    person = PersonFactory(organization=cb.home_affairs)
    audited = AuditEvent.objects.filter(object_type="emulation.movementregistration", action="create").count()
    services.register(cb.unit_officer, child, organization=cb.home_affairs, on=TODAY)
    services.register(cb.unit_officer, child, organization=cb.home_affairs, person=person,
                      award_type=AwardType.objects.get(code="CSTDCS"), on=TODAY)
    services.register(cb.office, parent, organization=cb.org, participant_kind="collective", on=TODAY)
    s = movement_summary(parent)
    assert (s.participants, s.units, s.collectives, s.individuals, s.titles, s.adoptions) == (3, 1, 1, 1, 1, 1)
    assert [(r.organization, r.depth, r.total) for r in s.levels] == [(cb.org.name, 0, 1),
                                                                         (cb.home_affairs.name, 1, 2)]
    assert participation_by_movement([parent.pk, child.pk]) == {parent.pk: 3, child.pk: 2}
    assert AuditEvent.objects.filter(object_type="emulation.movementregistration", action="create").count() == audited + 3


def test_adoption_refused_outside_and_twice(world):
    w, parent = world
    lc = w.lai_chau
    with pytest.raises(Forbidden):
        services.adopt(lc.office, parent, w.cao_bang.home_affairs, plan())  # not Lai Châu's to act for
    with pytest.raises(Conflict, match="không ở cấp dưới"):
        services.adopt(lc.office, parent, lc.home_affairs, plan())  # not below Cao Bằng
    services.adopt(w.cao_bang.office, parent, w.cao_bang.home_affairs, plan())
    with pytest.raises(Conflict, match="đã hưởng ứng"):
        services.adopt(w.cao_bang.office, parent, w.cao_bang.home_affairs, plan())
    assert Movement.objects.filter(parent=parent).count() == 1
    assert AuditEvent.objects.filter(action="denied", user=lc.office).exists()


def test_late_registration_refused_with_the_window_and_changes_nothing(world):
    w, parent = world
    before = MovementRegistration.objects.count()
    late = TODAY + timedelta(days=21)
    with pytest.raises(Conflict) as exc:
        services.register(w.cao_bang.office, parent, organization=w.cao_bang.org, on=late)
    text = " ".join(exc.value.messages)
    assert "Đăng ký đã hết hạn" in text and "từ ngày 28/02/2026 đến hết ngày 30/03/2026" in text
    assert "31/03/2026" in text  # the day of the attempt
    assert MovementRegistration.objects.count() == before
    with pytest.raises(Conflict, match="chưa mở"):
        services.register(w.cao_bang.office, parent, organization=w.cao_bang.org, on=TODAY - timedelta(days=11))
    with pytest.raises(Forbidden):
        services.register(w.lai_chau.office, parent, organization=w.cao_bang.org, on=TODAY)
    services.register(w.cao_bang.office, parent, organization=w.cao_bang.org, on=TODAY)
    with pytest.raises(Conflict, match="đã đăng ký"):
        services.register(w.cao_bang.office, parent, organization=w.cao_bang.org, on=TODAY)
    assert MovementRegistration.objects.count() == before + 1


def test_review_report_word_and_thematic_dossier(world):
    w, parent = world
    cb = w.cao_bang
    child = services.adopt(cb.office, parent, cb.home_affairs, plan("Phong trào của Sở Nội vụ"))
    reg = services.register(cb.office, child, organization=cb.home_affairs, participant_kind="collective", on=TODAY)
    review = services.open_review(cb.office, parent, kind="midterm", held_on=TODAY, conclusions="Đạt kết quả tốt.")
    with pytest.raises(Conflict, match="chưa hưởng ứng hay đăng ký"):
        services.submit_report(cb.office, review, DepartmentFactory(parent=cb.org), collectives=1)
    services.submit_report(cb.office, review, cb.home_affairs, collectives=4, individuals=30, exemplars=2,
                           summary="Nhiều mô hình hay.")
    s = movement_summary(parent)
    assert (s.reviews[0].reports, s.reviews[0].collectives, s.reviews[0].individuals) == (1, 4, 30)
    text = docx_text(review_docx(review))
    assert "SƠ KẾT PHONG TRÀO" in text.upper() and "Nhiều mô hình hay." in text and "Đạt kết quả tốt." in text
    # The thematic commendation goes through the dossier service: a thematic dossier linked to the movement.
    dossier = movement_commendations.propose(cb.office, review, granted_by="minister_chairman",
                                             award_type=AwardType.objects.get(code="BK_TINH"), registrations=[reg])
    assert (dossier.kind, dossier.movement_id, dossier.state) == ("thematic", parent.pk, "draft")
    assert dossier.items.count() == 1
    assert movement_summary(parent).dossiers == 1
    # Refused (Lai Châu's office may not propose from Cao Bằng): nothing created.
    n = Dossier.objects.count()
    with pytest.raises(Forbidden):
        movement_commendations.propose(w.lai_chau.office, review, granted_by="minister_chairman")
    assert Dossier.objects.count() == n


def test_pages_and_api(world, settings):
    w, parent = world
    cb = w.cao_bang
    c = client_for(cb.office)
    assert parent.name in c.get("/phong-trao/").content.decode()
    page = c.get(f"/phong-trao/{parent.pk}/").content.decode()
    assert "Danh sách đăng ký" in page and "Sơ kết, tổng kết" in page
    assert client_for(w.lai_chau.office).get(f"/phong-trao/{parent.pk}/").status_code == 404
    # Register through the page: today is outside a closed window → the message, nothing changes.
    parent.registration_closes = timezone.localdate() - timedelta(days=1)
    parent.save()
    r = c.post(f"/phong-trao/{parent.pk}/dang-ky/", {"organization": cb.org.pk, "participant_kind": "unit"},
               follow=True)
    assert "Đăng ký đã hết hạn" in r.content.decode() and not parent.registrations.exists()
    api = c.get(f"/api/v1/movements/{parent.pk}").json()
    assert api["movement"]["name"] == parent.name and api["participants"] == 0
    r = c.post(f"/api/v1/movements/{parent.pk}/registrations",
               {"organization": cb.org.pk, "participant_kind": "unit"}, content_type="application/json")
    assert r.status_code == 409 and not parent.registrations.exists()
    r = c.post("/api/v1/movements/", {"organization": cb.home_affairs.pk, "name": "Phong trào của Sở"},
               content_type="application/json")
    assert r.status_code == 201
    r = client_for(w.lai_chau.office).post("/api/v1/movements/", {"organization": cb.org.pk, "name": "X"},
                                            content_type="application/json")
    assert r.status_code == 404


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_launching_decision_file_goes_through_the_upload_check(three_provinces, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    w = three_provinces
    cb = w.cao_bang
    n = Movement.objects.count()
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(Exception, match="Văn bản phát động"):
        services.launch(cb.office, cb.org, plan(), decision_file=fake)
    assert Movement.objects.count() == n
    m = services.launch(cb.office, cb.org, plan(decision_number="12/KH-UBND"),
                        decision_file=SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"))
    r = client_for(cb.office).get(f"/phong-trao/{m.pk}/van-ban-phat-dong/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert client_for(w.lai_chau.office).get(f"/phong-trao/{m.pk}/van-ban-phat-dong/").status_code == 404


def test_roll_up_is_set_based(world, django_assert_max_num_queries):
    """Participation rolls up in a fixed number of queries per tree level, not per movement or registration."""
    w, parent = world
    cb = w.cao_bang
    depts = [DepartmentFactory(parent=cb.org) for _ in range(6)]
    kids = [services.adopt(cb.office, parent, d, plan(f"Hưởng ứng {i}")) for i, d in enumerate(depts)]
    for k, d in zip(kids, depts, strict=True):
        services.register(cb.office, k, organization=d, on=TODAY)
    with django_assert_max_num_queries(4):  # the tree (2 levels + the empty one) and one grouped count
        assert participation_by_movement([parent.pk, *[k.pk for k in kids]])[parent.pk] == 6
    with django_assert_max_num_queries(8):
        s = movement_summary(parent)
    assert (s.participants, s.adoptions) == (6, 6)


def test_detail_page_queries_do_not_grow_with_the_users_units(world, django_assert_max_num_queries):
    """The movement page lists the organisations the user may act for in its forms; which of them take part is
    read once, not once per organisation."""
    w, parent = world
    cb = w.cao_bang
    services.register(cb.office, parent, organization=cb.org, on=TODAY)
    c = client_for(cb.office)
    assert c.get(f"/phong-trao/{parent.pk}/").status_code == 200  # the menu's work total, kept in the session
    with CaptureQueriesContext(connection) as few:
        assert c.get(f"/phong-trao/{parent.pk}/").status_code == 200
    for _ in range(6):
        services.register(cb.office, parent, organization=DepartmentFactory(parent=cb.org), on=TODAY)
    with django_assert_max_num_queries(len(few)):
        response = c.get(f"/phong-trao/{parent.pk}/")
    assert response.status_code == 200 and len(response.context["report_form"].fields["organization"].queryset) == 7


def test_api_main_path(world):
    w, parent = world
    cb = w.cao_bang
    c = client_for(cb.office)
    parent.registration_closes = timezone.localdate() + timedelta(days=5)
    parent.registration_opens = timezone.localdate() - timedelta(days=5)
    parent.save()
    child = c.post(f"/api/v1/movements/{parent.pk}/adopt", {"organization": cb.home_affairs.pk, "name": "Sở hưởng ứng",
                                                             "registration_closes": str(parent.registration_closes)},
                   content_type="application/json")
    assert child.status_code == 201, child.content
    child_id = child.json()["movement"]["id"]
    r = c.post(f"/api/v1/movements/{child_id}/registrations",
               {"organization": cb.home_affairs.pk, "participant_kind": "collective", "award_type": "TTLDXS"},
               content_type="application/json")
    assert r.status_code == 201, r.content
    reg_id = r.json()["id"]
    r = c.post(f"/api/v1/movements/{parent.pk}/reviews", {"kind": "final", "held_on": str(timezone.localdate())},
               content_type="application/json")
    assert r.status_code == 201
    rid = r.json()["id"]
    assert c.post(f"/api/v1/movements/{parent.pk}/reviews", {"kind": "final", "held_on": str(timezone.localdate())},
                  content_type="application/json").status_code == 409  # one tổng kết
    r = c.post(f"/api/v1/movements/{parent.pk}/reviews/{rid}/reports",
               {"organization": cb.home_affairs.pk, "collectives": 3, "individuals": 12},
               content_type="application/json")
    assert r.status_code == 201
    other = client_for(w.lai_chau.office)
    n = Dossier.objects.count()
    assert other.post(f"/api/v1/movements/{parent.pk}/reviews/{rid}/commendations",
                      {"granted_by": "minister_chairman"}, content_type="application/json").status_code == 404
    r = c.post(f"/api/v1/movements/{parent.pk}/reviews/{rid}/commendations",
               {"granted_by": "minister_chairman", "award_type": "BK_TINH", "registrations": [reg_id]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "thematic" and r.json()["movement"] == parent.pk and Dossier.objects.count() == n + 1
    detail = c.get(f"/api/v1/movements/{parent.pk}").json()
    assert (detail["participants"], detail["dossiers"], detail["reviews"][0]["collectives"]) == (1, 1, 3)
    assert [lvl["organization"] for lvl in detail["levels"]] == [cb.org.name, cb.home_affairs.name]


def test_registrations_named_only_within_scope(three_provinces):
    """A nationwide movement: every province sees the roll-up, but names only its own registrants."""
    w = three_provinces
    pm = Organization.objects.create(kind=OrganizationKind.STATE, name="Thủ tướng Chính phủ")
    admin_like = officer(pm, username="tp-ttg")
    national = services.launch(admin_like, pm, plan("Phong trào toàn quốc"))
    for p in (w.cao_bang, w.lai_chau):
        services.register(p.office, national, organization=p.home_affairs, on=TODAY)
    c = client_for(w.lai_chau.office)
    page = c.get(f"/phong-trao/{national.pk}/").content.decode()
    assert w.lai_chau.home_affairs.name in page and w.cao_bang.home_affairs.name not in page
    assert c.get(f"/api/v1/movements/{national.pk}").json()["participants"] == 2
    rows = c.get(f"/api/v1/movements/{national.pk}/registrations").json()
    assert [r["organization"] for r in rows] == [w.lai_chau.home_affairs.pk]


# --------------------------------------------------------------------------- the page proposes like the API


def _commend_world(w, parent):
    """A sub-movement with a registered collective, a registered individual on the parent, a sơ kết held, the
    collective's report; and the personas (Lai Châu chairs the three provinces' cluster this year)."""
    cb = w.cao_bang
    cluster_year(w, year=timezone.localdate().year, chair=w.lai_chau)
    child = services.adopt(cb.office, parent, cb.home_affairs, plan("Phong trào của Sở Nội vụ"))
    collective = services.register(cb.office, child, organization=cb.home_affairs, participant_kind="collective",
                                   commitment="Hoàn thành số hóa hồ sơ", on=TODAY)
    person = services.register(cb.office, parent, organization=cb.home_affairs,
                               person=PersonFactory(organization=cb.home_affairs), on=TODAY)
    review = services.open_review(cb.office, parent, kind="midterm", held_on=TODAY)
    services.submit_report(cb.office, review, cb.home_affairs, collectives=1, individuals=1)
    personas = {"province_officer": cb.office, "other_province_officer": w.ha_giang.office,
                "cluster_chair": w.lai_chau.office, "central_board": w.central, "council_member": w.council_member,
                "anonymous": None}
    return review, collective, person, personas


def _dossier_rows():
    from thidua.nominations.models import DossierItem

    return (Dossier.objects.count(), DossierItem.objects.count(),
            AuditEvent.objects.filter(object_type__startswith="nominations.", action="create").count())


def _items(dossier):
    return [(i.person_id, i.organization_id, i.award_type.code, i.year, i.achievement)
            for i in dossier.items.select_related("award_type").order_by("position")]


def test_movement_page_lists_the_registrations_and_proposes_them_like_the_api(world):
    w, parent = world
    cb = w.cao_bang
    review, collective, person, _ = _commend_world(w, parent)
    c = client_for(cb.office)
    page = c.get(f"/phong-trao/{parent.pk}/").content.decode()
    # Both registrations are offered, the one whose unit reported to the sơ kết marked so.
    assert f'name="registrations" value="{collective.pk}"' in page and f'value="{person.pk}"' in page
    assert "đã báo cáo" in page and 'value="BK_TINH"' in page
    r = c.post(f"/phong-trao/{parent.pk}/so-ket/{review.pk}/de-nghi-khen/",
               {"granted_by": "minister_chairman", "award_type": "BK_TINH",
                "registrations": [collective.pk, person.pk]})
    dossier = Dossier.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/ho-so/{dossier.pk}/"
    assert (dossier.kind, dossier.movement_id, dossier.items.count()) == ("thematic", parent.pk, 2)
    # The API, given the same choice, makes the same items through the same service.
    api = c.post(f"/api/v1/movements/{parent.pk}/reviews/{review.pk}/commendations",
                 {"granted_by": "minister_chairman", "award_type": "BK_TINH",
                  "registrations": [collective.pk, person.pk]}, content_type="application/json")
    assert api.status_code == 201, api.content
    assert _items(Dossier.objects.get(pk=api.json()["id"])) == _items(dossier)
    assert ("Hoàn thành số hóa hồ sơ" in [i[4] for i in _items(dossier)])


@pytest.mark.parametrize("persona", ["other_province_officer", "cluster_chair", "central_board", "council_member",
                                     "anonymous"])
def test_movement_page_proposal_refused_per_persona_changes_nothing(world, persona):
    w, parent = world
    review, collective, person, personas = _commend_world(w, parent)
    user = personas[persona]
    c = client_for(user) if user else Client()
    before = _dossier_rows()
    r = c.post(f"/phong-trao/{parent.pk}/so-ket/{review.pk}/de-nghi-khen/",
               {"granted_by": "minister_chairman", "award_type": "BK_TINH",
                "registrations": [collective.pk, person.pk]}, follow=True)
    assert _dossier_rows() == before
    html = r.content.decode()
    if persona == "anonymous":
        assert r.redirect_chain[0][1] == 302 and "/dang-nhap/" in r.redirect_chain[0][0]
    elif persona in ("other_province_officer", "cluster_chair"):
        assert r.status_code == 404  # Cao Bằng's movement is not theirs to see
    else:  # sees the movement, may not act for Cao Bằng: the reason, on the movement page
        assert r.redirect_chain[-1][0] == f"/phong-trao/{parent.pk}/"
        assert "không được lập hồ sơ cho" in html
        assert AuditEvent.objects.filter(action="denied", user=user).exists()


def test_movement_page_proposal_refusals_by_the_data_change_nothing(world):
    w, parent = world
    cb = w.cao_bang
    review, collective, person, _ = _commend_world(w, parent)
    c = client_for(cb.office)
    url = f"/phong-trao/{parent.pk}/so-ket/{review.pk}/de-nghi-khen/"
    other = services.launch(cb.office, cb.org, plan("Phong trào khác"))
    stranger = services.register(cb.office, other, organization=cb.org, on=TODAY)
    federal = AwardType.objects.exclude(granted_by="minister_chairman").filter(for_collective=True,
                                                                               for_individual=True).first()
    later = services.open_review(cb.office, parent, kind="final", held_on=timezone.localdate() + timedelta(days=30))
    cases = [
        ({"registrations": [collective.pk, stranger.pk], "award_type": "BK_TINH"},
         "Chỉ đề nghị khen những người, tập thể đã đăng ký phong trào này."),      # another movement's registration
        ({"registrations": [collective.pk], "award_type": federal.code}, "hồ sơ này trình"),  # wrong authority
        ({"registrations": [collective.pk]}, "Chọn hình thức khen thưởng"),
        ({"registrations": [collective.pk, 999999], "award_type": "BK_TINH"}, "không còn tồn tại"),
        ({"registrations": [collective.pk], "award_type": "KHONG_CO"}, "không có trong danh mục"),
    ]
    before = _dossier_rows()
    for body, message in cases:
        r = c.post(url, {"granted_by": "minister_chairman", **body}, follow=True)
        assert r.redirect_chain[-1][0] == f"/phong-trao/{parent.pk}/", body
        assert message in r.content.decode(), body
        assert _dossier_rows() == before, body
    # A tổng kết still to come has assessed no one: refused on the page and over the API (409), nothing made.
    r = c.post(f"/phong-trao/{parent.pk}/so-ket/{later.pk}/de-nghi-khen/",
               {"granted_by": "minister_chairman", "award_type": "BK_TINH", "registrations": [collective.pk]},
               follow=True)
    assert "chưa diễn ra" in r.content.decode() and _dossier_rows() == before
    api = c.post(f"/api/v1/movements/{parent.pk}/reviews/{later.pk}/commendations",
                 {"granted_by": "minister_chairman"}, content_type="application/json")
    assert api.status_code == 409 and "chưa diễn ra" in str(api.json()) and _dossier_rows() == before


def test_pages_in_english(world):
    """The movement pages read in English with the language cookie: the form labels and headings come from the
    catalogue (not the Vietnamese source, nor a wrong guess that makemessages merged as fuzzy)."""
    w, parent = world
    c = client_for(w.cao_bang.office)
    c.cookies["django_language"] = "en"
    launch = c.get("/phong-trao/phat-dong/").content.decode()
    assert "Launching level" in launch and "End date" in launch and "Registration deadline" in launch
    assert "Cấp phát động" not in launch and "Closed" not in launch and "launched by" not in launch
    listing = c.get("/phong-trao/").content.decode()
    assert ">Launched by</th>" in listing and ">Launch date</th>" in listing and "Ngày phát động" not in listing
    detail = c.get(f"/phong-trao/{parent.pk}/").content.decode()
    assert "launched by Cao Bằng" in detail and "Units: 0 · collectives: 0 · individuals: 0" in detail
    assert "No registrations yet." in detail and "Chưa có đăng ký." not in detail
    assert "from 28/02/2026 to the end of 30/03/2026" in detail and "đến hết ngày" not in detail
    # A refusal is a Vietnamese sentence: its window stays Vietnamese even while English is active.
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.register(w.cao_bang.office, parent, organization=w.cao_bang.org, on=TODAY + timedelta(days=21))
    assert "nhận đăng ký từ ngày 28/02/2026 đến hết ngày 30/03/2026;" in " ".join(exc.value.messages)
    services.open_review(w.cao_bang.office, parent, kind="midterm", held_on=TODAY)
    detail = c.get(f"/phong-trao/{parent.pk}/").content.decode()
    # The thematic commendation form names the catalogue's awards in the reader's language too.
    assert 'value="CO_CP">Government Emulation Flag</option>' in detail and "Cờ thi đua của Chính phủ" not in detail
