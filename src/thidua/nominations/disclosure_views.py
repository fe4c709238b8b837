"""Pages of the public disclosure before a council meets (services: nominations.disclosure).

- /ho-so/<pk>/cong-khai/ (office): publish the list, see the comments, handle each one.
- /cong-khai/<token>/ (public, no login, throttled like certificate verification): the list (name, unit,
  proposed award) and a comment form while the window is open.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from thidua.awards.models import AwardType
from thidua.core import refusals
from thidua.core.throttle import refuse_if_throttled
from thidua.nominations import disclosure as svc
from thidua.nominations.disclosure_policy import policy_for, required_items
from thidua.nominations.models import CommentStatus, Disclosure, DisclosureComment, Dossier

THROTTLE_SCOPE = "verify"  # the certificate verification page's throttle, per client address


class CommentForm(forms.Form):
    item = forms.TypedChoiceField(label="Về người, tập thể", required=False, coerce=int, empty_value=None,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    author_name = forms.CharField(label="Họ và tên", max_length=128,
                                  widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}))
    contact = forms.CharField(label="Địa chỉ, điện thoại hoặc thư điện tử", max_length=255,
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    body = forms.CharField(label="Nội dung ý kiến", max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "— Chung cho danh sách —")] + [(n.id, f"{n.name} — {n.award}")
                                                                           for n in nominees]


class HandleForm(forms.Form):
    status = forms.ChoiceField(label="Xử lý", choices=[c for c in CommentStatus.choices if c[0] != "pending"],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm mb-1",
                                                          "aria-label": "Xử lý"}))
    reply = forms.CharField(label="Trả lời, giải trình", max_length=4000, widget=forms.Textarea(attrs={
        "rows": 2, "class": "form-control form-control-sm", "placeholder": "Nội dung trả lời, giải trình",
        "aria-label": "Trả lời, giải trình"}))


class PolicyForm(forms.Form):
    by_law = forms.BooleanField(label="Theo luật (huân chương, danh hiệu vinh dự nhà nước)", required=False)
    award_codes = forms.MultipleChoiceField(label="Hoặc các hình thức sau", required=False,
                                            widget=forms.CheckboxSelectMultiple)
    working_days = forms.IntegerField(label="Số ngày làm việc lấy ý kiến", min_value=10, max_value=60,
                                      widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                                      "style": "max-width: 6rem"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_codes"].choices = list(AwardType.objects.order_by("-rank", "code").values_list("code", "name"))


def _dossier(request, pk) -> Dossier:
    return get_object_or_404(Dossier.objects.visible_to(request.user).select_related("handler"), pk=pk)


def _can_handle(user, d: Dossier) -> bool:
    try:
        svc._authorise(user, d, "handler", svc._roles(), "")
    except PermissionDenied:
        return False
    return True


@login_required
def office(request, pk: int):
    d = _dossier(request, pk)
    disclosure = Disclosure.objects.filter(dossier=d).first()
    comments = list(DisclosureComment.objects.filter(disclosure__dossier=d).select_related("item", "handled_by"))
    return render(request, "nominations/disclosure_office.html", {
        "d": d, "disclosure": disclosure, "comments": comments, "policy": policy_for(d),
        "required": required_items(d), "can_handle": _can_handle(request.user, d),
        "nominees": svc.public_nominees(disclosure) if disclosure else [], "handle_form": HandleForm(),
        "is_open": disclosure is not None and svc.is_open(disclosure),
        "policy_form": PolicyForm(initial={"by_law": policy_for(d).award_codes is None,
                                           "award_codes": sorted(policy_for(d).award_codes or []),
                                           "working_days": policy_for(d).working_days}),
    })


@login_required
@require_POST
def policy(request, pk: int):
    d = _dossier(request, pk)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("nominations:disclosure", d.pk)
    f = form.cleaned_data
    try:
        svc.set_policy(request.user, d, award_codes=None if f["by_law"] else f["award_codes"],
                       working_days=f["working_days"])
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã lưu quy định công khai danh sách đề nghị của cơ quan.")
    return redirect("nominations:disclosure", d.pk)


@login_required
@require_POST
def publish(request, pk: int):
    d = _dossier(request, pk)
    try:
        disclosure = svc.publish(request.user, d)
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"Đã công khai danh sách lấy ý kiến đến hết ngày {disclosure.closes_on:%d/%m/%Y}.")
    return redirect("nominations:disclosure", d.pk)


@login_required
@require_POST
def handle(request, pk: int, comment_pk: int):
    d = _dossier(request, pk)
    c = get_object_or_404(DisclosureComment, pk=comment_pk, disclosure__dossier=d)
    form = HandleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("nominations:disclosure", d.pk)
    try:
        svc.handle(request.user, c, status=form.cleaned_data["status"], reply=form.cleaned_data["reply"])
    except (PermissionDenied, ValidationError) as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, "Đã ghi kết quả xử lý ý kiến vào hồ sơ.")
    return redirect("nominations:disclosure", d.pk)


def public(request, token: str):
    """Public (no login): the nominees' name, unit and proposed award, and a comment form while open."""
    if refused := refuse_if_throttled(request, THROTTLE_SCOPE):
        return refused
    disclosure = get_object_or_404(Disclosure.objects.select_related("dossier__handler"), token=token)
    nominees = svc.public_nominees(disclosure)
    form = CommentForm(request.POST or None, nominees=nominees)
    sent = False
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            svc.comment(disclosure, author_name=f["author_name"], contact=f["contact"], body=f["body"],
                        item_id=f["item"])
        except ValidationError as exc:
            form.add_error(None, refusals.message(exc))
        else:
            sent, form = True, CommentForm(nominees=nominees)
    status = 200 if request.method == "GET" or sent or not form.errors else 409 if form.non_field_errors() else 400
    return render(request, "nominations/disclosure_public.html", {
        "disclosure": disclosure, "office": disclosure.dossier.handler, "nominees": nominees, "form": form,
        "sent": sent, "is_open": svc.is_open(disclosure)}, status=status)
