"""Time per request on the endpoints the load test hits (bench/load/locustfile.py), with production-like settings
(DEBUG off, manifest static storage, cached template loader), through Django's test Client.

    THIDUA_VAR_DIR=/tmp/fp-var .venv/bin/thidua demo                  # once: the reference scenario on SQLite
    THIDUA_VAR_DIR=/tmp/fp-var .venv/bin/python bench/bench_request_cpu.py [--repeat 30] [--users trunguong,caobang]
        [--only cum,registry] [--profile ENDPOINT --user trunguong]      # cProfile one endpoint (top 40, cumulative)
    DATABASE_URL=postgres://…/thidua_registry_national THIDUA_VAR_DIR=… .venv/bin/python bench/bench_request_cpu.py
                                                                        # the same on the national registry

Per endpoint and user, medians over --repeat runs after two warm-up requests: the number of queries, the request's
wall time, the wall time spent inside the database driver, and this process's CPU time (user + system). On
PostgreSQL the database's work is the server's (in "sql ms", not in "cpu ms"): on a quiet machine, wall ≈ cpu + sql,
and cpu + sql is what one request costs the machine's cores. The test Client skips the WSGI server and the network,
so these are the application's own milliseconds. Static files are collected into THIDUA_VAR_DIR/static on first use.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
    os.environ[name] = "0"


def endpoints(cluster_year_id: int, org_id: int) -> list[tuple[str, object]]:
    """(name, URL or a function of the user's client giving the URL: cursor pages follow the user's own links)."""
    return [
        ("login", "/dang-nhap/"),
        ("home", "/"),
        ("cum", f"/cum/{cluster_year_id}/"),
        ("registry", "/khen-thuong/"),
        ("registry-filters", "/khen-thuong/?year=2019&level=provincial&sort=-date&kind=individual"),
        ("registry-q", "/khen-thuong/?q=nguyen+van"),
        ("registry-cursor", lambda client: "/khen-thuong/" + re.search(
            r'rel="next" href="([^"]+)"', client.get("/khen-thuong/").content.decode()
        ).group(1).replace("&amp;", "&")),
        ("registry-cluster", f"/khen-thuong/?cluster_year={cluster_year_id}"),
        ("orgs", "/don-vi/"),
        ("org", f"/don-vi/{org_id}/"),
        ("api-awards", "/api/v1/awards/"),
        ("api-awards-cursor", lambda client: client.get("/api/v1/awards/").json()["next"]),
        ("api-awards-filters", "/api/v1/awards/?year=2019&level=provincial"),
        ("api-summary", f"/api/v1/cluster-years/{cluster_year_id}/summary"),
        ("api-cluster-years", "/api/v1/cluster-years/"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--users", default="trunguong,caobang")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--profile", default="", help="an endpoint name: cProfile it instead of timing")
    parser.add_argument("--user", default="trunguong")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)

    User = get_user_model()

    from thidua.core.tokens import create_token, revoke_token

    tokens = {}

    def client_for(username: str, api: bool = False) -> Client:
        """A browser's session, or for the API an integration's token (as the load test: Authorization: Token)."""
        if api:
            if username not in tokens:
                tokens[username] = create_token(User.objects.get(username=username), "bench_request_cpu")
            return Client(HTTP_AUTHORIZATION=f"Token {tokens[username][1]}")
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    # Like the load test: a cluster year and an organisation every measured user sees (the last user's lists).
    users = args.users.split(",")
    probe = client_for(users[-1])
    cluster_year_id = probe.get("/api/v1/cluster-years/").json()["results"][0]["id"]
    org_id = sorted(set(re.findall(r'href="/don-vi/(\d+)/"', probe.get("/don-vi/").content.decode())), key=int)[-1]
    cases = endpoints(cluster_year_id, int(org_id))
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c[0] in wanted]

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    if args.profile:
        import cProfile
        import pstats

        client = Client() if args.profile == "login" else client_for(args.user, args.profile.startswith("api"))
        url = dict(cases)[args.profile]
        url = url(client) if callable(url) else url
        for _ in range(3):
            get(client, url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            get(client, url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        for token, _key in tokens.values():
            revoke_token(token)
        return 0

    # Per user: queries; the request's wall time (on a quiet machine: this process's CPU plus the time waiting for the
    # database); the wall time inside the database driver's execute (SQLite runs in this process; on PostgreSQL it is
    # the server's time, which the process's CPU does not include); and this process's CPU.
    print(f"{'endpoint':20} " + " ".join(f"{u[:9] + ' q':>11} {'wall ms':>8} {'sql ms':>7} {'cpu ms':>7}" for u in users))
    totals = {u: [0.0, 0.0, 0.0] for u in users}

    def timed_execute(spent):
        def wrapper(execute, sql, *rest):
            start = time.perf_counter()
            try:
                return execute(sql, *rest)
            finally:
                spent.append(time.perf_counter() - start)
        return wrapper

    for name, target in cases:
        row = f"{name:20} "
        for username in users:
            client = Client() if name == "login" else client_for(username, name.startswith("api"))
            url = target(client) if callable(target) else target
            get(client, url)
            get(client, url)
            queries = []
            with connection.execute_wrapper(timed_execute(queries)):
                get(client, url)
            walls, sqls, cpus = [], [], []
            for _ in range(args.repeat):
                spent = []
                with connection.execute_wrapper(timed_execute(spent)):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    get(client, url)
                    walls.append((time.perf_counter() - start) * 1000)
                    cpus.append((time.process_time() - start_cpu) * 1000)
                sqls.append(sum(spent) * 1000)
            figures = [statistics.median(walls), statistics.median(sqls), statistics.median(cpus)]
            for i, value in enumerate(figures):
                totals[username][i] += value
            row += f"{len(queries):>11} " + " ".join(f"{v:>{w}.2f}" for v, w in zip(figures, (8, 7, 7), strict=True))
        print(row, flush=True)
    for token, _key in tokens.values():
        revoke_token(token)
    print(f"{'total':20} " + " ".join(f"{'':>11} {totals[u][0]:>8.2f} {totals[u][1]:>7.2f} {totals[u][2]:>7.2f}"
                                      for u in users))
    return 0


if __name__ == "__main__":
    sys.exit(main())
