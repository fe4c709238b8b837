"""The award registry's scope filter: the definition written as a join (every award joined to its unit's path,
OR the peer provinces) against `Award.objects.visible_to(user)` (ids resolved first, index ranges), on the
registry query (count + first page sorted by decision date) and the API's default page 20.

    DATABASE_URL=postgres://…/thidua_x .venv/bin/python bench/bench_registry_scope.py [--repeat 5]

Needs the reference scenario plus generated data (`thidua demo`, `thidua generate …`); prints medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from thidua.awards.models import Award
    from thidua.orgs.scope import OFFICE_ROLES, scope_for

    def by_definition(u):
        scope = scope_for(u)
        paths = Q(pk__in=[])
        for path in scope.lineage_paths:
            paths |= Q(unit__path__startswith=path)
        if scope.roles & OFFICE_ROLES:
            return Award.objects.filter(Q(province_id__in=scope.peer_ids) | paths)
        return Award.objects.filter(paths)

    def timed(fn) -> float:
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        return statistics.median(runs) * 1000

    def registry(qs):
        qs = qs.filter(revocation__isnull=True).select_related("award_type", "decision__authority", "province")
        ordered = qs.order_by("-decision__signed_on", "-id")
        return lambda: (qs.count(), list(ordered[:50]))

    print(f"awards: {Award.objects.count()}")
    for username in ("caobang", "donvi"):
        u = get_user_model().objects.get(username=username)
        old, new = timed(registry(by_definition(u))), timed(registry(Award.objects.visible_to(u)))
        print(f"{username:9} registry count+page: join {old:7.1f} ms  ids first {new:7.1f} ms  ratio {old / new:5.1f}×")
    everything = Award.objects.filter(revocation__isnull=True).select_related("award_type", "decision__authority",
                                                                                "province")
    by_date = timed(lambda: list(everything.order_by("-decision__signed_on", "-id")[950:1000]))
    by_id = timed(lambda: list(everything.order_by("-pk")[950:1000]))
    print(f"global    API page 20: by decision date {by_date:7.1f} ms  by id {by_id:7.1f} ms  "
          f"ratio {by_date / by_id:5.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
