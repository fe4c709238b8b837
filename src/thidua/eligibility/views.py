"""Pages: "Xét điều kiện" (who meets an award, who misses by one condition) and the personal record.

A big area (over `job_min_people`) is evaluated by a background job (thidua.jobs, kind "eligibility.check" in
eligibility/jobs.py): the same `summarise` runs in the worker, with progress, and leaves the Excel file and the
page's summary; the page shows that summary (`?job=<id>`)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thidua.awards.models import AwardType, Discipline, Evaluation, Initiative, Review
from thidua.eligibility import exports
from thidua.eligibility.engine import Result, evaluate, evidence_count, quota_key
from thidua.eligibility.loader import evaluate_database, evaluate_rendered, iter_people, rulebook, subtree
from thidua.eligibility.models import Quota
from thidua.jobs import services as job_services
from thidua.jobs.models import Job, JobStatus
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

JOB_KIND = "eligibility.check"

SHOWN = 100  # rows per section on the page; the Excel export has them all


class EligibilityForm(forms.Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Đơn vị"), queryset=Organization.objects.none(), required=False,
                                 empty_label=gettext_lazy("Tất cả trong phạm vi của tôi"))
    year = forms.IntegerField(label=gettext_lazy("Năm xét"), min_value=2000, max_value=2100)
    award = forms.ChoiceField(label=gettext_lazy("Hình thức, danh hiệu"))

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


def job_min_people() -> int:
    """Above this many people an area is evaluated by a background job, not inside the request. Measured (issue
    figures, PostgreSQL): ≈3 s per 100 000 people for CSTĐCS, ≈15 s for the heaviest award (Bằng khen của Thủ
    tướng), i.e. up to ≈0,75 s at 5 000 people: below that the request stays under about a second; above it the
    work goes to a worker, with progress. THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE overrides it."""
    return int(getattr(settings, "THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE", 5_000))


def _row_and_line(r: Result) -> tuple:
    """The page's row and the Excel line of a result in one pass (a job produces both)."""
    return _ranked_row(r), exports.row(r)


def summarise(year: int, award: str, org, people, collectives, *, table: bool = False,
              progress=None, every: int = 2_000) -> tuple[dict, list[list]]:
    """Evaluate the area for one award (over the cores for a big area) and keep what the page shows: the counts
    and the subjects of the first rows of each section (JSON-safe, so a job can store it). With `table`, also
    every result as an Excel line. `progress(done, total)` is called every `every` results (a job's progress:
    it stops the work when the job is cancelled)."""
    quota = Quota.objects.filter(authority=org, year=year, award_code=award).first() if org else None
    render = _row_and_line if table else (_ranked_row if quota else _row)
    total = (people.count() + collectives.count()) if progress else 0
    rows, lines = [], []
    for n, item in enumerate(evaluate_rendered(year, people, collectives, [award], render=render), start=1):
        if table:
            item, line = item
            lines.append(line)
        rows.append(item)
        if progress and n % every == 0:
            progress(n, total)
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
        ranked = [[x.subject, i < limit] for i, x in enumerate(order[:SHOWN])]
    summary = {"year": year, "award": award, "org": org.pk if org else None, "quota": quota.pk if quota else None,
               "limit": limit, "evaluated": len(rows), "n_eligible": len(eligible), "n_near": len(near),
               "eligible": [x.subject for x in eligible[:SHOWN]], "near": [x.subject for x in near[:SHOWN]],
               "ranked": ranked}
    return summary, lines


def _page_context(summary: dict) -> dict:
    """The page's sections from a summary: the rows shown are evaluated again, by id, with their explanations."""
    year, award = summary["year"], summary["award"]
    ranked = summary["ranked"]
    shown = [*summary["eligible"], *summary["near"], *(s for s, _within in ranked or ())]
    details = _details(year, award, list(dict.fromkeys(shown)))
    return {
        "org": Organization.objects.filter(pk=summary["org"]).first() if summary["org"] else None,
        "evaluated": summary["evaluated"], "n_eligible": summary["n_eligible"], "n_near": summary["n_near"],
        "shown": SHOWN, "limit": summary["limit"],
        "quota": Quota.objects.filter(pk=summary["quota"]).first() if summary["quota"] else None,
        "eligible": [details[s] for s in summary["eligible"] if s in details],
        "near": [details[s] for s in summary["near"] if s in details],
        "ranked": [(details[s], within) for s, within in ranked if s in details] if ranked else None,
    }


@login_required
def check(request):
    """A small area is evaluated here, a big one (over `job_min_people`) by a background job: the page then
    offers to start it, and shows its result (`?job=<id>`, the owner's job) once done."""
    form = EligibilityForm(request.GET or None, user=request.user, initial={"year": date.today().year - 1})
    context = {"form": form}
    job = None
    if request.GET.get("job"):  # someone else's job (or not a finished eligibility job): 404, whatever the form
        job = get_object_or_404(Job.objects.visible_to(request.user), pk=_int_or_404(request.GET["job"]),
                                kind=JOB_KIND, status=JobStatus.SUCCEEDED)
    if form.is_bound and form.is_valid():
        year, award = form.cleaned_data["year"], form.cleaned_data["award"]
        org, people, collectives = _area(form, request.user)
        query = request.GET.copy()
        for key in ("export", "job"):
            query.pop(key, None)
        context["query"] = query.urlencode()
        if job is not None:
            context.update({**_page_context(job.data), "job": job,
                            "export_url": reverse("jobs:download", args=[job.pk])})
            return render(request, "eligibility/check.html", context)
        size = people.count()
        if size > job_min_people():
            context.update({"org": org, "big_area": size, "job_min_people": job_min_people()})
            return render(request, "eligibility/check.html", context)
        if request.GET.get("export") == "xlsx":
            table = evaluate_rendered(year, people, collectives, [award], render=exports.row)
            response = HttpResponse(exports.rows_to_xlsx(table),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="xet-dieu-kien-{award}.xlsx"'
            return response
        summary, _lines = summarise(year, award, org, people, collectives)
        context.update({**_page_context(summary), "export_url": f"?{context['query']}&export=xlsx"})
    return render(request, "eligibility/check.html", context)


def _int_or_404(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
@require_POST
def check_job(request):
    """Start the evaluation of an area as a background job (the page offers it for a big area)."""
    form = EligibilityForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "eligibility/check.html", {"form": form}, status=400)
    year, award = form.cleaned_data["year"], form.cleaned_data["award"]
    org, _people, _collectives = _area(form, request.user)
    picked = form.cleaned_data["org"]
    names = dict(AwardType.objects.values_list("code", "name"))
    title = _("Xét điều kiện %(award)s năm %(year)s — %(area)s") % {
        "award": names.get(award, award), "year": year, "area": org.name if org else _("toàn quốc")}
    job = job_services.enqueue(JOB_KIND, owner=request.user, organization=org, title=str(title),
                               params={"year": year, "award": award, "org": picked.pk if picked else None})
    return redirect("jobs:detail", pk=job.pk)


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
