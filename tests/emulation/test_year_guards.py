"""The guards of the cluster year (services.check_…): whether an action is allowed now and, if not, why — the words
the page shows for a POST it did not offer and the service gives when it refuses (the same words, one denied audit
row). Unit tests on the small
three-province world (tests/factories.py), no reference scenario."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import cluster_year
from thidua.core import refusals
from thidua.core.models import AuditEvent
from thidua.emulation import services
from thidua.emulation.models import ScoreRound, VoteKind, VoteSession, YearRun

pytestmark = pytest.mark.django_db


def why(check, *args, **kwargs) -> str:
    exc = services.refusal(check, *args, **kwargs)
    return "" if exc is None else refusals.message(exc)


@pytest.fixture
def world(three_provinces):
    three_provinces.cy = cluster_year(three_provinces)
    return three_provinces


def open_year(world) -> YearRun:
    return services.open_year(world.cao_bang.office, world.cy, theme="Đoàn kết, đổi mới", opened_on=date(2031, 1, 15))


def test_opening_is_for_the_chair_or_the_organiser_and_happens_once(world):
    cy = world.cy
    assert "Chỉ cụm trưởng (Cao Bằng)" in why(services.check_open_year, world.lai_chau.office, cy)
    assert "Chỉ cụm trưởng" in why(services.check_open_year, world.cao_bang.unit_officer, cy)
    assert why(services.check_open_year, world.central, cy) == ""  # the Central Board organises the cluster
    assert why(services.check_open_year, world.cao_bang.office, cy) == ""
    open_year(world)
    assert why(services.check_open_year, world.cao_bang.office, cy) == "Năm thi đua 2031 đã được mở."


def test_a_refusal_is_recorded_once_and_the_service_refuses_with_the_same_words(world):
    cy, lai_chau = world.cy, world.lai_chau.office
    denied = AuditEvent.objects.filter(action="denied", user=lai_chau)
    exc = services.refusal(services.check_open_year, lai_chau, cy)
    assert isinstance(exc, PermissionDenied) and denied.count() == 1  # as the service's own refusal would be
    refusals.record_denial(exc)  # a page that shows it does not record it twice
    assert denied.count() == 1
    with pytest.raises(PermissionDenied, match="Chỉ cụm trưởng") as refused:
        services.open_year(lai_chau, cy, theme="x", opened_on=date(2031, 1, 1))
    assert refusals.message(refused.value) == refusals.message(exc)
    assert not YearRun.objects.filter(cluster_year=cy).exists()
    assert denied.count() == 2 and denied.filter(reason=refusals.message(exc)).count() == 2


def test_members_register_and_report_for_their_own_province_while_the_year_is_open(world):
    cy, cb, lc = world.cy, world.cao_bang, world.lai_chau
    assert "chưa được mở" in why(services.check_member_unlocked, cb.office, cy, cb.org)
    run = open_year(world)
    assert why(services.check_member_unlocked, cb.office, cy, cb.org) == ""
    assert f"Bạn không thay mặt {lc.org.name}" in why(services.check_member_unlocked, cb.office, cy, lc.org)
    # The organising authority may register for a member (allow_lead), not report its results.
    assert why(services.check_member_unlocked, world.central, cy, lc.org, allow_lead=True) == ""
    assert "không thay mặt" in why(services.check_member_unlocked, world.central, cy, lc.org)
    run.scores_locked_at = timezone.now()
    run.save()
    assert "đã khóa" in why(services.check_member_unlocked, cb.office, cy, cb.org)


def test_the_pact_is_drafted_by_the_chair_and_signed_once_per_member(world):
    cy, cb, lc = world.cy, world.cao_bang, world.lai_chau
    open_year(world)
    assert why(services.check_sign_pact, lc.office, cy, lc.org) == "Năm 2031 chưa có giao ước thi đua để ký."
    assert "Chỉ cụm trưởng" in why(services.check_save_pact, lc.office, cy)
    services.save_pact(cb.office, cy, title="Giao ước 2031", commitments="Hoàn thành chỉ tiêu")
    assert why(services.check_sign_pact, lc.office, cy, lc.org) == ""
    services.sign_pact(lc.office, cy, lc.org, signatory="Nguyễn Văn A", position="Phó Chủ tịch",
                       signed_on=date(2031, 1, 20))
    assert why(services.check_sign_pact, lc.office, cy, lc.org) == "Lai Châu đã ký giao ước."
    assert why(services.check_save_pact, cb.office, cy) == "Giao ước đã có chữ ký; không sửa nội dung được."


def test_who_scores_in_each_round(world):
    cy, cb, lc = world.cy, world.cao_bang, world.lai_chau
    open_year(world)
    assert why(services.check_score, cb.office, cy, cb.org, ScoreRound.SELF) == ""
    assert "không thay mặt" in why(services.check_score, cb.office, cy, lc.org, ScoreRound.SELF)
    assert why(services.check_score, lc.office, cy, cb.org, ScoreRound.CROSS) == (
        "Bạn không được phân công chấm chéo Cao Bằng.")
    assert "Chỉ cụm trưởng" in why(services.check_score, lc.office, cy, cb.org, ScoreRound.FINAL)
    assert why(services.check_score, cb.office, cy, lc.org, ScoreRound.FINAL) == ""
    assert why(services.check_score, cb.office, cy, lc.org, "other") == "Vòng chấm “other” không hợp lệ."


def test_votes_need_the_review_conference_and_a_ballot_is_cast_once_inside_its_window(world):
    cy, cb, lc = world.cy, world.cao_bang, world.lai_chau
    open_year(world)
    assert why(services.check_open_vote, cb.office, cy) == "Cần lập hội nghị tổng kết trước khi bỏ phiếu."
    assert why(services.check_schedule_review, cb.office, cy) == ""
    services.schedule_review(cb.office, cy, title="Hội nghị tổng kết 2031", held_on=date(2032, 3, 15), place="Cao Bằng")
    assert why(services.check_schedule_review, cb.office, cy) == "Năm 2031 đã có hội nghị tổng kết."
    assert why(services.check_open_vote, cb.office, cy) == ""
    now = timezone.now()
    session = services.open_vote(cb.office, cy, kind=VoteKind.CHAIR, candidates=[lc.org, world.ha_giang.org],
                                 opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    assert "chưa mở" in why(services.check_cast_ballot, lc.office, session, lc.org)
    VoteSession.objects.filter(pk=session.pk).update(opens_at=now - timedelta(minutes=5))
    session.refresh_from_db()
    assert why(services.check_cast_ballot, lc.office, session, lc.org) == ""
    assert "không thay mặt" in why(services.check_cast_ballot, lc.office, session, cb.org)
    services.cast_ballot(lc.office, session, lc.org, [lc.org])
    assert "đã bỏ phiếu" in why(services.check_cast_ballot, lc.office, session, lc.org)
    assert why(services.check_hand_over, cb.office, cy) == "Chưa bầu cụm trưởng năm sau; chưa thể trao cờ luân lưu."


def test_a_date_after_the_steps_deadline_is_recorded_with_a_warning(world, client):
    """A late pact signature happens: it is recorded, and the page warns that the date is after the calendar's
    deadline (a mistyped year shows at once); a date within the deadline brings no warning."""
    cy, cb, lc = world.cy, world.cao_bang, world.lai_chau
    services.open_year(cb.office, cy, theme="Đoàn kết", opened_on=date(2031, 1, 15),
                       milestones={"pact": date(2031, 2, 28)})
    services.save_pact(cb.office, cy, title="Giao ước 2031", commitments="Hoàn thành chỉ tiêu")
    assert services.late_warning(cy, "pact", date(2031, 2, 28)) is None
    assert services.late_warning(cy, "lock", date(2040, 1, 1)) is None  # no deadline set for that step
    url = f"/cum/{cy.pk}/nam/giao-uoc/ky/"
    for office, org, on, late in ((lc.office, lc.org, "20/03/2031", True), (cb.office, cb.org, "20/02/2031", False)):
        client.force_login(office)
        page = client.post(url, {"member": org.pk, "signatory": "Nguyễn Thị Hoa", "position": "Phó Chủ tịch",
                                 "signed_on": on}, follow=True).content.decode()
        assert "đã ký giao ước" in page
        assert ("sau hạn “Ký giao ước thi đua” (28/02/2031) của năm thi đua 2031" in page) is late
    assert cy.pact.signatures.count() == 2


def test_who_may_view_a_year_is_what_the_cluster_years_visible_to_a_user_say(world):
    """year_roles decides `can_view` from the members it reads anyway: the same answer as ClusterYear.visible_to,
    for every account of the world (offices, a unit officer, the Central Board, an account without a role)."""
    from django.contrib.auth import get_user_model

    from thidua.emulation.models import ClusterYear

    get_user_model().objects.create_user("khong-vai-tro", password="x")
    users = list(get_user_model().objects.all())
    assert len(users) >= 5
    seen = set()
    for user in users:
        for cy in ClusterYear.objects.all():
            can_view = services.year_roles(user, cy).can_view
            assert can_view == ClusterYear.objects.visible_to(user).filter(pk=cy.pk).exists(), (user.username, cy)
            seen.add(can_view)
    assert seen == {True, False}
