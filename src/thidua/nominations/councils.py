"""Managing the Emulation & Commendation Councils (Law art. 90) from the application, not only the Django admin:
the emulation office of the council's organisation (or an administrator) lists its councils, adds and removes
members and follows the sessions. Every change is one transaction with its audit row; a refusal raises
PermissionDenied or ValidationError with a Vietnamese message and changes nothing (refusals of access are
audited as "denied", like nominations.services).

Membership is a set of users (`Council.members`); the chair and the secretary, named in the minutes, are two
of them (`set_officers`). The thresholds of a session are shares of the members counted when it opened
(`CouncilSession.member_count`), so membership cannot change while a session is open.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from thidua.core import audit, refusals
from thidua.nominations.models import Council, CouncilSession, SessionStatus
from thidua.nominations.services import acting
from thidua.orgs.models import Role, UserRole

MANAGER_ROLES = frozenset({Role.EMULATION_OFFICE})


def managed_organization_ids(user) -> set[int]:
    """Organisations whose councils the user manages: those they act for as the emulation office (with what
    merged into them)."""
    return {org.pk for org, role in acting(user) if role in MANAGER_ROLES}


def is_manager(user) -> bool:
    """Whether the council pages exist for this user at all (others get 404)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or managed_organization_ids(user))


def councils_for(user) -> QuerySet[Council]:
    """The councils the user manages: every council for an administrator, else those of the organisations the
    user acts for as emulation office."""
    if not getattr(user, "is_authenticated", False):
        return Council.objects.none()
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(organization_id__in=managed_organization_ids(user))


def can_manage(user, council: Council) -> bool:
    return councils_for(user).filter(pk=council.pk).exists()


def _member_label(member) -> str:
    return member.get_full_name() or member.username


def _members_snapshot(council: Council) -> dict:
    return {"members": sorted(council.members.values_list("username", flat=True)),
            "chair": council.chair.username if council.chair_id else None,
            "secretary": council.secretary.username if council.secretary_id else None}


def _authorise(user, council: Council, action: str) -> None:
    if not can_manage(user, council):
        refusals.deny(user, council, f"{action}: chỉ cơ quan thi đua, khen thưởng của {council.organization.name} "
                                     f"mới quản lý được {council.name}.")


def _no_open_session(council: Council, action: str) -> None:
    open_session = council.sessions.filter(status=SessionStatus.OPEN).select_related("dossier").first()
    if open_session is not None:
        raise ValidationError(
            f"{action}: {council.name} đang có phiên họp ngày {open_session.held_on:%d/%m/%Y} (hồ sơ "
            f"“{open_session.dossier.title}”) chưa kết thúc; tỷ lệ phiếu tính trên số thành viên lúc mở phiên, nên "
            f"chỉ thay đổi thành viên sau khi kết thúc phiên họp.")


def candidates(council: Council) -> QuerySet:
    """Users who may join: active accounts with a role in the council's organisation or below it, not yet
    members."""
    org = council.organization
    users = UserRole.objects.filter(Q(organization__path__startswith=org.path)
                                    | Q(organization_id__in=org.lineage_ids())).values("user_id")
    return (get_user_model().objects.filter(pk__in=users, is_active=True).exclude(pk__in=council.members.values("pk"))
            .order_by("last_name", "first_name", "username"))


def add_member(user, council: Council, member) -> Council:
    """Add `member` to the council (audited)."""
    action = f"Thêm thành viên vào {council.name}"
    _authorise(user, council, action)
    with transaction.atomic():
        locked = Council.objects.select_for_update().get(pk=council.pk)
        if locked.members.filter(pk=member.pk).exists():
            raise ValidationError({"member": f"{action}: {_member_label(member)} đã là thành viên."})
        if not candidates(locked).filter(pk=member.pk).exists():
            raise ValidationError({"member": f"{action}: tài khoản {_member_label(member)} không có vai trò tại "
                                             f"{locked.organization.name} hoặc đơn vị trực thuộc, hoặc đã bị khóa."})
        _no_open_session(locked, action)
        before = _members_snapshot(locked)
        locked.members.add(member)
        audit.record("change", locked, before=before, after=_members_snapshot(locked), user=user,
                     reason=f"Thêm thành viên: {_member_label(member)}")
    return locked


def remove_member(user, council: Council, member) -> Council:
    """Remove `member` from the council (audited). Past sessions keep their participations and counts."""
    action = f"Bớt thành viên khỏi {council.name}"
    _authorise(user, council, action)
    with transaction.atomic():
        locked = Council.objects.select_for_update().get(pk=council.pk)
        if not locked.members.filter(pk=member.pk).exists():
            raise ValidationError({"member": f"{action}: {_member_label(member)} không phải thành viên."})
        _no_open_session(locked, action)
        before = _members_snapshot(locked)
        locked.members.remove(member)
        for officer in ("chair", "secretary"):  # a former member holds no office in the council
            if getattr(locked, f"{officer}_id") == member.pk:
                setattr(locked, officer, None)
        locked.save(update_fields=["chair", "secretary"])
        audit.record("change", locked, before=before, after=_members_snapshot(locked), user=user,
                     reason=f"Bớt thành viên: {_member_label(member)}")
    return locked


def set_officers(user, council: Council, *, chair=None, secretary=None) -> Council:
    """Name the chair and the secretary among the members (either may be left unnamed); audited."""
    action = f"Phân công chức danh trong {council.name}"
    _authorise(user, council, action)
    with transaction.atomic():
        locked = Council.objects.select_for_update().get(pk=council.pk)
        for field, person in (("chair", chair), ("secretary", secretary)):
            if person is not None and not locked.members.filter(pk=person.pk).exists():
                label = "Chủ tịch Hội đồng" if field == "chair" else "Thư ký Hội đồng"
                raise ValidationError({field: f"{action}: {label} phải là thành viên; {_member_label(person)} "
                                              f"không phải thành viên."})
        if chair is not None and secretary is not None and chair.pk == secretary.pk:
            raise ValidationError({"secretary": f"{action}: Chủ tịch và Thư ký phải là hai người khác nhau."})
        before = _members_snapshot(locked)
        locked.chair, locked.secretary = chair, secretary
        locked.save(update_fields=["chair", "secretary"])
        audit.record("change", locked, before=before, after=_members_snapshot(locked), user=user,
                     reason=f"Chủ tịch: {_member_label(chair) if chair else '—'}; "
                            f"Thư ký: {_member_label(secretary) if secretary else '—'}")
    return locked


def sessions_of(council: Council) -> QuerySet[CouncilSession]:
    """The council's sessions, newest first, with how many members took part (in person or in writing)."""
    return (council.sessions.select_related("dossier").annotate(n_participants=Count("participations"))
            .order_by("-held_on", "-pk"))


def overview(user) -> list[tuple[Council, int, int]]:
    """(council, members, open sessions) for the council list page: a few queries whatever the number."""
    qs = (councils_for(user).select_related("organization")
          .annotate(n_members=Count("members", distinct=True),
                    n_open=Count("sessions", filter=Q(sessions__status=SessionStatus.OPEN), distinct=True))
          .order_by("organization__path", "name"))
    return [(c, c.n_members, c.n_open) for c in qs]
