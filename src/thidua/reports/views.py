"""Page "Biểu thống kê": choose a form (0601–0605), an organisation of the user's scope and a period; see the
table and download the Excel form. Both come from the same Table (thidua.reports.definitions)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from thidua.orgs.models import Organization
from thidua.orgs.scope import scope_for
from thidua.reports import definitions as reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_KINDS = [("year", _("Năm")), ("half", _("6 tháng")), ("quarter", _("Quý")), ("month", _("Tháng")),
                ("five_years", _("5 năm (đến hết năm chọn)")), ("range", _("Khoảng thời gian"))]
ORG_KINDS = ["central", "ministry", "province", "department", "commune", "enterprise", "unit"]


class ReportForm(forms.Form):
    form = forms.ChoiceField(label=_("Biểu"))
    org = forms.IntegerField(label=_("Đơn vị báo cáo"), required=False)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PERIOD_KINDS, initial="year")
    year = forms.IntegerField(label=_("Năm"), min_value=1945, max_value=2100)
    part = forms.IntegerField(label=_("Quý / tháng / 6 tháng (1–12)"), required=False, min_value=1, max_value=12)
    start = forms.DateField(label=_("Từ ngày"), required=False)
    end = forms.DateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        titles = {d.form: d.title for d in reports.all_definitions()}
        self.fields["form"].choices = [(f, f"{f} — {titles[f].capitalize()}") for f in reports.forms()]

    def organizations(self):
        """The choices: a global role picks a province, a ministry or the whole country; others their own
        organisations and what lies under them (not small collectives)."""
        scope = scope_for(self.user)
        kinds = ["ministry", "province"] if scope.is_global else ORG_KINDS
        return (Organization.objects.visible_to(self.user).filter(kind__in=kinds, is_small_collective=False)
                .order_by("path"))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["period_obj"] = reports.Period.make(data["period"], data["year"], data.get("part"),
                                                     data.get("start"), data.get("end"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


def _table(request):
    """The bound form and its table; Http404 when the organisation is outside the user's scope."""
    params = request.GET.copy()
    params.setdefault("year", str(date.today().year - 1))
    params.setdefault("period", "year")
    params.setdefault("form", "0602")
    form = ReportForm(params, user=request.user)
    if not form.is_valid():
        return form, None
    scope = scope_for(request.user)
    org_id = form.cleaned_data.get("org")
    if org_id is None:
        if scope.is_global:
            org = None  # nationwide
        else:
            org = Organization.objects.filter(pk__in=scope.org_ids).order_by("path").first()
            if org is None:
                raise Http404
    else:
        org = Organization.objects.visible_to(request.user).filter(pk=org_id).first()
        if org is None:
            raise Http404("Đơn vị không có hoặc ngoài phạm vi của bạn.")
    period = form.cleaned_data["period_obj"]
    definition = reports.definition(form.cleaned_data["form"], period.end)
    return form, reports.compute(definition, org, period)


@login_required
def forms_page(request):
    form, table = _table(request)
    return render(request, "reports/forms.html", {
        "form": form, "table": table, "organizations": form.organizations(),
        "is_global": scope_for(request.user).is_global, "query": request.GET.urlencode(),
        "selected_org": table.organization.pk if table is not None and table.organization is not None else None,
    }, status=200 if table is not None or not request.GET else 400)


@login_required
def forms_export(request):
    form, table = _table(request)
    if table is None:
        return HttpResponse("Tham số không hợp lệ: " + "; ".join(str(e) for errs in form.errors.values() for e in errs),
                            status=400, content_type="text/plain; charset=utf-8")
    content = reports.table_xlsx(table, place=request.GET.get("place", ""))
    response = HttpResponse(content, content_type=XLSX)
    org = table.organization.pk if table.organization is not None else "toan-quoc"
    response["Content-Disposition"] = (f'attachment; filename="bieu-{table.definition.form}-{org}-'
                                       f'{table.period.start:%Y%m%d}-{table.period.end:%Y%m%d}.xlsx"')
    return response
