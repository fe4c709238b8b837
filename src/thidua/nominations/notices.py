"""Notifications of the nomination path, created inside the transaction of the event (thidua.notifications):
a dossier arriving at an office or returned to its proposer, a council session opened or ended, a decision naming
a unit. The daily deadline reminders are thidua.office.reminders."""

from __future__ import annotations

from django.urls import reverse

from thidua.nominations.models import CouncilSession, Dossier, DossierEvent
from thidua.nominations.workflow import workflow
from thidua.notifications.models import NotificationKind
from thidua.notifications.services import Note, notify, users_acting_for
from thidua.orgs.models import Role


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
    roles = {Role.EMULATION_OFFICE, Role.UNIT_OFFICER}
    return notify(users_acting_for(unit_ids | {d.from_org_id}, roles), note, exclude=getattr(user, "pk", None))
