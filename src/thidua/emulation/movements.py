"""Emulation movements (phong trào thi đua) from launch to review: launch at any level, adoption by a lower level as
its own sub-movement, registration of units, collectives and individuals within the window, and the reviews
(sơ kết, tổng kết) that gather the participants' reports.

Each service is one transaction with its audit row; a refusal (core.refusals) names what is wrong and changes
nothing but the audit trail. Who may act: whoever may edit the organisation concerned (`Scope.can_edit`: its
emulation office or unit officer, or an administrator). The thematic commendations a review proposes go through
the ordinary dossier path (nominations.movement_commendations, a layer above)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.awards.models import AwardType
from thidua.core import audit, refusals
from thidua.core.refusals import Conflict
from thidua.emulation.models import (
    Movement,
    MovementKind,
    MovementRegistration,
    MovementReview,
    MovementReviewKind,
    MovementReviewReport,
    ParticipantKind,
)
from thidua.lib.numbers import format_date
from thidua.lib.uploads import check_upload
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

LAUNCH_FIELDS = ("name", "kind", "launched_by_title", "launched_on", "ends_on", "directive", "decision_number",
                 "decision_date", "target_groups", "goals", "criteria", "registration_opens", "registration_closes",
                 "midterm_review_on", "final_review_on", "planned_commendations")


@dataclass
class MovementPlan:
    """What a launch (or an adoption: the lower level's own plan) records."""

    name: str
    kind: str = MovementKind.THEMATIC
    launched_by_title: str = ""
    launched_on: date | None = None
    ends_on: date | None = None
    directive: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    target_groups: str = ""
    goals: str = ""
    criteria: str = ""
    registration_opens: date | None = None
    registration_closes: date | None = None
    midterm_review_on: date | None = None
    final_review_on: date | None = None
    planned_commendations: str = ""

    def as_fields(self) -> dict:
        return {f: getattr(self, f) for f in LAUNCH_FIELDS}


# --------------------------------------------------------------------------- guards


def _require_edit(user, org: Organization, obj, action: str) -> None:
    if not scope_for(user).can_edit(org):
        refusals.deny(user, obj, f"{action}: bạn không có quyền thay mặt {org.name} (cần vai trò cơ quan thi đua, "
                                 "khen thưởng hoặc cán bộ đơn vị của đơn vị này hoặc cấp trên).",
                      what="emulation.movement")


def check_plan(plan: MovementPlan) -> None:
    """The plan's own consistency: a name, a known kind, dates in order."""
    errors = {}
    if not plan.name.strip():
        errors["name"] = "Cần tên phong trào."
    if plan.kind not in MovementKind.values:
        errors["kind"] = f"Loại phong trào “{plan.kind}” không hợp lệ (thường xuyên, theo đợt, chuyên đề)."
    if plan.launched_on and plan.ends_on and plan.ends_on < plan.launched_on:
        errors["ends_on"] = (f"Ngày kết thúc {format_date(plan.ends_on)} trước ngày phát động "
                             f"{format_date(plan.launched_on)}.")
    if plan.registration_opens and plan.registration_closes and plan.registration_closes < plan.registration_opens:
        errors["registration_closes"] = (f"Hạn đăng ký {format_date(plan.registration_closes)} trước ngày mở đăng ký "
                                         f"{format_date(plan.registration_opens)}.")
    if plan.midterm_review_on and plan.final_review_on and plan.final_review_on < plan.midterm_review_on:
        errors["final_review_on"] = "Ngày tổng kết phải sau ngày sơ kết."
    if errors:
        raise Conflict(errors)


def _attach_decision(movement: Movement, decision_file) -> None:
    if decision_file is None:
        return
    name = check_upload(decision_file, label="Văn bản phát động")
    movement.decision_file.save(name, decision_file, save=False)


# --------------------------------------------------------------------------- launch and adopt


@refusals.service
def launch(user, launched_by: Organization, plan: MovementPlan, *, decision_file=None) -> Movement:
    """Launch a movement at the level of `launched_by` (Prime Minister, ministry, province, department, unit)."""
    _require_edit(user, launched_by, launched_by, "Phát động phong trào")
    check_plan(plan)
    movement = Movement(launched_by=launched_by, **plan.as_fields())
    movement.name = movement.name.strip()
    _attach_decision(movement, decision_file)
    movement.save()
    audit.record("create", movement, after=audit.snapshot(movement), user=user)
    return movement


def may_adopt(parent: Movement, org: Organization) -> bool:
    """A lower level may adopt a nationwide movement, or one launched by an organisation above it."""
    if org.pk == parent.launched_by_id:
        return False
    return parent.is_nationwide or (org.path.startswith(parent.launched_by.path) and org.path != parent.launched_by.path)


@refusals.service
def adopt(user, parent: Movement, org: Organization, plan: MovementPlan, *, decision_file=None) -> Movement:
    """`org` adopts `parent` as its own sub-movement: its own plan and criteria, linked to the parent."""
    _require_edit(user, org, parent, "Hưởng ứng phong trào")
    if not may_adopt(parent, org):
        raise Conflict(f"{org.name} không ở cấp dưới của {parent.launched_by.name}, nên không hưởng ứng phong trào "
                       f"“{parent.name}” như một phong trào của mình được.")
    if Movement.objects.filter(parent=parent, launched_by=org).exists():
        raise Conflict(f"{org.name} đã hưởng ứng phong trào “{parent.name}”.")
    check_plan(plan)
    child = Movement(launched_by=org, parent=parent, **plan.as_fields())
    _attach_decision(child, decision_file)
    try:
        child.save()
    except IntegrityError as exc:  # a concurrent adoption
        raise Conflict(f"{org.name} đã hưởng ứng phong trào “{parent.name}”.") from exc
    audit.record("create", child, after=audit.snapshot(child), user=user, reason=f"hưởng ứng phong trào #{parent.pk}")
    return child


# --------------------------------------------------------------------------- registration


def window_text(movement: Movement) -> str:
    """The registration window in words, in the reader's language (the page) or Vietnamese (refusals)."""
    opens, closes = movement.registration_opens, movement.registration_closes
    if opens and closes:
        return _("từ ngày %(opens)s đến hết ngày %(closes)s") % {"opens": format_date(opens),
                                                                "closes": format_date(closes)}
    if closes:
        return _("đến hết ngày %(closes)s") % {"closes": format_date(closes)}
    if opens:
        return _("từ ngày %(opens)s") % {"opens": format_date(opens)}
    return _("không giới hạn")


def check_window(movement: Movement, on: date) -> None:
    """Late (or early) registrations are refused with the window named."""
    opens, closes = movement.registration_opens, movement.registration_closes
    if (opens and on < opens) or (closes and on > closes):
        when = "chưa mở" if opens and on < opens else "đã hết hạn"
        with translation.override("vi"):  # the refusal's sentence is Vietnamese: its window too
            window = window_text(movement)
        raise Conflict(f"Đăng ký {when}: phong trào “{movement.name}” nhận đăng ký {window}; "
                       f"hôm nay là ngày {format_date(on)}.")


def in_movement_reach(movement: Movement, org: Organization) -> bool:
    """Who may take part: anyone for a nationwide movement, otherwise the launcher's subtree."""
    return movement.is_nationwide or org.path.startswith(movement.launched_by.path)


@refusals.service
def register(user, movement: Movement, *, organization: Organization, person: Person | None = None,
             participant_kind: str = "", award_type: AwardType | None = None, commitment: str = "",
             on: date | None = None) -> MovementRegistration:
    """Register a unit, a collective or an individual (of `organization`) for the movement, optionally for a title."""
    on = on or timezone.localdate()
    if person is not None and person.organization_id != organization.pk:
        raise Conflict({"person": f"{person.full_name} không thuộc {organization.name}."})
    kind = participant_kind or (ParticipantKind.INDIVIDUAL if person is not None else ParticipantKind.UNIT)
    if kind not in ParticipantKind.values:
        raise Conflict({"participant_kind": f"Đối tượng “{kind}” không hợp lệ (đơn vị, tập thể, cá nhân)."})
    if (kind == ParticipantKind.INDIVIDUAL) != (person is not None):
        raise Conflict({"person": "Đăng ký cá nhân cần nêu cá nhân; đăng ký đơn vị, tập thể thì không."})
    _require_edit(user, organization, movement, "Đăng ký thi đua")
    if not in_movement_reach(movement, organization):
        raise Conflict(f"{organization.name} không thuộc phạm vi phong trào “{movement.name}” do "
                       f"{movement.launched_by.name} phát động.")
    check_window(movement, on)
    if award_type is not None:
        fits = award_type.for_individual if person is not None else award_type.for_collective
        if not fits:
            raise Conflict({"award_type": f"Danh hiệu “{award_type.name}” không dành cho đối tượng này."})
    dup = MovementRegistration.objects.filter(movement=movement, organization=organization, person=person,
                                              award_type=award_type, participant_kind=kind)
    if dup.exists():
        who = person.full_name if person is not None else organization.name
        raise Conflict(f"{who} đã đăng ký phong trào “{movement.name}”"
                       + (f" (danh hiệu {award_type.name})." if award_type else "."))
    reg = MovementRegistration.objects.create(
        movement=movement, participant_kind=kind, organization=organization, person=person, award_type=award_type,
        registered_on=on, commitment=commitment.strip(), registered_by=user if getattr(user, "pk", None) else None)
    audit.record("create", reg, after=audit.snapshot(reg), user=user)
    return reg


# --------------------------------------------------------------------------- reviews


@refusals.service
def open_review(user, movement: Movement, *, kind: str, held_on: date, period_end: date | None = None,
                conclusions: str = "") -> MovementReview:
    """A sơ kết or tổng kết of the movement, held by its launching level."""
    _require_edit(user, movement.launched_by, movement, "Sơ kết, tổng kết phong trào")
    if kind not in MovementReviewKind.values:
        raise Conflict({"kind": f"Loại “{kind}” không hợp lệ (sơ kết, tổng kết)."})
    if movement.launched_on and held_on < movement.launched_on:
        raise Conflict(f"Ngày {format_date(held_on)} trước ngày phát động {format_date(movement.launched_on)}.")
    if kind == MovementReviewKind.FINAL and movement.reviews.filter(kind=kind).exists():
        raise Conflict(f"Phong trào “{movement.name}” đã có hội nghị tổng kết.")
    review = MovementReview.objects.create(movement=movement, kind=kind, held_on=held_on,
                                           period_end=period_end or held_on, conclusions=conclusions.strip(),
                                           created_by=user if getattr(user, "pk", None) else None)
    audit.record("create", review, after=audit.snapshot(review), user=user)
    return review


def may_report(review: MovementReview, org: Organization) -> bool:
    """Participants report: an adopting level of the movement, or a registered unit (of the movement's tree)."""
    tree = movement_tree_ids(review.movement)
    return (Movement.objects.filter(pk__in=tree, launched_by=org).exclude(pk=review.movement_id).exists()
            or MovementRegistration.objects.filter(movement_id__in=tree, organization=org).exists())


@refusals.service
def submit_report(user, review: MovementReview, organization: Organization, *, collectives: int = 0,
                  individuals: int = 0, exemplars: int = 0, initiatives: int = 0, summary: str = "",
                  on: date | None = None) -> MovementReviewReport:
    """A participant's report and figures for the review (sent again: replaced, audited as a change)."""
    _require_edit(user, organization, review, "Báo cáo sơ kết, tổng kết")
    if not may_report(review, organization):
        raise Conflict(f"{organization.name} chưa hưởng ứng hay đăng ký phong trào “{review.movement.name}”, "
                       "nên không gửi báo cáo được.")
    figures = {"collectives": collectives, "individuals": individuals, "exemplars": exemplars,
               "initiatives": initiatives}
    bad = [k for k, v in figures.items() if v is None or int(v) < 0]
    if bad:
        raise Conflict({k: "Số liệu phải là số không âm." for k in bad})
    report = MovementReviewReport.objects.filter(review=review, organization=organization).first()
    before = audit.snapshot(report) if report else None
    if report is None:
        report = MovementReviewReport(review=review, organization=organization)
    for k, v in figures.items():
        setattr(report, k, int(v))
    report.summary = summary.strip()
    report.submitted_on = on or timezone.localdate()
    report.submitted_by = user if getattr(user, "pk", None) else None
    report.save()
    audit.record("change" if before else "create", report, before=before, after=audit.snapshot(report), user=user,
                 only_changes=bool(before))
    return report


# --------------------------------------------------------------------------- the tree


def movement_tree_ids(movement: Movement) -> list[int]:
    """The movement and every sub-movement adopted under it, at any depth (one query per level, not per row)."""
    ids, frontier = [movement.pk], [movement.pk]
    while frontier:
        frontier = list(Movement.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids
