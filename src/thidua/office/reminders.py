"""The daily reminders: dossiers whose time limit is 3 working days away or has passed and
steps of the cluster year that are due soon or overdue and not done. Run once a day by the background-job engine
(`thidua worker` enqueues it from THIDUA_REMINDER_HOUR; `thidua remind` from cron); each reminder's key names the
step or limit, its due date and "near"/"passed", so running it twice a day, or from two workers, adds nothing."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from thidua.emulation.models import Milestone, Step
from thidua.emulation.notices import MEMBER_USER_ROLES
from thidua.emulation.services import timeline
from thidua.nominations.models import Dossier
from thidua.nominations.services import dossier_deadline
from thidua.nominations.workdays import Calendar, working_days_between
from thidua.nominations.workflow import workflow
from thidua.notifications.models import NotificationKind, ReminderRun
from thidua.notifications.services import Note, notify_many
from thidua.orgs.models import UserRole

try:  # Django 6 has the framework built in; the backport has the same API
    from django.tasks import task
except ImportError:
    from django_tasks import task

log = logging.getLogger(__name__)

# A reminder is sent when this many working days or fewer are left.
REMIND_DAYS_LEFT = 3
# An overdue step is reminded while it is at most this many days late (older years are history, not work).
OVERDUE_WINDOW_DAYS = 30
# Steps the chair (or the organising authority) does; the others each member does.
LEAD_STEPS = {Step.CROSS_SCORE, Step.LOCK, Step.VOTE, Step.HANDOVER}


def step_reminders(today: date, calendar: Calendar | None = None) -> int:
    """Milestones due within REMIND_DAYS_LEFT working days or overdue (within the window) whose step the records
    do not show done: the members (or, for the chair's steps, the chair) are reminded."""
    calendar = calendar or Calendar.from_db()
    horizon = today + timedelta(days=REMIND_DAYS_LEFT * 3 + 4)  # enough calendar days for 3 working days
    milestones = list(Milestone.objects.filter(due_on__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
                                               due_on__lte=horizon, cluster_year__run__isnull=False)
                      .select_related("cluster_year__cluster"))
    due = []
    for m in milestones:
        left = working_days_between(today, m.due_on, calendar)
        if left <= REMIND_DAYS_LEFT:
            due.append((m, left))
    if not due:
        return 0
    # The timeline of each cluster year concerned (a handful a day): which steps are done.
    done: dict[int, set[str]] = {}
    for cy in {m.cluster_year for m, _ in due}:
        done[cy.pk] = {s.step for s in timeline(cy) if s.done}
    cys = {m.cluster_year for m, _ in due}
    through = type(next(iter(cys))).members.through
    members: dict[int, set[int]] = {}
    for cy_id, org_id in through.objects.filter(clusteryear_id__in=[c.pk for c in cys]).values_list(
            "clusteryear_id", "organization_id"):
        members.setdefault(cy_id, set()).add(org_id)
    orgs = set().union(*members.values()) | {c.chair_id for c in cys}
    users: dict[int, set[int]] = {}
    for org_id, uid in UserRole.objects.filter(organization_id__in=orgs, role__in=MEMBER_USER_ROLES,
                                               user__is_active=True).values_list("organization_id", "user_id"):
        users.setdefault(org_id, set()).add(uid)
    pairs = []
    for m, left in due:
        cy = m.cluster_year
        if m.step in done[cy.pk]:
            continue
        label = Step(m.step).label
        if m.due_on < today:
            note = Note(NotificationKind.STEP_DUE, f"step:{cy.pk}:{m.step}:{m.due_on}:passed",
                        f"Quá hạn: {label} — {cy.cluster.name} năm {cy.year}",
                        f"Hạn {m.due_on:%d/%m/%Y} đã qua; bước này chưa xong.", reverse("emulation:year", args=[cy.pk]))
        else:
            when = "hôm nay" if left == 0 else f"còn {left} ngày làm việc"
            note = Note(NotificationKind.STEP_DUE, f"step:{cy.pk}:{m.step}:{m.due_on}:near",
                        f"Sắp đến hạn: {label} — {cy.cluster.name} năm {cy.year}",
                        f"Hạn {m.due_on:%d/%m/%Y}, {when}.", reverse("emulation:year", args=[cy.pk]))
        targets = {cy.chair_id} if m.step in LEAD_STEPS else members.get(cy.pk, set())
        pairs += [(uid, note) for org in targets for uid in users.get(org, ())]
    return notify_many(pairs)


def deadline_reminders(today: date, calendar: Calendar | None = None) -> int:
    """Every dossier whose time limit is at most REMIND_DAYS_LEFT working days away or has passed: its handling
    office is reminded once for "near" and once for "passed" (the key names the limit and its due date). A few
    set-based queries whatever the number of dossiers."""
    wf = workflow()
    calendar = calendar or Calendar.from_db()
    states = {s for rule in wf.deadlines for s in rule.states}
    rows = list(Dossier.objects.filter(state__in=states).filter(~Q(handler=None))
                .only("pk", "title", "state", "handler_id", "state_entered_at", "received_at", "submitted_at"))
    due_rows = []
    for d in rows:
        status = dossier_deadline(d, calendar, today)
        if status is not None and status.days_left <= REMIND_DAYS_LEFT:
            due_rows.append((d, status))
    if not due_rows:
        return 0
    handler_roles = set(workflow().transitions["receive"].roles)
    by_org: dict[int, set[int]] = {}
    for org_id, uid in UserRole.objects.filter(organization_id__in={d.handler_id for d, _ in due_rows},
                                               role__in=handler_roles, user__is_active=True
                                               ).values_list("organization_id", "user_id"):
        by_org.setdefault(org_id, set()).add(uid)
    pairs = []
    for d, st in due_rows:
        if st.overdue:
            note = Note(NotificationKind.DEADLINE_PASSED, f"deadline:{d.pk}:{st.code}:{st.due}:passed",
                        f"Quá hạn: {d.title}", f"{st.label} — hạn {st.due:%d/%m/%Y}, đã quá {st.days_overdue} ngày "
                        f"làm việc ({st.basis}).", reverse("nominations:detail", args=[d.pk]))
        else:
            when = "hôm nay" if st.due_today else f"còn {st.days_left} ngày làm việc"
            note = Note(NotificationKind.DEADLINE_NEAR, f"deadline:{d.pk}:{st.code}:{st.due}:near",
                        f"Sắp đến hạn: {d.title}", f"{st.label} — hạn {st.due:%d/%m/%Y}, {when} ({st.basis}).", reverse("nominations:detail", args=[d.pk]))
        pairs += [(uid, note) for uid in by_org.get(d.handler_id, ())]
    return notify_many(pairs)


def run_reminders(today: date | None = None) -> int:
    """All the daily reminders for `today`, in one transaction; returns how many notifications were created."""
    today = today or timezone.localdate()
    calendar = Calendar.from_db()
    with transaction.atomic():
        created = deadline_reminders(today, calendar) + step_reminders(today, calendar)
        ReminderRun.objects.filter(day=today).update(finished_at=timezone.now(), created=created)
    return created


@task(queue_name=settings.THIDUA_TASKS_QUEUE)
def send_daily_reminders(day: str) -> int:
    """The daily job on the background-job engine."""
    return run_reminders(date.fromisoformat(day))


def claim_day(today: date) -> bool:
    """Take today's run (one row per day): False when it was already taken (by another worker, or by cron)."""
    try:
        with transaction.atomic():
            ReminderRun.objects.create(day=today)
    except IntegrityError:
        return False
    return True


def enqueue_daily(today: date | None = None) -> bool:
    """Enqueue today's reminder job unless it was enqueued already. Returns whether it was enqueued now."""
    today = today or timezone.localdate()
    if not claim_day(today):
        return False
    send_daily_reminders.enqueue(today.isoformat())
    return True


def maybe_enqueue_daily(now=None) -> bool:
    """Called by the worker's companion at every heartbeat: from THIDUA_REMINDER_HOUR (local time), once a day."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.THIDUA_REMINDER_HOUR:
        return False
    if ReminderRun.objects.filter(day=now.date()).exists():
        return False
    return enqueue_daily(now.date())
