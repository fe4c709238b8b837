"""Exemplary models (/dien-hinh/): the pipeline board, an exemplar's page (timeline, replications, honours,
attachments, publication), one POST URL per action; and an award's page on the public honours board (publish
with consent, withdraw), as the API offers. Every write goes through thidua.emulation.exemplars."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.awards.models import Award
from thidua.core import refusals
from thidua.emulation import exemplar_forms as forms
from thidua.emulation import exemplars as services
from thidua.emulation.exemplar_statistics import (
    ExemplarFilters,
    exemplar_list,
    replication_figures,
    stage_counts,
)
from thidua.emulation.models import EXEMPLAR_STAGE_ORDER, Exemplar, ExemplarStage, Movement, PublicHonour
from thidua.lib.text import fold
from thidua.lib.uploads import serve_file
from thidua.orgs.models import Organization, OrganizationKind, Person
from thidua.orgs.scope import scope_for

BOARD_COLUMN_MAX = 12  # names shown per stage column; the table below lists them all


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def filters_from(params) -> ExemplarFilters:
    stage = params.get("stage", "")
    return ExemplarFilters(province=_int(params.get("province")), field=(params.get("field") or "")[:128],
                           year=_int(params.get("year")), movement=_int(params.get("movement")),
                           stage=stage if stage in EXEMPLAR_STAGE_ORDER else "", q=(params.get("q") or "")[:100])


def _exemplar(request, pk: int) -> Exemplar:
    return get_object_or_404(Exemplar.objects.visible_to(request.user).select_related(
        "province", "person__organization", "collective__parent", "movement", "proposed_by"), pk=pk)


@login_required
@require_GET
def board(request):
    visible = Exemplar.objects.visible_to(request.user)
    f = filters_from(request.GET)
    rows = list(exemplar_list(visible, f))
    columns = []
    for stage, label, count in stage_counts(exemplar_list(visible, ExemplarFilters(**{**f.__dict__, "stage": ""}))):
        items = [e for e in rows if e.stage == stage] if not f.stage or f.stage == stage else []
        columns.append({"stage": stage, "label": label, "count": count, "items": items[:BOARD_COLUMN_MAX],
                        "more": max(0, len(items) - BOARD_COLUMN_MAX)})
    provinces = Organization.objects.filter(pk__in=visible.values("province_id")).order_by("name")
    return render(request, "emulation/exemplars/board.html", {
        "rows": rows, "columns": columns, "f": f, "provinces": provinces,
        "fields": sorted({x for x in visible.values_list("field", flat=True).distinct() if x}, key=fold),
        "years": sorted(set(visible.values_list("discovered_in", flat=True).distinct()), reverse=True),
        "movements": Movement.objects.filter(pk__in=visible.values("movement_id")).order_by("name"),
        "stages": ExemplarStage.choices,
        "can_discover": _manageable_provinces(request.user).exists(),
    })


def _manageable_provinces(user):
    scope = scope_for(user)
    provinces = Organization.objects.filter(kind=OrganizationKind.PROVINCE)
    if scope.is_superuser:
        return provinces
    return provinces.filter(pk__in=[p.pk for p in scope.filter_organizations(provinces) if services.may_manage(user, p)])


@login_required
@require_GET
def detail(request, pk: int):
    ex = _exemplar(request, pk)
    manage = services.may_manage(request.user, ex.province)
    units, people = replication_figures(ex)
    awards = []
    if manage and ex.stage in (ExemplarStage.REPLICATED, ExemplarStage.HONOURED):
        awards = _candidate_awards(request.user, ex)
    publications = _publications(ex.publications)
    return render(request, "emulation/exemplars/detail.html", {
        "ex": ex, "manage": manage, "moves": services.allowed_moves(request.user, ex),
        "stages": [(s, services.stage_label(s), i <= ex.stage_index) for i, s in enumerate(EXEMPLAR_STAGE_ORDER)],
        "events": ex.events.select_related("by").order_by("happened_on", "pk"),
        "replications": ex.replications.select_related("organization"),
        "units": units, "people": people,
        "honours": ex.honours.select_related("conference", "award__decision__authority", "award__award_type"),
        "attachments": ex.attachments.all(),
        "publications": publications, "published": _current(publications),
        "publish_url": reverse("exemplars:publish", args=[ex.pk]),
        "withdraw_url": _withdraw_url("exemplars:withdraw", ex.pk, publications),
        "may_publish": manage and ex.stage == ExemplarStage.HONOURED,
        "nurture_form": forms.NurtureForm(), "follow_form": forms.FollowUpForm(),
        "replication_form": forms.ReplicationForm(initial={"year": ex.discovered_in}),
        "summary_form": forms.SummaryForm(), "honour_form": _honour_form(awards),
        "attachment_form": forms.AttachmentForm(), "publish_form": forms.PublishForm(), "withdraw_form": forms.WithdrawForm(),
        "stage": ExemplarStage,
    })


def _publications(qs) -> list[PublicHonour]:
    return list(qs.select_related("published_by", "consent_recorded_by", "withdrawn_by").order_by("-published_at"))


def _current(publications) -> PublicHonour | None:
    return next((p for p in publications if p.withdrawn_at is None), None)


def _withdraw_url(name: str, pk: int, publications) -> str:
    current = _current(publications)
    return reverse(name, args=[pk, current.pk]) if current else ""


def _candidate_awards(user, ex: Exemplar):
    qs = Award.objects.visible_to(user).in_force().select_related("award_type", "decision")
    qs = qs.filter(recipient_person=ex.person) if ex.person_id else qs.filter(recipient_org=ex.collective)
    return list(qs.exclude(exemplar_honours__exemplar=ex).order_by("-year")[:50])


def _honour_form(awards, data=None):
    form = forms.HonourForm(data)
    form.fields["award"].choices = [(a.pk, f"{a.award_type.name} — {a.decision} ({a.year})") for a in awards]
    return form


def _back(obj) -> str:
    """The page an action returns to: the exemplar's, or the award's publication page."""
    if isinstance(obj, Award):
        return reverse("exemplars:award-publication", args=[obj.pk])
    return reverse("exemplars:detail", args=[obj.pk])


def _done(request, obj, fn, success: str):
    try:
        fn()
    except refusals.REFUSALS as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, success)
    return redirect(_back(obj))


def _invalid(request, obj, form):
    messages.error(request, " ".join(f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}"
                                     for k, v in form.errors.items()), extra_tags="danger")
    return redirect(_back(obj))


def _form_step(request, pk: int, form_class, step, success: str, *, files: bool = False):
    """One POST action of the exemplar page: the form checked, then the service (`step(ex, cleaned_data)`), its
    refusal or the success shown; back to the exemplar's page either way."""
    ex = _exemplar(request, pk)
    form = form_class(request.POST, request.FILES) if files else form_class(request.POST)
    if not form.is_valid():
        return _invalid(request, ex, form)
    return _done(request, ex, lambda: step(ex, form.cleaned_data), success)


@login_required
@require_POST
def nurture(request, pk: int):
    return _form_step(request, pk, forms.NurtureForm,
                      lambda ex, d: services.nurture(request.user, ex, plan=d["plan"], on=d["on"]),
                      _("Đã chuyển sang giai đoạn bồi dưỡng."))


@login_required
@require_POST
def follow_up(request, pk: int):
    return _form_step(request, pk, forms.FollowUpForm,
                      lambda ex, d: services.follow_up(request.user, ex, note=d["note"], on=d["on"]),
                      _("Đã ghi kết quả theo dõi."))


@login_required
@require_POST
def add_replication(request, pk: int):
    return _form_step(request, pk, forms.ReplicationForm,
                      lambda ex, d: services.add_replication(
                          request.user, ex, place=d["place"], year=d["year"], units=d["units"],
                          participants=d["participants"], note=d["note"]),
                      _("Đã ghi nơi nhân rộng."))


@login_required
@require_POST
def replicate(request, pk: int):
    return _form_step(request, pk, forms.SummaryForm,
                      lambda ex, d: services.replicate(request.user, ex, summary=d["summary"], on=d["on"]),
                      _("Đã chuyển sang giai đoạn tổng kết, nhân rộng."))


@login_required
@require_POST
def honour(request, pk: int):
    ex = _exemplar(request, pk)
    award = Award.objects.visible_to(request.user).select_related("decision", "award_type").filter(
        pk=_int(request.POST.get("award"))).first()
    return _done(request, ex, lambda: services.honour(request.user, ex, award=award,
                                                      description=request.POST.get("description", "")[:255]),
                 _("Đã ghi tôn vinh, khen thưởng."))


@login_required
@require_POST
def upload(request, pk: int):
    return _form_step(request, pk, forms.AttachmentForm,
                      lambda ex, d: services.add_attachment(request.user, ex, kind=d["kind"], uploaded_file=d["file"]),
                      _("Đã đính kèm tệp."), files=True)


@login_required
@require_GET
def attachment(request, pk: int, att: int):
    ex = _exemplar(request, pk)
    a = ex.attachments.filter(pk=att).first()
    if a is None:
        raise Http404
    return serve_file(a.file, a.original_name)


@login_required
@require_POST
def publish(request, pk: int):
    ex = _exemplar(request, pk)
    return _publish(request, ex, exemplar=ex)


@login_required
@require_POST
def withdraw(request, pk: int, pub: int):
    ex = _exemplar(request, pk)
    return _withdraw(request, ex, PublicHonour.objects.filter(exemplar=ex), pub)


def _publish(request, subject, **exemplar_or_award):
    """The publish form of an exemplar's or an award's page, through the service the API calls."""
    form = forms.PublishForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, subject, form)
    d = form.cleaned_data
    return _done(request, subject, lambda: services.publish(request.user, consent_given_on=d["consent_given_on"],
                                                            consent_document=d["consent_document"],
                                                            **exemplar_or_award),
                 _("Đã công bố trên bảng vinh danh công khai."))


def _withdraw(request, subject, publications, pub: int):
    p = get_object_or_404(publications, pk=pub)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        return _invalid(request, subject, form)
    return _done(request, subject, lambda: services.withdraw(request.user, p, reason=form.cleaned_data["reason"]),
                 _("Đã rút khỏi bảng vinh danh."))


@login_required
@require_GET
def consent_document(request, pub: int):
    """The signed consent kept with an entry of the public board. It is personal data, not published: only who may
    publish and withdraw in the entry's province downloads it; anyone else gets 404, as for what is out of scope."""
    p = get_object_or_404(PublicHonour.objects.select_related("province"), pk=pub)
    if not services.may_manage(request.user, p.province):
        raise Http404
    return serve_file(p.consent_document)


@login_required
@require_http_methods(["GET", "POST"])
def discover(request):
    provinces = list(_manageable_provinces(request.user).order_by("name"))
    province = next((p for p in provinces if p.pk == _int(request.GET.get("province") or request.POST.get("province"))),
                    provinces[0] if len(provinces) == 1 else None)
    form = forms.DiscoverForm(request.POST or None)
    if province is not None:
        units = Organization.objects.filter(path__startswith=province.path).exclude(pk=province.pk).order_by("name")[:400]
        form.fields["collective"].choices = [("", "—")] + [(o.pk, o.name) for o in units]
        form.fields["proposed_by"].choices = [("", "—"), (province.pk, province.name)] + [(o.pk, o.name) for o in units]
    form.fields["movement"].choices = [("", "—")] + [(m.pk, m.name) for m in Movement.objects.order_by("name")[:200]]
    if request.method == "POST":
        if province is None:
            try:  # outside any service block: the "denied" row is written at once
                refusals.deny(request.user, None, _("Chỉ cơ quan thường trực thi đua, khen thưởng của tỉnh ghi nhận "
                                                     "điển hình."), what="emulation.exemplar")
            except refusals.REFUSALS as exc:
                refusals.show(request, exc)
            return redirect("exemplars:board")
        if form.is_valid():
            d = form.cleaned_data
            person = (Person.objects.filter(citizen_id=d["citizen_id"].strip(), organization__path__startswith=province.path)
                      .first() if d["citizen_id"].strip() else None)
            collective = Organization.objects.filter(pk=_int(d["collective"])).first() if d["collective"] else None
            try:
                if d["citizen_id"].strip() and person is None:
                    raise refusals.Conflict(_("Không có cá nhân với số định danh này trong tỉnh."))
                ex = services.discover(
                    request.user, province=province, person=person, collective=collective, field=d["field"],
                    story=d["story"], on=d["on"],
                    proposed_by=Organization.objects.filter(pk=_int(d["proposed_by"])).first() if d["proposed_by"] else None,
                    movement=Movement.objects.filter(pk=_int(d["movement"])).first() if d["movement"] else None)
            except refusals.REFUSALS as exc:
                refusals.show(request, exc)
            else:
                messages.success(request, _("Đã ghi nhận điển hình."))
                return redirect("exemplars:detail", ex.pk)
    return render(request, "emulation/exemplars/discover.html", {"form": form, "provinces": provinces,
                                                                  "province": province})


# ---------------------------------------------------------------------------
# An award on the public honours board (the page of what /api/v1/public-honours/ does for an award)
# ---------------------------------------------------------------------------


def _award(request, pk: int) -> Award:
    return get_object_or_404(Award.objects.visible_to(request.user).select_related(
        "award_type", "decision__authority", "unit", "province", "recipient_person", "recipient_org"), pk=pk)


@login_required
@require_GET
def award_publication(request, award: int):
    a = _award(request, award)
    manage = a.province_id is not None and services.may_manage(request.user, a.province)
    in_force = Award.objects.in_force().filter(pk=a.pk).exists()
    publications = _publications(PublicHonour.objects.filter(award=a))
    return render(request, "emulation/exemplars/award_publication.html", {
        "award": a, "manage": manage, "in_force": in_force, "publications": publications,
        "published": _current(publications),
        "publish_url": reverse("exemplars:award-publish", args=[a.pk]),
        "withdraw_url": _withdraw_url("exemplars:award-withdraw", a.pk, publications),
        "may_publish": manage and in_force,
        "publish_form": forms.PublishForm(), "withdraw_form": forms.WithdrawForm(),
        "exemplars": Exemplar.objects.visible_to(request.user).filter(honours__award=a).distinct(),
    })


@login_required
@require_POST
def award_publish(request, award: int):
    a = _award(request, award)
    return _publish(request, a, award=a)


@login_required
@require_POST
def award_withdraw(request, award: int, pub: int):
    a = _award(request, award)
    return _withdraw(request, a, PublicHonour.objects.filter(award=a), pub)
