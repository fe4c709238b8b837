"""The cluster year run in the system: open, register, sign, report, score, lock, vote, hand over.

Each service is one transaction, checks the acting user's role in the cluster year (`year_roles`) and the
state of the year, and refuses with a message naming what is wrong, changing nothing (PermissionDenied for
a role, ValidationError for an out-of-order or invalid request). Every change is an audit event with its
before and after; a ballot's audit event names the member that voted, never its choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from thidua.awards.models import AwardType
from thidua.core import audit, refusals
from thidua.core.refusals import Conflict
from thidua.emulation import notices
from thidua.emulation.models import (
    Aggregation,
    ClusterYear,
    Conference,
    ConferenceKind,
    Criterion,
    CriterionKind,
    CrossAssignment,
    FlagHandover,
    Indicator,
    Milestone,
    Pact,
    PactSignature,
    Proposal,
    ResultReport,
    Score,
    ScoreRound,
    SealedBallot,
    Step,
    Target,
    TitleRegistration,
    VoteCandidate,
    VoteKind,
    VoteParticipation,
    VoteSession,
    YearRun,
)
from thidua.emulation.national import TimelineStep, timelines
from thidua.emulation.scoring import framework, mean, score_sheet
from thidua.emulation.voting import Tally, count_sealed, recount, seal_ballot, tally
from thidua.lib.uploads import check_upload
from thidua.orgs.models import Organization, OrganizationKind
from thidua.orgs.scope import scope_for

MEMBER_ROLES = {"emulation_office", "admin"}


# --------------------------------------------------------------------------- roles


@dataclass
class YearRoles:
    """What a user is in a cluster year: the members it acts for, chair, organising authority."""

    member_ids: set[int] = field(default_factory=set)
    is_chair: bool = False
    is_authority: bool = False
    can_view: bool = False

    @property
    def is_member(self) -> bool:
        return bool(self.member_ids)

    @property
    def can_lead(self) -> bool:
        """Chair or organising authority: runs the year (framework, assignments, lock, votes, handover)."""
        return self.is_chair or self.is_authority

    def labels(self) -> list[str]:
        out = []
        if self.is_chair:
            out.append("Cụm trưởng")
        if self.is_authority:
            out.append("Cơ quan tổ chức cụm")
        if self.is_member and not self.is_chair:
            out.append("Thành viên")
        if not out and self.can_view:
            out.append("Theo dõi")
        return out


def year_roles(user, cy: ClusterYear) -> YearRoles:
    scope = scope_for(user)
    roles = YearRoles()
    if scope.user_id is None:
        return roles
    # Who may view is ClusterYear.visible_to, decided here on the members read once (not a query of its own).
    members = None if scope.is_global and not scope.roles & MEMBER_ROLES else set(
        cy.members.values_list("pk", flat=True))
    roles.can_view = (scope.is_global or bool(members & scope.lineage_ids)
                      or cy.cluster.organised_by_id in scope.lineage_ids)
    organiser = cy.cluster.organised_by
    if scope.is_superuser:
        roles.is_authority = True
    elif "central_board" in scope.roles and organiser.kind == OrganizationKind.CENTRAL:
        roles.is_authority = True
    elif scope.roles & MEMBER_ROLES and any(organiser.path.startswith(p) for p in scope.lineage_paths):
        roles.is_authority = True
    if scope.roles & MEMBER_ROLES:
        roles.member_ids = members & scope.lineage_ids
        roles.is_chair = cy.chair_id in roles.member_ids
    return roles


def _require_lead(user, cy: ClusterYear) -> YearRoles:
    roles = year_roles(user, cy)
    if not roles.can_lead:
        refusals.deny(user, cy, f"Chỉ cụm trưởng ({cy.chair.name}) hoặc cơ quan tổ chức cụm được làm việc này.")
    return roles


def _require_member(user, cy: ClusterYear, member: Organization, *, allow_lead=False) -> YearRoles:
    roles = year_roles(user, cy)
    if not cy.members.filter(pk=member.pk).exists():
        refusals.deny(user, cy, f"{member.name} không phải thành viên của {cy}.", cls=Conflict)
    if member.pk not in roles.member_ids and not (allow_lead and roles.is_authority):
        refusals.deny(user, cy, f"Bạn không thay mặt {member.name} trong cụm này.")
    return roles


def _run(cy: ClusterYear) -> YearRun:
    run = YearRun.objects.filter(cluster_year=cy).first()
    if run is None:
        raise ValidationError(f"Năm thi đua {cy.year} của cụm chưa được mở.")
    return run


def _require_unlocked(user, cy: ClusterYear) -> YearRun:
    run = _run(cy)
    if run.locked:
        refusals.deny(user, cy, f"Điểm năm {cy.year} đã khóa lúc {timezone.localtime(run.scores_locked_at):%H:%M %d/%m/%Y}; "
                          "không thể thay đổi.", cls=Conflict)
    return run


def _decimal(value, label: str) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}: “{value}” không phải là số.") from None
    if not d.is_finite():
        raise ValidationError(f"{label}: “{value}” không phải là số.")
    return d


# --------------------------------------------------------------------------- guards
# Whether an action of the year is allowed now, and why not, without doing it (as nominations' allowed_transitions
# does for dossiers). Each check raises the refusal its service gives (the service calls it first); `refusal`
# returns it instead, so that a page can refuse a POST it did not offer with the service's words.


def refusal(check, *args, **kwargs) -> Exception | None:
    """The refusal `check(*args, **kwargs)` raises, or None when the action is allowed now. A refusal of access is
    recorded as it is raised (refusals.deny outside a service block), as the service's own would be."""
    try:
        check(*args, **kwargs)
    except refusals.REFUSALS as exc:
        return exc
    return None


def check_open_year(user, cy: ClusterYear) -> None:
    """The chair or the organising authority opens a year once."""
    _require_lead(user, cy)
    if YearRun.objects.filter(cluster_year=cy).exists():
        refusals.deny(user, cy, f"Năm thi đua {cy.year} đã được mở.", cls=Conflict)


def check_lead_unlocked(user, cy: ClusterYear) -> YearRun:
    """The chair or the organising authority, in an opened year whose scores are not locked: edits the framework,
    assigns cross-scoring, consolidates and locks the scores."""
    _require_lead(user, cy)
    return _require_unlocked(user, cy)


def check_member_unlocked(user, cy: ClusterYear, member: Organization, *, allow_lead: bool = False) -> YearRun:
    """The user acts for `member` (or, with allow_lead, is the organising authority), in an opened year whose
    scores are not locked: registers targets and titles, reports results."""
    _require_member(user, cy, member, allow_lead=allow_lead)
    return _require_unlocked(user, cy)


def check_save_pact(user, cy: ClusterYear) -> None:
    """The chair drafts the pact and changes it until the first member signs."""
    _require_lead(user, cy)
    if PactSignature.objects.filter(pact__cluster_year=cy).exists():
        refusals.deny(user, cy, "Giao ước đã có chữ ký; không sửa nội dung được.", cls=Conflict)


def check_sign_pact(user, cy: ClusterYear, member: Organization) -> Pact:
    """A member signs the year's pact once."""
    _require_member(user, cy, member)
    pact = Pact.objects.filter(cluster_year=cy).first()
    if pact is None:
        raise ValidationError(f"Năm {cy.year} chưa có giao ước thi đua để ký.")
    if PactSignature.objects.filter(pact=pact, member=member).exists():
        refusals.deny(user, cy, f"{member.name} đã ký giao ước.", cls=Conflict)
    return pact


def check_score(user, cy: ClusterYear, member: Organization, round: str, scorer: Organization | None = None
                ) -> Organization:
    """Who may score `member` in a round (self: the member; cross: an assigned scorer; final: the chair), while
    the scores are not locked. Returns the scorer."""
    if round == ScoreRound.SELF:
        _require_member(user, cy, member)
        scorer = member
    elif round == ScoreRound.CROSS:
        roles = year_roles(user, cy)
        if scorer is None:
            assigned = CrossAssignment.objects.filter(cluster_year=cy, member=member, scorer_id__in=roles.member_ids)
            scorer = assigned.first().scorer if assigned.exists() else None
        if scorer is None or scorer.pk not in roles.member_ids:
            refusals.deny(user, cy, f"Bạn không được phân công chấm chéo {member.name}.")
        if not CrossAssignment.objects.filter(cluster_year=cy, member=member, scorer=scorer).exists():
            refusals.deny(user, cy, f"{scorer.name} không được phân công chấm chéo {member.name}.")
    elif round == ScoreRound.FINAL:
        _require_lead(user, cy)
        scorer = cy.chair
    else:
        raise ValidationError(f"Vòng chấm “{round}” không hợp lệ.")
    _require_unlocked(user, cy)
    return scorer


def check_schedule_review(user, cy: ClusterYear) -> None:
    _require_lead(user, cy)
    if review_conference(cy):
        raise ValidationError(f"Năm {cy.year} đã có hội nghị tổng kết.")


def check_open_vote(user, cy: ClusterYear) -> tuple[YearRun, Conference]:
    """The chair opens ballots at the review conference of an opened year."""
    _require_lead(user, cy)
    run = _run(cy)
    conf = review_conference(cy)
    if conf is None:
        raise ValidationError("Cần lập hội nghị tổng kết trước khi bỏ phiếu.")
    return run, conf


def check_cast_ballot(user, session: VoteSession, member: Organization, now: datetime | None = None) -> None:
    """A member votes once, while the session is open."""
    cy = session.cluster_year
    _require_member(user, cy, member)
    now = now or timezone.now()
    if session.closed_at is not None or now >= session.closes_at:
        refusals.deny(user, cy, f"Phiên bỏ phiếu “{session}” đã đóng lúc "
                          f"{timezone.localtime(session.closed_at or session.closes_at):%H:%M %d/%m/%Y}.",
                cls=Conflict)
    if now < session.opens_at:
        refusals.deny(user, cy, f"Phiên bỏ phiếu “{session}” chưa mở (mở lúc "
                          f"{timezone.localtime(session.opens_at):%H:%M %d/%m/%Y}).", cls=Conflict)
    if VoteParticipation.objects.filter(session=session, member=member).exists():
        _already_voted(user, session, member)


def _already_voted(user, session: VoteSession, member: Organization):
    refusals.deny(user, session.cluster_year, f"{member.name} đã bỏ phiếu trong phiên “{session}”; mỗi thành viên một "
                                        "phiếu.", cls=Conflict)


def check_hand_over(user, cy: ClusterYear) -> tuple[ClusterYear, Conference | None]:
    """The chair hands the flag over once, after next year's chair is elected. Returns (next year, conference)."""
    _require_lead(user, cy)
    nxt = next_year(cy)
    if nxt is None:
        raise ValidationError("Chưa bầu cụm trưởng năm sau; chưa thể trao cờ luân lưu.")
    conf = review_conference(cy)
    if FlagHandover.objects.filter(cluster=cy.cluster, conference=conf).exists() if conf else False:
        raise ValidationError("Cờ luân lưu của năm này đã được trao.")
    return nxt, conf


# --------------------------------------------------------------------------- 1. opening the year


@refusals.service
def late_warning(cy: ClusterYear, step: str, on: date) -> str | None:
    """A warning (not a refusal) when a date entered for a step falls after that step's deadline in the year's
    calendar: a late pact or conference happens, but the officer should see it, and a mistyped year shows."""
    due = Milestone.objects.filter(cluster_year=cy, step=step).values_list("due_on", flat=True).first()
    if due is None or on <= due:
        return None
    return (gettext("Lưu ý: ngày %(on)s sau hạn “%(step)s” (%(due)s) của năm thi đua %(year)s. Đã ghi nhận; nếu nhập "
              "nhầm ngày, hãy sửa lại.") % {"on": on.strftime("%d/%m/%Y"), "step": Step(step).label,
                                             "due": due.strftime("%d/%m/%Y"), "year": cy.year})


def open_year(user, cy: ClusterYear, *, theme: str, opened_on: date, movements=(), milestones: dict | None = None,
              copy_framework: bool = False, min_cross_scorers: int = 2, rotation_years: int = 3) -> YearRun:
    """The chair (or the organising authority) opens the year: theme, movements, calendar, settings;
    optionally the indicators and scoring framework of last year, copied for editing."""
    check_open_year(user, cy)
    if not theme.strip():
        raise ValidationError("Cần nhập chủ đề thi đua của năm.")
    if min_cross_scorers < 1 or min_cross_scorers > cy.members.count() - 1:
        raise ValidationError(f"Số đơn vị chấm chéo mỗi thành viên phải từ 1 đến {cy.members.count() - 1}.")
    before = audit.snapshot(cy, ["theme"])
    cy.theme = theme.strip()
    cy.save(update_fields=["theme"])
    if movements:
        cy.movements.set(movements)
    run = YearRun.objects.create(cluster_year=cy, opened_on=opened_on, opened_by=user if user.pk else None,
                                 min_cross_scorers=min_cross_scorers, rotation_years=rotation_years)
    for step, due in (milestones or {}).items():
        if step not in Step.values:
            raise ValidationError(f"Bước “{step}” không có trong lịch năm thi đua.")
        Milestone.objects.create(cluster_year=cy, step=step, due_on=due)
    if copy_framework:
        previous = ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year - 1).first()
        if previous is None:
            raise ValidationError(f"Không có năm {cy.year - 1} để sao chép khung tiêu chí.")
        copy_framework_from(previous, cy)
    audit.record("change", cy, before=before, after={**audit.snapshot(cy, ["theme"]), "opened_on": opened_on,
                                                      "movements": [m.pk for m in movements]},
                 user=user, reason="Mở năm thi đua")
    notices.year_opened(cy, run, user)
    return run


def copy_framework_from(source: ClusterYear, target: ClusterYear) -> None:
    """Copy indicators (definitions, not figures) and the criteria tree of one year into another."""
    indicators = {}
    for ind in source.indicators.all():
        indicators[ind.pk], _ = Indicator.objects.get_or_create(
            cluster_year=target, code=ind.code,
            defaults={f: getattr(ind, f) for f in ("name", "unit", "unit_short", "aggregation", "base_label",
                                                  "value_decimals", "percent_decimals", "order")})
    new_ids: dict[int, Criterion] = {}
    for crit, _ in framework(source):
        new_ids[crit.pk] = Criterion.objects.create(
            cluster_year=target, parent=new_ids.get(crit.parent_id), code=crit.code, name=crit.name, kind=crit.kind,
            max_points=crit.max_points, indicator=indicators.get(crit.indicator_id), order=crit.order,
            bonus_per_percent=crit.bonus_per_percent, bonus_cap=crit.bonus_cap, guidance=crit.guidance)


@refusals.service
def save_criterion(user, cy: ClusterYear, *, code: str, name: str, kind: str, max_points, parent_code: str = "",
                   indicator_code: str = "", bonus_per_percent=None, bonus_cap=None, guidance: str = "",
                   order: int = 0) -> Criterion:
    """Add or change one criterion of the framework (by code); refused once the scores are locked."""
    check_lead_unlocked(user, cy)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError("Tiêu chí cần mã và tên.")
    if kind not in CriterionKind.values:
        raise ValidationError(f"Cách chấm “{kind}” không hợp lệ.")
    points = _decimal(max_points or 0, "Điểm tối đa")
    if points < 0:
        raise ValidationError("Điểm tối đa không được âm.")
    parent = None
    if parent_code:
        parent = cy.criteria.filter(code=parent_code, kind=CriterionKind.GROUP).first()
        if parent is None:
            raise ValidationError(f"Không có nhóm tiêu chí mã “{parent_code}”.")
    indicator = None
    if kind == CriterionKind.INDICATOR:
        indicator = cy.indicators.filter(code=indicator_code).first()
        if indicator is None:
            raise ValidationError(f"Tiêu chí chấm theo chỉ tiêu cần một chỉ tiêu của năm; không có mã “{indicator_code}”.")
    bonus_rate = _decimal(bonus_per_percent, "Điểm thưởng mỗi 1%") if bonus_per_percent not in (None, "") else None
    cap = _decimal(bonus_cap, "Điểm thưởng tối đa") if bonus_cap not in (None, "") else None
    existing = cy.criteria.filter(code=code).first()
    if existing and existing.kind != kind and existing.scores.exists():
        raise ValidationError(f"Tiêu chí {code} đã có điểm chấm; không đổi cách chấm được.")
    values = dict(name=name, kind=kind, max_points=points, parent=parent, indicator=indicator,
                  bonus_per_percent=bonus_rate, bonus_cap=cap, guidance=guidance, order=order)
    if existing:
        before = audit.snapshot(existing)
        for k, v in values.items():
            setattr(existing, k, v)
        existing.save()
        audit.record("change", existing, before=before, after=audit.snapshot(existing), only_changes=True, user=user)
        return existing
    crit = Criterion.objects.create(cluster_year=cy, code=code, **values)
    audit.record("create", crit, after=audit.snapshot(crit), user=user)
    return crit


@refusals.service
def save_indicator(user, cy: ClusterYear, *, code: str, name: str, unit: str, aggregation: str = "sum",
                   percent_decimals: int = 1) -> Indicator:
    check_lead_unlocked(user, cy)
    if not code.strip() or not name.strip():
        raise ValidationError("Chỉ tiêu cần mã và tên.")
    ind, created = Indicator.objects.update_or_create(
        cluster_year=cy, code=code.strip(),
        defaults=dict(name=name.strip(), unit=unit.strip(), unit_short=unit.strip()[:32], aggregation=aggregation,
                      percent_decimals=percent_decimals),
        create_defaults=dict(name=name.strip(), unit=unit.strip(), unit_short=unit.strip()[:32],
                             aggregation=aggregation, percent_decimals=percent_decimals,
                             order=cy.indicators.count()))
    audit.record("create" if created else "change", ind, after=audit.snapshot(ind), user=user)
    return ind


@refusals.service
def delete_criterion(user, cy: ClusterYear, *, code: str) -> None:
    """Remove a criterion nobody has scored yet (a group only once it is empty); refused once locked."""
    check_lead_unlocked(user, cy)
    crit = cy.criteria.filter(code=code).first()
    if crit is None:
        raise ValidationError(f"Không có tiêu chí mã “{code}”.")
    if crit.children.exists():
        raise ValidationError(f"Nhóm {code} còn tiêu chí con; xóa hoặc chuyển các tiêu chí con trước.")
    if crit.scores.exists():
        raise ValidationError(f"Tiêu chí {code} đã có điểm chấm; không xóa được (điểm đã chấm phải được giữ).")
    audit.record("delete", crit, before=audit.snapshot(crit), user=user)
    crit.delete()


@refusals.service
def delete_indicator(user, cy: ClusterYear, *, code: str) -> None:
    """Remove an indicator no criterion uses and no member has a plan or result for; refused once locked."""
    check_lead_unlocked(user, cy)
    ind = cy.indicators.filter(code=code).first()
    if ind is None:
        raise ValidationError(f"Không có chỉ tiêu mã “{code}”.")
    used_by = list(cy.criteria.filter(indicator=ind).values_list("code", flat=True))
    if used_by:
        raise ValidationError(f"Chỉ tiêu {code} đang được tiêu chí {', '.join(used_by)} dùng để chấm điểm.")
    if (Target.objects.filter(indicator=ind).filter(Q(planned__isnull=False) | Q(actual__isnull=False)).exists()
            or ResultReport.objects.filter(target__indicator=ind).exists()):
        raise ValidationError(f"Chỉ tiêu {code} đã có kế hoạch hoặc kết quả của thành viên; không xóa được.")
    audit.record("delete", ind, before=audit.snapshot(ind), user=user)
    ind.delete()


# --------------------------------------------------------------------------- 2. registration and pact


@refusals.service
def register(user, cy: ClusterYear, member: Organization, *, plans: dict[str, object], titles=(),
             on: date | None = None) -> list[Target]:
    """A member registers its targets (plan per indicator code) and the titles it aims for."""
    check_member_unlocked(user, cy, member, allow_lead=True)
    indicators = {i.code: i for i in cy.indicators.all()}
    out = []
    for code, planned in plans.items():
        ind = indicators.get(code)
        if ind is None:
            raise ValidationError(f"Chỉ tiêu “{code}” không có trong năm {cy.year}.")
        value = _decimal(planned, f"Kế hoạch {ind.name}") if planned not in (None, "") else None
        if value is not None and value < 0:
            raise ValidationError(f"Kế hoạch {ind.name} không được âm.")
        target, _ = Target.objects.get_or_create(indicator=ind, member=member)
        before = audit.snapshot(target, ["planned"])
        target.planned = value
        target.save(update_fields=["planned"])
        audit.record("change", target, object_repr=f"{member.name} — {ind.name}", before=before,
                     after=audit.snapshot(target, ["planned"]), only_changes=True, user=user, reason="Đăng ký chỉ tiêu")
        out.append(target)
    for award_type in titles:
        if not isinstance(award_type, AwardType):
            award_type = AwardType.objects.filter(code=award_type).first()
            if award_type is None:
                raise ValidationError("Danh hiệu đăng ký không có trong danh mục.")
        reg, created = TitleRegistration.objects.get_or_create(
            cluster_year=cy, member=member, award_type=award_type, defaults={"registered_on": on or date.today()})
        if created:
            audit.record("create", reg, object_repr=f"{member.name} đăng ký {award_type.name}", user=user)
    return out


@refusals.service
def save_pact(user, cy: ClusterYear, *, title: str, commitments: str, conference: Conference | None = None) -> Pact:
    check_save_pact(user, cy)
    if not title.strip() or not commitments.strip():
        raise ValidationError("Giao ước cần tên và nội dung cam kết.")
    pact, created = Pact.objects.get_or_create(cluster_year=cy, defaults={"title": title, "commitments": commitments,
                                                                           "conference": conference})
    if not created:
        before = audit.snapshot(pact)
        pact.title, pact.commitments = title, commitments
        pact.conference = conference or pact.conference
        pact.save()
        audit.record("change", pact, before=before, after=audit.snapshot(pact), only_changes=True, user=user)
    else:
        audit.record("create", pact, after=audit.snapshot(pact), user=user)
    return pact


@refusals.service
def sign_pact(user, cy: ClusterYear, member: Organization, *, signatory: str, position: str,
              signed_on: date) -> PactSignature:
    pact = check_sign_pact(user, cy, member)
    if not signatory.strip() or not position.strip():
        raise ValidationError("Cần họ tên và chức vụ người ký.")
    sig = PactSignature.objects.create(pact=pact, member=member, signatory=signatory.strip(),
                                       position=position.strip(), signed_on=signed_on)
    audit.record("create", sig, object_repr=f"{member.name} ký giao ước {cy.year}", after=audit.snapshot(sig), user=user)
    return sig


@refusals.service
def set_opening_balance(user, cy: ClusterYear, member: Organization, indicator: Indicator, *, prior, base) -> Target:
    """Enter a member's opening balance (the running total before the year) and base of a cumulative indicator,
    for a first year or to correct what was carried from the previous year's records
    (statistics.carried_balances). The member's office, the chair or the organising authority enters it."""
    if not year_roles(user, cy).can_lead:
        _require_member(user, cy, member)
    elif not cy.members.filter(pk=member.pk).exists():
        refusals.deny(user, cy, f"{member.name} không phải thành viên của {cy}.", cls=Conflict)
    _require_unlocked(user, cy)
    if indicator.cluster_year_id != cy.pk:
        raise ValidationError(f"Chỉ tiêu {indicator.code} không thuộc năm {cy.year}.")
    if indicator.aggregation != Aggregation.CUMULATIVE:
        raise ValidationError(f"Chỉ tiêu “{indicator.name}” không phải chỉ tiêu lũy kế.")
    opening = _decimal(prior, f"Lũy kế trước năm {cy.year} của {member.name}")
    total = _decimal(base, f"{indicator.base_label or 'Tổng số'} của {member.name}")
    if opening < 0 or total <= 0:
        raise ValidationError(f"{member.name}: lũy kế không được âm và {indicator.base_label or 'tổng số'} phải lớn hơn 0.")
    if opening > total:
        raise ValidationError(f"{member.name}: lũy kế trước năm ({opening}) lớn hơn "
                              f"{indicator.base_label or 'tổng số'} ({total}).")
    target, _ = Target.objects.get_or_create(indicator=indicator, member=member)
    before = audit.snapshot(target, ["prior", "base"])
    target.prior, target.base = opening, total
    target.save(update_fields=["prior", "base"])
    audit.record("change", target, object_repr=f"{member.name} — {indicator.name}", before=before,
                 after=audit.snapshot(target, ["prior", "base"]), only_changes=True, user=user,
                 reason="Số lũy kế đầu năm")
    return target


# --------------------------------------------------------------------------- 3. results


@refusals.service
def report_result(user, cy: ClusterYear, member: Organization, indicator: Indicator, *, period: str, value,
                  evidence=None) -> ResultReport:
    """A member reports its result for an indicator (mid-year or year-end). The year-end value is the
    Target.actual the statistics read."""
    check_member_unlocked(user, cy, member)
    if indicator.cluster_year_id != cy.pk:
        raise ValidationError(f"Chỉ tiêu {indicator.code} không thuộc năm {cy.year}.")
    if period not in ResultReport.Period.values:
        raise ValidationError(f"Kỳ báo cáo “{period}” không hợp lệ.")
    amount = _decimal(value, f"Kết quả {indicator.name}")
    if amount < 0:
        raise ValidationError(f"Kết quả {indicator.name} không được âm.")
    target, _ = Target.objects.get_or_create(indicator=indicator, member=member)
    report = ResultReport.objects.filter(target=target, period=period).first()
    before = {"value": report.value} if report else None
    if report is None:
        report = ResultReport(target=target, period=period)
    report.value, report.reported_by = amount, user if user.pk else None
    if evidence is not None:
        check_upload(evidence, label="Minh chứng")
        report.evidence = evidence
    report.save()
    if period == ResultReport.Period.YEAR_END:
        target.actual = amount
        target.save(update_fields=["actual"])
    audit.record("change" if before else "create", report,
                 object_repr=f"{member.name} — {indicator.name} ({report.get_period_display()})",
                 before=before, after={"value": amount}, user=user)
    return report


def not_reported(cy: ClusterYear, period: str = ResultReport.Period.YEAR_END) -> list[Organization]:
    """Members that have not reported every indicator for the period (the chair's reminder list)."""
    n = cy.indicators.count()
    if period == ResultReport.Period.YEAR_END:
        done = Target.objects.filter(indicator__cluster_year=cy, actual__isnull=False)
    else:
        done = Target.objects.filter(indicator__cluster_year=cy, reports__period=period)
    complete = set(done.values("member").annotate(n=Count("indicator", distinct=True)).filter(n__gte=n)
                   .values_list("member", flat=True))
    return [m for m in cy.members.order_by("name") if m.pk not in complete]


# --------------------------------------------------------------------------- 4. scoring


@refusals.service
def assign_cross_scoring(user, cy: ClusterYear, pairs: list[tuple[Organization, Organization]] | None = None
                         ) -> list[CrossAssignment]:
    """The chair assigns who cross-scores whom (scorer, member). Without pairs: a rotation in which each
    member is scored by the next `min_cross_scorers` members. Replaces the previous assignment."""
    run = check_lead_unlocked(user, cy)
    members = sorted(cy.members.all(), key=lambda o: o.name)
    if pairs is None:
        k = run.min_cross_scorers
        pairs = [(members[(i + j) % len(members)], m) for i, m in enumerate(members) for j in range(1, k + 1)]
    member_ids = {m.pk for m in members}
    counts: dict[int, int] = {}
    for scorer, member in pairs:
        if scorer.pk == member.pk:
            raise ValidationError(f"{scorer.name} không được chấm chéo chính mình.")
        if scorer.pk not in member_ids or member.pk not in member_ids:
            raise ValidationError(f"{scorer.name} hoặc {member.name} không phải thành viên của cụm.")
        counts[member.pk] = counts.get(member.pk, 0) + 1
    short = [m.name for m in members if counts.get(m.pk, 0) < run.min_cross_scorers]
    if short:
        raise ValidationError(f"Mỗi thành viên cần ít nhất {run.min_cross_scorers} đơn vị chấm chéo; "
                              f"chưa đủ: {', '.join(short)}.")
    if Score.objects.filter(criterion__cluster_year=cy, round=ScoreRound.CROSS).exists():
        raise ValidationError("Đã có điểm chấm chéo; không phân công lại được.")
    CrossAssignment.objects.filter(cluster_year=cy).delete()
    out = CrossAssignment.objects.bulk_create(
        [CrossAssignment(cluster_year=cy, scorer=s, member=m) for s, m in dict.fromkeys(pairs)])
    audit.record("change", cy, object_repr=f"Phân công chấm chéo {cy}", user=user,
                 after={"pairs": [[s.name, m.name] for s, m in pairs]})
    return out


@refusals.service
def score(user, cy: ClusterYear, *, member: Organization, criterion: Criterion, round: str, points,
          comment: str = "", reason: str = "", evidence=None, scorer: Organization | None = None) -> Score:
    """Record (or change) one score. self: the member scores itself; cross: an assigned scorer; final: the
    chair, with a reason wherever the final differs from the mean of the cross scores."""
    if criterion.cluster_year_id != cy.pk:
        raise ValidationError(f"Tiêu chí {criterion.code} không thuộc năm {cy.year}.")
    if not criterion.is_hand_scored:
        raise ValidationError(f"Tiêu chí {criterion.code} được tính tự động từ kết quả chỉ tiêu, không chấm tay.")
    value = _decimal(points, f"Điểm tiêu chí {criterion.code}").quantize(Decimal("0.01"))
    if value < 0 or value > criterion.max_points:
        raise ValidationError(f"Điểm tiêu chí {criterion.code} phải từ 0 đến {criterion.max_points.normalize():f}; "
                              f"đã nhập {value.normalize():f}.")
    scorer = check_score(user, cy, member, round, scorer)
    if round == ScoreRound.FINAL:
        cross = list(Score.objects.filter(criterion=criterion, member=member, round=ScoreRound.CROSS)
                     .values_list("points", flat=True))
        cross_mean = mean(cross)
        if cross_mean is not None and value != cross_mean and not (reason or comment).strip():
            raise ValidationError(f"Điểm tổng hợp {value.normalize():f} khác điểm chấm chéo bình quân "
                                  f"{cross_mean.normalize():f} của {criterion.code} — cần ghi lý do.")
    if evidence is not None:
        check_upload(evidence, label="Minh chứng")
    existing = Score.objects.select_for_update().filter(criterion=criterion, member=member, scorer=scorer,
                                                        round=round).first()
    fields = ["points", "comment"]
    if existing:
        before = audit.snapshot(existing, fields)
        existing.points, existing.comment = value, (comment or reason).strip()
        if evidence is not None:
            existing.evidence = evidence
        existing.save()
        audit.record("change", existing, object_repr=_score_repr(existing), before=before,
                     after=audit.snapshot(existing, fields), user=user, reason=reason or comment)
        return existing
    s = Score.objects.create(criterion=criterion, member=member, scorer=scorer, round=round, points=value,
                             comment=(comment or reason).strip(), evidence=evidence or "")
    audit.record("create", s, object_repr=_score_repr(s), after=audit.snapshot(s, fields), user=user,
                 reason=reason or comment)
    return s


def _score_repr(s: Score) -> str:
    return f"{s.get_round_display()}: {s.scorer.name} → {s.member.name}, tiêu chí {s.criterion.code}"


@refusals.service
def lock_scores(user, cy: ClusterYear, *, at: datetime | None = None) -> YearRun:
    """The chair locks the scores once every member has a final score for every criterion and has been
    cross-scored by the required number of members."""
    run = check_lead_unlocked(user, cy)
    late = not_reported(cy)
    if late:
        raise ValidationError(f"Chưa khóa được: {', '.join(m.name for m in late)} chưa báo cáo kết quả cả năm "
                              "của mọi chỉ tiêu (điểm các chỉ tiêu tính từ kết quả này).")
    sheet = score_sheet(cy)
    if not sheet.leaves:
        raise ValidationError("Năm thi đua chưa có khung tiêu chí chấm điểm.")
    missing = [r.member.name for r in sheet.rows if not r.complete]
    if missing:
        raise ValidationError(f"Chưa đủ điểm để khóa: {', '.join(missing)} còn tiêu chí chưa có điểm chấm chéo "
                              "hoặc điểm tổng hợp.")
    hand = [c for c in sheet.leaves if c.is_hand_scored]
    short = [r.member.name for r in sheet.rows if hand and any(
        len(r.cells[c.pk].cross) < run.min_cross_scorers and r.cells[c.pk].final_stored is None for c in hand)]
    if short:
        raise ValidationError(f"Chưa đủ {run.min_cross_scorers} đơn vị chấm chéo cho: {', '.join(short)}.")
    run.scores_locked_at = at or timezone.now()
    run.scores_locked_by = user if user.pk else None
    run.save(update_fields=["scores_locked_at", "scores_locked_by"])
    audit.record("change", run, object_repr=f"Khóa điểm {cy}", after={"locked_at": run.scores_locked_at,
                 "ranking": [[r.rank, r.member.name, r.total] for r in sheet.rows]}, user=user)
    return run


# --------------------------------------------------------------------------- 5. votes


def review_conference(cy: ClusterYear) -> Conference | None:
    return cy.conferences.filter(kind=ConferenceKind.YEAR_END).order_by("-held_on").first()


@refusals.service
def schedule_review(user, cy: ClusterYear, *, title: str, held_on: date, place: str) -> Conference:
    """The year-end review conference, hosted by the chair."""
    check_schedule_review(user, cy)
    if not title.strip() or not place.strip():
        raise ValidationError("Hội nghị cần tên và địa điểm.")
    conf = Conference.objects.create(kind=ConferenceKind.YEAR_END, title=title.strip(), cluster_year=cy,
                                     held_on=held_on, place=place.strip(), host=cy.chair)
    audit.record("create", conf, after=audit.snapshot(conf), user=user)
    return conf


def recent_chairs(cy: ClusterYear, years: int) -> set[int]:
    """Members that chaired the cluster in the last `years` years up to and including this one."""
    return set(ClusterYear.objects.filter(cluster=cy.cluster, year__gt=cy.year - years, year__lte=cy.year)
               .values_list("chair_id", flat=True))


def default_award_type(cy: ClusterYear, kind: str) -> AwardType | None:
    """Central Council clusters propose the Government flag and the PM's certificate; provincial ones the
    provincial flag and certificate."""
    central = cy.cluster.organised_by.kind in (OrganizationKind.CENTRAL, OrganizationKind.STATE)
    code = {VoteKind.FLAG: "CO_CP" if central else "CO_TINH",
            VoteKind.CERTIFICATE: "BK_TTG" if central else "BK_TINH"}.get(kind)
    return AwardType.objects.filter(code=code).first() if code else None


@refusals.service
def open_vote(user, cy: ClusterYear, *, kind: str, candidates: list[Organization], opens_at: datetime,
              closes_at: datetime, seats: int = 1, threshold_percent=50, threshold_strict: bool = True,
              quorum_percent=50, quorum_strict: bool = True, award_type: AwardType | None = None,
              previous: VoteSession | None = None) -> VoteSession:
    """The chair opens a secret-ballot session at the review conference."""
    run, conf = check_open_vote(user, cy)
    if kind not in VoteKind.values:
        raise ValidationError(f"Nội dung bầu “{kind}” không hợp lệ.")
    if kind in (VoteKind.FLAG, VoteKind.CERTIFICATE) and not run.locked:
        raise ValidationError("Bỏ phiếu đề nghị khen thưởng sau khi cụm trưởng đã khóa điểm và xếp hạng.")
    if closes_at <= opens_at:
        raise ValidationError("Thời điểm đóng phiếu phải sau thời điểm mở phiếu.")
    candidates = list(dict.fromkeys(candidates))
    member_ids = set(cy.members.values_list("pk", flat=True))
    outsiders = [c.name for c in candidates if c.pk not in member_ids]
    if outsiders:
        raise ValidationError(f"Không phải thành viên của cụm: {', '.join(outsiders)}.")
    if not 1 <= seats <= max(len(candidates), 1) or len(candidates) < 1:
        raise ValidationError(f"Số đơn vị được chọn ({seats}) phải từ 1 đến số ứng viên ({len(candidates)}).")
    for label, pct in (("Ngưỡng trúng", threshold_percent), ("Số phiếu tối thiểu", quorum_percent)):
        if not 0 <= _decimal(pct, label) <= 100:
            raise ValidationError(f"{label} phải từ 0 đến 100%.")
    if kind == VoteKind.CHAIR:
        barred = recent_chairs(cy, run.rotation_years) & {c.pk for c in candidates}
        if barred:
            names = ", ".join(c.name for c in candidates if c.pk in barred)
            raise ValidationError(f"Luân phiên cụm trưởng: {names} đã làm cụm trưởng trong {run.rotation_years} năm "
                                  "gần đây, không là ứng viên.")
    if kind == VoteKind.DEPUTY:
        nxt = next_year(cy)
        if nxt is None:
            raise ValidationError("Bầu cụm trưởng năm sau trước, rồi mới bầu cụm phó.")
        if nxt.chair_id in {c.pk for c in candidates}:
            raise ValidationError(f"{nxt.chair.name} đã là cụm trưởng năm sau, không là ứng viên cụm phó.")
    open_same = VoteSession.objects.filter(cluster_year=cy, kind=kind, closed_at__isnull=True)
    if open_same.exists():
        raise ValidationError("Đang có một phiên bỏ phiếu cùng nội dung chưa kết thúc.")
    if previous is None and kind in (VoteKind.CHAIR, VoteKind.DEPUTY, VoteKind.FLAG) and VoteSession.objects.filter(
            cluster_year=cy, kind=kind, outcome_applied_at__isnull=False).exists():
        raise ValidationError("Nội dung này đã có kết quả bầu.")
    session = VoteSession.objects.create(
        cluster_year=cy, conference=conf, kind=kind, award_type=award_type or default_award_type(cy, kind),
        seats=seats, opens_at=opens_at, closes_at=closes_at, threshold_percent=threshold_percent,
        threshold_strict=threshold_strict, quorum_percent=quorum_percent, quorum_strict=quorum_strict,
        electorate=len(member_ids), previous=previous, round=previous.round + 1 if previous else 1)
    VoteCandidate.objects.bulk_create([VoteCandidate(session=session, organization=c) for c in candidates])
    audit.record("create", session, object_repr=f"{session} — {cy}", user=user,
                 after={"candidates": [c.name for c in candidates], "seats": seats, "opens_at": opens_at,
                        "closes_at": closes_at, "threshold_percent": threshold_percent})
    notices.vote_opened(session, user)
    return session


@refusals.service
def cast_ballot(user, session: VoteSession, member: Organization, choices: list[Organization], *,
                at: datetime | None = None) -> None:
    """One ballot for `member`: a sealed ballot (the choice, encrypted, with no voter and no time) and a
    participation (the member voted, no choice). Nothing is counted until the session closes.
    `at` is for loading past conferences; views never pass it."""
    cy = session.cluster_year
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    check_cast_ballot(user, session, member, at)
    if len(set(c.pk for c in choices)) != len(choices):
        raise ValidationError("Một đơn vị được chọn hai lần trên cùng một phiếu.")
    if len(choices) > session.seats:
        raise ValidationError(f"Phiếu chọn {len(choices)} đơn vị, nhiều hơn số được chọn ({session.seats}).")
    candidate_ids = set(session.candidates.values_list("organization_id", flat=True))
    unknown = [c.name for c in choices if c.pk not in candidate_ids]
    if unknown:
        raise ValidationError(f"Không phải ứng viên của phiên này: {', '.join(unknown)}.")
    try:
        with transaction.atomic():
            participation = VoteParticipation.objects.create(session=session, member=member)
    except IntegrityError:  # a concurrent ballot of the same member, after the check
        _already_voted(user, session, member)
    SealedBallot.objects.create(session=session, sealed=seal_ballot(session, candidate_ids, [c.pk for c in choices]))
    audit.record("create", participation, object_repr=f"{member.name} đã bỏ phiếu: {session} ({cy})", user=user)


@refusals.service
def close_vote(user, session: VoteSession, *, at: datetime | None = None):
    """The chair closes the session: the sealed ballots are opened and counted in memory, only the totals are
    stored; the tally becomes visible and a clear outcome takes effect."""
    cy = session.cluster_year
    _require_lead(user, cy)
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if session.closed_at is not None:
        raise ValidationError(f"Phiên “{session}” đã kết thúc.")
    counted = count_sealed(session)
    voted = session.participations.count()
    if counted.ballots != voted:
        raise ValidationError(f"Phiên “{session}”: {counted.ballots} phiếu niêm phong nhưng {voted} thành viên đã "
                              "bỏ phiếu; không kiểm phiếu.")
    candidates = list(session.candidates.all())
    for c in candidates:
        c.votes = counted.votes[c.organization_id]
    VoteCandidate.objects.bulk_update(candidates, ["votes"])
    session.closed_at = at or timezone.now()
    session.ballots_cast, session.blank_ballots = counted.ballots, counted.blank
    session.save(update_fields=["closed_at", "ballots_cast", "blank_ballots"])
    result = tally(session)
    audit.record("change", session, object_repr=f"Kết thúc {session} — {cy}", after=result.as_dict(), user=user)
    if result.elected:
        apply_outcome(user, session, result)
    return result


@dataclass
class Recount:
    tally: Tally
    matches: bool  # the totals re-derived from the sealed ballots equal the stored ones


@refusals.service
def recount_vote(user, session: VoteSession) -> Recount:
    """Recount a closed session from its sealed ballots and compare with the stored totals (changes nothing
    but the audit trail, which records the recount and whether it matched)."""
    cy = session.cluster_year
    _require_lead(user, cy)
    session = VoteSession.objects.get(pk=session.pk)
    again = recount(session)
    stored = tally(session)

    def figures(t: Tally):
        return (t.ballots_cast, t.blank_ballots, sorted((c.organization.pk, c.votes) for c in t.candidates))

    result = Recount(again, figures(again) == figures(stored))
    audit.record("change", session, object_repr=f"Kiểm phiếu lại {session} — {cy}", user=user,
                 after={"matches": result.matches, "recount": again.as_dict()})
    return result


@refusals.service
def open_tie_round(user, session: VoteSession, *, opens_at: datetime, closes_at: datetime) -> VoteSession:
    session = VoteSession.objects.select_related("cluster_year", "award_type").get(pk=session.pk)
    if not session.is_closed or not tally(session).needs_new_round:
        raise ValidationError(f"Phiên “{session}” không có các ứng viên bằng phiếu cần bầu lại.")
    result = tally(session)
    return open_vote(user, session.cluster_year, kind=session.kind, candidates=result.tied, opens_at=opens_at,
                     closes_at=closes_at, seats=result.seats_open, threshold_percent=session.threshold_percent,
                     threshold_strict=session.threshold_strict, quorum_percent=session.quorum_percent,
                     quorum_strict=session.quorum_strict, award_type=session.award_type, previous=session)


def next_year(cy: ClusterYear) -> ClusterYear | None:
    return ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year + 1).select_related("chair", "deputy").first()


def apply_outcome(user, session: VoteSession, result) -> None:
    """A won vote takes effect: a proposal (flag, certificate) or next year's chair / deputy; electing the
    chair opens the next cluster year's record (the new chair then opens the year itself)."""
    cy = session.cluster_year
    if session.kind in (VoteKind.FLAG, VoteKind.CERTIFICATE):
        authority = "Thủ tướng Chính phủ" if session.award_type and session.award_type.code in ("CO_CP", "BK_TTG") \
            else "Chủ tịch UBND tỉnh"
        start = cy.proposals.count()
        for i, org in enumerate(result.elected):
            p = Proposal.objects.create(conference=session.conference, cluster_year=cy, organization=org,
                                        award_type=session.award_type, proposed_to=authority, order=start + i,
                                        vote_session=session)
            audit.record("create", p, object_repr=f"Đề nghị {p.award_type.name}: {org.name}", user=user)
    elif session.kind == VoteKind.CHAIR:
        chair = result.elected[0]
        nxt = next_year(cy)
        if nxt is None:
            nxt = ClusterYear.objects.create(cluster=cy.cluster, year=cy.year + 1, chair=chair)
            nxt.members.set(cy.members.all())
            audit.record("create", nxt, object_repr=f"{nxt} (cụm trưởng {chair.name})", user=user)
        else:
            before = {"chair": nxt.chair.name}
            nxt.chair = chair
            nxt.save(update_fields=["chair"])
            audit.record("change", nxt, before=before, after={"chair": chair.name}, user=user)
    elif session.kind == VoteKind.DEPUTY:
        nxt = next_year(cy)
        before = {"deputy": nxt.deputy.name if nxt.deputy else None}
        nxt.deputy = result.elected[0]
        nxt.save(update_fields=["deputy"])
        audit.record("change", nxt, before=before, after={"deputy": nxt.deputy.name}, user=user)
    VoteSession.objects.filter(pk=session.pk).update(outcome_applied_at=timezone.now())


# --------------------------------------------------------------------------- 6. handover


@refusals.service
def hand_over_flag(user, cy: ClusterYear, *, handed_on: date, handed_by: str = "") -> FlagHandover:
    """The outgoing chair hands the rotating flag to next year's chair, at the review conference."""
    nxt, conf = check_hand_over(user, cy)
    h = FlagHandover.objects.create(cluster=cy.cluster, from_org=cy.chair, to_org=nxt.chair, handed_on=handed_on,
                                    conference=conf, handed_by=handed_by)
    audit.record("create", h, object_repr=f"Trao cờ luân lưu: {cy.chair.name} → {nxt.chair.name}",
                 after=audit.snapshot(h), user=user)
    return h


# --------------------------------------------------------------------------- the timeline


def timeline(cy: ClusterYear) -> list[TimelineStep]:
    """Each step of the year, done or not, from the records (nothing is stored as a status): the set-based
    `national.timelines` for one year."""
    return timelines([cy])[cy.pk]
