"""Ballot secrecy at rest, as an attacker holding copies of the database files would test it.

The reference database is written to a SQLite file; a separate process (the application, WAL mode, as in
production) casts cluster ballots and council ballots one by one and copies the database file and its WAL after
each. Every pair of consecutive copies is decoded (every row of every table) and compared: the rows a ballot
adds or changes must name the voter at most, never a candidate or a choice, and no existing row may change (a
counter that moves is a choice). A control session written the old way (participation, counter + 1, audit in
one transaction) goes through the same comparison, which recovers each control ballot's choice: the check is
not blind. After the close the totals appear, as they should.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.nominations.conftest import PAPER_PDF, build, council_members, secretary, user
from thidua.emulation import services as emulation
from thidua.emulation.models import ClusterYear, VoteCandidate, VoteKind, VoteSession
from thidua.lib import sealing
from thidua.nominations import services

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SCRIPT = r'''
import json, os, shutil, sys

import django

plan = json.loads(open(sys.argv[1]).read())
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F

from thidua.core import audit
from thidua.emulation import services as em
from thidua.emulation.models import VoteCandidate, VoteParticipation, VoteSession
from thidua.nominations import services as nom
from thidua.nominations.models import CouncilSession
from thidua.orgs.models import Organization

U = get_user_model()
db, out, steps = plan["db"], plan["out"], []


def snap(step):
    d = os.path.join(out, "%03d" % len(steps))
    os.makedirs(d)
    for suffix in ("", "-wal"):
        if os.path.exists(db + suffix):
            shutil.copyfile(db + suffix, os.path.join(d, "db.sqlite3" + suffix))
    steps.append(dict(step, dir=d))


with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    mode = c.fetchone()[0]
snap({"kind": "start"})
for username, member, choice in plan["cluster"]:
    em.cast_ballot(U.objects.get(username=username), VoteSession.objects.get(pk=plan["cluster_session"]),
                   Organization.objects.get(pk=member), list(Organization.objects.filter(pk__in=choice)))
    snap({"kind": "cluster", "voter": member, "choice": choice})
for username, member, choice in plan["control"]:
    with transaction.atomic():  # what a ballot wrote before sealing
        s = VoteSession.objects.get(pk=plan["control_session"])
        p = VoteParticipation.objects.create(session=s, member_id=member)
        VoteCandidate.objects.filter(session=s, organization_id__in=choice).update(votes=F("votes") + 1)
        VoteSession.objects.filter(pk=s.pk).update(ballots_cast=F("ballots_cast") + 1)
        audit.record("create", p, object_repr="control", user=U.objects.get(username=username))
    snap({"kind": "control", "voter": member, "choice": choice})
session = CouncilSession.objects.get(pk=plan["council_session"])
for username, choice in plan["council"]:
    nom.cast_ballot(U.objects.get(username=username), session, {int(k): v for k, v in choice.items()})
    snap({"kind": "council", "choice": choice})
secretary, absent, choice = plan["written"]
nom.record_written_ballot(U.objects.get(username=secretary), session, U.objects.get(username=absent),
                          {int(k): v for k, v in choice.items()},
                          paper=SimpleUploadedFile("phieu.pdf", plan["paper"].encode()))
snap({"kind": "council", "choice": choice})
em.close_vote(U.objects.get(username="caobang"), VoteSession.objects.get(pk=plan["cluster_session"]))
snap({"kind": "cluster-close"})
nom.close_session(U.objects.get(username="caobang"), session)
snap({"kind": "council-close"})
open(os.path.join(out, "steps.json"), "w").write(json.dumps({"mode": mode, "steps": steps}))
'''


def decode(directory: str) -> tuple[dict, dict, dict]:
    """Every row of every table of a copy (rowid → row), the columns and the foreign keys (column → table)."""
    con = sqlite3.connect(os.path.join(directory, "db.sqlite3"))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if r[0] != "sqlite_sequence"]
        rows, columns, fks = {}, {}, {}
        for t in tables:
            columns[t] = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            fks[t] = {r[3]: r[2] for r in con.execute(f'PRAGMA foreign_key_list("{t}")')}
            rows[t] = {r[0]: r[1:] for r in con.execute(f'SELECT rowid, * FROM "{t}"')}
        return rows, columns, fks
    finally:
        con.close()


def difference(before: dict, after: dict) -> tuple[dict, dict]:
    """Rows added, and rows changed (old, new), per table."""
    added, changed = {}, {}
    for t, rows in after.items():
        old = before.get(t, {})
        new = [r for rid, r in rows.items() if rid not in old]
        moved = [(old[rid], r) for rid, r in rows.items() if rid in old and old[rid] != r]
        if new:
            added[t] = new
        if moved:
            changed[t] = moved
    return added, changed


def named(added: dict, columns: dict, fks: dict, targets: dict[str, set], names: set[str]) -> set:
    """What the added rows name: values of foreign keys into a target table (e.g. candidate organisations) and
    text containing a name."""
    hits = set()
    for t, rows in added.items():
        for row in rows:
            for col, value in zip(columns[t], row, strict=True):
                ref = fks[t].get(col)
                if ref in targets and value in targets[ref]:
                    hits.add((ref, value))
                if isinstance(value, str):
                    hits |= {("name", n) for n in names if n in value}
    return hits


@pytest.mark.slow
def test_no_copy_of_the_database_files_links_a_member_to_a_choice(dept, unit, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("decodes SQLite files and their WAL; the sealing itself is tested on every database")
    cy = ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG")
    org = {o.name: o for o in cy.members.all()}
    now = timezone.now()
    window = {"opens_at": now - timedelta(minutes=1), "closes_at": now + timedelta(minutes=30)}
    candidates = [org["Sơn La"], org["Hà Giang"]]
    session = emulation.open_vote(user("caobang"), cy, kind=VoteKind.CERTIFICATE, candidates=candidates, seats=2,
                                  **window)
    control = VoteSession.objects.create(cluster_year=cy, conference=session.conference, kind=VoteKind.CERTIFICATE,
                                         seats=2, electorate=7, round=9, **window)
    VoteCandidate.objects.bulk_create([VoteCandidate(session=control, organization=c) for c in candidates])
    son_la, ha_giang = org["Sơn La"].pk, org["Hà Giang"].pk
    cluster = [("caobang", org["Cao Bằng"].pk, [son_la]), ("langson", org["Lạng Sơn"].pk, [ha_giang]),
               ("laocai", org["Lào Cai"].pk, [son_la, ha_giang]), ("laichau", org["Lai Châu"].pk, []),
               ("dienbien", org["Điện Biên"].pk, [ha_giang])]
    control_ballots = [("caobang", org["Cao Bằng"].pk, [ha_giang]), ("langson", org["Lạng Sơn"].pk, [son_la]),
                       ("laocai", org["Lào Cai"].pk, [son_la, ha_giang])]

    d = build("council", dept, unit)
    council_session = services.open_session(user("caobang"), d, date(2025, 3, 5))
    (item,) = council_session.counts.all()
    members = council_members()
    sec = secretary()
    council = [(m.username, {str(item.item_id): v}) for m, v in zip(
        [sec] + [m for m in members if m != sec][:5], ["yes", "no", "yes", "yes", "no", "yes"], strict=True)]
    absent = [m for m in members if m != sec][5]

    db = tmp_path / "thidua.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(db)
    # The test database as it is now (sessions open), read through the test's own connection: a backup would
    # wait on the test transaction's lock.
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()
    out = tmp_path / "copies"
    out.mkdir()
    plan = {"db": str(db), "out": str(out), "cluster_session": session.pk, "control_session": control.pk,
            "cluster": cluster, "control": control_ballots, "council_session": council_session.pk,
            "council": council, "written": [sec.username, absent.username, {str(item.item_id): "no"}],
            "paper": PAPER_PDF.decode()}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "script.py").write_text(SCRIPT)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "thidua.settings",
           "THIDUA_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, str(tmp_path / "script.py"), str(tmp_path / "plan.json")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((out / "steps.json").read_text())
    assert result["mode"] == "wal"
    steps = result["steps"]

    targets = {"orgs_organization": {son_la, ha_giang}, "nominations_dossieritem": {item.item_id}}
    names = {"Sơn La", "Hà Giang", item.item.recipient_name}
    allowed = {"cluster": {"emulation_voteparticipation", "emulation_sealedballot", "core_auditevent"},
               "council": {"nominations_participation", "nominations_sealedcouncilballot", "core_auditevent"}}
    previous = decode(steps[0]["dir"])[0]
    seen = {"cluster": 0, "council": 0, "control": 0}
    for step in steps[1:]:
        rows, columns, fks = decode(step["dir"])
        added, changed = difference(previous, rows)
        previous = rows
        kind = step["kind"]
        if kind in ("cluster", "council"):
            seen[kind] += 1
            assert not changed, f"a {kind} ballot changed existing rows: {sorted(changed)}"
            assert set(added) == allowed[kind], f"a {kind} ballot wrote to {sorted(added)}"
            assert named(added, columns, fks, targets, names) == set(), step
            if kind == "cluster":  # the copies do show who voted: the voter is named, the choice is not
                assert ("orgs_organization", step["voter"]) in named(
                    added, columns, fks, {"orgs_organization": {step["voter"]}}, set())
            (sealed,) = added["nominations_sealedcouncilballot" if kind == "council" else "emulation_sealedballot"]
            assert len(sealed) == 3 and isinstance(sealed[1], bytes)  # id, sealed bytes, session: no member, no time
        elif kind == "control":
            seen[kind] += 1
            # The old way gives every choice away: the counters that moved are the choice.
            recovered = {new[columns["emulation_votecandidate"].index("organization_id")]
                         for _old, new in changed.get("emulation_votecandidate", [])}
            assert recovered == set(step["choice"]) and recovered
        elif kind == "cluster-close":
            totals = {new[columns["emulation_votecandidate"].index("organization_id")]:
                      new[columns["emulation_votecandidate"].index("votes")]
                      for _old, new in changed["emulation_votecandidate"]}
            assert totals == {son_la: 2, ha_giang: 3}  # only now, and only the totals
        elif kind == "council-close":
            (_old, new), = changed["nominations_ballotcount"]
            cols = columns["nominations_ballotcount"]
            assert (new[cols.index("yes")], new[cols.index("no")]) == (4, 3)
    assert seen == {"cluster": 5, "council": 7, "control": 3}

    # Byte level: no copy of the file or its WAL holds a council ballot's content in clear.
    for payload in ({str(item.item_id): "y"}, {str(item.item_id): "n"}):
        plain = sealing.encode(payload)
        for step in steps:
            for f in Path(step["dir"]).iterdir():
                assert plain not in f.read_bytes(), (f, plain)
