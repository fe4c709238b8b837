"""Creating, reading and e-mailing notifications. Services of the other apps call `notify()` inside the
transaction of the event they report, so a refused or rolled-back action notifies nobody; the e-mails leave after
the commit (`transaction.on_commit`). Each (user, event key) is stored once: reporting an event twice changes
nothing and sends no second e-mail."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from thidua.notifications.models import Notification, NotificationPreference
from thidua.orgs.models import UserRole

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    """One event to report: the same text for every recipient."""

    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def users_acting_for(org_ids: Iterable[int], roles: Iterable[str]) -> set[int]:
    """Active users acting for one of the organisations with one of the roles (one query)."""
    org_ids, roles = list(set(org_ids)), list(set(roles))
    if not org_ids or not roles:
        return set()
    return set(UserRole.objects.filter(organization_id__in=org_ids, role__in=roles, user__is_active=True)
               .values_list("user_id", flat=True))


def notify(user_ids: Iterable[int], note: Note, *, exclude: int | None = None) -> int:
    """Notify each user once of `note` (users already notified of the same key are skipped). Returns how many rows
    were created. Call it inside the event's transaction."""
    return notify_many([(uid, note) for uid in set(user_ids) if uid and uid != exclude])


def notify_many(pairs: list[tuple[int, Note]]) -> int:
    """Set-based: one query for the pairs that exist, one bulk insert (conflicts ignored: a concurrent run that
    inserted the same pair first wins), e-mails after the commit."""
    if not pairs:
        return 0
    keys = {n.key for _, n in pairs}
    users = {u for u, _ in pairs}
    have = set(Notification.objects.filter(key__in=keys, user_id__in=users).values_list("user_id", "key"))
    fresh, seen = [], set()
    for uid, n in pairs:
        if (uid, n.key) in have or (uid, n.key) in seen:
            continue
        seen.add((uid, n.key))
        fresh.append(Notification(user_id=uid, kind=n.kind, key=n.key[:160], title=n.title[:255], body=n.body,
                                  url=n.url[:500]))
    if not fresh:
        return 0
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    transaction.on_commit(lambda: send_emails(keys, {u for u, _ in seen}))
    return len(fresh)


def email_wanted(user_ids: Iterable[int]) -> set[int]:
    """Users who want e-mail and have an address: everyone with an address unless they turned it off."""
    off = NotificationPreference.objects.filter(user_id__in=list(user_ids), email=False).values("user_id")
    return set(get_user_model().objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="")
               .exclude(pk__in=off).values_list("pk", flat=True))


def send_emails(keys: Iterable[str], user_ids: Iterable[int]) -> int:
    """E-mail the not yet e-mailed notifications of these keys to the users who want e-mail. Each row is claimed
    (emailed_at set where it was empty) before its message leaves, so two runs never send it twice."""
    wanted = email_wanted(user_ids)
    if not wanted:
        return 0
    rows = list(Notification.objects.filter(key__in=list(keys), user_id__in=wanted, emailed_at__isnull=True)
                .select_related("user"))
    messages = []
    for n in rows:
        if not Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue  # another process took it
        link = f"{settings.THIDUA_SITE_URL.rstrip('/')}{n.url}" if n.url else ""
        body = "\n\n".join(part for part in (n.body, link, "— thidua (thư tự động; đổi cách nhận thông báo tại "
                                             f"{settings.THIDUA_SITE_URL.rstrip('/')}/thong-bao/cai-dat/)") if part)
        messages.append(EmailMessage(subject=f"[thidua] {n.title}", body=body, to=[n.user.email]))
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the mail server is away: the in-app notification stays; the failure is logged
        log.exception("sending %d notification e-mails failed", len(messages))
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=None)
        return 0


def for_user(user) -> QuerySet[Notification]:
    if not getattr(user, "pk", None):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return for_user(user).filter(read_at__isnull=True).count()


def mark_read(user, pk: int) -> Notification | None:
    """Mark one of the user's notifications read (another user's: None, nothing changes)."""
    n = for_user(user).filter(pk=pk).first()
    if n is not None and n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


def mark_all_read(user) -> int:
    return for_user(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def wants_email(user) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email if pref else True


def set_email(user, enabled: bool) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email": bool(enabled)})
    return pref


