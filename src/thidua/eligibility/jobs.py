"""The eligibility job: "Xét điều kiện" over a big area, run by a worker (registered from EligibilityConfig.ready).

The owner's scope is applied again in the worker (the form's organisation choices and `subtree` follow the owner),
so a job sees exactly what its owner's page would. It leaves the complete Excel file and the page's summary."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.eligibility import exports
from thidua.eligibility.views import JOB_KIND, EligibilityForm, _area, summarise
from thidua.jobs.registry import JobFailed, JobOutput, register
from thidua.lib.numbers import format_number


@register(JOB_KIND, gettext_lazy("Xét điều kiện khen thưởng"))
def run_check(ctx) -> JobOutput:
    params, owner = ctx.params, ctx.job.owner
    form = EligibilityForm({"year": params.get("year"), "award": params.get("award"), "org": params.get("org") or ""},
                           user=owner)
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                             for f, e in form.errors.items())
        raise JobFailed(_("Không xét được: tham số không còn hợp lệ (%(problems)s).") % {"problems": problems})
    year, award = form.cleaned_data["year"], form.cleaned_data["award"]
    org, people, collectives = _area(form, owner)
    ctx.progress(0, people.count() + collectives.count(), _("Đang xét điều kiện…"))
    summary, lines = summarise(year, award, org, people, collectives, table=True, progress=ctx.progress)
    query = {"year": year, "award": award, "job": ctx.job.pk}
    if params.get("org"):
        query["org"] = params["org"]
    summary["url"] = reverse("eligibility:check") + "?" + urlencode(query)
    message = _("Đã xét %(n)s đối tượng: %(ok)s đủ điều kiện, %(near)s thiếu một điều kiện.") % {
        "n": format_number(summary["evaluated"]), "ok": format_number(summary["n_eligible"]),
        "near": format_number(summary["n_near"])}
    return JobOutput(content=exports.rows_to_xlsx(lines), filename=f"xet-dieu-kien-{award}-{year}.xlsx",
                     message=message, data=summary)
