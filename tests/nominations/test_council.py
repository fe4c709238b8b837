"""Councils: sessions with a quorum, secret ballots (participation recorded, choices only sealed, counted at the
close), written votes of absent members entered by the secretary with the signed scan, thresholds as a share of
ALL members, results hidden until the session closes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.test import Client

from tests.nominations.conftest import (
    atype,
    build,
    council_members,
    new_person,
    paper_scan,
    secretary,
    snapshot,
    user,
)
from thidua.core.models import AuditEvent
from thidua.nominations import services
from thidua.nominations.models import BallotCount, Participation, SealedCouncilBallot
from thidua.nominations.workflow import council_rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("members,share,needed", [
    (7, "0.90", 7), (7, "0.80", 6), (10, "0.90", 9), (10, "0.80", 8), (9, "0.80", 8), (15, "0.90", 14), (5, "0.80", 4),
])
def test_needed_votes_are_a_share_of_all_members(members, share, needed):
    # Independent: the smallest whole n with n / members ≥ share, by trying every n.
    assert next(n for n in range(members + 1) if n * 100 >= Decimal(share) * 100 * members) == needed
    assert services.needed_votes(members, Decimal(share)) == needed
    assert services.vote_passed(needed, members, Decimal(share))
    assert not services.vote_passed(needed - 1, members, Decimal(share))


def test_thresholds_are_data():
    quorum, _basis, thresholds = council_rules()
    assert {code: t.share for code, t in thresholds.items()} == {
        "CSTDTQ": Decimal("0.90"), "CSTD_TINH": Decimal("0.90"), "AH_LD": Decimal("0.90"), "AH_LLVT": Decimal("0.90"),
        "CSTDCS": Decimal("0.80"), "CO_TINH": Decimal("0.80"), "CO_CP": Decimal("0.80")}
    assert quorum == Decimal("0.6667")


@pytest.fixture
def session(dept, unit):
    d = build("council", dept, unit)
    return services.open_session(user("caobang"), d, date(2025, 3, 5))


@pytest.mark.integration
def test_session_snapshot_counters_and_quorum(session):
    members = council_members()
    assert (session.member_count, session.quorum) == (len(members), 5)  # ⌈2/3 × 7⌉
    (count,) = session.counts.all()  # only the CSTD_TINH item needs a vote, not the BK_TINH one
    assert (count.item.award_type.code, count.threshold, count.yes, count.no) == ("CSTD_TINH", Decimal("0.9"), 0, 0)


@pytest.mark.integration
def test_six_of_seven_is_not_ninety_percent_even_with_a_written_vote(session):
    members = council_members()
    item_id = session.counts.get().item_id
    for m in members[:6]:
        services.cast_ballot(m, session, {item_id: "yes"})
    services.record_written_ballot(secretary(), session, members[6], {item_id: "no"}, paper=paper_scan())
    assert list(Participation.objects.filter(session=session).values_list("mode", flat=True).order_by("mode")) == \
        ["in_person"] * 6 + ["written"]
    results = services.close_session(user("caobang"), session)
    (r,) = results
    assert (r.yes, r.no, r.member_count, r.needed, r.passed) == (6, 1, 7, 7, False)
    item = r.item
    item.refresh_from_db()
    assert item.outcome == "rejected"
    assert item.reason == "Hội đồng: 6/7 phiếu đồng ý (85,7%), cần ≥ 7 phiếu (90% tổng số thành viên)."
    close = session.dossier.events.get(transition="council_close")
    assert close.reason.startswith("6 thành viên bỏ phiếu tại phiên họp, 1 phiếu bằng văn bản")


@pytest.mark.integration
def test_absent_members_count_against_the_share_of_all_members(session):
    """Five of seven present (the quorum), all in favour: 5/7 = 71,4% < 90%; the absent members count."""
    item_id = session.counts.get().item_id
    for m in council_members()[:5]:
        services.cast_ballot(m, session, {item_id: "yes"})
    (r,) = services.close_session(user("caobang"), session)
    assert (r.yes, r.passed) == (5, False)


@pytest.mark.integration
def test_all_in_favour_passes_and_the_decision_follows(session):
    item_id = session.counts.get().item_id
    for m in council_members():
        services.cast_ballot(m, session, {item_id: "yes"})
    (r,) = services.close_session(user("caobang"), session)
    assert r.passed and r.share == 100
    d = session.dossier
    services.move(user("caobang"), d, "propose")
    decision = services.record_decision(user("caobang"), d, number="TN-HD-1/QĐ-UBND", signed_on=date(2025, 3, 14),
                                        signer_name="A")
    assert sorted(decision.awards.values_list("award_type__code", flat=True)) == ["BK_TINH", "CSTD_TINH"]


@pytest.mark.integration
def test_ballot_refusals_change_nothing(session):
    members = council_members()
    item_id = session.counts.get().item_id
    services.cast_ballot(members[0], session, {item_id: "yes"})

    def state():
        return (list(BallotCount.objects.filter(session=session).values("yes", "no")),
                Participation.objects.filter(session=session).count(),
                SealedCouncilBallot.objects.filter(session=session).count(), snapshot(session.dossier))

    before = state()
    sec = secretary()
    assert sec == members[0] and sec.username == "hoidong"
    exe = b"MZ\x90\x00" + b"\x00" * 60  # a Windows program named like a PDF
    refusals = [
        (lambda: services.cast_ballot(members[0], session, {item_id: "no"}), ValidationError, "chỉ bỏ một phiếu"),
        (lambda: services.cast_ballot(user("caobang"), session, {item_id: "yes"}), PermissionDenied, "không phải thành viên"),
        (lambda: services.cast_ballot(members[1], session, {}), ValidationError, "cho mỗi người"),
        (lambda: services.cast_ballot(members[1], session, {item_id: "abstain"}), ValidationError, "đồng ý"),
        # Written ballots: only the council's secretary, never the emulation office nor another member…
        (lambda: services.record_written_ballot(user("caobang"), session, members[2], {item_id: "yes"},
                                                paper=paper_scan()), PermissionDenied, "chỉ Thư ký Hội đồng"),
        (lambda: services.record_written_ballot(members[1], session, members[2], {item_id: "yes"},
                                                paper=paper_scan()), PermissionDenied, "chỉ Thư ký Hội đồng"),
        # …and only with the scan of the signed paper ballot, checked by content.
        (lambda: services.record_written_ballot(sec, session, members[2], {item_id: "yes"}), ValidationError,
         "Cần đính kèm bản quét phiếu"),
        (lambda: services.record_written_ballot(sec, session, members[2], {item_id: "yes"},
                                                paper=paper_scan("phieu.pdf", exe)), ValidationError,
         "nội dung không phải tệp .pdf"),
        (lambda: services.record_written_ballot(sec, session, members[2], {item_id: "yes"},
                                                paper=paper_scan("phieu.docx")), ValidationError, "không được chấp nhận"),
        (lambda: services.record_written_ballot(sec, session, members[0], {item_id: "yes"}, paper=paper_scan()),
         ValidationError, "chỉ bỏ một phiếu"),
        (lambda: services.record_written_ballot(sec, session, user("laichau"), {item_id: "yes"}, paper=paper_scan()),
         ValidationError, "không phải thành viên"),
        (lambda: services.close_session(user("caobang"), session), ValidationError, "Chưa đủ số thành viên dự họp"),
        (lambda: services.close_session(user("hoidong"), session), PermissionDenied, "vai trò"),
        (lambda: services.session_results(session), ValidationError, "khi phiên họp kết thúc"),
        (lambda: services.open_session(user("caobang"), session.dossier, date(2025, 3, 6)), ValidationError,
         "chưa kết thúc"),
    ]
    for call, error, text in refusals:
        denied = AuditEvent.objects.filter(action="denied").count()
        with pytest.raises(error, match=text):
            call()
        assert state() == before, text
        if text == "chỉ Thư ký Hội đồng":  # a refused role is in the audit trail
            assert AuditEvent.objects.filter(action="denied").count() == denied + 1
    for m in members[1:5]:
        services.cast_ballot(m, session, {item_id: "yes"})
    services.close_session(user("caobang"), session)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.cast_ballot(members[5], session, {item_id: "yes"})
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.record_written_ballot(sec, session, members[6], {item_id: "yes"}, paper=paper_scan())
    assert Participation.objects.filter(session=session).count() == 5


@pytest.mark.integration
def test_results_hidden_until_the_session_closes(session):
    member = council_members()[0]
    item_id = session.counts.get().item_id
    c = Client()
    c.force_login(member)
    page = c.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert 'id="ballot"' in page and 'id="results"' not in page
    assert c.post(f"/hoi-dong/phien/{session.pk}/bo-phieu/", {f"item-{item_id}": "yes"}).status_code == 302
    page = c.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert 'id="ballot"' not in page and 'id="results"' not in page and "Bạn đã bỏ phiếu" in page
    office = Client()
    office.force_login(user("caobang"))
    assert 'id="results"' not in office.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    for m in council_members()[1:]:
        services.cast_ballot(m, session, {item_id: "no"})
    assert office.post(f"/hoi-dong/phien/{session.pk}/ket-thuc/").status_code == 302
    page = c.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert 'id="results"' in page and "Không đạt" in page


# --- Ballot secrecy: the database after "A yes, B no" equals the database after "A no, B yes" -----------------

VOLATILE = (models.DateTimeField, models.AutoField, models.BigAutoField)


def dump_new_rows(since: dict) -> dict:
    """Every row created since `since` (max pk per table) plus every row of the nominations app, without ids and
    timestamps (which differ between two runs whatever is stored); the audit trail's object id/text point at the
    new rows, so they are dropped too — who voted (member ids) stays in."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if not isinstance(pk, models.AutoField | models.BigAutoField):
            continue
        qs = model._base_manager.all()
        if model._meta.app_label != "nominations":
            qs = qs.filter(pk__gt=since.get(model._meta.label, 0))
        drop = {f.attname for f in model._meta.concrete_fields if isinstance(f, VOLATILE)}
        if model._meta.label == "core.AuditEvent":
            drop |= {"object_id", "object_repr", "request_id"}
        if model._meta.label == "nominations.Participation":
            drop |= {"paper"}  # the sealed scan's random file name
        rows = sorted(repr(sorted((k, v) for k, v in row.items() if k not in drop)) for row in qs.values())
        out[model._meta.label] = rows
    return out


def max_pks() -> dict:
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
            out[model._meta.label] = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
    return out


class _Rollback(Exception):
    pass


@pytest.mark.integration
def test_no_row_links_a_member_to_a_choice(dept, unit):
    """Member A votes yes/no and member B no/yes on two items; then the same with A and B swapped. Every table
    (new rows anywhere, all rows of the nominations app, the audit trail included) ends up identical: nothing
    stored tells A's choice from B's. The counters and the participations are there all the same."""
    donvi, caobang = user("donvi"), user("caobang")
    d = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Bỏ phiếu kín")
    first_item, second_item = (services.add_item(donvi, d, award_type=atype("CSTD_TINH"), person=new_person(unit, n))
                               for n in ("Người Thứ Nhất", "Người Thứ Hai"))
    for actor, code in ((donvi, "submit"), (caobang, "receive"), (caobang, "appraise"), (caobang, "to_council")):
        services.move(actor, d, code)
    session = services.open_session(caobang, d, date(2025, 3, 5))
    a, b, absent = council_members()[:3]
    since = max_pks()

    def run(a_choice, b_choice):
        other = {"yes": "no", "no": "yes"}
        try:
            with transaction.atomic():
                services.cast_ballot(a, session, {first_item.pk: a_choice, second_item.pk: other[a_choice]})
                services.cast_ballot(b, session, {first_item.pk: b_choice, second_item.pk: other[b_choice]})
                services.record_written_ballot(secretary(), session, absent,
                                               {first_item.pk: "yes", second_item.pk: "no"}, paper=paper_scan())
                state = dump_new_rows(since)
                # The sealed ballots (random keys and nonces): three of the same length, whatever the choices.
                state["sealed"] = sorted(len(bytes(b)) for b in SealedCouncilBallot.objects.filter(
                    session=session).values_list("sealed", flat=True))
                while_open = sorted(BallotCount.objects.filter(session=session).values_list("item_id", "yes", "no"))
                n, totals = services._count_sealed(session)  # what the close counts (no quorum here)
                counts = sorted((item, *yes_no) for item, yes_no in totals.items())
                assert n == 3
                raise _Rollback
        except _Rollback:
            return state, while_open, counts

    (first, open1, counts), (swapped, open2, counts_swapped) = run("yes", "no"), run("no", "yes")
    # Nothing counted while open; the close counts the sealed ballots.
    assert open1 == open2 == [(first_item.pk, 0, 0), (second_item.pk, 0, 0)]
    assert counts == counts_swapped == [(first_item.pk, 2, 1), (second_item.pk, 1, 2)]
    assert len(first["sealed"]) == 3 and len(set(first["sealed"])) == 1
    # The runs did write: participations of A, B and the absent member, audit rows naming them.
    participations = [r for r in first["nominations.Participation"] if f"('session_id', {session.pk})" in r]
    assert len(participations) == 3 and any(f"('member_id', {a.pk})" in r for r in participations)
    assert any(f"'member_id': {a.pk}" in r for r in first["core.AuditEvent"])
    # …and nothing anywhere tells A's choice from B's.
    assert first == swapped
