"""The daily reminders: a dossier's time limit 3 working days away or passed (counted with the dossiers'
working-day calendar) and cluster-year steps due; once per day whatever the number of runs or workers."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.nominations.conftest import build, user
from thidua.nominations.models import Dossier
from thidua.nominations.workdays import Calendar, add_working_days
from thidua.notifications.models import Notification, NotificationKind, ReminderRun
from thidua.office import reminders

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _submitted_on(d: Dossier, day: date) -> None:
    Dossier.objects.filter(pk=d.pk).update(state_entered_at=timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=9)))


def test_deadline_near_and_passed_once_each(dept, unit):
    cal = Calendar.from_db()
    today = date(2026, 12, 7)  # a Monday
    near = build("submitted", dept, unit, title="Gần hạn")
    late = build("submitted", dept, unit, title="Quá hạn")
    fresh = build("submitted", dept, unit, title="Còn lâu")
    # "receive" is 5 working days from submission: due in 3 working days / passed / due in 5.
    _submitted_on(near, next(d for d in (today - timedelta(days=n) for n in range(10))
                             if add_working_days(d, 5, cal) == add_working_days(today, 3, cal)))
    _submitted_on(late, today - timedelta(days=14))
    _submitted_on(fresh, today)
    created = reminders.run_reminders(today)
    caobang = user("caobang")
    mine = Notification.objects.filter(user=caobang, kind__in=[NotificationKind.DEADLINE_NEAR,
                                                                NotificationKind.DEADLINE_PASSED])
    titles = set(mine.values_list("title", flat=True))
    assert {"Sắp đến hạn: Gần hạn", "Quá hạn: Quá hạn"} <= titles and "Sắp đến hạn: Còn lâu" not in titles
    assert "còn 3 ngày làm việc" in mine.get(title="Sắp đến hạn: Gần hạn").body
    assert not Notification.objects.filter(user=user("laichau"), title__endswith="Gần hạn").exists()
    assert created >= 2
    # A second run the same day (or a second worker) creates nothing.
    assert reminders.run_reminders(today) == 0
    assert mine.count() == len(titles)


def test_day_is_claimed_once_and_the_worker_enqueues_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
    settings.THIDUA_TASKS_QUEUE = "default"
    settings.THIDUA_REMINDER_HOUR = 7
    tz = timezone.get_current_timezone()
    early = timezone.datetime(2026, 12, 7, 6, 0, tzinfo=tz)
    later = timezone.datetime(2026, 12, 7, 8, 0, tzinfo=tz)
    assert reminders.maybe_enqueue_daily(early) is False  # before the hour
    assert not ReminderRun.objects.filter(day=date(2026, 12, 7)).exists()
    # The test settings run tasks immediately: enqueuing runs the reminders and records the run.
    assert reminders.maybe_enqueue_daily(later) is True
    assert reminders.maybe_enqueue_daily(later) is False
    assert reminders.enqueue_daily(date(2026, 12, 7)) is False
    run = ReminderRun.objects.get(day=date(2026, 12, 7))
    assert run.finished_at is not None


def test_remind_command_is_idempotent():
    out = StringIO()
    call_command("remind", "--date", "2026-12-08", stdout=out)
    assert "thông báo nhắc việc mới" in out.getvalue()
    out = StringIO()
    call_command("remind", "--date", "2026-12-08", stdout=out)
    assert "đã có lượt nhắc việc" in out.getvalue()
    assert ReminderRun.objects.filter(day=date(2026, 12, 8)).count() == 1


def test_step_due_reminds_the_members_of_an_open_year():
    from thidua.emulation import services as emulation
    from thidua.emulation.models import ClusterYear, PactSignature

    cy = ClusterYear.objects.get(year=2019)
    today = timezone.localdate()
    due = add_working_days(today, 2, Calendar.from_db())
    emulation.open_year(user("laichau"), cy, theme="Chủ đề", opened_on=today, milestones={"pact": due},
                        copy_framework=True)
    PactSignature.objects.filter(pact__cluster_year=cy).delete()
    reminders.run_reminders(today)
    key = f"step:{cy.pk}:pact:{due}:near"
    told = set(Notification.objects.filter(key=key).values_list("user__username", flat=True))
    assert {"caobang", "laichau", "sonla"} <= told and "donvi" not in told and "hoidong" not in told
    assert reminders.run_reminders(today) == 0
