"""Written ballots of absent council members: only the council's secretary enters them, with the scan of the
signed paper ballot (checked by content, stored sealed); the audit and the session page show who entered each;
the scan opens only for the council's chair or secretary after the close. Recounts of council sessions; the
migration of an open session's running counters."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied

from tests.nominations.conftest import (
    PAPER_PDF,
    build,
    client_for,
    council_members,
    paper_scan,
    secretary,
    user,
)
from thidua.core.models import AuditEvent
from thidua.nominations import services
from thidua.nominations.models import BallotCount, Participation, SealedCouncilBallot

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def session(dept, unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = build("council", dept, unit)
    return services.open_session(user("caobang"), d, date(2025, 3, 5))


def rows(session):
    return (list(Participation.objects.filter(session=session).values("member_id", "mode", "recorded_by_id")),
            SealedCouncilBallot.objects.filter(session=session).count(),
            list(BallotCount.objects.filter(session=session).values("yes", "no")))


def test_written_ballot_page_only_for_the_secretary_with_the_scan(session, tmp_path):
    item_id = session.counts.get().item_id
    members = council_members()
    sec = secretary()
    absent = members[-1]
    url = f"/hoi-dong/phien/{session.pk}/"
    office = client_for("caobang")
    page = office.get(url).content.decode()
    assert 'id="written"' not in page and "ket-thuc" in page  # the office closes, it does not enter ballots
    sec_client = client_for(sec.username)
    page = sec_client.get(url).content.decode()
    assert 'id="written"' in page and 'enctype="multipart/form-data"' in page and 'name="paper"' in page

    before = rows(session)
    post = {"member": absent.pk, f"item-{item_id}": "no"}
    # The office, with a scan: refused, nothing written.
    response = office.post(f"{url}phieu-van-ban/", {**post, "paper": paper_scan()}, follow=True)
    assert "chỉ Thư ký Hội đồng" in response.content.decode() and rows(session) == before
    # The secretary without a scan, then with a program renamed .pdf: refused, nothing written.
    response = sec_client.post(f"{url}phieu-van-ban/", post, follow=True)
    assert "Cần đính kèm bản quét phiếu" in response.content.decode() and rows(session) == before
    response = sec_client.post(f"{url}phieu-van-ban/", {**post, "paper": paper_scan("phieu.pdf", b"MZ" + b"\0" * 99)},
                               follow=True)
    assert "nội dung không phải tệp .pdf" in response.content.decode() and rows(session) == before
    # The secretary with the scan: recorded, by whom, the scan stored sealed under a random name.
    response = sec_client.post(f"{url}phieu-van-ban/", {**post, "paper": paper_scan("Phiếu ông Bảy.pdf")}, follow=True)
    assert response.status_code == 200
    p = Participation.objects.get(session=session, member=absent)
    assert (p.mode, p.recorded_by, p.paper_name) == ("written", sec, "Phiếu ông Bảy.pdf")
    stored = (tmp_path / p.paper.name).read_bytes()
    assert PAPER_PDF not in stored and b"%PDF" not in stored and p.paper.name.endswith(".sealed")
    assert "Bảy" not in p.paper.name
    event = AuditEvent.objects.filter(object_type="nominations.participation", object_id=str(p.pk)).get()
    assert event.user == sec and event.after["member_id"] == absent.pk and event.after["recorded_by_id"] == sec.pk
    assert set(event.after) == {"session_id", "member_id", "mode", "recorded_by_id", "paper"}  # never the choice
    page = office.get(url).content.decode()
    assert f"Thư ký {sec.get_full_name() or sec.username} ghi" in page

    # The scan: not while the session is open, never for the office; after the close, for the secretary.
    scan_url = f"{url}phieu-van-ban/{p.pk}/ban-quet/"
    assert sec_client.get(scan_url).status_code == 302
    assert office.get(scan_url).status_code == 404
    for m in members[:5]:
        services.cast_ballot(m, session, {item_id: "yes"})
    services.close_session(user("caobang"), session)
    assert office.get(scan_url).status_code == 404
    assert client_for("laichau").get(scan_url).status_code == 404
    response = sec_client.get(scan_url)
    assert response.status_code == 200 and response.content == PAPER_PDF
    assert AuditEvent.objects.filter(object_repr__startswith="Xem bản quét phiếu", user=sec).count() == 1


def test_council_recount_matches_and_is_for_the_office(session):
    item_id = session.counts.get().item_id
    members = council_members()
    for m, v in zip(members, ["yes", "yes", "no", "yes", "yes", "no", "yes"], strict=True):
        services.cast_ballot(m, session, {item_id: v})
    with pytest.raises(Exception, match="khi phiên họp kết thúc"):
        services.recount_session(user("caobang"), session)
    services.close_session(user("caobang"), session)
    session.refresh_from_db()
    recount = services.recount_session(user("caobang"), session)
    assert recount.matches and [(r.yes, r.no) for r in recount.results] == [(5, 2)]
    before = rows(session)
    with pytest.raises(PermissionDenied):
        services.recount_session(user("hoidong"), session)
    assert rows(session) == before
    response = client_for("caobang").post(f"/hoi-dong/phien/{session.pk}/kiem-phieu-lai/", follow=True)
    assert "khớp với kết quả đã công bố" in response.content.decode()


def test_migration_turns_running_council_counters_into_sealed_ballots(session):
    migration = importlib.import_module("thidua.nominations.migrations.0003_sealed_ballots")
    item_id = session.counts.get().item_id
    members = council_members()
    # The old way: participations and counters, no sealed ballot.
    Participation.objects.bulk_create([Participation(session=session, member=m, mode="in_person") for m in members])
    BallotCount.objects.filter(session=session).update(yes=6, no=1)
    migration.seal_open_sessions(django_apps, None)
    assert list(BallotCount.objects.filter(session=session).values_list("yes", "no")) == [(0, 0)]
    assert SealedCouncilBallot.objects.filter(session=session).count() == 7
    (r,) = services.close_session(user("caobang"), session)
    assert (r.item.pk, r.yes, r.no) == (item_id, 6, 1)
