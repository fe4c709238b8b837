"""`thidua rebuild_statistics [--check] [--province MÃ…]`: compare the award summary with a raw count of the award
records and repair it (see thidua.awards.summary)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from thidua.awards import summary
from thidua.lib.numbers import format_number
from thidua.orgs.models import Organization

SHOWN = 20


class Command(BaseCommand):
    help = ("Đối chiếu bảng tổng hợp số khen thưởng với số đếm trực tiếp từ bản ghi và sửa chênh lệch / "
            "check the award summary against a raw count of the records and repair it")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="chỉ đối chiếu, không sửa (mã thoát 1 nếu có chênh lệch) / report only")
        parser.add_argument("--province", default="",
                            help="mã tỉnh, bộ (cách nhau dấu phẩy; gồm các tỉnh đã hợp nhất vào) / province codes")

    def handle(self, *args, **options):
        ids = None
        if options["province"]:
            codes = [c.strip() for c in options["province"].split(",") if c.strip()]
            orgs = list(Organization.objects.filter(admin_code__in=codes, kind__in=["province", "ministry"]))
            unknown = set(codes) - {o.admin_code for o in orgs}
            if unknown:
                raise CommandError(f"Không có tỉnh, bộ mã: {', '.join(sorted(unknown))}")
            ids = set().union(*(o.lineage_ids() for o in orgs))
        started = time.monotonic()
        diffs = summary.differences(ids)
        self.stdout.write(f"Đối chiếu xong trong {format_number(time.monotonic() - started, 1)} giây: "
                          f"{format_number(len(diffs))} dòng tổng hợp chênh lệch với bản ghi.")
        for d in diffs[:SHOWN]:
            self.stdout.write(f"  ngày {d.signed_on:%d/%m/%Y}, tỉnh #{d.province_id}, hình thức #{d.award_type_id}, "
                              f"{d.recipient_class}, {d.basis}, cơ quan trình #{d.submitted_by_id}, "
                              f"{'cả năm' if d.grain == 'y' else 'trong ngày'}: "
                              f"bảng tổng hợp {format_number(d.summary)}, bản ghi {format_number(d.records)}")
        if len(diffs) > SHOWN:
            self.stdout.write(f"  … và {format_number(len(diffs) - SHOWN)} dòng nữa.")
        if options["check"]:
            if diffs:
                raise CommandError("Bảng tổng hợp lệch với bản ghi; chạy lại không có --check để sửa.", returncode=1)
            return
        if diffs:
            started = time.monotonic()
            rows = summary.rebuild(ids)
            left = summary.differences(ids)
            self.stdout.write(f"Đã dựng lại {format_number(rows)} dòng tổng hợp trong "
                              f"{format_number(time.monotonic() - started, 1)} giây; còn chênh lệch: "
                              f"{format_number(len(left))}.")
            if left:
                raise CommandError("Vẫn còn chênh lệch sau khi dựng lại.")
