"""`thidua generate --people N --years Y --seed S [--province CODE] [--start-year YYYY]`."""

import time

from django.core.management import BaseCommand, CommandError

from thidua.demo.generator import ProgressBar, generate
from thidua.lib.numbers import format_number


class Command(BaseCommand):
    help = ("Sinh dữ liệu tổng hợp (đơn vị, cá nhân, xếp loại, khen thưởng, sáng kiến, kỷ luật, thành viên tập thể) "
            "cho một hoặc nhiều tỉnh, có tính tất định theo seed. / Generate deterministic synthetic records.")

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True, help="số cá nhân / number of people")
        parser.add_argument("--years", type=int, default=10, help="số năm / number of years (default 10)")
        parser.add_argument("--seed", type=int, default=1, help="seed (default 1)")
        parser.add_argument("--province", default="04",
                            help="mã tỉnh trước 2025, có thể nhiều mã cách nhau dấu phẩy / pre-2025 province code(s), "
                                 "e.g. 04 or 04,01 (default 04 Cao Bằng)")
        parser.add_argument("--start-year", type=int, default=None,
                            help="năm đầu / first year (default: the period ends in 2024)")
        parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ / no progress bar")

    def handle(self, *args, **options):
        people, years = options["people"], options["years"]
        if people < 1 or years < 1:
            raise CommandError("--people và --years phải ≥ 1 / must be at least 1")
        last_year = options["start_year"] + years - 1 if options["start_year"] else 2024
        bar = None if options["no_progress"] else ProgressBar(self.stderr._out, label="thidua generate")
        start = time.perf_counter()
        try:
            counts = generate(people, years, options["seed"], options["province"], last_year=last_year, progress=bar)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - start
        if bar:
            bar.finish()
        total = sum(counts.values())
        out = self.stdout.write
        out(f"Tỉnh / province: {options['province']}, {last_year - years + 1}–{last_year}, seed {options['seed']}")
        out(f"people: {format_number(counts['orgs_person'])}")
        for table, n in counts.items():
            out(f"  {table:<20} {format_number(n):>12}")
        out(f"total rows: {format_number(total)}")
        out(f"seconds: {format_number(seconds, 2)}")
        out(f"rows/s: {format_number(total / seconds if seconds else 0)}")
