"""Notifications of the nomination path, created inside the transaction of the event (thidua.notifications):
a dossier arriving at an office or returned to its proposer, a council session opened, a decision naming a unit,
and the daily deadline reminders (3 working days before a dossier's time limit, and once it has passed)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse

from thidua.nominations.models import CouncilSession, Dossier, DossierEvent
from thidua.nominations.workdays import Calendar
from thidua.nominations.workflow import workflow
from thidua.notifications.models import NotificationKind
from thidua.notifications.services import Note, notify, notify_many, users_acting_for

# A reminder is sent when this many working days or fewer are left.
REMIND_DAYS_LEFT = 3


def _roles(transition: str) -> set[str]:
    return set(workflow().transitions[transition].roles)


def _url(d: Dossier) -> str:
    return reverse("nominations:detail", args=[d.pk])


def dossier_moved(d: Dossier, event: DossierEvent, user) -> int:
    """Arrived (submitted, forwarded) at the handling office, or returned to the proposing unit."""
    if event.transition in ("submit", "forward"):
        note = Note(NotificationKind.DOSSIER_ARRIVED, f"dossier:{d.pk}:arrived:{event.pk}",
                    f"Hồ sơ chuyển đến: {d.title}", f"{d.from_org.name} gửi hồ sơ #{d.pk} tới {d.handler.name}; "
                    "tiếp nhận trong 5 ngày làm việc.", _url(d))
        return notify(users_acting_for([d.handler_id], _roles("receive")), note, exclude=getattr(user, "pk", None))
    if event.transition == "return":
        note = Note(NotificationKind.DOSSIER_RETURNED, f"dossier:{d.pk}:returned:{event.pk}",
                    f"Hồ sơ bị trả lại: {d.title}", f"{d.handler.name} trả lại hồ sơ #{d.pk}: {event.reason}", _url(d))
        return notify(users_acting_for([d.from_org_id], _roles("submit")), note, exclude=getattr(user, "pk", None))
    return 0


def session_opened(session: CouncilSession, user) -> int:
    note = Note(NotificationKind.COUNCIL_SESSION, f"council-session:{session.pk}:open",
                f"Phiên họp {session.council.name} ngày {session.held_on:%d/%m/%Y}",
                f"Bỏ phiếu kín hồ sơ “{session.dossier.title}”.", reverse("nominations:session", args=[session.pk]))
    return notify(session.council.members.filter(is_active=True).values_list("pk", flat=True), note,
                  exclude=getattr(user, "pk", None))


def session_ended(session: CouncilSession, user, label: str, reason: str) -> int:
    note = Note(NotificationKind.COUNCIL_SESSION, f"council-session:{session.pk}:{session.status}",
                f"{label}: phiên họp {session.council.name} ngày {session.held_on:%d/%m/%Y}", reason,
                reverse("nominations:session", args=[session.pk]))
    return notify(session.council.members.filter(is_active=True).values_list("pk", flat=True), note,
                  exclude=getattr(user, "pk", None))


def decision_recorded(d: Dossier, decision, unit_ids: set[int], user) -> int:
    """Users acting for the proposing unit or for a unit of an awarded person or collective."""
    note = Note(NotificationKind.DECISION, f"decision:{decision.pk}",
                f"Quyết định khen thưởng số {decision.number} ngày {decision.signed_on:%d/%m/%Y}",
                f"{decision.summary or d.title} — có người, tập thể của đơn vị bạn.", _url(d))
    from thidua.orgs.models import Role

    roles = {Role.EMULATION_OFFICE, Role.UNIT_OFFICER}
    return notify(users_acting_for(unit_ids | {d.from_org_id}, roles), note, exclude=getattr(user, "pk", None))


def deadline_reminders(today: date, calendar: Calendar | None = None) -> int:
    """Every dossier whose time limit is at most REMIND_DAYS_LEFT working days away or has passed: its handling
    office is reminded once for "near" and once for "passed" (the key names the limit and its due date). A few
    set-based queries whatever the number of dossiers."""
    from thidua.nominations.services import dossier_deadline

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
    handler_roles = _roles("receive")
    from thidua.orgs.models import UserRole

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
                        f"làm việc ({st.basis}).", _url(d))
        else:
            when = "hôm nay" if st.due_today else f"còn {st.days_left} ngày làm việc"
            note = Note(NotificationKind.DEADLINE_NEAR, f"deadline:{d.pk}:{st.code}:{st.due}:near",
                        f"Sắp đến hạn: {d.title}", f"{st.label} — hạn {st.due:%d/%m/%Y}, {when} ({st.basis}).", _url(d))
        pairs += [(uid, note) for uid in by_org.get(d.handler_id, ())]
    return notify_many(pairs)
