"""Print requests, failures, p50, p95 and p99 per endpoint from locust's CSV (bench/load/run.sh); exit 1 on failures."""

import csv
import sys
from pathlib import Path


def main(stats_path: str, failures_path: str | None = None) -> int:
    rows = list(csv.DictReader(open(stats_path, newline="", encoding="utf-8")))
    width = max(len(r["Name"]) + len(r["Type"]) + 1 for r in rows)
    print(f"\n{'endpoint':<{width}} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>7}")
    total_failures = 0
    for r in rows:
        name = "TOTAL" if r["Name"] == "Aggregated" else f"{r['Type']} {r['Name']}"
        failures = int(r["Failure Count"])
        if r["Name"] != "Aggregated":
            total_failures += failures
        print(f"{name:<{width}} {int(r['Request Count']):>9} {failures:>9} {r['50%']:>8} {r['95%']:>8} {r['99%']:>8} "
              f"{float(r['Max Response Time']):>8.0f} {float(r['Requests/s']):>7.1f}")
    if failures_path and Path(failures_path).exists():
        failures = list(csv.DictReader(open(failures_path, newline="", encoding="utf-8")))
        for f in failures:
            print(f"FAILURE {f['Method']} {f['Name']}: {f['Error']} ×{f['Occurrences']}")
    print(f"\nfailures: {total_failures}")
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
