"""The audit trail page (/nhat-ky/) with its Excel export, for the Central Board, auditors and administrators."""

from __future__ import annotations

import datetime
import io
import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.core.models import AuditAction, AuditEvent
from thidua.lib.exports import workbook
from thidua.orgs.scope import scope_for


def can_read_audit(user) -> bool:
    """The Central Board, auditors and administrators (global scope) read the audit trail."""
    return user.is_authenticated and scope_for(user).is_global


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Loại đối tượng"), required=False)
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False)
    user = forms.CharField(label=_("Người dùng"), required=False)
    organization = forms.CharField(label=_("Đơn vị"), required=False)
    action = forms.ChoiceField(label=_("Thao tác"), required=False,
                               choices=[("", _("Tất cả"))] + list(AuditAction.choices))
    date_from = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    request_id = forms.CharField(label=_("Mã yêu cầu"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("'Từ ngày' phải trước hoặc bằng 'Đến ngày'."))
        return data


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_audit(form: AuditFilterForm) -> QuerySet:
    qs = AuditEvent.objects.all()
    if not form.is_valid():
        return qs.none()
    d = form.cleaned_data
    if d["object_type"]:
        qs = qs.filter(object_type__iexact=d["object_type"].strip())
    if d["object_id"]:
        qs = qs.filter(object_id=d["object_id"].strip())
    if d["user"]:
        qs = qs.filter(username__iexact=d["user"].strip())
    if d["organization"]:
        value = d["organization"].strip()
        q = Q(organization_name__icontains=value)
        if value.isdigit():
            q |= Q(organization_id=int(value))
        qs = qs.filter(q)
    if d["action"]:
        qs = qs.filter(action=d["action"])
    if d["date_from"]:
        qs = qs.filter(at__gte=_day_start(d["date_from"]))
    if d["date_to"]:
        qs = qs.filter(at__lt=_day_start(d["date_to"] + datetime.timedelta(days=1)))
    if d["request_id"]:
        qs = qs.filter(request_id=d["request_id"].strip())
    return qs.order_by("-at", "-id")


@login_required
def audit_log(request):
    if not can_read_audit(request.user):
        raise Http404
    form = AuditFilterForm(request.GET)
    page = Paginator(filter_audit(form), 50).get_page(request.GET.get("page"))
    object_types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    return render(request, "core/audit_log.html", {"form": form, "page": page,
                                                   "object_types": [t for t in object_types if t]})


AUDIT_COLUMNS = [("Thời điểm", 20), ("Người dùng", 16), ("Đơn vị", 28), ("Thao tác", 16), ("Loại đối tượng", 22),
                 ("Mã đối tượng", 12), ("Đối tượng", 32), ("Trước", 40), ("Sau", 40), ("Ghi chú", 20),
                 ("Địa chỉ IP", 16), ("Mã yêu cầu", 34)]


def audit_xlsx(events: QuerySet) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("Nhật ký")
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"})
    when = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    for col, (title, width) in enumerate(AUDIT_COLUMNS):
        ws.set_column(col, col, width)
        ws.write(0, col, title, head)
    actions = {value: str(label) for value, label in AuditAction.choices}
    tz = timezone.get_current_timezone()
    n = 0
    for n, e in enumerate(events.iterator(2000), start=1):
        ws.write_datetime(n, 0, timezone.localtime(e.at, tz).replace(tzinfo=None), when)
        ws.write_string(n, 1, e.username)
        ws.write_string(n, 2, e.organization_name)
        ws.write_string(n, 3, actions.get(e.action, e.action))
        ws.write_string(n, 4, e.object_type)
        ws.write_string(n, 5, e.object_id)
        ws.write_string(n, 6, e.object_repr)
        ws.write_string(n, 7, "" if e.before is None else json.dumps(e.before, ensure_ascii=False))
        ws.write_string(n, 8, "" if e.after is None else json.dumps(e.after, ensure_ascii=False))
        ws.write_string(n, 9, e.reason)
        ws.write_string(n, 10, e.ip or "")
        ws.write_string(n, 11, e.request_id)
    ws.autofilter(0, 0, max(n, 1), len(AUDIT_COLUMNS) - 1)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


@login_required
def audit_log_export(request):
    if not can_read_audit(request.user):
        raise Http404
    form = AuditFilterForm(request.GET)
    response = HttpResponse(audit_xlsx(filter_audit(form)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.xlsx"'
    return response
