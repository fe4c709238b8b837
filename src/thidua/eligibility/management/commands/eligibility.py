import json
import sys
from functools import partial

from django.core.management import BaseCommand, CommandError

from thidua.eligibility import exports
from thidua.eligibility.engine import evaluate_input
from thidua.eligibility.loader import as_dict, evaluate_rendered, subtree
from thidua.orgs.models import Organization


class Command(BaseCommand):
    help = ("Xét điều kiện khen thưởng / evaluate eligibility: over the database "
            "(--year Y [--org CODE] [--award CODE ...]) or over a JSON file (--input FILE.json).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--org", help="official code or id of an organisation (default: everything)")
        parser.add_argument("--award", nargs="*", default=None, help="award codes (default: all with a rule)")
        parser.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
        parser.add_argument("--input", help="JSON file in the documented input format")
        parser.add_argument("--output", "-o", help="file to write (required for xlsx)")
        parser.add_argument("--eligible-only", action="store_true")

    def handle(self, *args, **opts):
        fmt = opts["format"]
        if fmt == "xlsx" and not opts["output"]:
            raise CommandError("--format xlsx cần --output FILE.xlsx")
        if opts["input"]:
            try:
                with open(opts["input"], encoding="utf-8") as fh:
                    data = json.load(fh)
                out = evaluate_input(data, opts["award"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"Tệp đầu vào {opts['input']} không hợp lệ: {exc}") from exc
            if fmt != "json":
                raise CommandError("Với --input, chỉ hỗ trợ --format json.")
            return self._write(json.dumps(out, ensure_ascii=False, indent=2) + "\n", opts)
        if not opts["year"]:
            raise CommandError("Cần --year (hoặc --input FILE.json).")
        org = None
        if opts["org"]:
            org = (Organization.objects.filter(admin_code=opts["org"]).order_by("valid_to").last()
                   or Organization.objects.filter(pk=opts["org"] if opts["org"].isdigit() else None).first())
            if org is None:
                raise CommandError(f"Không tìm thấy đơn vị có mã {opts['org']}.")
        people, collectives = subtree(org)
        # Rendered as they are evaluated, over the cores for a big area (loader.evaluate_rendered).
        render = {"json": as_dict, "csv": exports.row, "xlsx": exports.row, "table": exports.table_lines}[fmt]
        if opts["eligible_only"]:
            render = partial(_if_eligible, render)
        out = evaluate_rendered(opts["year"], people, collectives, opts["award"], render=render)
        if fmt == "json":
            return self._write(json.dumps({"results": list(out)}, ensure_ascii=False, indent=2) + "\n", opts)
        if fmt == "csv":
            return self._write(exports.rows_to_csv(out), opts)
        if fmt == "xlsx":
            with open(opts["output"], "wb") as fh:
                fh.write(exports.rows_to_xlsx(out))
            self.stderr.write(f"Đã ghi {opts['output']}")
            return None
        return self._write(exports.lines_to_table(out), opts)

    def _write(self, text: str, opts) -> None:
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)


def _if_eligible(render, r):
    return render(r) if r.eligible else None
