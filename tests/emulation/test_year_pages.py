"""The pages that run a cluster year (/cum/<pk>/nam/…): who sees what, who may do what, refusals that change
nothing, and a whole 2019 year run through the pages, from opening with 2018's framework to the flag handover.

Personas: caobang (2018 chair; a member in 2019), laichau (a member in 2018; the 2019 chair), hanoi (an
outsider province, created here as in tests/test_matrix.py), donvi (a unit officer of Cao Bằng: does not see
the cluster), trunguong (Central Board: organising authority of this Central Council cluster), hoidong (council
member of Cao Bằng: observer), anonymous. The other members: hagiang, langson, laocai, dienbien, sonla.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.persona_sessions import clients_on, create_outsider, sessions_held_open
from thidua.core.models import AuditEvent
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    Criterion,
    CrossAssignment,
    FlagHandover,
    Milestone,
    PactSignature,
    Proposal,
    ResultReport,
    Score,
    ScoreRound,
    Target,
    TitleRegistration,
    VoteCandidate,
    VoteParticipation,
    VoteSession,
    YearRun,
)
from thidua.emulation.scoring import score_sheet
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PAGES = ["", "mo/", "khung/", "dang-ky/", "giao-uoc/", "ket-qua/", "cham-diem/", "cham-diem/tu-cham/",
         "cham-diem/cham-cheo/", "cham-diem/tong-hop/", "cham-diem/lich-su/", "bo-phieu/"]
MEMBERS = {"02": "hagiang", "04": "caobang", "20": "langson", "10": "laocai", "12": "laichau", "11": "dienbien",
           "14": "sonla"}
SEES = ["caobang", "laichau", "trunguong", "hoidong", "kiemtra", "admin"]
DOES_NOT_SEE = ["hanoi", "donvi"]


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The outsider's account and a logged-in session per account, made once for the module (rolled back after
    it, each test in its own savepoint: tests/conftest.py)."""
    names = [*MEMBERS.values(), "donvi", "trunguong", "hoidong", "kiemtra", "admin", "hanoi"]
    with sessions_held_open(django_db_blocker, {n: n for n in names}, before=create_outsider) as keys:
        yield keys


@pytest.fixture
def clients(db, sessions) -> dict[str, Client]:
    return clients_on(sessions)


@pytest.fixture
def cy2018(db) -> ClusterYear:
    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG")


@pytest.fixture
def cy2019(db) -> ClusterYear:
    return ClusterYear.objects.get(year=2019)


def org(code: str) -> Organization:
    """A member province of the cluster by its administrative code."""
    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG").members.get(admin_code=code)


def url(cy: ClusterYear, suffix: str = "") -> str:
    return f"/cum/{cy.pk}/nam/{suffix}"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client: Client, path: str, data: dict, *, redirects: bool = True) -> tuple[object, list[str]]:
    """POST and return the page shown next with its messages. Accepted actions and refusals without input to
    keep redirect (POST-redirect-GET); a data-entry form refused by its service is shown again (redirects=False)."""
    response = client.post(path, data, follow=True)
    assert response.status_code == 200, (path, response.status_code)
    assert bool(response.redirect_chain) == redirects, f"POST {path}: redirect chain {response.redirect_chain}"
    return response, messages_of(response)


def vn_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def vn_datetime(d) -> str:
    return timezone.localtime(d).strftime("%d/%m/%Y %H:%M")


def open_2019(client: Client, cy: ClusterYear, *, copy: bool = True):
    data = {"theme": "Đoàn kết, kỷ cương, sáng tạo, thi đua hoàn thành thắng lợi nhiệm vụ năm 2019",
            "opened_on": "15/01/2019", "min_cross_scorers": "2", "rotation_years": "3",
            "movements": [m.pk for m in ClusterYear.objects.get(cluster=cy.cluster, year=2018).movements.all()],
            "due_register": "28/02/2019", "due_mid_year": "15/07/2019", "due_year_end": "15/01/2020",
            "due_lock": "10/03/2020"}
    if copy:
        data["copy_framework"] = "on"
    return follow(client, url(cy, "mo/"), data)


def row_counts() -> dict[str, int]:
    models = [YearRun, Milestone, Criterion, Target, TitleRegistration, PactSignature, ResultReport, Score,
              CrossAssignment, VoteSession, VoteCandidate, VoteParticipation, Proposal, FlagHandover, ClusterYear]
    out = {m.__name__: m.objects.count() for m in models}
    out["planned"] = sum(Target.objects.exclude(planned=None).values_list("planned", flat=True), Decimal(0))
    out["votes"] = sum(VoteCandidate.objects.values_list("votes", flat=True))
    out["points"] = sum(Score.objects.values_list("points", flat=True), Decimal(0))
    return out


# --------------------------------------------------------------------------- who sees the pages


def in_the_matrix(cy2018, cy2019) -> set[str]:
    """The accounts whose answer on each year page (2018 and 2019) tests/test_matrix.py already checks, with the
    same expectation as here: anonymous to the login, SEES 200, DOES_NOT_SEE 404. Checked, so that a change of
    the matrix cannot silently drop them from both files."""
    from types import SimpleNamespace

    from tests import test_matrix as matrix

    by_status = {}
    for part in PAGES:
        spec = matrix.ROUTES[f"cum/<int:pk>/nam/{part}"]
        assert spec.urls(SimpleNamespace(cy=cy2018)) == [url(cy2018, part), url(cy2019, part)], part
        assert spec.expected["anonymous"] == matrix.LOGIN, part
        for persona, username in matrix.USERNAMES.items():
            by_status.setdefault(spec.expected[persona], set()).add(username)
    assert by_status == {200: set(SEES), 404: set(DOES_NOT_SEE)}, by_status
    return {*SEES, *DOES_NOT_SEE}


def test_every_page_by_persona(clients, cy2018, cy2019):
    session = VoteSession.objects.filter(cluster_year=cy2018).first()
    everyone = ["anonymous", *SEES, *[u for u in MEMBERS.values() if u not in SEES], *DOES_NOT_SEE]
    # The year pages by the matrix's personas are the matrix's rows: here the other members of the cluster.
    checked = in_the_matrix(cy2018, cy2019) | {"anonymous"}
    paths = {url(cy, p): [n for n in everyone if n not in checked] for cy in (cy2018, cy2019) for p in PAGES}
    paths[url(cy2018, f"bo-phieu/{session.pk}/")] = everyone
    for path, names in paths.items():
        assert names, path
        for name in names:
            response = clients[name].get(path)
            if name == "anonymous":
                assert response.status_code == 302 and response.url.startswith("/dang-nhap/?next="), path
            else:
                assert response.status_code == (404 if name in DOES_NOT_SEE else 200), (name, path)
    # A vote session of another year, an unknown session, a member that is not in the cluster: 404.
    assert clients["caobang"].get(url(cy2019, f"bo-phieu/{session.pk}/")).status_code == 404
    assert clients["caobang"].get(url(cy2018, "bo-phieu/999999/")).status_code == 404
    hanoi_org = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01")
    assert clients["trunguong"].get(url(cy2018, f"dang-ky/?don-vi={hanoi_org.pk}")).status_code == 404
    assert clients["caobang"].get(url(cy2018, "cham-diem/tong-hop/?thanh-vien=abc")).status_code == 404


def test_roles_and_actions_on_the_unopened_2019_overview(clients, cy2019):
    pages = {name: clients[name].get(url(cy2019)) for name in ("laichau", "caobang", "trunguong", "hoidong",
                                                                "kiemtra")}
    open_link = f'href="{url(cy2019, "mo/")}"'

    def buttons(response) -> list[str]:
        return re.findall(r'class="btn btn-sm btn-primary" href="([^"]+)"', response.content.decode())

    # The 2019 pact was signed at the 2018 review conference, but no step is "done" before the year is opened;
    # the signatures still show in the step's detail.
    assert [r["s"].step for r in pages["laichau"].context["rows"] if r["s"].done] == []
    assert next(r for r in pages["laichau"].context["rows"] if r["s"].step == "pact")["s"].detail == "7/7 thành viên đã ký"
    assert pages["laichau"].context["roles"].labels() == ["Cụm trưởng"]
    assert buttons(pages["laichau"]) == [url(cy2019, "mo/")]
    assert buttons(pages["trunguong"]) == [url(cy2019, "mo/")]
    assert pages["trunguong"].context["roles"].labels() == ["Cơ quan tổ chức cụm"]
    for name in ("caobang", "hoidong", "kiemtra"):
        assert buttons(pages[name]) == [], name  # a member before opening, observers: nothing to do
        assert open_link in pages[name].content.decode()  # the step's page itself stays readable
    assert pages["caobang"].context["roles"].labels() == ["Thành viên"]
    assert pages["hoidong"].context["roles"].labels() == ["Theo dõi"]
    html = pages["laichau"].content.decode()
    for label in ("Mở năm thi đua", "Đăng ký chỉ tiêu, danh hiệu", "Ký giao ước thi đua", "Chấm chéo",
                  "Trao cờ luân lưu, mở năm sau"):
        assert label in html
    assert "chưa được mở" in html


def test_2018_overview_is_read_only_after_the_lock(clients, cy2018):
    response = clients["caobang"].get(url(cy2018))
    html = response.content.decode()
    rows = response.context["rows"]
    assert {r["s"].step: r["s"].done for r in rows} == {s.step: s.done for s in services.timeline(cy2018)}
    actions = [a.label for r in rows for a in r["actions"]]
    assert not any(label.startswith(("Khóa", "Tự chấm", "Phân công", "Sửa khung", "Đăng ký")) for label in actions)
    assert any(label.startswith("Năm thi đua 2019") for label in actions)
    assert "Đã khóa điểm" in html and "alert-locked" in html
    # After the lock, no form on the scoring and registration pages, for the chair too.
    for suffix in ("cham-diem/", "cham-diem/tu-cham/", "cham-diem/cham-cheo/", "cham-diem/tong-hop/", "dang-ky/",
                   "ket-qua/", "khung/"):
        page = clients["caobang"].get(url(cy2018, suffix))
        assert page.context.get("form") is None and not page.context.get("editable") \
            and not page.context.get("can_lock") and not page.context.get("can_assign"), suffix
        assert 'name="points_' not in page.content.decode() and 'name="final_' not in page.content.decode(), suffix


# --------------------------------------------------------------------------- refusals change nothing


def test_refused_posts_change_nothing(clients, cy2018, cy2019):
    before = row_counts()
    hand = cy2018.criteria.filter(kind="manual").first()
    ld, cb = org("12"), org("04")
    refusals = [
        # (client, path, data, expected words in the message)
        ("caobang", url(cy2019, "mo/"), {"theme": "x", "opened_on": "01/01/2019"}, "Chỉ cụm trưởng"),
        ("hoidong", url(cy2019, "mo/"), {"theme": "x"}, "Chỉ cụm trưởng"),
        ("laichau", url(cy2018, "mo/"), {"theme": "x"}, "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "mo/"), {"theme": "x"}, "đã được mở"),
        ("laichau", url(cy2018, "khung/tieu-chi/"), {"code": "B1", "name": "x", "kind": "manual",
                                           "max_points": "30", "order": "0"}, "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "khung/tieu-chi/"), {"code": "B1", "name": "x", "kind": "manual",
                                           "max_points": "30", "order": "0"}, "đã khóa"),
        ("laichau", url(cy2019, "khung/chi-tieu/"), {"code": "X", "name": "x", "unit": "x",
                                           "aggregation": "sum", "percent_decimals": "1"}, "chưa được mở"),
        ("caobang", url(cy2018, "dang-ky/"), {"don-vi": ld.pk, "plan_THU_NSNN": "1"}, "không thay mặt Lai Châu"),
        ("hoidong", url(cy2018, "dang-ky/"), {"don-vi": cb.pk, "plan_THU_NSNN": "1"}, "không thay mặt"),
        ("caobang", url(cy2018, "dang-ky/"), {"don-vi": cb.pk, "plan_THU_NSNN": "1"}, "đã khóa"),
        ("caobang", url(cy2019, "dang-ky/"), {"don-vi": cb.pk, "plan_THU_NSNN": "1"}, "chưa được mở"),
        ("caobang", url(cy2019, "giao-uoc/ky/"), {"don-vi": cb.pk, "signatory": "A", "position": "B",
                                               "signed_on": "19/03/2019"}, "đã ký"),
        ("caobang", url(cy2019, "giao-uoc/ky/"), {"don-vi": ld.pk, "signatory": "A",
                                               "position": "B"}, "không thay mặt Lai Châu"),
        ("laichau", url(cy2019, "giao-uoc/soan/"), {"title": "x", "commitments": "y"}, "đã có chữ ký"),
        ("hoidong", url(cy2019, "giao-uoc/soan/"), {"title": "x", "commitments": "y"}, "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "ket-qua/"), {"period": "year_end", "value_THU_NSNN": "1"}, "đã khóa"),
        ("hoidong", url(cy2018, "ket-qua/"), {"period": "year_end", "value_THU_NSNN": "1"}, "không thay mặt"),
        ("caobang", url(cy2018, "cham-diem/tu-cham/"), {f"points_{hand.pk}": "1"}, "đã khóa"),
        ("trunguong", url(cy2018, "cham-diem/tu-cham/"), {f"points_{hand.pk}": "1"}, "không thay mặt"),
        ("caobang", url(cy2018, "cham-diem/cham-cheo/phan-cong/"), {}, "đã khóa"),
        ("laichau", url(cy2018, "cham-diem/cham-cheo/phan-cong/"), {}, "Chỉ cụm trưởng"),
        ("laichau", url(cy2018, "cham-diem/cham-cheo/cham/"), {"thanh-vien": cb.pk,
                                                          f"points_{hand.pk}": "1"}, "đã khóa"),
        ("hoidong", url(cy2018, "cham-diem/tong-hop/"), {"thanh-vien": cb.pk, f"final_{hand.pk}": "1"},
         "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "cham-diem/tong-hop/"), {"thanh-vien": cb.pk, f"final_{hand.pk}": "1"}, "đã khóa"),
        ("caobang", url(cy2018, "cham-diem/khoa/"), {"confirm": "1"}, "đã khóa"),
        ("laichau", url(cy2018, "cham-diem/khoa/"), {"confirm": "1"}, "Chỉ cụm trưởng"),
        ("laichau", url(cy2018, "bo-phieu/hoi-nghi/"), {"title": "x", "held_on": "19/03/2019",
                                              "place": "y"}, "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "bo-phieu/hoi-nghi/"), {"title": "x", "held_on": "19/03/2019",
                                              "place": "y"}, "đã có hội nghị"),
        ("caobang", url(cy2018, "bo-phieu/trao-co/"), {"handed_on": "19/03/2019"}, "đã được trao"),
        ("hoidong", url(cy2018, "bo-phieu/trao-co/"), {"handed_on": "19/03/2019"}, "Chỉ cụm trưởng"),
        ("laichau", url(cy2018, "bo-phieu/mo-phien/"), {"kind": "chair", "candidates": [ld.pk],
                                              "seats": "1", "opens_at": "19/03/2019 09:00",
                                              "closes_at": "19/03/2019 10:00", "threshold_percent": "50",
                                              "quorum_percent": "50"}, "Chỉ cụm trưởng"),
        ("caobang", url(cy2018, "bo-phieu/mo-phien/"), {"kind": "chair", "candidates": [ld.pk],
                                              "seats": "1", "opens_at": "19/03/2019 09:00",
                                              "closes_at": "19/03/2019 10:00", "threshold_percent": "50",
                                              "quorum_percent": "50"}, "đã có kết quả", False),
    ]
    for session in VoteSession.objects.filter(cluster_year=cy2018):
        path = url(cy2018, f"bo-phieu/{session.pk}/")
        refusals += [("laichau", path + "phieu/", {"confirm": "1", "don-vi": ld.pk, "choices": [ld.pk]}, "đã đóng"),
                     ("hoidong", path + "phieu/", {"confirm": "1", "don-vi": cb.pk}, "không thay mặt"),
                     ("laichau", path + "ket-thuc/", {"confirm": "1"}, "Chỉ cụm trưởng"),
                     ("caobang", path + "ket-thuc/", {"confirm": "1"}, "đã kết thúc")]
    denied = AuditEvent.objects.filter(action="denied").count()
    for name, path, data, words, *shown_again in refusals:
        # A refusal redirects back to the page; a form the user was offered is shown again with the input.
        response, shown = follow(clients[name], path, data, redirects=not shown_again)
        assert any(words in m for m in shown), (name, path, data, shown)
        assert 'class="alert alert-danger' in response.content.decode()  # a Bootstrap alert
        assert row_counts() == before, (name, path, data)
    # Role and state refusals are kept in the audit trail (after the rollback), with the service's words.
    assert AuditEvent.objects.filter(action="denied").count() > denied
    assert AuditEvent.objects.filter(action="denied", username="hoidong", reason__startswith="Chỉ cụm trưởng").exists()
    # Forms of other scopes: an organisation outside the cluster is a 404, and still nothing changes.
    hanoi_org = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01")
    assert clients["trunguong"].post(url(cy2018, "dang-ky/"), {"don-vi": hanoi_org.pk}).status_code == 404
    assert clients["hanoi"].post(url(cy2019, "mo/"), {"theme": "x"}).status_code == 404
    assert clients["donvi"].post(url(cy2018, "cham-diem/khoa/"), {"confirm": "1"}).status_code == 404
    anonymous = clients["anonymous"].post(url(cy2019, "mo/"), {"theme": "x"})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/dang-nhap/")
    assert row_counts() == before


# --------------------------------------------------------------------------- opening, framework, registration


def test_open_2019_copying_the_2018_framework(clients, cy2018, cy2019):
    response, shown = open_2019(clients["laichau"], cy2019)
    assert any("Đã mở năm thi đua 2019" in m for m in shown), shown
    run = YearRun.objects.get(cluster_year=cy2019)
    assert run.opened_on == date(2019, 1, 15) and run.min_cross_scorers == 2 and run.rotation_years == 3
    assert dict(Milestone.objects.filter(cluster_year=cy2019).values_list("step", "due_on")) == {
        "register": date(2019, 2, 28), "mid_year": date(2019, 7, 15), "year_end": date(2020, 1, 15),
        "lock": date(2020, 3, 10)}
    copied = set(cy2019.criteria.values_list("code", "kind", "max_points"))
    assert copied == set(cy2018.criteria.values_list("code", "kind", "max_points")) and len(copied) == 12
    assert set(cy2019.indicators.values_list("code", flat=True)) == set(cy2018.indicators.values_list("code", flat=True))
    assert not Target.objects.filter(indicator__cluster_year=cy2019).exists()  # definitions only, no figures
    cy2019.refresh_from_db()
    assert cy2019.theme.startswith("Đoàn kết, kỷ cương") and cy2019.movements.count() == 3
    # The overview now offers each role its own next steps.
    overview = clients["laichau"].get(url(cy2019)).content.decode()
    assert "Sửa khung tiêu chí, chỉ tiêu" in overview and "Đăng ký chỉ tiêu, danh hiệu của Lai Châu" in overview
    assert "Phân công chấm chéo" in overview and f'btn-primary" href="{url(cy2019, "mo/")}"' not in overview
    member = clients["caobang"].get(url(cy2019)).content.decode()
    assert "Đăng ký chỉ tiêu, danh hiệu của Cao Bằng" in member and "Sửa khung tiêu chí" not in member
    assert "Phân công chấm chéo" not in member
    # Opening twice is refused by the service, nothing changes.
    before = row_counts()
    _, shown = open_2019(clients["laichau"], cy2019)
    assert any("đã được mở" in m for m in shown) and row_counts() == before


def test_framework_editor(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    page = clients["laichau"].get(url(cy2019, "khung/"))
    # 10 + 10 + 5 + 5 (indicators) + 20 + 15 + 15 + 20 (manual); bonus and penalty are not in the maximum.
    assert page.context["max_total"] == Decimal(100) and "100" in page.content.decode()
    group_a = next(r for r in page.context["rows"] if r["c"].code == "A")
    assert group_a["max"] == Decimal(30) and group_a["depth"] == 0
    assert next(r for r in page.context["rows"] if r["c"].code == "A1")["depth"] == 1
    # Editing a row: the form is pre-filled (also what htmx swaps in) and the code is read-only.
    edit = clients["laichau"].get(url(cy2019, "khung/?sua=B4"))
    assert edit.context["editing"].code == "B4" and edit.context["crit_form"].initial["max_points"] == Decimal(20)
    assert 'readonly' in str(edit.context["crit_form"]["code"])
    _, shown = follow(clients["laichau"], url(cy2019, "khung/tieu-chi/"), {
        "code": "B4", "name": "Tham gia hoạt động chung của Cụm", "kind": "manual",
        "max_points": "25", "parent_code": "B", "order": "9"})
    assert any("Đã lưu tiêu chí B4" in m for m in shown), shown
    assert cy2019.criteria.get(code="B4").max_points == Decimal(25)
    # A new indicator criterion with a bonus written the Vietnamese way (0,5).
    _, shown = follow(clients["laichau"], url(cy2019, "khung/chi-tieu/"), {
        "code": "DU_LICH", "name": "Khách du lịch", "unit": "lượt khách",
        "aggregation": "sum", "percent_decimals": "1"})
    assert any("Đã lưu chỉ tiêu DU_LICH" in m for m in shown)
    follow(clients["laichau"], url(cy2019, "khung/tieu-chi/"), {
        "code": "A5", "name": "Thu hút khách du lịch", "kind": "indicator",
        "max_points": "5", "parent_code": "A", "indicator_code": "DU_LICH", "bonus_per_percent": "0,5",
        "bonus_cap": "1", "order": "5"})
    a5 = cy2019.criteria.get(code="A5")
    assert a5.indicator.code == "DU_LICH" and a5.bonus_per_percent == Decimal("0.5") and a5.parent.code == "A"
    assert clients["laichau"].get(url(cy2019, "khung/")).context["max_total"] == Decimal(110)
    # A service refusal (indicator criterion without an indicator) keeps the form and says why.
    response = clients["laichau"].post(url(cy2019, "khung/tieu-chi/"), {
        "code": "A6", "name": "x", "kind": "indicator", "max_points": "5", "order": "6"})
    assert response.status_code == 200 and any("cần một chỉ tiêu" in m for m in messages_of(response))
    assert not cy2019.criteria.filter(code="A6").exists()
    # A member sees the framework, without forms.
    member = clients["caobang"].get(url(cy2019, "khung/"))
    assert not member.context["editable"] and "/khung/tieu-chi/" not in member.content.decode()


def test_deleting_criteria_and_indicators(clients, cy2019, cy2018):
    open_2019(clients["laichau"], cy2019)
    page = clients["laichau"].get(url(cy2019, "khung/")).content.decode()
    assert f'action="{url(cy2019, "khung/tieu-chi/xoa/")}"' in page and f'action="{url(cy2019, "khung/chi-tieu/xoa/")}"' in page
    # A group with children, an indicator a criterion scores by: refused, nothing changes.
    group, used = "A", cy2019.criteria.filter(kind="indicator").first().indicator.code
    for action, code, why in [("tieu-chi/xoa/", group, "còn tiêu chí con"),
                              ("chi-tieu/xoa/", used, "đang được tiêu chí")]:
        before = row_counts()
        _, shown = follow(clients["laichau"], url(cy2019, "khung/" + action), {"code": code})
        assert any(why in m for m in shown), shown
        assert row_counts() == before
    # A member may not delete: refused with a denied audit row, the criterion stays.
    _, shown = follow(clients["caobang"], url(cy2019, "khung/tieu-chi/xoa/"), {"code": "B4"})
    assert cy2019.criteria.filter(code="B4").exists()
    assert AuditEvent.objects.filter(action="denied", user__username="caobang").exists()
    # The chair deletes an unscored criterion (audited with its values), then an unused indicator.
    _, shown = follow(clients["laichau"], url(cy2019, "khung/tieu-chi/xoa/"), {"code": "B4"})
    assert any("Đã xóa tiêu chí B4" in m for m in shown) and not cy2019.criteria.filter(code="B4").exists()
    assert AuditEvent.objects.filter(action="delete", user__username="laichau", object_type__endswith="criterion").exists()
    follow(clients["laichau"], url(cy2019, "khung/chi-tieu/"), {
        "code": "TAM", "name": "Tạm", "unit": "lượt", "aggregation": "sum",
        "percent_decimals": "1"})
    _, shown = follow(clients["laichau"], url(cy2019, "khung/chi-tieu/xoa/"), {"code": "TAM"})
    assert any("Đã xóa chỉ tiêu TAM" in m for m in shown) and not cy2019.indicators.filter(code="TAM").exists()
    # 2018 is locked and scored: the chair of 2018 cannot delete its criteria.
    scored = cy2018.criteria.exclude(kind="group").first().code
    _, shown = follow(clients["caobang"], url(cy2018, "khung/tieu-chi/xoa/"), {"code": scored})
    assert cy2018.criteria.filter(code=scored).exists() and shown


def test_registration_by_member_and_by_authority(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    cb, sl = org("04"), org("14")
    page = clients["caobang"].get(url(cy2019, "dang-ky/"))
    assert page.context["member"] == cb and page.context["form"] is not None
    assert {c for c, _ in page.context["form"].fields["titles"].choices} >= {"CO_CP", "BK_TTG"}
    _, shown = follow(clients["caobang"], url(cy2019, "dang-ky/"), {
        "don-vi": cb.pk, "plan_THU_NSNN": "3.850", "plan_VIEC_LAM": "14.500,5", "titles": ["CO_CP"]})
    # Typed the Vietnamese way: the dot groups thousands, the comma starts the decimals.
    assert any("Đã lưu đăng ký của Cao Bằng" in m for m in shown), shown
    plans = dict(Target.objects.filter(member=cb, indicator__cluster_year=cy2019)
                 .values_list("indicator__code", "planned"))
    assert plans == {"THU_NSNN": Decimal(3850), "VIEC_LAM": Decimal("14500.5")}
    assert list(TitleRegistration.objects.filter(cluster_year=cy2019, member=cb)
                .values_list("award_type__code", flat=True)) == ["CO_CP"]
    # The table shows the plans the Vietnamese way; the registered title is shown, not registrable twice.
    html = clients["hoidong"].get(url(cy2019, "dang-ky/")).content.decode()
    assert "14.500,5" in html and "3.850" in html and "Cờ thi đua của Chính phủ" in html
    again = clients["caobang"].get(url(cy2019, "dang-ky/")).content.decode()
    assert re.search(r'checked disabled id="[^"]+"><label[^>]*>Cờ thi đua của Chính phủ', again)
    # Resubmitting the same values changes nothing (and writes no audit row).
    audit = AuditEvent.objects.count()
    _, shown = follow(clients["caobang"], url(cy2019, "dang-ky/"), {
        "don-vi": cb.pk, "plan_THU_NSNN": "3850", "plan_VIEC_LAM": "14500,5"})
    assert shown == ["Không có thay đổi."] and AuditEvent.objects.count() == audit
    # A malformed number: the form says which field, nothing is saved.
    response = clients["caobang"].post(url(cy2019, "dang-ky/"), {"don-vi": cb.pk, "plan_THU_NSNN": "ba nghìn"})
    assert response.status_code == 200 and "không phải là số" in response.content.decode()
    # The organising authority registers for a member it chooses.
    page = clients["trunguong"].get(url(cy2019, "dang-ky/"))
    assert page.context["form"] is None and 'name="don-vi" id="chon-don-vi"' in page.content.decode()
    _, shown = follow(clients["trunguong"], url(cy2019, "dang-ky/"), {"don-vi": sl.pk, "plan_XA_Y_TE": "12"})
    assert Target.objects.get(member=sl, indicator__code="XA_Y_TE", indicator__cluster_year=cy2019).planned == 12


def test_pact_page(clients, cy2018, cy2019):
    page = clients["hoidong"].get(url(cy2019, "giao-uoc/"))
    assert page.context["signed"] == 7 and page.context["pact_form"] is None and page.context["sign_form"] is None
    html = page.content.decode()
    assert "7/7 đã ký" in html and "19/03/2019" in html
    # 2018 has no pact in the scenario: its chair drafts one, then a member signs it.
    _, shown = follow(clients["caobang"], url(cy2018, "giao-uoc/soan/"), {
        "title": "Giao ước thi đua năm 2018", "commitments": "Hoàn thành chỉ tiêu\nNhân rộng điển hình"})
    assert any("Đã lưu giao ước" in m for m in shown)
    page = clients["laichau"].get(url(cy2018, "giao-uoc/"))
    assert page.context["commitments"] == ["Hoàn thành chỉ tiêu", "Nhân rộng điển hình"]
    assert page.context["sign_form"] is not None and page.context["pact_form"] is None
    _, shown = follow(clients["laichau"], url(cy2018, "giao-uoc/ky/"), {
        "don-vi": org("12").pk, "signatory": "Nguyễn Văn A", "position": "Phó Chủ tịch UBND tỉnh",
        "signed_on": "20/02/2018"})
    assert any("Lai Châu đã ký giao ước" in m for m in shown)
    sig = PactSignature.objects.get(pact__cluster_year=cy2018, member=org("12"))
    assert (sig.signatory, sig.signed_on) == ("Nguyễn Văn A", date(2018, 2, 20))
    # Once signed, the chair can no longer edit the text, and the signer has no form left.
    assert clients["caobang"].get(url(cy2018, "giao-uoc/")).context["pact_form"] is None
    assert clients["laichau"].get(url(cy2018, "giao-uoc/")).context["sign_form"] is None


# --------------------------------------------------------------------------- results and evidence


def test_results_with_evidence_and_not_reported(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    cb = org("04")
    follow(clients["caobang"], url(cy2019, "dang-ky/"), {"don-vi": cb.pk, "plan_THU_NSNN": "4000",
                                                          "plan_VIEC_LAM": "15000"})
    evidence = SimpleUploadedFile("bao-cao-thu-ngan-sach.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")
    _, shown = follow(clients["caobang"], url(cy2019, "ket-qua/"), {
        "period": "year_end", "don-vi": cb.pk, "value_THU_NSNN": "4.172", "evidence_THU_NSNN": evidence,
        "value_VIEC_LAM": "14250"})
    assert any("Đã lưu 2 kết quả của Cao Bằng" in m for m in shown), shown
    report = ResultReport.objects.get(target__member=cb, target__indicator__code="THU_NSNN", period="year_end")
    assert report.value == Decimal("4172") and report.evidence.name.endswith(".pdf")
    _, shown = follow(clients["caobang"], url(cy2019, "ket-qua/"), {"period": "year_end", "don-vi": cb.pk,
                                                                     "value_THU_NSNN": "4172,0"})
    assert shown == ["Không có thay đổi."]
    target = Target.objects.get(member=cb, indicator__code="THU_NSNN", indicator__cluster_year=cy2019)
    assert target.actual == Decimal("4172")  # the year-end value is what the statistics read
    follow(clients["caobang"], url(cy2019, "ket-qua/"), {"period": "mid_year", "don-vi": cb.pk,
                                                          "value_THU_NSNN": "1900"})
    assert ResultReport.objects.get(target=target, period="mid_year").value == 1900
    # A file that is not what its name says: refused by the service; no value of the form is saved either.
    before = row_counts()
    response, shown = follow(clients["caobang"], url(cy2019, "ket-qua/"), {
        "period": "year_end", "don-vi": cb.pk, "value_THU_NSNN": "4200", "value_VIEC_LAM": "15000",
        "evidence_VIEC_LAM": SimpleUploadedFile("viec-lam.pdf", b"MZ not a pdf")}, redirects=False)
    assert any("không phải tệp .pdf" in m for m in shown) and row_counts() == before
    assert 'value="4200"' in response.content.decode() and 'accept=".pdf,' in response.content.decode()
    # % of plan per member and for the cluster, from the statistics module: 4172/4000 = 104,3%; 14250/15000 = 95%.
    page = clients["hoidong"].get(url(cy2019, "ket-qua/"))
    html = page.content.decode()
    assert "104,3%" in html and "95%" in html and "6 tháng: 1.900" in html
    row = next(r for r in page.context["matrix"] if r["member"] == cb)
    assert row["cells"][0]["r"].percent_of_plan.quantize(Decimal("0.1")) == Decimal("104.3")
    # The evidence file: for those who see the year; 404 for the others.
    link = url(cy2019, f"minh-chung/ket-qua/{report.pk}/")
    assert link in html
    download = clients["hoidong"].get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 minh chung"
    assert clients["hanoi"].get(link).status_code == 404 and clients["donvi"].get(link).status_code == 404
    assert clients["caobang"].get(url(cy2019, "minh-chung/khac/1/")).status_code == 404
    no_file = ResultReport.objects.get(target=target, period="mid_year")
    assert clients["caobang"].get(url(cy2019, f"minh-chung/ket-qua/{no_file.pk}/")).status_code == 404
    # The chair sees who has not reported; a member does not get the list.
    chair = clients["laichau"].get(url(cy2019, "ket-qua/"))
    missing = dict(chair.context["missing"])
    assert [o.name for o in missing["Cả năm"]] == [o.name for o in services.not_reported(cy2019, "year_end")]
    assert cb in missing["Cả năm"]  # Cao Bằng reported 2 of 6 indicators
    assert len(missing["Cả năm"]) == 7 and "Thành viên chưa báo cáo đủ" in chair.content.decode()
    assert clients["caobang"].get(url(cy2019, "ket-qua/")).context["missing"] is None


def test_manual_cross_assignment(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    members = sorted(cy2019.members.all(), key=lambda o: o.name_folded)
    pairs = [f"{members[(i + j) % 7].pk}-{m.pk}" for i, m in enumerate(members) for j in (1, 2)]
    page = clients["laichau"].get(url(cy2019, "cham-diem/cham-cheo/"))
    assert page.context["can_assign"] and len(page.context["grid"]) == 7
    assert clients["caobang"].get(url(cy2019, "cham-diem/cham-cheo/")).context["can_assign"] is False
    # One member scoring itself: refused by the service, nothing saved.
    _, shown = follow(clients["laichau"], url(cy2019, "cham-diem/cham-cheo/phan-cong-tay/"), {
        "pair": pairs + [f"{members[0].pk}-{members[0].pk}"]})
    assert any("không được chấm chéo chính mình" in m for m in shown)
    assert not CrossAssignment.objects.filter(cluster_year=cy2019).exists()
    # Too few scorers for one member: refused, with the names.
    _, shown = follow(clients["laichau"], url(cy2019, "cham-diem/cham-cheo/phan-cong-tay/"), {
                                                                               "pair": pairs[2:]})
    assert any("chưa đủ" in m and members[0].name in m for m in shown)
    _, shown = follow(clients["laichau"], url(cy2019, "cham-diem/cham-cheo/phan-cong-tay/"), {"pair": pairs})
    assert any("14 cặp" in m for m in shown)
    saved = {f"{a.scorer_id}-{a.member_id}" for a in CrossAssignment.objects.filter(cluster_year=cy2019)}
    assert saved == set(pairs)
    grid = clients["laichau"].get(url(cy2019, "cham-diem/cham-cheo/")).context["grid"]
    assert sum(cell["on"] for row in grid for cell in row["cells"]) == 14
    # An organisation that is not a member of the year: 404.
    hanoi_org = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01")
    assert clients["laichau"].post(url(cy2019, "cham-diem/cham-cheo/phan-cong-tay/"), {
        "pair": [f"{hanoi_org.pk}-{members[0].pk}"]}).status_code == 404


def test_numbers_are_read_and_shown_the_vietnamese_way():
    from thidua.emulation.forms import parse_vn_decimal, plain

    cases = {"26.174": Decimal(26174), "104,3": Decimal("104.3"), "1.250.000": Decimal(1250000),
             "14.500,5": Decimal("14500.5"), "17.5": Decimal("17.5"), " 12 ": Decimal(12), "": None}
    assert {text: parse_vn_decimal(text) for text in cases} == cases
    for value in (Decimal("25000.000"), Decimal("12.50"), Decimal("14500.5"), Decimal("0.2"), Decimal(1000)):
        assert parse_vn_decimal(plain(value)) == value
    assert [plain(Decimal(v)) for v in ("25000.000", "12.50", "0.2")] == ["25.000", "12,5", "0,2"]


# --------------------------------------------------------------------------- votes


def _lock_2019_quickly(cy: ClusterYear):
    """Scores for every member through the services (the page flow is in the full run below)."""
    chair = get_user_model().objects.get(username="laichau")
    users = {code: get_user_model().objects.get(username=name) for code, name in MEMBERS.items()}
    hand = list(cy.criteria.filter(kind__in=["manual", "bonus", "penalty"]))
    for code, user in users.items():
        for ind in cy.indicators.all():  # the year-end results come before the lock
            services.report_result(user, cy, org(code), ind, period="year_end", value=1)
        for c in hand:
            services.score(user, cy, member=org(code), criterion=c, round=ScoreRound.SELF, points=0)
    services.assign_cross_scoring(chair, cy)
    for a in cy.cross_assignments.select_related("scorer", "member"):
        for c in hand:
            services.score(users[a.scorer.admin_code], cy, member=a.member, criterion=c, round=ScoreRound.CROSS,
                           points=0, scorer=a.scorer)
    services.lock_scores(chair, cy)


def test_ballot_is_secret_single_and_results_hidden_until_closed(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    _lock_2019_quickly(cy2019)
    follow(clients["laichau"], url(cy2019, "bo-phieu/hoi-nghi/"), {"title": "Hội nghị tổng kết năm 2019",
                                                          "held_on": "20/03/2020", "place": "Lai Châu"})
    now = timezone.now()
    ld, sl, cb = org("12"), org("14"), org("04")
    response, shown = follow(clients["laichau"], url(cy2019, "bo-phieu/mo-phien/"), {
        "kind": "chair", "candidates": [sl.pk, org("02").pk], "seats": "1",
        "opens_at": vn_datetime(now - timedelta(minutes=5)), "closes_at": vn_datetime(now + timedelta(hours=1)),
        "threshold_percent": "50", "threshold_strict": "on", "quorum_percent": "50", "quorum_strict": "on"})
    session = VoteSession.objects.get(cluster_year=cy2019, kind="chair")
    assert response.request["PATH_INFO"] == url(cy2019, f"bo-phieu/{session.pk}/")
    path = url(cy2019, f"bo-phieu/{session.pk}/")
    page = clients["caobang"].get(path)
    assert page.context["ballot"] is not None and page.context["result"] is None
    assert 'data-max-checked="1"' in page.content.decode()
    _, shown = follow(clients["caobang"], path + "phieu/", {"confirm": "1", "don-vi": cb.pk, "choices": [sl.pk]})
    assert any("Cao Bằng đã bỏ phiếu" in m for m in shown)
    # After voting: "đã bỏ phiếu", no form, and a second ballot is refused without any change.
    page = clients["caobang"].get(path)
    html = page.content.decode()
    assert page.context["ballot"] is None and "Cao Bằng đã bỏ phiếu trong phiên này" in html
    before = row_counts()
    _, shown = follow(clients["caobang"], path + "phieu/", {"confirm": "1", "don-vi": cb.pk, "choices": [org("02").pk]})
    assert any("đã bỏ phiếu" in m and "mỗi thành viên một phiếu" in m for m in shown) and row_counts() == before
    # Two choices on a one-seat ballot: refused by the service.
    _, shown = follow(clients["sonla"], path + "phieu/", {"confirm": "1", "don-vi": sl.pk, "choices": [sl.pk, org("02").pk]})
    assert any("nhiều hơn số được chọn" in m for m in shown) and row_counts() == before
    # Until closed: how many voted, never the counts — for the chair too.
    for name in ("laichau", "hoidong", "trunguong"):
        page = clients[name].get(path)
        html = page.content.decode()
        assert page.context["result"] is None and "1/7" in html and "kiem-phieu" not in html, name
        assert "Số phiếu" not in html, name
    # The participation list says who voted, not for whom; no row links a member to a choice.
    assert list(VoteParticipation.objects.filter(session=session).values_list("member__name", flat=True)) == ["Cao Bằng"]
    assert [f.name for f in VoteParticipation._meta.get_fields()] == ["id", "session", "member"]
    for voter, choice in (("hagiang", sl), ("langson", sl), ("laocai", sl), ("sonla", org("02"))):
        follow(clients[voter], path + "phieu/", {"confirm": "1", "don-vi": org(
            next(c for c, n in MEMBERS.items() if n == voter)).pk, "choices": [choice.pk]})
    # A member cannot close; the chair can (after confirming); then the tally shows with its lines.
    _, shown = follow(clients["caobang"], path + "ket-thuc/", {"confirm": "1"})
    assert any("Chỉ cụm trưởng" in m for m in shown) and VoteSession.objects.get(pk=session.pk).closed_at is None
    _, shown = follow(clients["laichau"], path + "ket-thuc/", {})
    assert any("Cần xác nhận" in m for m in shown) and VoteSession.objects.get(pk=session.pk).closed_at is None
    _, shown = follow(clients["laichau"], path + "ket-thuc/", {"confirm": "1"})
    assert any("kết quả kiểm phiếu được công bố" in m for m in shown)
    page = clients["hoidong"].get(path)
    result = page.context["result"]
    assert [(c.organization.name, c.votes) for c in result.candidates] == [("Sơn La", 4), ("Hà Giang", 1)]
    assert result.ballots_cast == 5 and result.threshold_votes == 4 and result.quorum_votes == 4
    html = page.content.decode()
    assert "Ngưỡng trúng: 4 phiếu" in html and "Số phiếu thu về 5/7" in html and ">trúng<" in html
    assert ClusterYear.objects.get(cluster=cy2019.cluster, year=2020).chair == sl
    # Voting after closing: refused, nothing changes.
    before = row_counts()
    _, shown = follow(clients["laichau"], path + "phieu/", {"confirm": "1", "don-vi": ld.pk, "choices": [sl.pk]})
    assert any("đã đóng" in m for m in shown) and row_counts() == before


def test_tie_produces_a_second_round_from_the_page(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    _lock_2019_quickly(cy2019)
    follow(clients["laichau"], url(cy2019, "bo-phieu/hoi-nghi/"), {"title": "Hội nghị tổng kết năm 2019",
                                                          "held_on": "20/03/2020", "place": "Lai Châu"})
    now = timezone.now()
    hg, sl = org("02"), org("14")
    follow(clients["laichau"], url(cy2019, "bo-phieu/mo-phien/"), {
        "kind": "chair", "candidates": [sl.pk, hg.pk], "seats": "1",
        "opens_at": vn_datetime(now - timedelta(minutes=5)), "closes_at": vn_datetime(now + timedelta(hours=1)),
        "threshold_percent": "50", "threshold_strict": "on", "quorum_percent": "50", "quorum_strict": "on"})
    session = VoteSession.objects.get(cluster_year=cy2019, kind="chair")
    path = url(cy2019, f"bo-phieu/{session.pk}/")
    # 3 – 3 and one blank ballot: nobody reaches 4 of 7, the leaders are level → a new round among them.
    for voter, choice in (("hagiang", sl), ("caobang", sl), ("langson", sl), ("laocai", hg), ("dienbien", hg),
                          ("sonla", hg), ("laichau", None)):
        code = next(c for c, n in MEMBERS.items() if n == voter)
        follow(clients[voter], path + "phieu/", {"confirm": "1", "don-vi": org(code).pk,
                                      **({"choices": [choice.pk]} if choice else {})})
    follow(clients["laichau"], path + "ket-thuc/", {"confirm": "1"})
    page = clients["laichau"].get(path)
    assert page.context["result"].tied == [hg, sl] and page.context["tie_form"] is not None
    html = page.content.decode()
    assert "Bầu lại vòng 2 giữa các đơn vị bằng phiếu" in html and "bằng phiếu" in html
    assert clients["caobang"].get(path).context["tie_form"] is None  # only the chair may call it
    _, shown = follow(clients["laichau"], path + "vong-moi/", {"opens_at": vn_datetime(now - timedelta(minutes=1)),
                                                 "closes_at": vn_datetime(now + timedelta(hours=1))})
    second = VoteSession.objects.get(previous=session)
    assert second.round == 2 and set(second.candidates.values_list("organization__name", flat=True)) == {
        "Hà Giang", "Sơn La"}
    assert any("Đã mở vòng 2" in m for m in shown)
    assert clients["laichau"].get(path).context["following"] == second


# --------------------------------------------------------------------------- the whole 2019 year through the pages


# Hand scores per member: B1, B2, B3, B4, C (bonus), D (penalty). Cross scorers give the same points.
HAND = {"04": (18, 14, 14, 18, 4, 0), "12": (18, 13, 13, 18, 3, 0), "10": (17, 13, 13, 17, 3, 0),
        "02": (16, 12, 12, 16, 2, 0), "14": (17, 12, 12, 16, 2, 0), "20": (15, 11, 11, 15, 1, 0),
        "11": (15, 11, 11, 15, 1, 1)}
# Actual results (plan 100 for every indicator): Cao Bằng 105% of the budget plan (bonus 5 × 0,2 = 1 point),
# Sơn La 80% of the health-standard communes (5 × 0,8 = 4 points), Điện Biên 80% of the new jobs (8 points).
ACTUAL = {("04", "THU_NSNN"): "105", ("14", "XA_Y_TE"): "80", ("11", "VIEC_LAM"): "80"}


def test_a_whole_year_through_the_pages(clients, cy2019):
    c = clients
    chair = c["laichau"]
    members = {code: org(code) for code in MEMBERS}
    # 1. Open, copying 2018's indicators and framework.
    open_2019(chair, cy2019)
    indicators = list(cy2019.indicators.values_list("code", flat=True))
    crit = {cr.code: cr for cr in cy2019.criteria.all()}
    hand_codes = ["B1", "B2", "B3", "B4", "C", "D"]
    # 2. Each member registers its plans (and one title); the pact of 2019 was signed at the 2018 conference.
    for code, name in MEMBERS.items():
        _, shown = follow(c[name], url(cy2019, "dang-ky/"), {
            "don-vi": members[code].pk, **{f"plan_{i}": "100" for i in indicators},
            "titles": ["CO_CP"] if code in ("04", "12") else []})
        assert any("Đã lưu đăng ký" in m for m in shown), (name, shown)
    # 3. Each member reports its year-end results (Hà Giang with evidence and a mid-year report too).
    for code, name in MEMBERS.items():
        data = {"period": "year_end", "don-vi": members[code].pk,
                **{f"value_{i}": ACTUAL.get((code, i), "100") for i in indicators}}
        if code == "02":
            data["evidence_THU_NSNN"] = SimpleUploadedFile("thu-ngan-sach.pdf", b"%PDF-1.4 minh chung")
        follow(c[name], url(cy2019, "ket-qua/"), {"period": "mid_year", "don-vi": members[code].pk,
                                                  **{f"value_{i}": "48" for i in indicators}})
        _, shown = follow(c[name], url(cy2019, "ket-qua/"), data)
        assert any(f"Đã lưu {len(indicators)} kết quả" in m for m in shown), (name, shown)
    assert services.not_reported(cy2019, "year_end") == [] == services.not_reported(cy2019, "mid_year")
    # 4. Self-scoring, with a comment and an evidence file.
    for code, name in MEMBERS.items():
        data = {"don-vi": members[code].pk}
        for cc, points in zip(hand_codes, HAND[code], strict=True):
            data[f"points_{crit[cc].pk}"] = str(points)
            data[f"comment_{crit[cc].pk}"] = f"Tự chấm {cc}"
        data[f"evidence_{crit['B2'].pk}"] = SimpleUploadedFile("dien-hinh.pdf", b"%PDF-1.4 dien hinh")
        _, shown = follow(c[name], url(cy2019, "cham-diem/tu-cham/"), data)
        assert any("Đã lưu 6 điểm" in m for m in shown), (name, shown)
    assert Score.objects.filter(criterion__cluster_year=cy2019, round="self").count() == 42
    with_file = Score.objects.get(criterion=crit["B2"], member=members["04"], round="self")
    link = url(cy2019, f"minh-chung/diem/{with_file.pk}/")
    assert link in c["caobang"].get(url(cy2019, "cham-diem/tu-cham/")).content.decode()
    assert b"".join(c["hoidong"].get(link).streaming_content) == b"%PDF-1.4 dien hinh"
    assert c["hanoi"].get(link).status_code == 404
    # 5. The chair assigns the cross-scoring (rotation); each scorer scores its assigned members.
    _, shown = follow(chair, url(cy2019, "cham-diem/cham-cheo/phan-cong/"), {})
    assert any("Đã phân công chấm chéo" in m for m in shown)
    pairs = list(CrossAssignment.objects.filter(cluster_year=cy2019).select_related("scorer", "member"))
    assert len(pairs) == 14 and all(a.scorer_id != a.member_id for a in pairs)
    assert all(sum(1 for a in pairs if a.member_id == m.pk) == 2 for m in members.values())
    for a in pairs:
        scorer_client = c[MEMBERS[a.scorer.admin_code]]
        page = scorer_client.get(url(cy2019, f"cham-diem/cham-cheo/?thanh-vien={a.member.pk}"))
        assert page.context["target"] == a.member and page.context["form"] is not None
        data = {"thanh-vien": a.member.pk}
        for cc, points in zip(hand_codes, HAND[a.member.admin_code], strict=True):
            data[f"points_{crit[cc].pk}"] = str(points)
        _, shown = follow(scorer_client, url(cy2019, "cham-diem/cham-cheo/cham/"), data)
        assert any("Đã lưu 6 điểm" in m for m in shown), shown
    assert Score.objects.filter(criterion__cluster_year=cy2019, round="cross").count() == 84
    # Cross-scoring a member one is not assigned to: refused, nothing changes.
    not_assigned = next(m for m in members.values() if m.pk != members["12"].pk and not any(
        a.scorer_id == members["12"].pk and a.member_id == m.pk for a in pairs))
    before = row_counts()
    _, shown = follow(chair, url(cy2019, "cham-diem/cham-cheo/cham/"), {
        "thanh-vien": not_assigned.pk, f"points_{crit['B1'].pk}": "1"})
    assert any("không được phân công chấm chéo" in m for m in shown) and row_counts() == before
    # 6. The chair consolidates: a final score that differs from the cross mean needs a reason.
    db = members["11"]
    response, shown = follow(chair, url(cy2019, "cham-diem/tong-hop/"), {"thanh-vien": db.pk,
                                                                         f"final_{crit['B4'].pk}": "16"},
                             redirects=False)
    assert any("cần ghi lý do" in m for m in shown) and row_counts() == before
    assert 'value="16"' in response.content.decode()  # the refused input is kept on the form
    _, shown = follow(chair, url(cy2019, "cham-diem/tong-hop/"), {
        "thanh-vien": db.pk, f"final_{crit['B4'].pk}": "16",
        f"reason_{crit['B4'].pk}": "Bổ sung minh chứng hội thảo của Cụm sau vòng chấm chéo"})
    assert any("Đã lưu 1 điểm tổng hợp của Điện Biên" in m for m in shown), shown
    grid = chair.get(url(cy2019, f"cham-diem/tong-hop/?thanh-vien={db.pk}"))
    b4 = next(line for line in grid.context["lines"] if line["c"].code == "B4")
    assert b4["cell"].cross_mean == 15 and b4["cell"].final == 16 and b4["cell"].differs_from_cross
    assert "Bổ sung minh chứng hội thảo" in grid.content.decode()
    # The ranking, checked against the arithmetic: 30 indicator points (100% of plan), minus the shortfalls,
    # plus the bonus above plan; the hand scores; the bonus criterion; minus the penalty.
    expected = {}
    for code, (b1, b2, b3, b4_, bonus, penalty) in HAND.items():
        indicator_points = Decimal(30) - {"14": 1, "11": 2}.get(code, 0)
        formula_bonus = Decimal(1) if code == "04" else Decimal(0)
        manual = b1 + b2 + b3 + (16 if code == "11" else b4_)
        expected[members[code].name] = indicator_points + manual + bonus + formula_bonus - penalty
    assert expected == {"Cao Bằng": 99, "Lai Châu": 95, "Lào Cai": 93, "Hà Giang": 88, "Sơn La": 88,
                        "Lạng Sơn": 83, "Điện Biên": 81}
    page = c["hoidong"].get(url(cy2019, "cham-diem/"))
    rows = page.context["sheet"].rows
    assert {r.member.name: r.total for r in rows} == expected
    assert [(r.rank, r.member.name) for r in rows] == [
        (1, "Cao Bằng"), (2, "Lai Châu"), (3, "Lào Cai"), (4, "Hà Giang"), (5, "Sơn La"), (6, "Lạng Sơn"),
        (7, "Điện Biên")]
    # Hà Giang and Sơn La tie on 88: Hà Giang first on the second tie-break (indicator points 30 > 29), marked †.
    assert [r.member.name for r in rows if r.tie_broken] == ["Hà Giang", "Sơn La"]
    html = page.content.decode()
    assert html.count('class="tie-mark"') == 2 and "Điểm các chỉ tiêu đo được" in html and "99" in html
    # 7. Score history: who, when, before, after, why — the chair's change of Điện Biên's B4 is there.
    history = c["caobang"].get(url(cy2019, f"cham-diem/lich-su/?thanh-vien={db.pk}"))
    final_events = [e for e in history.context["events"] if "Cụm trưởng tổng hợp" in e.object_repr]
    assert len(final_events) == 1 and Decimal(final_events[0].points_after) == 16
    assert final_events[0].username == "laichau" and final_events[0].reason.startswith("Bổ sung minh chứng")
    assert len(history.context["events"]) == 6 + 12 + 1  # self, cross by two scorers, final
    # 8. Lock (with confirmation); afterwards the forms are gone and scores cannot change.
    page = chair.get(url(cy2019, "cham-diem/"))
    assert page.context["can_lock"] and 'data-bs-target="#xac-nhan-khoa"' in page.content.decode()
    _, shown = follow(chair, url(cy2019, "cham-diem/khoa/"), {"confirm": "1"})
    assert any("Đã khóa điểm năm 2019" in m for m in shown)
    assert YearRun.objects.get(cluster_year=cy2019).locked
    for name in ("laichau", "caobang"):
        html = c[name].get(url(cy2019, "cham-diem/tu-cham/")).content.decode()
        assert "Đã khóa điểm" in html and 'name="points_' not in html
    before = row_counts()
    _, shown = follow(c["caobang"], url(cy2019, "cham-diem/tu-cham/"), {f"points_{crit['B1'].pk}": "20"})
    assert any("đã khóa" in m for m in shown) and row_counts() == before
    # 9. The review conference and the votes.
    _, shown = follow(chair, url(cy2019, "bo-phieu/hoi-nghi/"), {
        "title": "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2019", "held_on": "20/03/2020",
        "place": "Thành phố Lai Châu"})
    assert any("Đã lập hội nghị tổng kết" in m for m in shown)
    now = timezone.now()
    window = {"opens_at": vn_datetime(now - timedelta(minutes=5)), "closes_at": vn_datetime(now + timedelta(hours=2)),
              "threshold_percent": "50", "threshold_strict": "on", "quorum_percent": "50", "quorum_strict": "on"}

    def run_vote(kind: str, ballots: dict[str, list[str]], *, expect_candidates: list[str], seats: int = 1,
                 session=None) -> VoteSession:
        if session is None:
            page = chair.get(url(cy2019, f"bo-phieu/?kind={kind}"))
            form = page.context["vote_form"]
            suggested = [members_by_pk[pk].name for pk in form.initial["candidates"]]
            assert suggested == expect_candidates, (kind, suggested)
            assert form.initial["seats"] == seats
            response, shown = follow(chair, url(cy2019, "bo-phieu/mo-phien/"), {
                "kind": kind, "candidates": form.initial["candidates"], "seats": str(seats),
                **window})
            assert any("Đã mở phiên bỏ phiếu" in m for m in shown), shown
            session = VoteSession.objects.get(cluster_year=cy2019, kind=kind, round=1)
        path = url(cy2019, f"bo-phieu/{session.pk}/")
        for code, choice in ballots.items():
            _, shown = follow(c[MEMBERS[code]], path + "phieu/", {"confirm": "1", "don-vi": members[code].pk,
                                                        "choices": [members[x].pk for x in choice]})
            assert any("đã bỏ phiếu" in m for m in shown), (kind, code, shown)
        follow(chair, path + "ket-thuc/", {"confirm": "1"})
        return VoteSession.objects.get(pk=session.pk)

    members_by_pk = {m.pk: m for m in members.values()}
    everyone = list(MEMBERS)
    # (a) the flag: the top three of the ranking are suggested; six ballots for Cao Bằng.
    run_vote("flag", {code: ["12" if code == "04" else "04"] for code in everyone},
             expect_candidates=["Cao Bằng", "Lai Châu", "Lào Cai"])
    # (b) certificates, two seats, among the next four (not the flag's unit): Lai Châu clear, a tie for the last seat.
    cert = run_vote("certificate", {"02": ["12", "10"], "04": ["12", "10"], "20": ["12", "10"], "10": ["12", "02"],
                                    "12": ["10", "02"], "11": ["12", "02"], "14": ["12", "02"]},
                    expect_candidates=["Lai Châu", "Lào Cai", "Hà Giang", "Sơn La"], seats=2)
    result = c["hoidong"].get(url(cy2019, f"bo-phieu/{cert.pk}/")).context["result"]
    assert [o.name for o in result.elected] == ["Lai Châu"] and [o.name for o in result.tied] == ["Hà Giang", "Lào Cai"]
    follow(chair, url(cy2019, f"bo-phieu/{cert.pk}/vong-moi/"), {**window})
    second = VoteSession.objects.get(previous=cert)
    run_vote("certificate", {code: ["10"] for code in everyone[:5]} | {"11": ["02"], "14": ["02"]},
             expect_candidates=[], session=second)
    # (c) next year's chair: not the chairs of the last three years (Cao Bằng 2018, Lai Châu 2019).
    run_vote("chair", {code: ["02" if code == "14" else "14"] for code in everyone},
             expect_candidates=["Điện Biên", "Hà Giang", "Lạng Sơn", "Lào Cai", "Sơn La"])
    # (d) the deputy: anyone but next year's chair.
    run_vote("deputy", {code: ["02"] for code in everyone},
             expect_candidates=["Cao Bằng", "Điện Biên", "Hà Giang", "Lai Châu", "Lạng Sơn", "Lào Cai"])
    proposals = sorted(Proposal.objects.filter(cluster_year=cy2019).values_list("award_type__code",
                                                                                 "organization__name"))
    assert proposals == [("BK_TTG", "Lai Châu"), ("BK_TTG", "Lào Cai"), ("CO_CP", "Cao Bằng")]
    y2020 = ClusterYear.objects.get(cluster=cy2019.cluster, year=2020)
    assert (y2020.chair.name, y2020.deputy.name) == ("Sơn La", "Hà Giang")
    assert set(y2020.members.all()) == set(cy2019.members.all())
    # 10. The handover, then the link to the next year's overview.
    page = chair.get(url(cy2019, "bo-phieu/"))
    assert page.context["handover_form"] is not None
    _, shown = follow(chair, url(cy2019, "bo-phieu/trao-co/"), {"handed_on": "20/03/2020",
                                                        "handed_by": "Chủ tịch UBND tỉnh Lai Châu"})
    assert any("Đã ghi nhận trao cờ luân lưu" in m for m in shown)
    handover = FlagHandover.objects.get(conference__cluster_year=cy2019)
    assert (handover.from_org.name, handover.to_org.name, handover.handed_on) == ("Lai Châu", "Sơn La",
                                                                                 date(2020, 3, 20))
    html = chair.get(url(cy2019, "bo-phieu/")).content.decode()
    assert url(y2020, "") in html and "đã trao cờ luân lưu cho <strong>Sơn La</strong>" in html
    # Every step of 2019 is done, from the records.
    overview = c["hoidong"].get(url(cy2019))
    assert all(r["s"].done for r in overview.context["rows"]), [
        (r["s"].step, r["s"].detail) for r in overview.context["rows"] if not r["s"].done]
    assert "10/10 bước đã xong" in overview.content.decode()
    # The new chair sees the 2020 year waiting to be opened, with the opening as its only action.
    sonla = c["sonla"].get(url(y2020))
    assert [a.label for r in sonla.context["rows"] for a in r["actions"]] == ["Mở năm thi đua"]
    assert sheet_total(cy2019, "Cao Bằng") == Decimal(99)


def sheet_total(cy: ClusterYear, name: str) -> Decimal:
    return next(r.total for r in score_sheet(cy).rows if r.member.name == name)


def test_a_ballot_is_cast_only_after_its_confirmation_even_a_blank_one(clients, cy2019):
    open_2019(clients["laichau"], cy2019)
    _lock_2019_quickly(cy2019)
    follow(clients["laichau"], url(cy2019, "bo-phieu/hoi-nghi/"), {"title": "Hội nghị tổng kết năm 2019",
                                                          "held_on": "20/03/2020", "place": "Lai Châu"})
    now = timezone.now()
    sl, cb, hg = org("14"), org("04"), org("02")
    follow(clients["laichau"], url(cy2019, "bo-phieu/mo-phien/"), {
        "kind": "chair", "candidates": [sl.pk, hg.pk], "seats": "1",
        "opens_at": vn_datetime(now - timedelta(minutes=5)), "closes_at": vn_datetime(now + timedelta(hours=1)),
        "threshold_percent": "50", "threshold_strict": "on", "quorum_percent": "50", "quorum_strict": "on"})
    session = VoteSession.objects.get(cluster_year=cy2019, kind="chair")
    path = url(cy2019, f"bo-phieu/{session.pk}/")
    before = row_counts()
    # First press: the choice is shown back with a confirmation form; nothing is recorded.
    page = clients["caobang"].post(path + "phieu/", {"don-vi": cb.pk, "choices": [sl.pk]})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="xac-nhan-phieu"' in html and "Sơn La" in html
    assert f'name="choices" value="{sl.pk}"' in html and 'name="confirm" value="1"' in html
    assert row_counts() == before and not VoteParticipation.objects.filter(session=session).exists()
    # A blank ballot says so, and is not cast either.
    page = clients["sonla"].post(path + "phieu/", {"don-vi": sl.pk})
    assert "Phiếu trắng: không chọn đơn vị nào." in page.content.decode() and row_counts() == before
    # Confirmed: cast.
    _, shown = follow(clients["caobang"], path + "phieu/", {"don-vi": cb.pk, "choices": [sl.pk], "confirm": "1"})
    assert any("Cao Bằng đã bỏ phiếu" in m for m in shown)
    assert list(VoteParticipation.objects.filter(session=session).values_list("member__name", flat=True)) == ["Cao Bằng"]
