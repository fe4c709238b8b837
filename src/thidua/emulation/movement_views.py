"""Movement pages (/phong-trao/): the list of my level's movements and those I adopted, the launch form, a
movement's page (participation by level and over time, registrations, reviews, commendations), and one POST URL
per action (adopt, register, open a review, send a report). The thematic commendation a review proposes is
posted to nominations (`nominations:movement-commend`), which creates the dossier through its own service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.awards.models import AwardType
from thidua.core import refusals
from thidua.emulation import movement_documents
from thidua.emulation import movement_forms as f
from thidua.emulation import movements as services
from thidua.emulation.models import Movement, MovementReview
from thidua.emulation.movement_statistics import (
    movement_dossiers,
    movement_summary,
    participation_by_movement,
    registrations,
    review_reports,
)
from thidua.lib import charts
from thidua.lib.documents import document_response
from thidua.lib.uploads import serve_file
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

CHOICES_MAX = 400


def editable_orgs(user):
    """The organisations the user may act for in the forms (its subtrees; a few hundred at most)."""
    scope = scope_for(user)
    if not scope.may_edit or scope.user_id is None:
        return Organization.objects.none()
    qs = Organization.objects.filter(valid_to__isnull=True)
    if not scope.is_superuser:
        qs = scope.filter_organizations(qs)
    ids = list(qs.order_by("path").values_list("pk", flat=True)[:CHOICES_MAX])
    return Organization.objects.filter(pk__in=ids).order_by("path")


def load(request, pk: int) -> Movement:
    return get_object_or_404(Movement.objects.visible_to(request.user).select_related("launched_by", "parent"), pk=pk)


def _mine_q(user) -> Q:
    scope = scope_for(user)
    if scope.is_global:
        return Q(parent__isnull=True)
    q = Q(pk__in=[])
    for path in scope.lineage_paths:
        q |= Q(launched_by__path__startswith=path)
    return q


@login_required
@require_GET
def movement_list(request):
    """My level's movements (launched in my subtrees, including my adoptions), the upper-level movements I adopted,
    and the upper-level movements open to adoption. Global roles: the top-level movements of every level."""
    visible = Movement.objects.visible_to(request.user).select_related("launched_by", "parent")
    mine = list(visible.filter(_mine_q(request.user)).order_by("-launched_on", "name"))
    adopted_ids = {m.parent_id for m in mine if m.parent_id}
    adopted = list(visible.filter(pk__in=adopted_ids).exclude(pk__in=[m.pk for m in mine]))
    others = list(visible.filter(parent__isnull=True).exclude(pk__in=[m.pk for m in mine] + list(adopted_ids))
                  .order_by("-launched_on", "name")[:100])
    counts = participation_by_movement([m.pk for m in mine + adopted + others])
    for m in mine + adopted + others:
        m.participants = counts.get(m.pk, 0)
    return render(request, "emulation/movements/list.html", {
        "mine": mine, "adopted": adopted, "others": others, "may_launch": scope_for(request.user).may_edit,
    })


@login_required
def launch(request):
    orgs = editable_orgs(request.user)
    form = f.PlanForm(request.POST or None, request.FILES or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.launch(request.user, form.cleaned_data["organization"], form.plan(),
                                       decision_file=form.cleaned_data.get("decision_file"))
        except refusals.REFUSALS as exc:
            refusals.show(request, exc)
        else:
            messages.success(request, _("Đã phát động phong trào “%(name)s”.") % {"name": movement.name})
            return redirect("emulation:movement", movement.pk)
    return render(request, "emulation/movements/launch.html", {"form": form, "parent": None})


def _adopters(user, movement: Movement):
    """The organisations the user may adopt the movement for (not yet adopted there)."""
    done = set(Movement.objects.filter(parent=movement).values_list("launched_by_id", flat=True))
    return [o for o in editable_orgs(user) if o.pk not in done and services.may_adopt(movement, o)]


@login_required
@require_GET
def detail(request, pk: int):
    m = load(request, pk)
    s = movement_summary(m)
    user = request.user
    scope = scope_for(user)
    today = timezone.localdate()
    tree = Movement.objects.filter(pk__in=s.tree_ids)
    level_chart = charts.column_chart(
        [(r.organization, r.total) for r in s.levels if r.total or r.depth <= 1][:12],
        title=_("Người, đơn vị đăng ký theo cấp"), width=560) if s.levels else None
    time_chart = charts.column_chart(s.months, title=_("Đăng ký theo tháng"), width=560) if s.months else None
    adopters = _adopters(user, m)
    reach = [o for o in editable_orgs(user) if services.in_movement_reach(m, o)]
    can_lead = scope.can_edit(m.launched_by)
    open_window = not ((m.registration_opens and today < m.registration_opens)
                       or (m.registration_closes and today > m.registration_closes))
    # Once, not per organisation of the user (a query per row otherwise).
    taking_part = (set(tree.exclude(pk=m.pk).values_list("launched_by_id", flat=True))
                   | set(registrations(s.tree_ids).values_list("organization_id", flat=True)))
    reporters = [o for o in editable_orgs(user) if o.pk in taking_part]
    listed = list(scope.filter_by_unit(registrations(s.tree_ids), "organization")[:300])
    reviews = []
    for rf in s.reviews:
        reports = list(review_reports(rf.review))
        # The launching level proposes from its own reviews: the registrations it may choose, those whose unit
        # reported to this review first.
        candidates = []
        if can_lead and rf.review.movement_id == m.pk:
            reported = {r.organization_id for r in reports}
            candidates = sorted(((r, r.organization_id in reported) for r in listed), key=lambda c: not c[1])
        reviews.append((rf, reports, candidates))
    plan_initial = {"name": m.name, "kind": m.kind, "target_groups": m.target_groups, "goals": m.goals,
                    "criteria": m.criteria, "registration_opens": m.registration_opens,
                    "registration_closes": m.registration_closes, "ends_on": m.ends_on,
                    "planned_commendations": m.planned_commendations}
    people = Person.objects.visible_to(user).filter(organization__in=reach).order_by("full_name")[:f.CHOICES_MAX]
    return render(request, "emulation/movements/detail.html", {
        "m": m, "s": s, "level_chart": level_chart, "time_chart": time_chart,
        "ancestors": _ancestors(m),
        "visible_ids": set(Movement.objects.visible_to(user).filter(pk__in=s.tree_ids).values_list("pk", flat=True)),
        # Counts are the whole tree's; the names listed are those of the user's scope (another province's
        # registrants are counted, not named).
        "registrations": listed,
        "dossiers": movement_dossiers(s, user)[:100],
        "reviews": reviews,
        "window": services.window_text(m), "open_window": open_window,
        "adopt_form": f.PlanForm(initial=plan_initial, organizations=Organization.objects.filter(
            pk__in=[o.pk for o in adopters])) if adopters else None,
        "register_form": f.RegisterForm(organizations=Organization.objects.filter(pk__in=[o.pk for o in reach]),
                                        people=Person.objects.filter(pk__in=[p.pk for p in people]))
        if reach else None,
        "review_form": f.ReviewForm(initial={"held_on": today}) if can_lead else None,
        "report_form": f.ReportForm(organizations=Organization.objects.filter(pk__in=[o.pk for o in reporters]))
        if reporters else None,
        "can_lead": can_lead,
        "commend_authorities": _commend_authorities() if can_lead else [],
        "commend_award_types": _commend_award_types() if can_lead else [],
    })


def _ancestors(m: Movement) -> list[Movement]:
    out, p = [], m.parent
    while p is not None and len(out) < 10:
        out.insert(0, p)
        p = p.parent
    return out


def _commend_authorities() -> list[tuple[str, str]]:
    """The deciding authorities a thematic commendation may go to (as the dossier form offers them)."""
    return [(c, str(label)) for c, label in AwardType._meta.get_field("granted_by").choices]


def _commend_award_types() -> list[tuple[str, list[AwardType]]]:
    """The catalogue's forms grouped by deciding authority (the dossier's authority must decide the chosen one)."""
    groups: dict[str, list[AwardType]] = {}
    for t in AwardType.objects.order_by("granted_by", "-rank", "code"):
        groups.setdefault(t.get_granted_by_display(), []).append(t)
    return list(groups.items())


def _post(request, m: Movement, fn, *args, success: str, **kwargs):
    try:
        fn(*args, **kwargs)
    except refusals.REFUSALS as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, success)
    return redirect("emulation:movement", m.pk)


def _invalid(request, m: Movement, form):
    errors = "; ".join(f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                       for k, v in form.errors.items())
    messages.error(request, _("Dữ liệu chưa hợp lệ — %(errors)s") % {"errors": errors}, extra_tags="danger")
    return redirect("emulation:movement", m.pk)


@login_required
@require_POST
def adopt(request, pk: int):
    m = load(request, pk)
    form = f.PlanForm(request.POST, request.FILES or None, organizations=editable_orgs(request.user))
    if not form.is_valid():
        return _invalid(request, m, form)
    org = form.cleaned_data["organization"]
    return _post(request, m, services.adopt, request.user, m, org, form.plan(),
                 decision_file=form.cleaned_data.get("decision_file"),
                 success=_("%(org)s đã hưởng ứng phong trào.") % {"org": org.name})


@login_required
@require_POST
def register(request, pk: int):
    m = load(request, pk)
    form = f.RegisterForm(request.POST, organizations=editable_orgs(request.user),
                          people=Person.objects.visible_to(request.user))
    if not form.is_valid():
        return _invalid(request, m, form)
    d = form.cleaned_data
    return _post(request, m, services.register, request.user, m, organization=d["organization"],
                 person=d["person"], participant_kind=d["participant_kind"], award_type=d["award_type"],
                 commitment=d["commitment"], success=_("Đã ghi nhận đăng ký thi đua."))


@login_required
@require_POST
def open_review(request, pk: int):
    m = load(request, pk)
    form = f.ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, m, form)
    d = form.cleaned_data
    return _post(request, m, services.open_review, request.user, m, kind=d["kind"], held_on=d["held_on"],
                 period_end=d["period_end"], conclusions=d["conclusions"], success=_("Đã lập hội nghị sơ kết, tổng kết."))


@login_required
@require_POST
def submit_report(request, pk: int, rid: int):
    m = load(request, pk)
    review = get_object_or_404(MovementReview, pk=rid, movement__in=Movement.objects.filter(
        pk__in=services.movement_tree_ids(m)))
    form = f.ReportForm(request.POST, organizations=editable_orgs(request.user))
    if not form.is_valid():
        return _invalid(request, m, form)
    d = form.cleaned_data
    return _post(request, m, services.submit_report, request.user, review, d["organization"],
                 collectives=d["collectives"], individuals=d["individuals"], exemplars=d["exemplars"],
                 initiatives=d["initiatives"], summary=d["summary"], success=_("Đã gửi báo cáo."))


@login_required
@require_GET
def review_document(request, pk: int, rid: int, fmt: str):
    m = load(request, pk)
    review = get_object_or_404(MovementReview.objects.select_related("movement__launched_by"), pk=rid,
                               movement__in=Movement.objects.filter(pk__in=services.movement_tree_ids(m)))
    return document_response(request, lambda: movement_documents.review_docx(review),
                             movement_documents.filename(review), fmt)


@login_required
@require_GET
def decision_file(request, pk: int):
    """The launching decision's file, for whoever sees the movement (404 otherwise, or without a file)."""
    return serve_file(load(request, pk).decision_file)
