"""The notification pages: the list (unread first is not needed: newest first, unread marked), opening one
(marks it read and goes to its page), marking read, and the e-mail preference. A user only ever reaches their own
notifications: another user's id answers 404 and changes nothing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from thidua.notifications import services


@login_required
def notification_list(request):
    qs = services.for_user(request.user)
    if request.GET.get("chua-doc"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "unread_only": bool(request.GET.get("chua-doc")),
        "wants_email": services.wants_email(request.user)})


@login_required
def notification_open(request, pk: int):
    n = services.mark_read(request.user, pk)
    if n is None:
        raise Http404
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    if services.mark_read(request.user, pk) is None:
        raise Http404
    return redirect(request.POST.get("next") if url_has_allowed_host_and_scheme(
        request.POST.get("next"), allowed_hosts={request.get_host()}) else "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_all_read(request.user)
    messages.success(request, f"Đã đánh dấu {n} thông báo là đã đọc.")
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Gửi thông báo qua thư điện tử"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


@login_required
def preferences(request):
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial={"email": services.wants_email(request.user)})
    if request.method == "POST" and form.is_valid():
        services.set_email(request.user, form.cleaned_data["email"])
        messages.success(request, "Đã lưu cách nhận thông báo." if form.cleaned_data["email"] else
                         "Đã lưu: chỉ nhận thông báo trong phần mềm, không gửi thư điện tử.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
