"""Nomination services: every change of a dossier, an item, a council vote or a certificate goes through
here, one transaction each, with its event and audit row. A refusal (wrong role, wrong level, wrong state,
missing reason, failed check) raises PermissionDenied or ValidationError with a clear Vietnamese message
and changes nothing; refusals of access are written to the audit trail as "denied".

Who may act is data (data/workflow.json): each transition names the level (the proposing organisation or
the organisation handling the dossier now) and the roles allowed there.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from thidua.awards import authority as authority_rules
from thidua.awards.models import (
    Award,
    AwardType,
    Decision,
    Initiative,
    RecipientClass,
    Revocation,
)
from thidua.awards.services import bulk_record_awards, revoke_award
from thidua.core import audit, refusals
from thidua.eligibility.labels import award_vi
from thidua.lib import sealing
from thidua.lib.numbers import format_percent
from thidua.lib.uploads import DOCUMENT_TYPES, check_upload
from thidua.nominations import certificates, notices
from thidua.nominations.checks import check_dossier
from thidua.nominations.disclosure_policy import session_refusal
from thidua.nominations.models import (
    ACTIVE_OUTCOMES,
    Attachment,
    AttachmentKind,
    BallotCount,
    BaseSalary,
    Council,
    CouncilSession,
    Dossier,
    DossierEvent,
    DossierItem,
    DossierKind,
    DossierStep,
    Holiday,
    ItemOutcome,
    Participation,
    SealedCouncilBallot,
    SessionStatus,
    VoteMode,
)
from thidua.nominations.prize import DEFAULT_BASE_SALARY
from thidua.nominations.workdays import DEFAULT_HOLIDAYS, Calendar, DeadlineStatus, deadline_status
from thidua.nominations.workflow import Transition, council_rules, resolve_target, route_rule, workflow
from thidua.orgs.models import Household, Organization, Person, Role
from thidua.orgs.scope import scope_for

ROLE_LABELS = dict(Role.choices)
LEVEL_LABELS = {"proposer": "đơn vị trình hồ sơ", "handler": "đơn vị đang xử lý hồ sơ"}


# ---------------------------------------------------------------------------
# Who acts, at which level
# ---------------------------------------------------------------------------


def acting(user) -> list[tuple[Organization, str]]:
    """(organisation, role) pairs the user acts with, each organisation extended to what merged into it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_acting", None)
    if cached is not None:
        return cached
    out = []
    scope = scope_for(user)
    for r in scope.user_roles:
        lineage = scope.lineage_of(r.organization_id)
        if len(lineage) == 1:  # nothing merged into it (the usual case): no query
            out.append((r.organization, r.role))
            continue
        for org in Organization.objects.filter(pk__in=lineage):
            out.append((org, r.role))
    user._thidua_acting = out
    return out


def _first_handler(dossier: Dossier) -> Organization:
    step = dossier.steps.select_related("organization").order_by("position").first()
    return step.organization if step else dossier.handler


def _at_level(org: Organization, dossier: Dossier, level: str) -> bool:
    if level == "handler":
        return org.pk == dossier.handler_id
    if level == "proposer":
        if not dossier.from_org.path.startswith(org.path):
            return False
        # An organisation above the proposer that handles the dossier is not the proposer.
        return org.pk == dossier.from_org_id or not _first_handler(dossier).path.startswith(org.path)
    raise ValueError(f"unknown level {level!r}")


def _authorise(user, dossier: Dossier, level: str, roles: frozenset[str] | set[str], action: str) -> tuple[Organization, str]:
    """The (organisation, role) the user takes `action` with, or PermissionDenied saying why not."""
    pairs = acting(user)
    if not pairs:
        raise PermissionDenied(f"{action}: tài khoản của bạn không có vai trò nào tại một đơn vị.")
    at_level = [(o, r) for o, r in pairs if _at_level(o, dossier, level)]
    allowed = [(o, r) for o, r in at_level if r in roles]
    if allowed:
        return allowed[0]
    roles_vi = ", ".join(str(ROLE_LABELS.get(r, r)) for r in sorted(roles))
    if at_level:
        mine = ", ".join(sorted({str(ROLE_LABELS.get(r, r)) for _, r in at_level}))
        raise PermissionDenied(f"{action}: vai trò của bạn ({mine}) không được làm việc này; cần một trong: {roles_vi}.")
    who = dossier.handler.name if level == "handler" else dossier.from_org.name
    raise PermissionDenied(f"{action}: chỉ {LEVEL_LABELS[level]} ({who}) mới được làm việc này, với vai trò: {roles_vi}.")


def _event(dossier: Dossier, user, org: Organization | None, transition: str, from_state: str, to_state: str,
           reason: str = "", item: DossierItem | None = None) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier, item=item, user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "", organization=org, transition=transition,
        from_state=from_state, to_state=to_state, reason=reason)


def _last_step(dossier: Dossier) -> int:
    return dossier.steps.aggregate(m=Max("position"))["m"] or 0


# ---------------------------------------------------------------------------
# Dossiers and items
# ---------------------------------------------------------------------------


def create_dossier(user, *, from_org: Organization, granted_by: str, year: int, title: str,
                   kind: str = DossierKind.MERIT, movement=None, letter_number: str = "",
                   on: date | None = None) -> Dossier:
    """A new draft dossier; its route and deciding authority come from data/routing.json in force `on`."""
    on = on or timezone.localdate()
    rules = workflow().items_editable
    pairs = [(o, r) for o, r in acting(user) if from_org.path.startswith(o.path) and r in rules["roles"]]
    if not pairs:
        refusals.deny(user, from_org, f"Tạo hồ sơ: bạn không được lập hồ sơ cho {from_org.name} (cần vai trò "
                               f"{', '.join(str(ROLE_LABELS[r]) for r in rules['roles'])} tại đơn vị này hoặc đơn vị cấp trên).")
    if kind not in DossierKind.values:
        raise ValidationError({"kind": f"Loại khen thưởng {kind!r} không hợp lệ."})
    if kind == DossierKind.THEMATIC and movement is None:
        raise ValidationError({"movement": "Khen thưởng theo chuyên đề cần nêu phong trào thi đua."})
    if not title.strip():
        raise ValidationError({"title": "Cần trích yếu của hồ sơ."})
    if not 1945 <= int(year) <= on.year:
        raise ValidationError({"year": f"Năm thành tích {year} không hợp lệ (1945–{on.year})."})
    rule = route_rule(from_org.kind, granted_by, on)
    if rule is None:
        raise ValidationError({"granted_by": f"Không có tuyến trình từ {from_org.get_kind_display().lower()} đến "
                                             f"thẩm quyền “{granted_by}” (data/routing.json)."})
    steps = []
    for symbol in rule.route:
        org = resolve_target(symbol, from_org)
        if org is not None and (not steps or steps[-1].pk != org.pk):
            steps.append(org)
    authority = resolve_target(rule.authority, from_org)
    if not steps or authority is None:
        raise ValidationError({"granted_by": f"Không xác định được đơn vị nhận hồ sơ theo tuyến “{rule.id}”."})
    with transaction.atomic():
        dossier = Dossier.objects.create(
            from_org=from_org, granted_by=granted_by, authority=authority, handler=steps[0], step=0, route_rule=rule.id,
            kind=kind, movement=movement, year=year, title=title.strip(), letter_number=letter_number,
            created_by=user if getattr(user, "pk", None) else None)
        DossierStep.objects.bulk_create([DossierStep(dossier=dossier, position=i, organization=o)
                                         for i, o in enumerate(steps)])
        _event(dossier, user, pairs[0][0], "create", "", dossier.state)
        audit.record("create", dossier, after=audit.snapshot(dossier), user=user)
    return dossier


def _authorise_edit(user, dossier: Dossier, action: str) -> Organization:
    rules = workflow().items_editable
    org, _role = _authorise(user, dossier, "proposer", frozenset(rules["roles"]), action)
    if dossier.state not in rules["states"]:
        raise ValidationError(f"{action}: hồ sơ đang ở trạng thái “{dossier.state_label}”; chỉ sửa được khi "
                              f"{' hoặc '.join(workflow().state_label(s) for s in rules['states'])}.")
    return org


def default_recipient_class(person: Person | None, organization: Organization | None,
                            household: Household | None) -> str:
    if household is not None:
        return RecipientClass.HOUSEHOLD
    if organization is not None:
        if organization.is_small_collective:
            return RecipientClass.SMALL_COLLECTIVE
        return RecipientClass.ENTERPRISE if organization.kind == "enterprise" else RecipientClass.COLLECTIVE
    return RecipientClass.DIRECT_WORKER if person.is_direct_worker else RecipientClass.INDIVIDUAL_OTHER


@dataclass
class NewItem:
    """One nominee to add (the arguments of `add_item`), for `add_items`."""

    award_type: AwardType
    person: Person | None = None
    organization: Organization | None = None
    household: Household | None = None
    year: int | None = None
    achievement: str = ""
    recipient_class: str | None = None
    initiatives: list[Initiative] | tuple = ()


def _new_item(dossier: Dossier, entry: NewItem, this_year: int) -> DossierItem:
    """The unsaved item for `entry`, or ValidationError: the rules of a nominee, no query (the person's
    organisation must be loaded with it)."""
    award_type, person, organization, household = entry.award_type, entry.person, entry.organization, entry.household
    if sum(x is not None for x in (person, organization, household)) != 1:
        raise ValidationError("Cần đúng một đối tượng: cá nhân, tập thể hoặc hộ gia đình.")
    year = int(entry.year or dossier.year)
    if not 1945 <= year <= this_year:
        raise ValidationError({"year": f"Năm thành tích {year} không hợp lệ."})
    if award_type.granted_by != dossier.granted_by:
        raise ValidationError({"award_type": f"{award_type.name} do {award_type.get_granted_by_display()} quyết định; "
                                             f"hồ sơ này trình {dossier.get_granted_by_display()}."})
    kind_ok = (award_type.for_individual if person else award_type.for_collective if organization
               else award_type.for_household)
    if not kind_ok:
        who = "cá nhân" if person else ("tập thể" if organization else "hộ gia đình")
        raise ValidationError({"award_type": f"{award_type.name} không dành cho {who}."})
    unit = person.organization if person else (organization if organization else household.organization)
    if not unit.path.startswith(dossier.from_org.path):
        raise ValidationError(f"{unit.name} không thuộc {dossier.from_org.name}: đơn vị chỉ đề nghị khen thưởng "
                              f"cho người và tập thể của mình.")
    for ini in entry.initiatives:
        if (person and ini.person_id != person.pk) or (organization and ini.organization_id != organization.pk) or household:
            raise ValidationError({"initiatives": f"Sáng kiến “{ini.title}” không phải của đối tượng được đề nghị."})
    rclass = entry.recipient_class or default_recipient_class(person, organization, household)
    if rclass not in RecipientClass.values:
        raise ValidationError({"recipient_class": f"Đối tượng {rclass!r} không hợp lệ."})
    name = person.full_name if person else (organization.name if organization else str(household))
    return DossierItem(dossier=dossier, person=person, organization=organization, household=household,
                       recipient_name=name, recipient_class=rclass, award_type=award_type, year=year,
                       achievement=(entry.achievement or "").strip())


def add_items(user, dossier: Dossier, entries: list[NewItem], *,
              action: str = "Thêm người/tập thể đề nghị") -> list[DossierItem]:
    """Add nominees to a draft (or returned) dossier, all or none, in a fixed number of queries whatever their
    number: one authorisation, the rules of a nominee for each entry (a refusal names the entry: the
    ValidationError carries `index`, its place in `entries`), positions after the last item, one bulk insert,
    the initiatives' links and one audit row per item, in bulk. Duplicates and the other checks of the items
    (eligibility, discipline…) are those of checks.check_dossier, run on the whole dossier at submission."""
    with refusals.service(user=user, on=dossier):
        _authorise_edit(user, dossier, action)
    this_year = timezone.localdate().year
    items = []
    for n, entry in enumerate(entries):
        try:
            items.append(_new_item(dossier, entry, this_year))
        except ValidationError as exc:
            exc.index = n  # callers adding many (the Excel import) name the row
            raise
    if not items:
        return []
    with transaction.atomic():
        last = dossier.items.aggregate(m=Max("position"))["m"] or 0
        for n, item in enumerate(items, start=1):
            item.position = last + n
        # RETURNING gives the ids on SQLite ≥ 3.35 and PostgreSQL (needed for the links and the audit rows).
        DossierItem.objects.bulk_create(items, batch_size=2000)
        links = [DossierItem.initiatives.through(dossieritem_id=item.pk, initiative_id=ini.pk)
                 for item, entry in zip(items, entries, strict=True) for ini in entry.initiatives]
        if links:
            DossierItem.initiatives.through.objects.bulk_create(links, batch_size=2000)
        audit.record_many("create", items, user=user)
    return items


def add_item(user, dossier: Dossier, *, award_type: AwardType, person: Person | None = None,
             organization: Organization | None = None, household: Household | None = None, year: int | None = None,
             achievement: str = "", recipient_class: str | None = None,
             initiatives: list[Initiative] | tuple = ()) -> DossierItem:
    """Add a nominee to a draft (or returned) dossier (one entry of `add_items`)."""
    return add_items(user, dossier, [NewItem(award_type, person, organization, household, year, achievement,
                                             recipient_class, list(initiatives))])[0]


def remove_item(user, item: DossierItem) -> None:
    dossier = item.dossier
    with refusals.service(user=user, on=item):
        _authorise_edit(user, dossier, "Xóa mục đề nghị")
    with transaction.atomic():
        snap = audit.snapshot(item)
        audit.record("delete", item, before=snap, user=user)
        item.initiatives.clear()
        item.delete()


def add_attachment(user, dossier: Dossier, *, kind: str, uploaded_file, item: DossierItem | None = None) -> Attachment:
    """Attach a file: the proposer while the dossier can be edited, the handling organisation while it
    handles it (appraisal notes, minutes, the decision)."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": f"Loại tài liệu {kind!r} không hợp lệ."})
    with refusals.service(user=user, on=dossier):
        try:
            _authorise_edit(user, dossier, "Đính kèm tài liệu")
        except (PermissionDenied, ValidationError):
            if dossier.state in workflow().terminal_states or dossier.state in ("draft", "returned"):
                raise
            _authorise(user, dossier, "handler", frozenset(workflow().item_outcomes["roles"]), "Đính kèm tài liệu")
    if item is not None and item.dossier_id != dossier.pk:
        raise ValidationError({"item": "Mục không thuộc hồ sơ này."})
    check_upload(uploaded_file, allowed=DOCUMENT_TYPES)  # type by content, size, zip limits
    with transaction.atomic():
        att = Attachment.objects.create(dossier=dossier, item=item, kind=kind, file=uploaded_file,
                                        original_name=uploaded_file.name[:255], size=uploaded_file.size,
                                        uploaded_by=user if getattr(user, "pk", None) else None)
        audit.record("create", att, after=audit.snapshot(att), user=user)
    return att


# ---------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------


def _guard(user, dossier: Dossier, t: Transition, reason: str) -> tuple[Organization, str]:
    """Every condition of a transition except the checks; raises, changes nothing."""
    org_role = _authorise(user, dossier, t.level, t.roles, t.label_vi)
    if dossier.state not in t.sources:
        raise ValidationError(f"{t.label_vi}: hồ sơ đang ở trạng thái “{dossier.state_label}”; việc này chỉ làm được khi "
                              f"hồ sơ {' / '.join(workflow().state_label(s) for s in t.sources)}.")
    if t.reason and not reason.strip():
        raise ValidationError({"reason": f"{t.label_vi}: cần nêu lý do."})
    last = _last_step(dossier)
    if t.route == "next" and dossier.step >= last:
        raise ValidationError(f"{t.label_vi}: {dossier.handler.name} là cấp cuối của tuyến trình; hãy trình ký quyết định.")
    if t.route == "last" and dossier.step < last:
        raise ValidationError(f"{t.label_vi}: hồ sơ còn phải trình lên cấp trên trước khi quyết định.")
    if t.first_step_only and dossier.step != 0:
        raise ValidationError(f"{t.label_vi}: hồ sơ đã được chuyển lên cấp trên.")
    return org_role


def allowed_transitions(user, dossier: Dossier) -> list[Transition]:
    """The transitions the user may take now (the buttons shown), without running the checks."""
    out = []
    for t in workflow().from_state(dossier.state):
        try:
            _guard(user, dossier, t, "x")
        except (PermissionDenied, ValidationError):
            continue
        if t.via == "decision" and not authority_rules.acts_for(user, dossier.authority):
            continue  # only the deciding authority's office records its decision (_authorise_decision)
        out.append(t)
    return out


def can_edit_items(user, dossier: Dossier) -> bool:
    try:
        _authorise_edit(user, dossier, "")
        return True
    except (PermissionDenied, ValidationError):
        return False


def can_set_outcomes(user, dossier: Dossier) -> bool:
    rules = workflow().item_outcomes
    if dossier.state not in rules["states"]:
        return False
    try:
        _authorise(user, dossier, rules["level"], frozenset(rules["roles"]), "")
        return True
    except PermissionDenied:
        return False


class NeedsConfirmation(refusals.Conflict):
    """The step is allowed but unusual (every nominee flagged ineligible): take it again with `confirm=True`."""


def ineligible(report, items: list[DossierItem]) -> list[tuple[DossierItem, str]]:
    """The items the eligibility engine found not eligible, with its message ("Chưa đủ điều kiện …")."""
    out = []
    for i in items:
        r = report.items.get(i.pk)
        if r is not None and r.eligible is False:
            out.append((i, next((c.message for c in r.checks if c.code == "eligibility"), "")))
    return out


def _override(user, org: Organization, d: Dossier, item: DossierItem, reason: str) -> None:
    """Record that `user` approves or decides an ineligible item anyway, and why (item, history, audit)."""
    before = audit.snapshot(item)
    item.override_reason, item.override_by, item.override_at = reason, user if getattr(user, "pk", None) else None, \
        timezone.now()
    item.save(update_fields=["override_reason", "override_by", "override_at"])
    _event(d, user, org, "override", item.outcome, item.outcome, reason, item=item)
    audit.record("change", item, before=before, after=audit.snapshot(item), only_changes=True, user=user,
                 reason=f"Vẫn khen khi chưa đủ điều kiện: {reason}"[:255])


def move(user, dossier: Dossier, transition: str, reason: str = "", *, confirm: bool = False) -> DossierEvent:
    """Take a workflow transition. Checks role, level, state, reason, route and (where the transition says
    so) the items' checks; refuses with a clear message and changes nothing. Submitting a dossier whose every
    nominee is flagged ineligible raises NeedsConfirmation unless `confirm`."""
    wf = workflow()
    t = wf.transitions.get(transition)
    if t is None:
        raise ValidationError({"transition": f"Thao tác {transition!r} không có trong quy trình; dùng một trong: "
                                             f"{', '.join(wf.transitions)}."})
    if t.via == "decision":
        raise ValidationError(f"{t.label_vi}: dùng chức năng ghi quyết định (số, ngày, người ký).")
    reason = (reason or "").strip()
    with refusals.service(user=user, on=dossier):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().select_related("handler", "from_org").get(pk=dossier.pk)
            org, _role = _guard(user, d, t, reason)
            items = list(d.items.select_related("award_type", "lowered_to", "person", "organization", "household"))
            active = [i for i in items if i.outcome in ACTIVE_OUTCOMES]
            if t.code in ("submit", "appraise", "forward", "propose", "to_council") and not active:
                raise ValidationError(f"{t.label_vi}: hồ sơ chưa có người/tập thể nào được đề nghị.")
            if t.code == "to_council":
                _, _, thresholds = council_rules()
                if not any(i.final_award_type.code in thresholds for i in active):
                    raise ValidationError(f"{t.label_vi}: không có mục nào cần Hội đồng biểu quyết "
                                          f"(chỉ {', '.join(sorted(thresholds))}).")
                if not Council.objects.filter(organization=d.handler, active=True).exists():
                    raise ValidationError(f"{t.label_vi}: {d.handler.name} chưa có Hội đồng TĐKT.")
            if t.code in ("forward", "propose") and d.state == "council":
                if d.council_sessions.filter(status=SessionStatus.OPEN).exists():
                    raise ValidationError(f"{t.label_vi}: phiên họp Hội đồng chưa kết thúc.")
                if not d.council_sessions.filter(status=SessionStatus.CLOSED).exists():
                    raise ValidationError(f"{t.label_vi}: Hội đồng chưa họp xét hồ sơ này.")
            report = check_dossier(d, items) if t.checks or t.code == "submit" else None
            if t.checks and report.blocking:
                raise ValidationError(f"{t.label_vi}: chưa được, vì {report.blocking_message()}")
            if t.code == "submit" and not confirm:
                flagged = ineligible(report, active)
                if active and len(flagged) == len(active):
                    raise NeedsConfirmation(
                        f"{t.label_vi}: cả {len(active)} người, tập thể đề nghị đều chưa đủ điều kiện theo quy định "
                        f"({'; '.join(f'{i.recipient_name}: {m}' for i, m in flagged[:5])}). Xác nhận nếu vẫn gửi.")
            before = audit.snapshot(d)
            from_state, now = d.state, timezone.now()
            d.state, d.state_entered_at = t.target, now
            if t.code == "submit" and d.submitted_at is None:
                d.submitted_at = now
            if t.code == "receive":
                d.received_at = now
            if t.code == "forward":
                d.step += 1
                d.handler = d.steps.get(position=d.step).organization
                d.received_at = None
            d.save()
            event = _event(d, user, org, t.code, from_state, d.state, reason)
            audit.record("change", d, before=before, after=audit.snapshot(d), only_changes=True, user=user,
                         reason=f"{t.label_vi}{': ' + reason if reason else ''}"[:255])
            notices.dossier_moved(d, event, user)
    dossier.refresh_from_db()
    return event


def set_item_outcome(user, item: DossierItem, outcome: str, reason: str = "",
                     lowered_to: AwardType | None = None, override_reason: str = "") -> DossierEvent:
    """Return, reject, lower or approve one item (or set it back to pending) without stopping the rest. Approving
    (or lowering to) an award the item is not eligible for needs `override_reason` (recorded and audited)."""
    rules = workflow().item_outcomes
    reason = (reason or "").strip()
    with refusals.service(user=user, on=item):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().select_related("handler", "from_org").get(pk=item.dossier_id)
            org, _role = _authorise(user, d, rules["level"], frozenset(rules["roles"]), "Kết quả từng mục")
            if d.state not in rules["states"]:
                raise ValidationError(f"Kết quả từng mục: hồ sơ đang ở trạng thái “{d.state_label}”.")
            if outcome not in ItemOutcome.values:
                raise ValidationError({"outcome": f"Kết quả {outcome!r} không hợp lệ."})
            if outcome in rules["reason_required"] and not reason:
                raise ValidationError({"reason": "Cần nêu lý do."})
            it = DossierItem.objects.select_for_update().select_related("award_type").get(pk=item.pk)
            if it.award_id:
                raise ValidationError("Mục đã có quyết định khen thưởng.")
            if outcome == ItemOutcome.LOWERED:
                if lowered_to is None:
                    raise ValidationError({"lowered_to": "Cần chọn hình thức hạ xuống."})
                if lowered_to.rank >= it.award_type.rank:
                    raise ValidationError({"lowered_to": f"{lowered_to.name} không thấp hơn {it.award_type.name}."})
                if lowered_to.granted_by != d.granted_by:
                    raise ValidationError({"lowered_to": f"{lowered_to.name} do {lowered_to.get_granted_by_display()} "
                                                         f"quyết định, không thuộc thẩm quyền của hồ sơ này; hãy trả lại "
                                                         f"mục để đơn vị trình đúng cấp."})
                ok = (lowered_to.for_individual if it.person_id else lowered_to.for_collective if it.organization_id
                      else lowered_to.for_household)
                if not ok:
                    raise ValidationError({"lowered_to": f"{lowered_to.name} không dành cho đối tượng này."})
            before = audit.snapshot(it)
            from_outcome = it.outcome
            it.outcome = outcome
            it.lowered_to = lowered_to if outcome == ItemOutcome.LOWERED else None
            override_reason = (override_reason or "").strip()
            flagged = []
            if outcome in (ItemOutcome.APPROVED, ItemOutcome.LOWERED):
                flagged = ineligible(check_dossier(d, [it]), [it])
                if flagged and not override_reason and not it.override_reason:
                    raise ValidationError({"override_reason": f"{it.recipient_name}: {flagged[0][1]} Muốn vẫn đồng ý "
                                                              f"khen, hãy ghi lý do vượt cảnh báo."})
            it.reason = reason
            it.save(update_fields=["outcome", "lowered_to", "reason"])
            text = reason + (f" (hạ xuống {lowered_to.code})" if outcome == ItemOutcome.LOWERED else "")
            event = _event(d, user, org, "item_outcome", from_outcome, outcome, text, item=it)
            audit.record("change", it, before=before, after=audit.snapshot(it), only_changes=True, user=user,
                         reason=text[:255])
            if flagged and override_reason:
                _override(user, org, d, it, override_reason)
    return event


# ---------------------------------------------------------------------------
# Decisions, awards, certificates, revocation
# ---------------------------------------------------------------------------


def record_decision(user, dossier: Dossier, *, number: str, signed_on: date, signer_name: str, signer_title: str = "",
                    summary: str = "", file=None, items: list[DossierItem] | None = None,
                    overrides: dict[int, str] | None = None) -> Decision:
    """The authority's decision: approved items become award records linked to it (one certificate each, with
    its golden-register number); items left out are recorded as not awarded. One transaction. An item the
    eligibility engine finds not eligible is decided only with a reason to go past the warning: given when it was
    approved, or now in `overrides` (item id → reason)."""
    t = workflow().transitions["decide"]
    number = (number or "").strip()
    with refusals.service(user=user, on=dossier):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().select_related("handler", "from_org", "authority").get(pk=dossier.pk)
            org, _role = _guard(user, d, t, "")
            all_items = list(d.items.select_related("award_type", "lowered_to", "person__organization", "organization",
                                                    "household__organization"))
            active = [i for i in all_items if i.outcome in ACTIVE_OUTCOMES]
            chosen = active if items is None else [i for i in active if i.pk in {x.pk for x in items}]
            _authorise_decision(user, d, chosen, signed_on)
            if not number:
                raise ValidationError({"number": "Cần số quyết định."})
            if not signer_name.strip():
                raise ValidationError({"signer_name": "Cần tên người ký."})
            if signed_on > timezone.localdate():
                raise ValidationError({"signed_on": "Ngày ký không được sau hôm nay."})
            if Decision.objects.own().filter(authority=d.authority, number=number).exists():
                raise ValidationError({"number": f"{d.authority.name} đã có quyết định số {number}."})
            if items is not None and len(chosen) != len({x.pk for x in items}):
                raise ValidationError({"items": "Chỉ quyết định các mục đang xét của hồ sơ này."})
            if not chosen:
                raise ValidationError({"items": "Quyết định cần ít nhất một người/tập thể được khen."})
            _require_votes(d, chosen)
            report = check_dossier(d, chosen)
            if report.blocking:
                raise ValidationError(f"Ghi quyết định: chưa được, vì {report.blocking_message()}")
            overrides = {pk: (text or "").strip() for pk, text in (overrides or {}).items()}
            flagged = [(i, m) for i, m in ineligible(report, chosen) if not i.override_reason]
            missing = [(i, m) for i, m in flagged if not overrides.get(i.pk)]
            if missing:
                raise ValidationError({"override_reason": "Ghi quyết định: " + "; ".join(
                    f"{i.recipient_name} — {m}" for i, m in missing) + ". Muốn vẫn khen, hãy ghi lý do vượt cảnh báo."})
            over = [q for q in report.quotas if q.exceeded_by_decision]
            if over:
                raise ValidationError("Ghi quyết định: vượt chỉ tiêu số lượng — " + "; ".join(
                    f"{award_vi(q.award_code)} năm {q.year}: tối đa {q.limit}, đã khen {q.awarded}, quyết định này "
                    f"{q.this_dossier}" for q in over) + ".")
            decision = Decision.objects.create(number=number, signed_on=signed_on, authority=d.authority,
                                               signer_name=signer_name.strip(), signer_title=signer_title.strip(),
                                               summary=(summary or d.title)[:500])
            numbers = certificates.next_register_numbers(d.authority, signed_on.year, len(chosen))
            awards = []
            for item, (_seq, register_no) in zip(chosen, numbers, strict=True):
                unit = item.recipient_unit
                awards.append(Award(
                    decision=decision, award_type=item.final_award_type, year=item.year, basis=d.kind,
                    recipient_class=item.recipient_class, recipient_person_id=item.person_id,
                    recipient_org_id=item.organization_id, recipient_household_id=item.household_id,
                    recipient_name=item.recipient_name, unit=unit, province_id=unit.province_id,
                    submitted_by=d.from_org, register_no=register_no))
            awards = bulk_record_awards(awards)
            if any(a.pk is None for a in awards):  # a backend without RETURNING: read them back
                by_no = dict(Award.objects.filter(decision=decision).values_list("register_no", "pk"))
                for a in awards:
                    a.pk = a.id = by_no[a.register_no]
            certificates.issue(awards, d.authority, signed_on.year, numbers)
            # One audit row for the decision and the award records it created (like the registry's bulk imports).
            audit.record("create", decision, user=user, reason=f"Hồ sơ #{d.pk}: {len(awards)} khen thưởng",
                         after={**audit.snapshot(decision), "awards": [a.pk for a in awards],
                                "register_nos": [a.register_no for a in awards]})
            for item, _message in flagged:
                _override(user, org, d, item, overrides[item.pk])
            for item, award in zip(chosen, awards, strict=True):
                _use_initiatives(user, item, award)
                before = audit.snapshot(item)
                from_outcome = item.outcome
                item.award = award
                if item.outcome == ItemOutcome.PENDING:
                    item.outcome = ItemOutcome.APPROVED
                item.save(update_fields=["award", "outcome"])
                audit.record("change", item, before=before, after=audit.snapshot(item), only_changes=True, user=user)
                _event(d, user, org, "item_outcome", from_outcome, item.outcome,
                       f"Khen {award.award_type.code} theo QĐ {number}", item=item)
            chosen_ids = {i.pk for i in chosen}
            for item in active:
                if item.pk not in chosen_ids:
                    text = f"Không có trong quyết định số {number}."
                    from_outcome = item.outcome
                    item.outcome, item.reason = ItemOutcome.REJECTED, text
                    item.save(update_fields=["outcome", "reason"])
                    _event(d, user, org, "item_outcome", from_outcome, item.outcome, text, item=item)
            if file is not None:
                check_upload(file, allowed=DOCUMENT_TYPES)
                Attachment.objects.create(dossier=d, kind=AttachmentKind.DECISION, file=file, original_name=file.name[:255],
                                          size=file.size, uploaded_by=user if getattr(user, "pk", None) else None)
            before = audit.snapshot(d)
            from_state = d.state
            d.state, d.state_entered_at, d.decision = t.target, timezone.now(), decision
            d.save()
            _event(d, user, org, t.code, from_state, d.state, f"QĐ {number} ngày {signed_on:%d/%m/%Y}")
            audit.record("change", d, before=before, after=audit.snapshot(d), only_changes=True, user=user,
                         reason=f"Quyết định {number}")
            notices.decision_recorded(d, decision, {a.unit_id for a in awards}, user)
    dossier.refresh_from_db()
    return decision


def _authorise_decision(user, dossier: Dossier, items: list[DossierItem], signed_on: date) -> None:
    """The decision step obeys the same authority rules as any decision (awards.authority): only the deciding
    authority's emulation office (or an administrator) records it, for award types within its power and
    recipients within its jurisdiction. Raises PermissionDenied (the caller writes the 'denied' row)."""
    verdict = authority_rules.can_issue(user, dossier.authority, [i.final_award_type for i in items],
                                        [i.recipient_unit for i in items], signed_on)
    if not verdict:
        raise PermissionDenied(f"Ghi quyết định khen thưởng: {verdict.reason}")


def _require_votes(dossier: Dossier, items: list[DossierItem]) -> None:
    """Items whose award needs a council vote must have passed it in a closed session of this dossier."""
    _, _, thresholds = council_rules()
    needing = [i for i in items if i.final_award_type.code in thresholds]
    if not needing:
        return
    passed = {}
    for c in BallotCount.objects.filter(session__dossier=dossier, session__status=SessionStatus.CLOSED,
                                        item__in=needing).select_related("session"):
        passed[c.item_id] = passed.get(c.item_id, False) or vote_passed(c.yes, c.session.member_count, c.threshold)
    missing = [i for i in needing if not passed.get(i.pk)]
    if missing:
        raise ValidationError("Cần Hội đồng TĐKT biểu quyết đạt tỷ lệ trước khi quyết định: " + "; ".join(
            f"{i.recipient_name} ({i.final_award_type.code}, cần ≥ "
            f"{thresholds[i.final_award_type.code].share * 100:.0f}% tổng số thành viên)" for i in missing))


def _use_initiatives(user, item: DossierItem, award: Award) -> None:
    """One initiative serves one award: tie the item's initiatives to the new award (checked again under lock)."""
    for ini in Initiative.objects.select_for_update().filter(pk__in=item.initiatives.values("pk")):
        if ini.used_for_id and ini.used_for_id != award.pk:
            raise ValidationError(f"Sáng kiến “{ini.title}” đã được dùng cho một khen thưởng khác.")
        before = audit.snapshot(ini)
        ini.used_for = award
        ini.save(update_fields=["used_for"])
        audit.record("change", ini, before=before, after=audit.snapshot(ini), only_changes=True, user=user)


def revoke(user, award: Award, *, number: str, signed_on: date, reason: str, signer_name: str = "") -> Revocation:
    """Revoke an award: a revocation decision of the same authority and awards.services.revoke_award (the
    award stops counting; its certificate shows revoked). Refusals change nothing."""
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": "Cần số quyết định thu hồi."})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "Ngày ký không được sau hôm nay."})
    # After a merger the successor revokes what its predecessor granted, in its own name.
    authority = authority_rules.current_authority(award.decision.authority, signed_on)
    with refusals.service(user=user, on=award):
        verdict = authority_rules.can_revoke(user, award, authority=authority, signed_on=signed_on)
        if not verdict:
            raise PermissionDenied(verdict.reason)
        with transaction.atomic():
            if Decision.objects.own().filter(authority=authority, number=number).exists():
                raise ValidationError({"number": f"{authority.name} đã có quyết định số {number}."})
            decision = Decision.objects.create(number=number, signed_on=signed_on, authority=authority,
                                               signer_name=signer_name, summary=f"Thu hồi khen thưởng: {reason}"[:500])
            revocation = revoke_award(user, award, decision=decision, reason=reason)
            item = DossierItem.objects.filter(award=award).first()
            if item is not None:
                _event(item.dossier, user, None, "revoke", item.outcome, "revoked", f"QĐ {number}: {reason}", item=item)
    return revocation


# ---------------------------------------------------------------------------
# Councils: sessions and secret ballots
# ---------------------------------------------------------------------------


def needed_votes(member_count: int, share: Decimal) -> int:
    """The smallest number of yes votes that is at least `share` of ALL members."""
    return math.ceil(Decimal(member_count) * Decimal(share))


def vote_passed(yes: int, member_count: int, share: Decimal) -> bool:
    return member_count > 0 and yes >= needed_votes(member_count, share)


def _session_authorise(user, session: CouncilSession, action: str) -> Organization:
    roles = workflow().transitions["to_council"].roles
    org, _ = _authorise(user, session.dossier, "handler", roles, action)
    return org


def open_session(user, dossier: Dossier, held_on: date) -> CouncilSession:
    """Open a council session for a dossier sent to the council: counters for each item that needs a vote."""
    quorum_share, _basis, thresholds = council_rules()
    with refusals.service(user=user, on=dossier):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().select_related("handler").get(pk=dossier.pk)
            org, _ = _authorise(user, d, "handler", workflow().transitions["to_council"].roles, "Mở phiên họp Hội đồng")
            if d.state != "council":
                raise ValidationError(f"Mở phiên họp: hồ sơ đang ở trạng thái “{d.state_label}”, chưa trình Hội đồng.")
            if d.council_sessions.filter(status=SessionStatus.OPEN).exists():
                raise ValidationError("Mở phiên họp: hồ sơ đang có một phiên họp chưa kết thúc.")
            if refusal := session_refusal(d, held_on):  # public disclosure first (ND 98/2023 art. 46.2)
                raise ValidationError(refusal)
            council = Council.objects.filter(organization=d.handler, active=True).first()
            if council is None:
                raise ValidationError(f"Mở phiên họp: {d.handler.name} chưa có Hội đồng TĐKT.")
            members = council.members.count()
            if members == 0:
                raise ValidationError("Mở phiên họp: Hội đồng chưa có thành viên.")
            items = [i for i in d.items.select_related("award_type", "lowered_to") if i.outcome in ACTIVE_OUTCOMES
                     and i.final_award_type.code in thresholds]
            if not items:
                raise ValidationError("Mở phiên họp: không có mục nào cần Hội đồng biểu quyết.")
            session = CouncilSession.objects.create(council=council, dossier=d, held_on=held_on, member_count=members,
                                                    quorum=needed_votes(members, quorum_share),
                                                    opened_by=user if getattr(user, "pk", None) else None)
            BallotCount.objects.bulk_create([
                BallotCount(session=session, item=i, threshold=thresholds[i.final_award_type.code].share,
                            threshold_basis=thresholds[i.final_award_type.code].basis[:255]) for i in items])
            _event(d, user, org, "council_open", d.state, d.state, f"Phiên họp ngày {held_on:%d/%m/%Y}, "
                                                                 f"{members} thành viên")
            audit.record("create", session, after=audit.snapshot(session), user=user)
            notices.session_opened(session, user)
    return session


BALLOT_PURPOSE = "thidua.nominations.council-session"
PAPER_PURPOSE = "thidua.nominations.written-ballot-scan"
PAPER_TYPES = {ext: DOCUMENT_TYPES[ext] for ext in (".pdf", ".png", ".jpg", ".jpeg")}


def _ballot_context(session: CouncilSession) -> str:
    return f"council-session:{session.pk}"


def _paper_context(session: CouncilSession, member) -> str:
    return f"council-session:{session.pk}:member:{member.pk}"


def _seal_ballot(session: CouncilSession, choices: dict[int, str]) -> bytes:
    """{item id: "y" | "n"} for every item: every ballot of a session has the same content length."""
    payload = {str(i): "y" if v == "yes" else "n" for i, v in choices.items()}
    return sealing.seal(payload, purpose=BALLOT_PURPOSE, context=_ballot_context(session),
                        size=len(sealing.encode({str(i): "y" for i in choices})))


def _count_sealed(session: CouncilSession) -> tuple[int, dict[int, tuple[int, int]]]:
    """Open the session's sealed ballots in memory: (ballots, {item id: (yes, no)}). Writes nothing."""
    items = set(session.counts.values_list("item_id", flat=True))
    totals = {i: [0, 0] for i in items}
    n = 0
    for blob in session.sealed_ballots.values_list("sealed", flat=True).iterator():
        try:
            ballot = sealing.open_sealed(blob, purpose=BALLOT_PURPOSE, context=_ballot_context(session))
        except sealing.SealError:
            raise ValidationError("Có phiếu niêm phong không mở được bằng khóa bí mật của ứng dụng (khóa đã bị thay, "
                                  "hoặc phiếu đã bị sửa); không kiểm phiếu.") from None
        if not isinstance(ballot, dict) or {int(k) for k in ballot} != items or set(ballot.values()) - {"y", "n"}:
            raise ValidationError("Có phiếu niêm phong không hợp lệ; không kiểm phiếu.")
        n += 1
        for k, v in ballot.items():
            totals[int(k)][0 if v == "y" else 1] += 1
    return n, {i: (y, no) for i, (y, no) in totals.items()}


def _count(user_or_member, session: CouncilSession, choices: dict[int, str], mode: str, recorded_by,
           paper=None) -> Participation:
    """Record participation and a sealed ballot (no member, no time). Nothing is counted until the close."""
    counts = {c.item_id: c.pk for c in session.counts.all()}
    if set(choices) != set(counts):
        raise ValidationError({"choices": "Phiếu phải có ý kiến (đồng ý / không đồng ý) cho mỗi người, tập thể "
                                          "được biểu quyết."})
    if any(v not in ("yes", "no") for v in choices.values()):
        raise ValidationError({"choices": "Mỗi ý kiến là “đồng ý” hoặc “không đồng ý”."})
    try:
        with transaction.atomic():
            locked = CouncilSession.objects.select_for_update().get(pk=session.pk)
            if locked.status != SessionStatus.OPEN:
                raise ValidationError("Phiên họp đã kết thúc: không nhận thêm phiếu.")
            participation = Participation.objects.create(session=locked, member=user_or_member, mode=mode,
                                                         recorded_by=recorded_by)
            SealedCouncilBallot.objects.create(session=locked, sealed=_seal_ballot(locked, choices))
            if paper is not None:
                # The scan shows the choice beside the member's signature: it is stored sealed, under a random name.
                from django.core.files.base import ContentFile

                paper_name = paper.name
                paper.seek(0)
                sealed = sealing.seal_bytes(paper.read(), purpose=PAPER_PURPOSE,
                                            context=_paper_context(locked, user_or_member))
                participation.paper_name = paper_name
                participation.paper.save(f"{uuid.uuid4().hex}.sealed", ContentFile(sealed), save=False)
                participation.save(update_fields=["paper", "paper_name"])
            # The audit row names the member, the session and who entered the ballot, never the choices.
            after = {"session_id": locked.pk, "member_id": user_or_member.pk, "mode": mode}
            if mode == VoteMode.WRITTEN:
                after |= {"recorded_by_id": recorded_by.pk, "paper": participation.paper_name}
            audit.record("create", participation, user=recorded_by, after=after)
    except IntegrityError as exc:
        raise ValidationError("Thành viên này đã bỏ phiếu trong phiên họp; mỗi người chỉ bỏ một phiếu.") from exc
    return participation


def cast_ballot(user, session: CouncilSession, choices: dict[int, str]) -> Participation:
    """A council member votes in person: {item id: "yes" | "no"} for every item of the session."""
    if not session.council.members.filter(pk=getattr(user, "pk", None)).exists():
        refusals.deny(user, session, "Bỏ phiếu: bạn không phải thành viên của Hội đồng này.")
    return _count(user, session, choices, VoteMode.IN_PERSON, user)


def record_written_ballot(user, session: CouncilSession, member, choices: dict[int, str], *,
                          paper=None) -> Participation:
    """The council's secretary enters the written ballot of an absent member, with the scan of the signed paper
    ballot (pdf, png or jpg; checked by content). Nobody else may: not the emulation office, not another member."""
    council = session.council
    if not council.secretary_id or council.secretary_id != getattr(user, "pk", None):
        who = (council.secretary.get_full_name() or council.secretary.username) if council.secretary_id else None
        refusals.deny(user, session, f"Ghi phiếu bằng văn bản: chỉ Thư ký Hội đồng ({who}) được ghi phiếu của thành viên "
                               "vắng mặt." if who else
                               "Ghi phiếu bằng văn bản: Hội đồng chưa có Thư ký; cần chỉ định Thư ký trước.")
    if not council.members.filter(pk=member.pk).exists():
        raise ValidationError({"member": f"{member} không phải thành viên của Hội đồng."})
    label = member.get_full_name() or member.username
    if paper is None:
        raise ValidationError({"paper": f"Cần đính kèm bản quét phiếu bằng văn bản có chữ ký của {label}."})
    check_upload(paper, allowed=PAPER_TYPES, label=f"Bản quét phiếu của {label}")
    return _count(member, session, choices, VoteMode.WRITTEN, user, paper=paper)


def open_written_paper(user, participation: Participation) -> tuple[str, bytes]:
    """The scan of a written ballot, opened for the council's chair or secretary once the session is closed
    (before the close it would show a named member's choice while the vote is open)."""
    s = participation.session
    if getattr(user, "pk", None) not in {s.council.chair_id, s.council.secretary_id} - {None}:
        raise PermissionDenied("Chỉ Chủ tịch hoặc Thư ký Hội đồng được xem bản quét phiếu bằng văn bản.")
    if s.status != SessionStatus.CLOSED:
        raise ValidationError("Bản quét phiếu bằng văn bản chỉ được xem sau khi phiên họp kết thúc.")
    if not participation.paper:
        raise ValidationError("Phiếu này không có bản quét.")
    with participation.paper.open("rb") as fh:
        data = sealing.open_bytes(fh.read(), purpose=PAPER_PURPOSE,
                                  context=_paper_context(s, participation.member))
    audit.record("change", participation, user=user, object_repr=f"Xem bản quét phiếu bằng văn bản — {s}",
                 after={"viewed_paper": participation.paper_name})
    return participation.paper_name, data


@dataclass
class VoteResult:
    item: DossierItem
    yes: int
    no: int
    member_count: int
    threshold: Decimal
    needed: int
    passed: bool
    basis: str

    @property
    def share(self) -> Decimal:
        return Decimal(self.yes) * 100 / self.member_count if self.member_count else Decimal(0)

    @property
    def threshold_percent(self) -> Decimal:
        return self.threshold * 100


def session_results(session: CouncilSession) -> list[VoteResult]:
    """The tally, only once the session is closed (results are hidden while it is open)."""
    if session.status != SessionStatus.CLOSED:
        raise ValidationError("Kết quả chỉ được công bố khi phiên họp kết thúc.")
    return [VoteResult(c.item, c.yes, c.no, session.member_count, c.threshold,
                       needed_votes(session.member_count, c.threshold),
                       vote_passed(c.yes, session.member_count, c.threshold), c.threshold_basis)
            for c in session.counts.select_related("item__award_type", "item__lowered_to").order_by("item__position")]


def close_session(user, session: CouncilSession) -> list[VoteResult]:
    """Close the vote (quorum of members present in person required); items below their threshold are
    recorded as not proposed, with the count as the reason."""
    with refusals.service(user=user, on=session):
        with transaction.atomic():
            s = CouncilSession.objects.select_for_update().select_related("dossier").get(pk=session.pk)
            org = _session_authorise(user, s, "Kết thúc phiên họp")
            if s.status != SessionStatus.OPEN:
                raise ValidationError("Phiên họp đã kết thúc.")
            present = s.participations.filter(mode=VoteMode.IN_PERSON).count()
            if present < s.quorum:
                raise ValidationError(f"Chưa đủ số thành viên dự họp: cần {s.quorum}/{s.member_count}, mới có {present}.")
            ballots, totals = _count_sealed(s)
            voted = s.participations.count()
            if ballots != voted:
                raise ValidationError(f"{ballots} phiếu niêm phong nhưng {voted} thành viên đã bỏ phiếu; không kiểm phiếu.")
            counts = list(s.counts.all())
            for c in counts:
                c.yes, c.no = totals[c.item_id]
            BallotCount.objects.bulk_update(counts, ["yes", "no"])
            s.status, s.closed_at = SessionStatus.CLOSED, timezone.now()
            s.save(update_fields=["status", "closed_at"])
            results = session_results(s)
            written = s.participations.filter(mode=VoteMode.WRITTEN).count()
            for r in results:
                if not r.passed:
                    it = r.item
                    text = (f"Hội đồng: {r.yes}/{r.member_count} phiếu đồng ý ({format_percent(r.share)}), cần ≥ "
                            f"{r.needed} phiếu ({format_percent(r.threshold * 100, 0)} tổng số thành viên).")
                    from_outcome = it.outcome
                    it.outcome, it.reason = ItemOutcome.REJECTED, text
                    it.save(update_fields=["outcome", "reason"])
                    _event(s.dossier, user, org, "item_outcome", from_outcome, it.outcome, text, item=it)
            _event(s.dossier, user, org, "council_close", s.dossier.state, s.dossier.state,
                   f"{present} thành viên bỏ phiếu tại phiên họp, {written} phiếu bằng văn bản; "
                   f"{sum(r.passed for r in results)}/{len(results)} mục đạt tỷ lệ.")
            audit.record("change", s, after={"status": s.status}, user=user)
    return results


def end_session_without_count(user, session: CouncilSession, *, reason: str, held_on: date | None = None
                               ) -> CouncilSession | None:
    """Adjourn (with a new date: a new session is opened for that day) or cancel (without) an open session that
    cannot be held — typically for want of a quorum. Nothing is counted: the ballots already cast stay sealed and
    are never opened, and the members vote again in the new session. The dossier stays with the council, so a
    session can be opened later. Recorded in the dossier's timeline and the audit trail; returns the new session
    (or None)."""
    action = "Hoãn phiên họp" if held_on else "Hủy phiên họp"
    reason = (reason or "").strip()
    with refusals.service(user=user, on=session):
        with transaction.atomic():
            s = CouncilSession.objects.select_for_update().select_related("dossier", "council").get(pk=session.pk)
            org = _session_authorise(user, s, action)
            if s.status != SessionStatus.OPEN:
                raise ValidationError(f"{action}: phiên họp ngày {s.held_on:%d/%m/%Y} đã "
                                      f"{s.get_status_display().lower()}, không hoãn hay hủy được nữa.")
            if not reason:
                raise ValidationError({"reason": f"{action}: cần ghi lý do (ví dụ: không đủ số thành viên dự họp)."})
            if held_on is not None and held_on < timezone.localdate():
                raise ValidationError({"held_on": f"{action}: ngày họp lại ({held_on:%d/%m/%Y}) không được trước "
                                                  "hôm nay."})
            present = s.participations.filter(mode=VoteMode.IN_PERSON).count()
            before = {"status": s.status}
            s.status = SessionStatus.ADJOURNED if held_on else SessionStatus.CANCELLED
            s.closed_at, s.end_reason = timezone.now(), reason
            s.ended_by = user if getattr(user, "pk", None) else None
            s.save(update_fields=["status", "closed_at", "end_reason", "ended_by"])
            kind = "council_adjourn" if held_on else "council_cancel"
            text = (f"Phiên họp ngày {s.held_on:%d/%m/%Y} ({present}/{s.member_count} thành viên có mặt, cần "
                    f"{s.quorum}): {reason}")
            replacement = None
            if held_on:
                replacement = open_session(user, s.dossier, held_on)
                s.replaced_by = replacement
                s.save(update_fields=["replaced_by"])
                text += f" Họp lại ngày {held_on:%d/%m/%Y}."
            _event(s.dossier, user, org, kind, s.dossier.state, s.dossier.state, text)
            audit.record("change", s, before=before, user=user, reason=text[:255],
                         after={"status": s.status, "reason": reason, "present": present,
                                "replaced_by": replacement.pk if replacement else None})
            notices.session_ended(s, user, "Hoãn" if held_on else "Hủy", text)
    return replacement


@dataclass
class Recount:
    results: list[VoteResult]  # re-derived from the sealed ballots
    matches: bool  # equal to the stored totals


def recount_session(user, session: CouncilSession) -> Recount:
    """Recount a closed session from its sealed ballots and compare with the stored totals; only the audit
    trail changes (it records the recount and whether it matched)."""
    with refusals.service(user=user, on=session):
        _session_authorise(user, session, "Kiểm phiếu lại")
    stored = session_results(session)  # refuses while the session is open
    _ballots, totals = _count_sealed(session)
    again = [VoteResult(r.item, *totals[r.item.pk], r.member_count, r.threshold, r.needed,
                        vote_passed(totals[r.item.pk][0], r.member_count, r.threshold), r.basis) for r in stored]
    matches = [(r.yes, r.no) for r in again] == [(r.yes, r.no) for r in stored]
    audit.record("change", session, user=user, object_repr=f"Kiểm phiếu lại — {session}",
                 after={"matches": matches, "recount": {str(r.item.pk): [r.yes, r.no] for r in again}})
    return Recount(again, matches)


# ---------------------------------------------------------------------------
# Deadlines, the inbox, reference data
# ---------------------------------------------------------------------------


def dossier_deadline(dossier: Dossier, calendar: Calendar | None = None, today: date | None = None) -> DeadlineStatus | None:
    """The time limit that applies to the dossier in its state (data/deadlines.json), with the working days left."""
    rule = workflow().deadline_for(dossier.state)
    if rule is None:
        return None
    started = getattr(dossier, rule.start, None)
    if started is None:
        return None
    calendar = calendar or Calendar.from_db()
    return deadline_status(rule.code, rule.label_vi, rule.basis, timezone.localtime(started).date(), rule.working_days,
                           today or timezone.localdate(), calendar)


def inbox(user, *, calendar: Calendar | None = None, today: date | None = None
          ) -> list[tuple[Dossier, DeadlineStatus | None, str]]:
    """Dossiers waiting for the user's organisations and roles: to handle (the organisation handles it and the
    role may act in its state) or to complete (a draft or returned dossier of the user's proposing
    organisation), most urgent first; with the reason it waits."""
    from django.db.models import Q

    wf = workflow()
    handler_states: dict[str, set[str]] = {}
    for t in wf.transitions.values():
        if t.level == "handler":
            for role in t.roles:
                handler_states.setdefault(role, set()).update(t.sources)
    editable = wf.items_editable
    q = Q(pk__in=[])
    for org, role in acting(user):
        if role in handler_states:
            q |= Q(handler=org, state__in=handler_states[role])
        if role in editable["roles"]:
            q |= Q(from_org__path__startswith=org.path, state__in=editable["states"]) & ~Q(handler=org)
    dossiers = list(Dossier.objects.filter(q).select_related("from_org", "handler", "authority").distinct())
    calendar, today = calendar or Calendar.from_db(), today or timezone.localdate()
    handled = {org.pk for org, role in acting(user) if role in handler_states}
    rows = []
    for d in dossiers:
        why = "Xử lý hồ sơ" if d.handler_id in handled and d.state not in editable["states"] else "Hoàn thiện, gửi hồ sơ"
        rows.append((d, dossier_deadline(d, calendar, today), why))
    rows.sort(key=lambda r: (r[1] is None, r[1].days_left if r[1] else 0, r[0].pk))
    return rows


def handled_by(user, transition: str) -> set[int]:
    """The organisations for which the user may take `transition` as the handling office."""
    roles = workflow().transitions[transition].roles
    return {org.pk for org, role in acting(user) if role in roles}


def sessions_visible_to(user):
    """Council sessions of the dossiers the user sees, and of the councils the user sits on."""
    from django.db.models import Q

    if not getattr(user, "pk", None):
        return CouncilSession.objects.none()
    mine = CouncilSession.objects.filter(council__members=user).values("pk")
    return CouncilSession.objects.filter(Q(dossier__in=Dossier.objects.visible_to(user)) | Q(pk__in=mine))


def open_sessions_for(user) -> list[CouncilSession]:
    """Open council sessions of the user's councils in which they have not voted yet."""
    if not getattr(user, "pk", None):
        return []
    return list(CouncilSession.objects.filter(status=SessionStatus.OPEN, council__members=user)
                .exclude(participations__member=user).select_related("council", "dossier"))


def load_reference_data() -> tuple[int, int]:
    """Load the default holidays and base salaries (data/*.csv) into their tables; idempotent."""
    import csv

    with open(DEFAULT_HOLIDAYS, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Holiday.objects.update_or_create(date=date.fromisoformat(row["date"]),
                                             defaults={"kind": row["kind"], "name": row["name"], "note": row["note"]})

    with open(DEFAULT_BASE_SALARY, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            BaseSalary.objects.update_or_create(effective_from=date.fromisoformat(row["effective_from"]),
                                                defaults={"amount": int(row["amount"]), "basis": row["basis"]})
    return Holiday.objects.count(), BaseSalary.objects.count()
