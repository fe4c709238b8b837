"""Importing a province's back catalogue (the golden register of past decisions): own decisions and transcriptions,
rows grouped into decisions, duplicates in the file and against the registry, all-or-nothing, the background job
above the threshold, and who may import."""

from __future__ import annotations

import pytest

from tests.conftest import _client_for
from tests.lib.imports.helpers import cid, xlsx
from tests.lib.imports.test_people import commit, issues, preview
from thidua.awards.models import Award, Decision
from thidua.core.models import AuditEvent
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
UPLOAD = "/khen-thuong/nhap-so-vang/"
HEADER = ["Số sổ vàng", "Số quyết định (*)", "Ngày ký (*)", "Cơ quan ban hành (*)", "Người ký", "Chức vụ người ký",
          "Hình thức khen thưởng (*)", "Năm thành tích (*)", "Số định danh cá nhân", "Tập thể được khen",
          "Tên người/tập thể được khen (*)", "Loại khen thưởng"]


@pytest.fixture
def staff(db):
    dept = Organization.objects.get(user_roles__user__username="donvi")
    people = [Person.objects.create(full_name=f"Người Sổ Vàng {n}", citizen_id=cid(700 + n), gender="male",
                                    birth_year=1970, organization=dept) for n in range(4)]
    return dept, people


def sheet(rows):
    return xlsx(rows, HEADER, sheet="Sổ vàng")


def row(number, day, authority, award, year, person=None, org=None, name=None, register="", signer=""):
    return [register, number, day, authority, signer, "", award, year, person.citizen_id if person else "",
            f"{org.name} [#{org.pk}]" if org else "", name or (person.full_name if person else org.name), ""]


def test_back_catalogue_imports_own_decisions_and_transcriptions(staff):
    dept, people = staff
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_to__isnull=True)
    rows = [row("101/QĐ-UBND", "12/03/2015", "Cao Bằng", "BK_TINH", 2014, people[0], register="0001/2015"),
            row("101/QĐ-UBND", "12/03/2015", "Cao Bằng", "BK_TINH", 2014, people[1], register="0002/2015"),
            row("101/QĐ-UBND", "12/03/2015", "Cao Bằng", "BK_TINH", 2014, org=dept, register="0003/2015"),
            row("880/QĐ-TTg", "01/06/2016", "Thủ tướng Chính phủ", "BK_TTG", 2015, people[2])]
    client = _client_for("caobang")
    purl, response = preview(client, sheet(rows), "so-vang.xlsx", UPLOAD)
    assert response.context["result"].ok, issues(response)
    before = AuditEvent.objects.count()
    assert commit(client, purl, response).status_code == 302
    own = Decision.objects.get(number="101/QĐ-UBND", authority=cao_bang)
    assert not own.is_transcribed and own.awards.count() == 3
    assert sorted(own.awards.values_list("register_no", flat=True)) == ["0001/2015", "0002/2015", "0003/2015"]
    assert own.awards.get(recipient_org=dept).recipient_class == "collective"
    copy = Decision.objects.get(number="880/QĐ-TTg")
    assert copy.transcribed_by == cao_bang and copy.source_document.name.startswith("decisions/so-vang/")
    assert copy.awards.get().recipient_person == people[2]
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.after["created"] == 4 and event.after["import"] == "golden-register"


def test_duplicates_and_bad_rows_write_nothing(staff):
    dept, people = staff
    client = _client_for("caobang")
    # An existing decision of the registry: the demo's own decisions of Cao Bằng.
    existing = Decision.objects.own().filter(authority__admin_code="04", authority__kind="province").first()
    rows = [row("300/QĐ-UBND", "12/03/2015", "Cao Bằng", "BK_TINH", 2014, people[0]),
            row("300/QĐ-UBND", "12/03/2015", "Cao Bằng", "BK_TINH", 2014, people[0]),  # the same award twice
            row("301/QĐ-UBND", "13/03/2015", "Cao Bằng", "BK_TINH", 2016, people[1]),  # year after signing
            row("302/QĐ-UBND", "13/03/2015", "Cao Bằng", "LDTT", 2014, org=dept),  # individual title to a unit
            row("300/QĐ-UBND", "14/03/2015", "Cao Bằng", "BK_TINH", 2014, people[3]),  # another date, same decision
            row(existing.number, existing.signed_on.strftime("%d/%m/%Y"), "Cao Bằng", "BK_TINH",
                existing.signed_on.year, people[2])]
    purl, response = preview(client, sheet(rows), "so-vang.xlsx", UPLOAD)
    found = issues(response)
    assert any(r == 3 and "Trùng" in m and "dòng 2" in m for r, _c, m in found), found
    assert any(r == 4 and c == "Năm thành tích" for r, c, _m in found), found
    assert any(r == 5 and "không dành cho tập thể" in m for r, _c, m in found), found
    assert any(r == 6 and c == "Ngày ký" and "dòng 2" in m for r, c, m in found), found
    assert any(r == 7 and "đã có trong sổ" in m for r, _c, m in found), found
    count = Award.objects.count()
    assert commit(client, purl, response).status_code == 409
    assert Award.objects.count() == count and not Decision.objects.filter(number="300/QĐ-UBND").exists()


def test_recipients_outside_the_scope_are_refused(staff):
    lai_chau_dept = Organization.objects.filter(kind=OrganizationKind.DEPARTMENT, parent__admin_code="12").first()
    outsider = Person.objects.create(full_name="Người Lai Châu", citizen_id=cid(790), gender="male", birth_year=1970,
                                     organization=lai_chau_dept)
    purl, response = preview(_client_for("caobang"),
                             sheet([row("55/QĐ-TTg", "01/06/2016", "Thủ tướng Chính phủ", "BK_TTG", 2015, outsider)]),
                             "so-vang.xlsx", UPLOAD)
    assert any(c == "Số định danh cá nhân" and "ngoài phạm vi" in m for _r, c, m in issues(response))


def test_big_file_is_written_by_a_background_job(staff, settings, immediate_jobs):
    from thidua.jobs.models import Job

    _dept, people = staff
    settings.THIDUA_IMPORT_JOB_MIN_BYTES = 1  # every file is "big" here
    rows = [row(f"{400 + n}/QĐ-UBND", "12/03/2016", "Cao Bằng", "BK_TINH", 2015, p) for n, p in enumerate(people)]
    client = _client_for("caobang")
    purl, response = preview(client, sheet(rows), "so-vang.xlsx", UPLOAD)
    assert response.context["result"] is None  # a big file is checked by the job, not in the request
    answer = client.post(purl + "ghi", {"sha256": response.context["stored"].sha256})
    job = Job.objects.filter(kind="imports.commit").latest("pk")
    assert answer.status_code == 302 and answer.url == f"/cong-viec/{job.pk}/"
    assert job.status == "succeeded" and job.done == 4 and "4 khen thưởng" in job.message, job.message
    assert Award.objects.filter(decision__number__in=[f"{400 + n}/QĐ-UBND" for n in range(4)]).count() == 4
    # The upload is gone once written: the same commit again finds nothing to write.
    assert client.post(purl + "ghi", {"sha256": "x", "rows": 4}).status_code == 404


@pytest.mark.parametrize("username, status", [("caobang", 200), ("laichau", 200), ("donvi", 403),
                                              ("trunguong", 403), ("hoidong", 403)])
def test_who_may_import_the_golden_register(username, status):
    assert _client_for(username).get(UPLOAD).status_code == status
    assert _client_for(username).get(UPLOAD + "mau.xlsx").status_code == status
