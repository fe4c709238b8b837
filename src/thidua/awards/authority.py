"""Who may issue, transcribe and revoke award decisions: the one place these rules live.

An *authority* is an organisation with the power to grant an award type. The power comes from the catalogue's
granting authority (`AwardType.granted_by`) and the organisation's kind:
- president, prime_minister: the two state organisations (kind "state") of that name;
- minister_chairman: a province or a ministry (its People's Committee chairman, its minister);
- head_of_unit: a department, commune, district, enterprise or legal-entity unit (not a small collective),
  and a province or ministry for its own staff.
After a merger the successor holds its predecessors' powers: it issues in their place, and it may revoke what
they granted. An authority that no longer exists on the signing day issues nothing.

Who acts for an authority (its emulation office): a user with the emulation-office role at that organisation
or at its successor; for the President and the Prime Minister, the Central Board (Ban TĐKT Trung ương), which
prepares their decisions. An administrator may act for any authority. Unit officers, council members,
auditors and a chair of an emulation cluster never issue or revoke for anyone.

A *transcription* is someone else's decision recorded by a province's or ministry's emulation office from the
document it received (a President's order for its staff): it carries the scan of that document, names the
office that recorded it, stays out of the authority's own numbering, and covers only the office's own staff.

Every check returns a `Verdict` (allowed, and why not); `require` turns a refusal into a 'denied' audit row and
PermissionDenied. Services, the API, pages and form choices all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from thidua.awards.models import Authority, AwardType
from thidua.core import refusals
from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

# The state organisations are matched on their names (as in the nominations routing data).
STATE_AUTHORITY_NAMES = {Authority.PRESIDENT: "Chủ tịch nước", Authority.PRIME_MINISTER: "Thủ tướng Chính phủ"}
KIND_POWERS: dict[str, set[str]] = {
    OrganizationKind.PROVINCE: {Authority.MINISTER_CHAIRMAN, Authority.HEAD_OF_UNIT},
    OrganizationKind.MINISTRY: {Authority.MINISTER_CHAIRMAN, Authority.HEAD_OF_UNIT},
    OrganizationKind.DEPARTMENT: {Authority.HEAD_OF_UNIT},
    OrganizationKind.DISTRICT: {Authority.HEAD_OF_UNIT},
    OrganizationKind.COMMUNE: {Authority.HEAD_OF_UNIT},
    OrganizationKind.ENTERPRISE: {Authority.HEAD_OF_UNIT},
    OrganizationKind.UNIT: {Authority.HEAD_OF_UNIT},
}
# Offices that may transcribe another authority's decision for their own staff.
TRANSCRIBING_KINDS = {OrganizationKind.PROVINCE, OrganizationKind.MINISTRY}
STATE_OFFICE_ROLES = {Role.CENTRAL_BOARD, Role.EMULATION_OFFICE}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def _no(reason: str) -> Verdict:
    return Verdict(False, reason)


# ---------------------------------------------------------------------------
# Powers of an organisation
# ---------------------------------------------------------------------------


def powers(org: Organization) -> set[str]:
    """The granting authorities (`AwardType.granted_by` values) the organisation holds."""
    if org.kind == OrganizationKind.STATE:
        return {code for code, name in STATE_AUTHORITY_NAMES.items() if org.name == name}
    if org.kind == OrganizationKind.UNIT and org.is_small_collective:
        return set()  # not a legal entity: its head grants nothing
    return set(KIND_POWERS.get(org.kind, set()))


def fits(org: Organization, award_type: AwardType) -> bool:
    return award_type.granted_by in powers(org)


def award_types_for(org: Organization) -> QuerySet:
    """The catalogue entries the organisation may grant (form choices)."""
    return AwardType.objects.filter(granted_by__in=powers(org))


def is_valid_on(org: Organization, day: date) -> bool:
    return (org.valid_from is None or org.valid_from <= day) and (org.valid_to is None or org.valid_to >= day)


def current_authority(org: Organization, day: date) -> Organization:
    """The organisation holding `org`'s powers on `day`: itself, or its successor after a merger."""
    if is_valid_on(org, day):
        return org
    for successor in org.successors_chain():
        if is_valid_on(successor, day):
            return successor
    return org


def holders(org: Organization) -> list[Organization]:
    """The organisation and its successors: each holds its powers (and may revoke what it granted)."""
    return [org, *org.successors_chain()]


def covers(authority: Organization, unit: Organization) -> bool:
    """Whether a recipient's unit is within the authority's jurisdiction: anywhere for the state authorities,
    otherwise the subtree of the authority and of everything merged into it."""
    if authority.kind == OrganizationKind.STATE:
        return True
    paths = Organization.objects.filter(pk__in=authority.lineage_ids()).values_list("path", flat=True)
    return any(unit.path.startswith(p) for p in paths)


# ---------------------------------------------------------------------------
# Who acts for which office
# ---------------------------------------------------------------------------


def _is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _roles(user) -> list[tuple[Organization, str]]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_authority_roles", None)
    if cached is None:
        cached = [(r.organization, r.role) for r in UserRole.objects.filter(user=user).select_related("organization")]
        user._thidua_authority_roles = cached
    return cached


def issuing_offices(authority: Organization) -> QuerySet:
    """The organisations whose emulation office acts for the authority: the Central Board for the state
    authorities; otherwise the authority itself and its successors."""
    if authority.kind == OrganizationKind.STATE:
        return Organization.objects.filter(kind=OrganizationKind.CENTRAL)
    return Organization.objects.filter(pk__in=[o.pk for o in holders(authority)])


def acts_for(user, authority: Organization) -> bool:
    """Whether the user acts for the authority's emulation office (administrators always do)."""
    if _is_admin(user):
        return True
    if authority.kind == OrganizationKind.STATE:
        offices = set(issuing_offices(authority).values_list("pk", flat=True))
        return any(org.pk in offices and role in STATE_OFFICE_ROLES for org, role in _roles(user))
    return any(role == Role.EMULATION_OFFICE and authority.pk in org.lineage_ids() for org, role in _roles(user))


def issuing_authorities(user) -> QuerySet:
    """The organisations the user may issue decisions for (form choices)."""
    if _is_admin(user):
        return Organization.objects.filter(Q(kind=OrganizationKind.STATE) | Q(kind__in=list(KIND_POWERS)))
    ids: set[int] = set()
    for org, role in _roles(user):
        if role == Role.EMULATION_OFFICE:
            ids |= org.lineage_ids()
        if role in STATE_OFFICE_ROLES and org.kind == OrganizationKind.CENTRAL:
            ids |= set(Organization.objects.filter(kind=OrganizationKind.STATE, name__in=STATE_AUTHORITY_NAMES.values())
                       .values_list("pk", flat=True))
    return Organization.objects.filter(pk__in=ids)


def transcribing_offices(user) -> list[Organization]:
    """The province or ministry offices the user transcribes for (an administrator: every one)."""
    if _is_admin(user):
        return list(Organization.objects.filter(kind__in=TRANSCRIBING_KINDS))
    return [org for org, role in _roles(user) if role == Role.EMULATION_OFFICE and org.kind in TRANSCRIBING_KINDS]


def _label(code: str) -> str:
    return str(Authority(code).label) if code in Authority.values else code


def _who(user) -> str:
    return "Bạn cần đăng nhập." if not getattr(user, "is_authenticated", False) else ""


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def _fit_and_reach(authority: Organization, award_types: Iterable[AwardType], units: Iterable[Organization],
                   signed_on: date | None) -> Verdict:
    for t in {t.pk: t for t in award_types}.values():
        if not fits(authority, t):
            return _no(f"{authority.name} không có thẩm quyền tặng {t.name}: thẩm quyền thuộc "
                       f"{_label(t.granted_by)}.")
    if signed_on is not None and not is_valid_on(authority, signed_on):
        now = current_authority(authority, signed_on)
        successor = f"; cơ quan kế thừa là {now.name}" if now.pk != authority.pk else ""
        return _no(f"{authority.display_name} không còn là cơ quan có thẩm quyền vào ngày {signed_on:%d/%m/%Y}"
                   f"{successor}.")
    for unit in {u.pk: u for u in units}.values():
        if not covers(authority, unit):
            return _no(f"{unit.name} không thuộc phạm vi khen thưởng của {authority.name}.")
    return ALLOWED


def can_issue(user, authority: Organization, award_types: Iterable[AwardType] = (),
              units: Iterable[Organization] = (), signed_on: date | None = None) -> Verdict:
    """May the user record `authority`'s own decision granting these award types to recipients of these units?"""
    if not getattr(user, "is_authenticated", False):
        return _no(_who(user))
    if not acts_for(user, authority):
        offices = ", ".join(o.name for o in issuing_offices(authority)[:3]) or authority.name
        return _no(f"Chỉ cơ quan thi đua, khen thưởng của {authority.name} ({offices}) hoặc quản trị hệ thống mới "
                   f"được ghi quyết định do {authority.name} ban hành. Quyết định của cơ quan khác khen cán bộ "
                   f"của đơn vị bạn chỉ được ghi lại dưới dạng bản sao (kèm văn bản gốc).")
    return _fit_and_reach(authority, award_types, units, signed_on)


def can_transcribe(user, authority: Organization, office: Organization | None, award_types: Iterable[AwardType] = (),
                   units: Iterable[Organization] = (), signed_on: date | None = None) -> Verdict:
    """May the user record, on behalf of `office`, a copy of `authority`'s decision for these recipients?"""
    if not getattr(user, "is_authenticated", False):
        return _no(_who(user))
    if office is None:
        return _no("Chỉ cơ quan thi đua, khen thưởng của tỉnh, bộ mới được ghi lại quyết định của cơ quan khác.")
    if office.pk not in {o.pk for o in transcribing_offices(user)}:
        return _no(f"Bạn không làm việc cho cơ quan thi đua, khen thưởng của {office.name}: không ghi lại quyết "
                   f"định thay cơ quan này được.")
    if authority.pk in office.lineage_ids():
        return _no(f"Đây là quyết định của chính {authority.name}: hãy ghi là quyết định do cơ quan ban hành, "
                   f"không phải bản ghi lại.")
    verdict = _fit_and_reach(authority, award_types, (), signed_on)
    if not verdict:
        return verdict
    for unit in {u.pk: u for u in units}.values():
        if not covers(office, unit):
            return _no(f"Bản ghi lại chỉ dành cho cán bộ, tập thể của {office.name}; {unit.name} không thuộc đơn vị này.")
    return ALLOWED


def can_revoke(user, award, *, authority: Organization, transcribed_by: Organization | None = None,
               signed_on: date | None = None) -> Verdict:
    """May the user revoke `award` by a decision of `authority` (recorded by its office, or transcribed by
    `transcribed_by`)? Only the authority that granted the award, or its successor, revokes it."""
    if not getattr(user, "is_authenticated", False):
        return _no(_who(user))
    granted_by = award.decision.authority
    if authority.pk not in {o.pk for o in holders(granted_by)}:
        return _no(f"Chỉ {granted_by.name} (cơ quan đã quyết định khen thưởng) hoặc cơ quan kế thừa mới thu hồi "
                   f"được khen thưởng này; quyết định thu hồi của {authority.name} không có giá trị với nó.")
    if signed_on is not None and not is_valid_on(authority, signed_on):
        return _no(f"{authority.display_name} không còn là cơ quan có thẩm quyền vào ngày {signed_on:%d/%m/%Y}.")
    if transcribed_by is None:
        if not acts_for(user, authority):
            return _no(f"Chỉ cơ quan thi đua, khen thưởng của {authority.name} hoặc quản trị hệ thống mới thu hồi "
                       f"được khen thưởng do {granted_by.name} quyết định.")
        return ALLOWED
    return can_transcribe(user, authority, transcribed_by, units=[award.unit])


def require(verdict: Verdict, user, obj=None, *, what: str = "") -> None:
    """Turn a refusal into a 'denied' audit row (who tried what, and why) and Forbidden."""
    if verdict:
        return
    refusals.deny(user, obj, verdict.reason, what=what)
