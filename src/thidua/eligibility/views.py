"""Pages: "Xét điều kiện" (who meets an award, who misses by one condition) and the personal record."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType, Discipline, Evaluation, Initiative, Review
from thidua.core.access import scope_for
from thidua.eligibility import exports
from thidua.eligibility.engine import Result, evaluate, evidence_count, quota_key
from thidua.eligibility.loader import evaluate_database, evaluate_rendered, iter_people, rulebook, subtree
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


def _area(form: EligibilityForm, user):
    f = form.cleaned_data
    org = f["org"]
    if org is None:
        scope = scope_for(user)
        if not scope.is_global:
            org = Organization.objects.filter(pk__in=scope.org_ids).order_by("path").first()
    return org, *subtree(org, user)


class _Row(NamedTuple):
    """What the page needs of every result (picklable: rendered by the workers of a big area)."""

    subject: str
    eligible: bool
    missing: int
    gender: str | None
    evidence: int  # evidence items, for the quota ranking (counted for eligible results when ranked)


def _row(r: Result) -> _Row:
    return _Row(r.subject, r.eligible, r.missing_count, r.gender, 0)


def _ranked_row(r: Result) -> _Row:
    return _Row(r.subject, r.eligible, r.missing_count, r.gender, evidence_count(r) if r.eligible else 0)


def _eligible(r: Result) -> bool | None:
    return True if r.eligible else None


def _details(year: int, award: str, subjects: list[str]) -> dict[str, Result]:
    """The full results (checks, explanations) of the few subjects shown, evaluated again by id."""
    people = [int(s) for s in subjects if not s.startswith("org-")]
    orgs = [int(s[4:]) for s in subjects if s.startswith("org-")]
    return {r.subject: r for r in evaluate_database(year, Person.objects.filter(pk__in=people) if people else None,
                                                    Organization.objects.filter(pk__in=orgs) if orgs else None,
                                                    [award])}


@login_required
def check(request):
    """Every subject of the area is evaluated for the award (over the cores for a big area), keeping a
    small row per result; the rows shown are then evaluated again, by id, with their explanations."""
    form = EligibilityForm(request.GET or None, user=request.user, initial={"year": date.today().year - 1})
    context = {"form": form}
    if form.is_bound and form.is_valid():
        year, award = form.cleaned_data["year"], form.cleaned_data["award"]
        org, people, collectives = _area(form, request.user)
        if request.GET.get("export") == "xlsx":
            table = evaluate_rendered(year, people, collectives, [award], render=exports.row)
            response = HttpResponse(exports.rows_to_xlsx(table),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="xet-dieu-kien-{award}.xlsx"'
            return response
        quota = Quota.objects.filter(authority=org, year=year, award_code=award).first() if org else None
        rows = list(evaluate_rendered(year, people, collectives, [award], render=_ranked_row if quota else _row))
        eligible = [x for x in rows if x.eligible]
        near = [x for x in rows if not x.eligible and x.missing == 1]
        ranked, limit = None, None
        if quota:
            base = len(eligible)
            if quota.of_award_code:
                base = sum(1 for _ in evaluate_rendered(year, people, collectives, [quota.of_award_code],
                                                         render=_eligible))
            limit = quota.limit(base)
            tie_breaks = quota.tie_breaks or ["female_first"]
            order = sorted(eligible, key=lambda x: quota_key(x.evidence, x.gender, x.subject, tie_breaks))
            ranked = [(x, i < limit) for i, x in enumerate(order[:SHOWN])]
        shown = [x.subject for x in (*eligible[:SHOWN], *near[:SHOWN], *(x for x, _within in ranked or ()))]
        details = _details(year, award, list(dict.fromkeys(shown)))
        context.update({
            "org": org, "evaluated": len(rows), "n_eligible": len(eligible), "n_near": len(near), "shown": SHOWN,
            "eligible": [details[x.subject] for x in eligible[:SHOWN] if x.subject in details],
            "near": [details[x.subject] for x in near[:SHOWN] if x.subject in details],
            "quota": quota, "limit": limit, "query": request.GET.urlencode(),
            "ranked": [(details[x.subject], within) for x, within in ranked if x.subject in details] if ranked else None,
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
