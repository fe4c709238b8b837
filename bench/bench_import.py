"""Benchmark: Excel import of people, of yearly ratings and of a dossier's items, 1,000 and 10,000 rows.

Runnable alone (`make bench`, or `.venv/bin/python bench/bench_import.py [--sizes 1000 10000]`).
Builds a throw-away database (SQLite under a temp dir, or the PostgreSQL of DATABASE_URL with a `_bench`
suffix), a province with 40 units and an emulation-office user, then for each size writes an .xlsx file
(xlsxwriter), and runs the framework's two steps as the pages do: check (read with python-calamine, validate
every row) and commit (re-read, re-validate and write in one transaction). The dossier-items case nominates the
people just imported (BK_TINH / CSTD_TINH 2024, alternately) in a new draft dossier of the department, imported by
a unit officer of that department. It prints, per kind and size, the
seconds of each step, rows per second end to end, the number of SQL queries (a few per 900 rows: no query
per row) and the ratio time(10k)/time(1k) (≈ 10 means the cost per row does not grow with the file).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from thidua.awards.imports import RatingImporter  # noqa: E402
from thidua.awards.models import Evaluation  # noqa: E402
from thidua.awards.services import load_catalogue  # noqa: E402
from thidua.lib import imports  # noqa: E402
from thidua.nominations import services as nominations  # noqa: E402
from thidua.nominations.imports import DossierItemImporter  # noqa: E402
from thidua.nominations.models import DossierItem  # noqa: E402
from thidua.orgs.imports import PeopleImporter  # noqa: E402
from thidua.orgs.models import Organization, OrganizationKind, Person, Role, UserRole  # noqa: E402
from thidua.orgs.services import bulk_create_organizations, load_provinces  # noqa: E402
from thidua.orgs.validators import century_sex_digit  # noqa: E402


def create_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        connection.close()
        admin = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{s["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{s["NAME"]}"')
    call_command("migrate", verbosity=0)
    load_provinces()
    load_catalogue()


def setup_province():
    province = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)
    dept = bulk_create_organizations([Organization(kind=OrganizationKind.DEPARTMENT, name="Sở Bench", parent=province)])[0]
    units = bulk_create_organizations([Organization(kind=OrganizationKind.UNIT, name=f"Đơn vị Bench {i}", parent=dept)
                                       for i in range(40)])
    user = get_user_model().objects.create_user("bench", password="x")
    UserRole.objects.create(user=user, organization=province, role=Role.EMULATION_OFFICE)
    proposer = get_user_model().objects.create_user("bench-donvi", password="x")
    UserRole.objects.create(user=proposer, organization=dept, role=Role.UNIT_OFFICER)
    return user, proposer, dept, units


def citizen_id(serial: int, gender: str, year: int) -> str:
    return f"004{century_sex_digit(year, gender)}{year % 100:02d}{serial:06d}"


def workbook(sheet: str, header: list[str], rows) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet(sheet)
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def people_file(first: int, n: int, units) -> tuple[bytes, list[str]]:
    header = [c.template_header for c in PeopleImporter.columns]
    ids, rows = [], []
    for i in range(first, first + n):
        gender, year = ("female" if i % 2 else "male"), 1965 + i % 35
        cid = citizen_id(i, gender, year)
        ids.append(cid)
        unit = units[i % len(units)]
        rows.append([f"Nguyễn Văn Bench {i}", cid, "Nữ" if gender == "female" else "Nam", year, "Tày",
                     f"{unit.name} [#{unit.pk}]", "Chuyên viên", "Có" if i % 3 == 0 else "Không"])
    return workbook(PeopleImporter.sheet, header, rows), ids


def ratings_file(ids: list[str]) -> bytes:
    header = [c.template_header for c in RatingImporter.columns]
    ratings = ["HTXS", "HTT", "HTT", "HT"]
    return workbook(RatingImporter.sheet, header, ([cid, "", 2024, ratings[i % 4]] for i, cid in enumerate(ids)))


def items_file(ids: list[str]) -> bytes:
    header = [c.template_header for c in DossierItemImporter.columns]
    types = ["BK_TINH", "CSTD_TINH"]
    return workbook(DossierItemImporter.sheet, header,
                    (["", cid, "", types[i % 2], 2024, "Hoàn thành xuất sắc nhiệm vụ"] for i, cid in enumerate(ids)))


def measure(importer_cls, user, content: bytes, name: str, **params) -> dict:
    stored = imports.UploadStore.save(user, importer_cls.kind, SimpleUploadedFile(name, content), params)
    ctx = imports.ImportContext(user=user, params=params)
    importer = importer_cls(user, **params)
    with CaptureQueriesContext(connection) as q_check:
        t = time.perf_counter()
        result = imports.run(importer, stored.path, stored.name, ctx)
        check = time.perf_counter() - t
    assert result.ok, result.issues[:5]
    ctx = imports.ImportContext(user=user, params=params)
    with CaptureQueriesContext(connection) as q_commit:
        t = time.perf_counter()
        written = imports.commit(importer, stored, ctx, expected_rows=result.total)
        write = time.perf_counter() - t
    stored.discard()
    return {"rows": written, "check": check, "commit": write, "queries": len(q_check) + len(q_commit),
            "bytes": len(content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()
    create_database()
    user, proposer, dept, units = setup_province()
    print(f"database: {connection.vendor}")
    print(f"{'kind':<8} {'rows':>7} {'file KB':>8} {'check s':>8} {'commit s':>9} {'total s':>8} {'rows/s':>8} "
          f"{'queries':>8}")
    results: dict[str, list] = {"people": [], "ratings": [], "items": []}
    first = 1
    for size in sorted(args.sizes):
        content, ids = people_file(first, size, units)
        first += size
        dossier = nominations.create_dossier(proposer, from_org=dept, granted_by="minister_chairman", year=2024,
                                             title=f"Bench {size}")
        for kind, cls, data in (("people", PeopleImporter, content), ("ratings", RatingImporter, None),
                                ("items", DossierItemImporter, None)):
            if kind == "items":
                m = measure(cls, proposer, items_file(ids), f"{kind}-{size}.xlsx", dossier=dossier.pk)
            else:
                data = data if data is not None else ratings_file(ids)
                m = measure(cls, user, data, f"{kind}-{size}.xlsx")
            total = m["check"] + m["commit"]  # the user's wait: preview, then commit (which re-checks)
            results[kind].append((size, total))
            print(f"{kind:<8} {m['rows']:>7,} {m['bytes'] / 1024:>8,.0f} {m['check']:>8.2f} {m['commit']:>9.2f} "
                  f"{total:>8.2f} {m['rows'] / total:>8,.0f} {m['queries']:>8}")
    assert Person.objects.filter(full_name__startswith="Nguyễn Văn Bench").count() == sum(args.sizes)
    assert Evaluation.objects.count() == sum(args.sizes)
    assert DossierItem.objects.count() == sum(args.sizes)
    for kind, rows in results.items():
        (n1, t1), (n2, t2) = rows[0], rows[-1]
        print(f"{kind}: ratio time({n2:,}) / time({n1:,}) = {t2 / t1:.1f}  (size ratio {n2 / n1:.0f})")


if __name__ == "__main__":
    main()
