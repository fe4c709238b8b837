"""Certificates on blanks: one page per award in one PDF built as a job with progress (392 pages for a decision
of 2018 state-level awards), the layout chosen per office and award type, validated with messages naming the
line, a calibration page and a preview on a drawn blank; only the issuing office prints and edits its layouts."""

import io
import itertools
import shutil
import subprocess
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from pyhanko.pdf_utils.reader import PdfFileReader

from thidua.awards.models import Award, AwardLevel, AwardType, Decision
from thidua.jobs.models import Job, JobStatus
from thidua.orgs.models import Organization, OrganizationKind
from thidua.papers import printing
from thidua.papers.models import PrintLayout

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _pages(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def _page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfFileReader(io.BytesIO(pdf))
    return [tuple(round(float(v)) for v in list(reader.find_page_for_modification(i)[0].get_object()["/MediaBox"])[2:])
            for i in range(_pages(pdf))]


@pytest.fixture
def state_decision_392(db) -> Decision:
    """A Prime Minister's decision of 2019 with 392 awards for 2018 (the demo's state-level awards, repeated)."""
    government = Organization.objects.get(kind=OrganizationKind.STATE, name="Thủ tướng Chính phủ")
    decision = Decision.objects.create(number="392/QĐ-TTg", signed_on=date(2019, 1, 15), authority=government,
                                       signer_title="Thủ tướng Chính phủ", signer_name="Nguyễn Văn A",
                                       is_illustrative=True)
    source = list(Award.objects.filter(award_type__level=AwardLevel.STATE, year=2018, recipient_person__isnull=False)
                  .order_by("pk")[:400])
    assert source
    clones = []
    for award in itertools.islice(itertools.cycle(source), 392):
        award.pk = None
        award.decision = decision
        award.register_no = ""
        clones.append(award)
    Award.objects.bulk_create(clones)
    return decision


def test_392_pages_build_as_a_job_with_progress(state_decision_392, central_board, immediate, media, tmp_path):
    response = central_board.post(f"/giay-to/quyet-dinh/{state_decision_392.pk}/in-phoi/")
    job = Job.objects.get(kind="papers.print")
    assert response.status_code == 302 and response.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.message + job.error_detail
    assert job.total == 392 and job.done == 392 and job.data["pages"] == 392
    pdf = job.result.read()
    assert _pages(pdf) == 392
    # Bằng khen of the Prime Minister: the larger blank by default (A3 landscape, 1191 × 842 pt).
    assert set(_page_sizes(pdf)) <= {(1191, 842), (842, 595)}
    last = Award.objects.filter(decision=state_decision_392).order_by("pk").last()
    if shutil.which("pdftotext"):  # poppler-utils: the text of the last page is the last award's
        out = tmp_path / "p.pdf"
        out.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-f", "392", "-l", "392", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert last.recipient_name in text and "Quyết định số 392/QĐ-TTg ngày 15/01/2019" in text


def test_the_most_specific_layout_applies(demo_decision):
    authority = demo_decision.authority
    atype = demo_decision.awards.first().award_type
    other_type = AwardType.objects.exclude(pk=atype.pk).first()
    assert printing.layouts_for(authority, [atype])[atype.pk].source == "mặc định"
    PrintLayout.objects.create(organization=None, award_type=None, page_size="A4L", fields=printing.DEFAULT_FIELDS)
    PrintLayout.objects.create(organization=None, award_type=atype, page_size="A4L", offset_x_mm=1)
    office = PrintLayout.objects.create(organization=authority, award_type=None, page_size="A3L", offset_x_mm=2)
    own = PrintLayout.objects.create(organization=authority, award_type=atype, page_size="A4L", offset_x_mm=3)
    chosen = printing.layouts_for(authority, [atype, other_type])
    assert chosen[atype.pk].offset_x == 3 and chosen[other_type.pk].offset_x == 2
    own.delete()
    assert printing.layouts_for(authority, [atype])[atype.pk].offset_x == 2
    office.delete()
    assert printing.layouts_for(authority, [atype])[atype.pk].offset_x == 1


def test_the_offset_moves_every_line(demo_decision):
    award = demo_decision.awards.select_related("award_type", "unit__parent", "decision__authority").first()
    base = printing.Layout("A4L", 0, 0, printing.DEFAULT_FIELDS, "")
    moved = printing.Layout("A4L", 5, -3, printing.DEFAULT_FIELDS, "")
    assert printing.page_pdf(award, base, drawn=False) != printing.page_pdf(award, moved, drawn=False)


def test_layout_lines_are_checked_with_messages_naming_the_line():
    with pytest.raises(Exception) as exc:
        printing.validate_fields([{"field": "recipient", "x": 100}, {"field": "ten", "x": 1, "y": 2},
                                  {"field": "unit", "x": "abc", "y": 500}])
    messages = exc.value.messages
    assert "Dòng 1 (recipient): thiếu “y” (mm)." in messages
    assert any(m.startswith("Dòng 2: “ten” không phải tên dòng chữ") for m in messages)
    assert "Dòng 3 (unit): “x” phải là số, không phải “abc”." in messages
    assert "Dòng 3 (unit): “y” = 500 ngoài khoảng 0–420." in messages


def _layout_post(org, **extra):
    return {"organization": org.pk, "award_type": "", "page_size": "A4L", "offset_x_mm": "1.5", "offset_y_mm": "-2",
            "fields_json": '[{"field": "recipient", "x": 148.5, "y": 90, "size": 20, "bold": true}]', **extra}


def test_the_issuing_office_edits_its_layout_and_prints_a_calibration_page(province_officer, demo_decision):
    org = demo_decision.authority
    response = province_officer.post("/giay-to/mau-in/", _layout_post(org))
    layout = PrintLayout.objects.get(organization=org)
    assert response.status_code == 302 and float(layout.offset_x_mm) == 1.5 and layout.fields[0]["field"] == "recipient"
    calibration = province_officer.get(f"/giay-to/mau-in/{layout.pk}/can-chinh.pdf")
    assert calibration.status_code == 200 and calibration.content.startswith(b"%PDF")
    assert _pages(calibration.content) == 1
    preview = province_officer.get(f"/giay-to/mau-in/{layout.pk}/xem-truoc.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    # Bad JSON: a message with the place, nothing saved.
    bad = province_officer.post("/giay-to/mau-in/", _layout_post(org, layout=layout.pk, fields_json='[{"field": '))
    assert bad.status_code == 200 and "JSON không hợp lệ ở dòng 1" in bad.content.decode()
    layout.refresh_from_db()
    assert layout.fields[0]["y"] == 90


@pytest.mark.parametrize("persona", ["other_province_officer", "council_member", "auditor"])
def test_others_neither_edit_nor_see_an_office_layout(persona, request, demo_decision):
    org = demo_decision.authority
    layout = PrintLayout.objects.create(organization=org, fields=printing.DEFAULT_FIELDS)
    who = request.getfixturevalue(persona)
    assert who.get(f"/giay-to/mau-in/{layout.pk}/can-chinh.pdf").status_code == 404
    assert who.get(f"/giay-to/mau-in/{layout.pk}/xem-truoc.pdf").status_code == 404
    who.post("/giay-to/mau-in/", _layout_post(org, layout=layout.pk))
    who.post("/giay-to/mau-in/", _layout_post(org))
    assert PrintLayout.objects.count() == 1 and float(PrintLayout.objects.get().offset_x_mm) == 0


def test_preview_of_a_decision_is_drawn_on_the_blank(province_officer, demo_decision):
    response = province_officer.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/xem-truoc.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _pages(response.content) == min(3, demo_decision.awards.count())


def test_the_decision_page_shows_the_actions_to_the_issuing_office_only(province_officer, other_province_officer,
                                                                        demo_decision):
    mine = province_officer.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/").content.decode()
    assert "Tạo tệp in phôi" in mine and "Ký số quyết định" in mine
    theirs = other_province_officer.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/")
    assert theirs.status_code == 200 and "Tạo tệp in phôi" not in theirs.content.decode()
    assert 'id="refusal"' in theirs.content.decode()


def test_the_layout_list_is_for_issuing_offices(council_member, auditor):
    assert council_member.get("/giay-to/mau-in/").status_code == 404
    assert auditor.get("/giay-to/mau-in/").status_code == 404
    assert get_user_model().objects.filter(username="caobang").exists()
