"""Notifications of the cluster year, created inside the service's transaction (thidua.notifications): the year
opened (its first steps — registration, the pact — open for every member) and a secret ballot opened."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from thidua.notifications.models import NotificationKind
from thidua.notifications.services import Note, notify, users_acting_for

# Users who act for a member of a cluster year (emulation.services.MEMBER_ROLES without the administrator).
MEMBER_USER_ROLES = {"emulation_office"}


def member_users(cy) -> set[int]:
    return users_acting_for(cy.members.values_list("pk", flat=True), MEMBER_USER_ROLES)


def year_opened(cy, run, user) -> int:
    if run.opened_on < timezone.localdate() - timedelta(days=60):  # a past year entered afterwards (history)
        return 0
    due = dict(cy.milestones.values_list("step", "due_on"))
    steps = [f"đăng ký chỉ tiêu{' (hạn ' + format(due['register'], '%d/%m/%Y') + ')' if 'register' in due else ''}",
             f"ký giao ước{' (hạn ' + format(due['pact'], '%d/%m/%Y') + ')' if 'pact' in due else ''}"]
    note = Note(NotificationKind.STEP_OPEN, f"cluster-year:{cy.pk}:open",
                f"Mở năm thi đua {cy.year}: {cy.cluster.name}",
                f"Chủ đề: {cy.theme}. Việc tiếp theo của thành viên: {', '.join(steps)}.",
                reverse("emulation:year", args=[cy.pk]))
    return notify(member_users(cy), note, exclude=getattr(user, "pk", None))


def vote_opened(session, user) -> int:
    if session.closes_at <= timezone.now():  # a past conference entered afterwards
        return 0
    cy = session.cluster_year
    note = Note(NotificationKind.BALLOT_OPEN, f"vote:{session.pk}:open",
                f"Bỏ phiếu kín: {session} — {cy.cluster.name} năm {cy.year}",
                f"Mở phiếu lúc {timezone.localtime(session.opens_at):%H:%M %d/%m/%Y}, đóng lúc "
                f"{timezone.localtime(session.closes_at):%H:%M %d/%m/%Y}; mỗi thành viên một phiếu.",
                reverse("emulation:year-vote", args=[cy.pk, session.pk]))
    return notify(member_users(cy), note, exclude=getattr(user, "pk", None))
