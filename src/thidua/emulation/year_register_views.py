"""Step 2 of the cluster year: each member registers its targets and titles (/cum/<pk>/nam/dang-ky/), the chair
drafts the pact and the members sign it (/cum/<pk>/nam/giao-uoc/: soan/ to save the text, ky/ to sign)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.awards.models import AwardType
from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import Pact, PactSignature, Step, Target, TitleRegistration
from thidua.emulation.year_views import (
    Year,
    acting_member,
    attempt,
    choose,
    guarded,
    load_year,
    render_year,
    someone,
    warn_if_late,
)

# --------------------------------------------------------------------------- registration


def _registration_changes(form, indicators, targets, member, mine) -> tuple[dict, list]:
    """The plans that differ from the stored ones and the titles not yet registered."""
    d = form.cleaned_data

    def current(i):
        t = targets.get((i.pk, member.pk))
        return t.planned if t else None

    plans = {i.code: d[f"plan_{i.code}"] for i in indicators if d[f"plan_{i.code}"] != current(i)}
    return plans, [c for c in d["titles"] if c not in mine]


@login_required
def register(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    indicators = list(cy.indicators.all())
    member, allowed = acting_member(year, request, authority_may=True)
    targets = {(t.indicator_id, t.member_id): t for t in Target.objects.filter(indicator__cluster_year=cy)}
    registered: dict[int, list[AwardType]] = {}
    for r in TitleRegistration.objects.filter(cluster_year=cy).select_related("award_type").order_by("-award_type__rank"):
        registered.setdefault(r.member_id, []).append(r.award_type)
    can_register = year.opened and not year.locked and (year.roles.is_member or year.roles.is_authority)
    offered = member is not None and allowed and can_register
    if request.method == "POST" and not offered:
        # Not the user's member, or the year is not open / is locked: the guard says why; nothing changes.
        target = someone(year, request, member)
        if target is not None and guarded(request, services.check_member_unlocked, request.user, cy, target,
                                          allow_lead=True):
            messages.info(request, _("Không có thay đổi."))
        return redirect(year.url("year-register"))
    form = None
    if offered:
        mine = {a.code for a in registered.get(member.pk, [])}
        initial = {f"plan_{i.code}": targets[(i.pk, member.pk)].planned for i in indicators
                   if (i.pk, member.pk) in targets}
        initial["titles"] = sorted(mine)
        form = f.RegistrationForm(request.POST or None, initial=initial, indicators=indicators,
                                  award_types=f.title_choices(cy))
        if request.method == "POST" and form.is_valid():
            plans, titles = _registration_changes(form, indicators, targets, member, mine)
            back = redirect(year.url("year-register", **{"don-vi": member.pk}))
            if not plans and not titles:
                messages.info(request, _("Không có thay đổi."))
                return back
            if attempt(request, services.register, request.user, cy, member, plans=plans, titles=titles,
                       success=_("Đã lưu đăng ký của %(org)s.") % {"org": member.name}):
                return back
    table = [{"member": m, "plans": [targets.get((i.pk, m.pk)) for i in indicators],
              "titles": registered.get(m.pk, [])} for m in year.members]
    return render_year(request, "emulation/year/register.html", year, "register", form=form, member=member,
                       indicators=indicators, table=table, can_register=can_register,
                       registered_titles=registered.get(member.pk, []) if member else [])


# --------------------------------------------------------------------------- the pact


def _pact_form(year: Year, the_pact, signatures, data=None):
    """The chair's form for the pact's text, offered until the first signature."""
    if not year.roles.can_lead or signatures:
        return None
    return f.PactForm(data, initial={
        "title": the_pact.title if the_pact else _("Giao ước thi đua năm %(year)s của %(cluster)s") % {
            "year": year.cy.year, "cluster": year.cy.cluster.name},
        "commitments": the_pact.commitments if the_pact else ""})


def _pact_page(request, year: Year, *, pact_data=None, sign_data=None):
    cy = year.cy
    the_pact = Pact.objects.filter(cluster_year=cy).first()
    signatures = {s.member_id: s for s in PactSignature.objects.filter(pact__cluster_year=cy)}
    pact_form = _pact_form(year, the_pact, signatures, pact_data)
    member, allowed = choose(year, request, [m for m in year.my_members if m.pk not in signatures])
    sign_form = None
    if the_pact and member and allowed:
        sign_form = f.SignForm(sign_data, initial={"signed_on": date.today()})
    for form in (pact_form, sign_form):
        if form is not None and form.is_bound:
            form.is_valid()
    rows = [{"member": m, "sig": signatures.get(m.pk)} for m in year.members]
    return render_year(request, "emulation/year/pact.html", year, "pact", pact=the_pact, rows=rows,
                       signed=len(signatures), pact_form=pact_form, sign_form=sign_form, member=member,
                       commitments=[line.strip(" -•") for line in (the_pact.commitments if the_pact else "")
                                    .splitlines() if line.strip()])


@login_required
@require_GET
def pact(request, pk: int):
    return _pact_page(request, load_year(request, pk))


@login_required
@require_POST
def save_pact(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    if not guarded(request, services.check_save_pact, request.user, cy):
        return redirect(year.url("year-pact"))
    form = f.PactForm(request.POST)
    if form.is_valid() and attempt(request, services.save_pact, request.user, cy, title=form.cleaned_data["title"],
                                   commitments=form.cleaned_data["commitments"],
                                   conference=services.review_conference(cy), success=_("Đã lưu giao ước.")):
        return redirect(year.url("year-pact"))
    return _pact_page(request, year, pact_data=request.POST)


@login_required
@require_POST
def sign_pact(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    signed = set(PactSignature.objects.filter(pact__cluster_year=cy).values_list("member_id", flat=True))
    member, _allowed = choose(year, request, [m for m in year.my_members if m.pk not in signed])
    # Already signed, no pact, not the user's member: the guard says which.
    target = someone(year, request, member)
    if target is None or not guarded(request, services.check_sign_pact, request.user, cy, target):
        return redirect(year.url("year-pact"))
    form = f.SignForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if attempt(request, services.sign_pact, request.user, cy, target, signatory=d["signatory"],
                   position=d["position"], signed_on=d["signed_on"],
                   success=_("%(org)s đã ký giao ước.") % {"org": target.name}):
            warn_if_late(request, cy, Step.PACT, d["signed_on"])
            return redirect(year.url("year-pact"))
    return _pact_page(request, year, sign_data=request.POST)
