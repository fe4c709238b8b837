"""The award registry: filter, search without diacritics, sort, paginate, export to Excel."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from thidua.awards.exports import registry_xlsx
from thidua.awards.filters import RegistryFilterForm, filter_awards


@login_required
def registry(request):
    form = RegistryFilterForm(request.GET, user=request.user)
    qs = filter_awards(form).select_related("award_type", "decision", "decision__authority",
                                            "decision__transcribed_by", "province", "unit", "recipient_person")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "awards/registry.html", {"form": form, "page": page, "sort": request.GET.get("sort", "-date")})


@login_required
def registry_export(request):
    form = RegistryFilterForm(request.GET, user=request.user)
    content = registry_xlsx(filter_awards(form))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="so-khen-thuong.xlsx"'
    return response
