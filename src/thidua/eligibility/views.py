"""Pages: "Xét điều kiện" (who meets an award, who misses by one condition) and the personal record."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType, Discipline, Evaluation, Initiative, Review
from thidua.core.access import scope_for
from thidua.eligibility import exports
from thidua.eligibility.engine import evaluate, rank_for_quota
from thidua.eligibility.loader import evaluate_database, iter_people, rulebook, subtree
from thidua.eligibility.models import Quota
from thidua.orgs.models import Organization, Person

SHOWN = 100  # rows per section on the page; the Excel export has them all


class EligibilityForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Organization.objects.none(), required=False,
                                 empty_label=_("Tất cả trong phạm vi của tôi"))
    year = forms.IntegerField(label=_("Năm xét"), min_value=2000, max_value=2100)
    award = forms.ChoiceField(label=_("Hình thức, danh hiệu"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Global roles pick a province or ministry (a national list of units would be unusable).
        kinds = (["province", "ministry"] if scope_for(user).is_global
                 else ["province", "ministry", "department", "unit", "commune", "enterprise"])
        orgs = Organization.objects.visible_to(user).filter(kind__in=kinds, is_small_collective=False)
        self.fields["org"].queryset = orgs.order_by("kind", "name")
        names = dict(AwardType.objects.values_list("code", "name"))
        self.fields["award"].choices = [(c, f"{names.get(c, c)} ({c})") for c in rulebook().awards()]


def _evaluate(form: EligibilityForm, user):
    f = form.cleaned_data
    org = f["org"]
    if org is None:
        scope = scope_for(user)
        if not scope.is_global:
            org = Organization.objects.filter(pk__in=scope.org_ids).order_by("path").first()
    people, collectives = subtree(org, user)
    return org, list(evaluate_database(f["year"], people, collectives, [f["award"]]))


@login_required
def check(request):
    form = EligibilityForm(request.GET or None, user=request.user, initial={"year": date.today().year - 1})
    context = {"form": form}
    if form.is_bound and form.is_valid():
        org, results = _evaluate(form, request.user)
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(exports.to_xlsx(results),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="xet-dieu-kien-{form.cleaned_data["award"]}.xlsx"'
            return response
        eligible = [r for r in results if r.eligible]
        near = [r for r in results if not r.eligible and len(r.missing) == 1]
        quota = Quota.objects.filter(authority=org, year=form.cleaned_data["year"],
                                     award_code=form.cleaned_data["award"]).first() if org else None
        ranked, limit = None, None
        if quota:
            base = len(eligible)
            if quota.of_award_code:
                base = sum(1 for r in evaluate_database(form.cleaned_data["year"], *subtree(org, request.user),
                                                         [quota.of_award_code]) if r.eligible)
            limit = quota.limit(base)
            ranked = rank_for_quota(eligible, limit, quota.tie_breaks or ["female_first"])
        context.update({
            "org": org, "evaluated": len(results), "eligible": eligible[:SHOWN], "n_eligible": len(eligible),
            "near": near[:SHOWN], "n_near": len(near), "shown": SHOWN, "quota": quota, "limit": limit,
            "ranked": ranked[:SHOWN] if ranked else None, "query": request.GET.urlencode(),
        })
    return render(request, "eligibility/check.html", context)


@login_required
def person_record(request, pk: int):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)
    year = int(request.GET.get("year") or date.today().year - 1)
    (subject,) = list(iter_people(Person.objects.filter(pk=person.pk), year)) or [None]
    evaluations = {e.year: e for e in Evaluation.objects.filter(person=person)}
    awards = person.awards.select_related("award_type", "decision").order_by("year")
    years = sorted({*evaluations, *(a.year for a in awards)}, reverse=True)
    rows = [{"year": y, "rating": evaluations.get(y), "awards": [a for a in awards if a.year == y]} for y in years]
    book = rulebook()
    results = [evaluate(subject, code, year, book) for code in book.awards("individual")] if subject else []
    return render(request, "eligibility/person.html", {
        "person": person, "rows": rows, "year": year, "results": results,
        "initiatives": Initiative.objects.filter(person=person).select_related("used_for__award_type").order_by("-year"),
        "disciplines": Discipline.objects.filter(person=person).order_by("-starts_on"),
        "reviews": Review.objects.filter(person=person).order_by("-opened_on"),
    })
