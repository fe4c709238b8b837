"""Forms of the nomination pages; choices are scoped to what the user may use. The services validate again."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Authority, AwardType, Initiative, RecipientClass
from thidua.core.widgets import DateInput
from thidua.emulation.models import Movement
from thidua.lib.text import fold
from thidua.nominations.checks import check_dossier
from thidua.nominations.councils import candidates
from thidua.nominations.models import ACTIVE_OUTCOMES, AttachmentKind, DossierKind, ItemOutcome
from thidua.nominations.services import acting, ineligible
from thidua.nominations.workflow import workflow
from thidua.orgs.models import Household, Organization, Person


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


def proposer_orgs(user):
    """Organisations the user may send dossiers from: those they act for with a proposing role, and their
    departments, communes and units (a province office can propose for its own staff)."""
    roles = set(workflow().items_editable["roles"])
    q = Q(pk__in=[])
    for org, role in acting(user):
        if role in roles:
            q |= Q(pk=org.pk) | Q(path__startswith=org.path, kind__in=["department", "commune", "unit", "enterprise"],
                                  is_small_collective=False)
    return Organization.objects.filter(q).order_by("path")


class DossierForm(forms.Form):
    from_org = forms.ModelChoiceField(label=_("Đơn vị trình"), queryset=Organization.objects.none())
    granted_by = forms.ChoiceField(label=_("Trình cấp có thẩm quyền"), choices=Authority.choices,
                                   initial=Authority.MINISTER_CHAIRMAN)
    kind = forms.ChoiceField(label=_("Loại khen thưởng"), choices=DossierKind.choices, initial=DossierKind.MERIT)
    movement = forms.ModelChoiceField(label=_("Phong trào thi đua (khen theo chuyên đề)"),
                                      queryset=Movement.objects.all(), required=False)
    year = forms.IntegerField(label=_("Năm thành tích"), min_value=1945)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    letter_number = forms.CharField(label=_("Số tờ trình"), max_length=64, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_org"].queryset = proposer_orgs(user)
        # Ordered by path, the first is the organisation the user acts for: most dossiers are sent from there.
        own = self.fields["from_org"].queryset.first()
        self.fields["from_org"].initial = own.pk if own else None
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].max_value = timezone.localdate().year
        _bootstrap(self)


RECIPIENT_SEARCH_LIMIT = 20


def recipient_querysets(dossier) -> dict:
    """Who may be nominated in a dossier: people, collectives and households of the proposing organisation's
    subtree (the services check again)."""
    base = dossier.from_org.path
    return {"person": Person.objects.filter(organization__path__startswith=base).select_related("organization"),
            "organization": Organization.objects.filter(path__startswith=base),
            "household": Household.objects.filter(organization__path__startswith=base).select_related("organization")}


def recipient_label(kind: str, obj) -> str:
    if kind == "person":
        cid = f" — số định danh …{obj.citizen_id[-4:]}" if obj.citizen_id else ""
        return f"{obj.full_name} — {obj.organization.name}{cid}"
    if kind == "household":
        return f"Hộ {obj.head_name} — {obj.organization.name}"
    return obj.name


def search_recipients(dossier, user, kind: str, query: str, limit: int = RECIPIENT_SEARCH_LIMIT) -> list:
    """The nominees matching a name (accents and case ignored) or a citizen ID (its first digits), inside the
    dossier's subtree and the user's scope; at most `limit`, one query."""
    qs = recipient_querysets(dossier).get(kind)
    if qs is None:
        return []
    qs = qs.visible_to(user) if hasattr(qs, "visible_to") else qs.filter(
        organization__in=Organization.objects.visible_to(user))
    text = (query or "").strip()
    if kind == "person" and text.replace(" ", "").isdigit():
        qs = qs.filter(citizen_id__startswith=text.replace(" ", ""))
    elif text:
        qs = qs.filter(name_folded__contains=fold(text))
    order = {"person": "name_folded", "organization": "path", "household": "name_folded"}[kind]
    return list(qs.order_by(order, "pk")[:limit])


class SearchSelect(forms.Select):
    """A picker fed by a search: it renders only the chosen option (a province has hundreds of thousands of people);
    typing a name or a citizen ID asks the search endpoint (htmx) for the matching ones, scoped on the server."""

    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs)
        self.kind, self.search_url = kind, ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "size": 6}
        select_id = attrs.get("id") or f"id_{name}"
        hint = _("Gõ họ tên hoặc số định danh để tìm") if self.kind == "person" else _("Gõ tên để tìm")
        search = format_html(
            '<input type="search" name="{}_q" class="form-control form-control-sm mb-1 recipient-search" '
            'placeholder="{}" aria-label="{}" autocomplete="off" hx-get="{}" '
            'hx-trigger="input changed delay:300ms, search" hx-target="#{}" hx-swap="innerHTML">',
            self.kind, hint, hint, self.search_url, select_id)
        return search + super().render(name, value, attrs, renderer)


class AwardTypeSelect(forms.Select):
    """Award types marked with the recipient kinds they are for (the page shows only those of the chosen kind)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        t = getattr(value, "instance", None)
        if t is not None:
            option["attrs"]["class"] = " ".join(c for c, ok in (("for-person", t.for_individual),
                                                              ("for-organization", t.for_collective),
                                                              ("for-household", t.for_household)) if ok)
        return option


class ItemForm(forms.Form):
    RECIPIENT = [("person", _("Cá nhân")), ("organization", _("Tập thể")), ("household", _("Hộ gia đình"))]
    recipient_kind = forms.ChoiceField(label=_("Đối tượng"), choices=RECIPIENT, initial="person")
    person = forms.ModelChoiceField(label=_("Cá nhân"), queryset=Person.objects.none(), required=False,
                                    widget=SearchSelect("person"))
    organization = forms.ModelChoiceField(label=_("Tập thể"), queryset=Organization.objects.none(), required=False,
                                          widget=SearchSelect("organization"))
    household = forms.ModelChoiceField(label=_("Hộ gia đình"), queryset=Household.objects.none(), required=False,
                                       widget=SearchSelect("household"))
    award_type = forms.ModelChoiceField(label=_("Hình thức, danh hiệu đề nghị"), queryset=AwardType.objects.none(),
                                        widget=AwardTypeSelect)
    year = forms.IntegerField(label=_("Năm thành tích"), min_value=1945)
    recipient_class = forms.ChoiceField(label=_("Phân loại đối tượng (biểu thống kê)"), required=False,
                                        choices=[("", _("Tự xác định"))] + list(RecipientClass.choices))
    achievement = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    initiatives = forms.ModelMultipleChoiceField(label=_("Sáng kiến, đề tài làm căn cứ"), required=False,
                                                 queryset=Initiative.objects.none())

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        base = dossier.from_org.path
        search_url = reverse("nominations:recipient-search", args=[dossier.pk])
        for kind, qs in recipient_querysets(dossier).items():
            field = self.fields[kind]
            field.queryset = qs
            field.widget.search_url = f"{search_url}?kind={kind}"
            # Only the chosen one is rendered; the search brings the others (validation still uses the queryset).
            value = self.data.get(self.add_prefix(kind)) if self.is_bound else self.initial.get(kind)
            chosen = qs.filter(pk=value).first() if str(value or "").isdigit() else None
            field.widget.choices = [("", _("— tìm rồi chọn trong danh sách —"))] + (
                [(chosen.pk, recipient_label(kind, chosen))] if chosen else [])
        self.fields["award_type"].queryset = AwardType.objects.filter(granted_by=dossier.granted_by).order_by("-rank")
        self.fields["initiatives"].queryset = (Initiative.objects.filter(person__organization__path__startswith=base)
                                               | Initiative.objects.filter(organization__path__startswith=base)
                                               ).filter(used_for__isnull=True).order_by("-year")
        # "SK-2023-12 — Cải tiến … (Cấp bộ, ngành, tỉnh, 2023)", not "Initiative object (555)".
        self.fields["initiatives"].label_from_instance = lambda i: (
            f"{i.code + ' — ' if i.code else ''}{i.title} ({i.get_scope_display()}, {i.year})")
        self.fields["year"].initial = dossier.year
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        kind = data.get("recipient_kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Cần chọn đối tượng."))
        award_type = data.get("award_type")
        if kind and award_type is not None:
            allowed = {"person": award_type.for_individual, "organization": award_type.for_collective,
                       "household": award_type.for_household}[kind]
            if not allowed:
                self.add_error("award_type", _("%(award)s không dành cho %(who)s.") % {
                    "award": award_type.name, "who": dict(self.RECIPIENT)[kind].lower()})
        for other in ("person", "organization", "household"):
            if other != kind:
                data[other] = None
        return data


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=ItemOutcome.choices)
    lowered_to = forms.ModelChoiceField(label=_("Hạ xuống"), queryset=AwardType.objects.all(), required=False)
    reason = forms.CharField(label=_("Lý do"), required=False)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("Tệp"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=64)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    signer_name = forms.CharField(label=_("Người ký"), max_length=128)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=128, required=False)
    summary = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    file = forms.FileField(label=_("Tệp quyết định (PDF)"), required=False)
    items = forms.ModelMultipleChoiceField(label=_("Người, tập thể được khen"), queryset=None,
                                           widget=forms.CheckboxSelectMultiple)
    override_reason = forms.CharField(
        label=_("Lý do vẫn khen người, tập thể chưa đủ điều kiện (đánh dấu ⚠)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi quyết định khen người, tập thể mà hệ thống xác định chưa đủ điều kiện; được ghi vào "
                    "từng mục, lịch sử hồ sơ và nhật ký."))

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)

        qs = dossier.items.filter(outcome__in=ACTIVE_OUTCOMES).select_related("award_type", "lowered_to", "person",
                                                                               "organization", "household")
        items = list(qs)
        self.flagged = [i for i, _m in ineligible(check_dossier(dossier, items), items) if not i.override_reason]
        flagged = {i.pk for i in self.flagged}
        self.fields["items"].queryset = qs
        self.fields["items"].initial = items
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.recipient_name} — {i.final_award_type.name} ({i.year})"
            + (" ⚠ chưa đủ điều kiện" if i.pk in flagged else "")
            + (f" ⚠ vẫn khen khi chưa đủ điều kiện: {i.override_reason}" if i.override_reason else ""))
        if not self.flagged:
            del self.fields["override_reason"]
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        chosen = {i.pk for i in data.get("items") or []}
        names = [i.recipient_name for i in self.flagged if i.pk in chosen]
        if names and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Cần ghi lý do vẫn khen: %(names)s chưa đủ điều kiện theo quy định.")
                           % {"names": ", ".join(names)})
        self.flagged = [i for i in self.flagged if i.pk in chosen]
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        _bootstrap(self)


class SessionEndForm(forms.Form):
    """Adjourn (to a new date) or cancel an open council session."""

    reason = forms.CharField(label=_("Lý do"), max_length=500,
                             initial="Không đủ số thành viên dự họp theo quy chế.")
    held_on = forms.DateField(label=_("Họp lại ngày (khi hoãn)"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class RevokeForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=64)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    signer_name = forms.CharField(label=_("Người ký"), max_length=128, required=False)
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class DossierFilterForm(forms.Form):
    SORTS = [("-created", _("Mới nhất")), ("created", _("Cũ nhất")), ("year", _("Năm")), ("-year", _("Năm (giảm)")),
             ("state", _("Trạng thái")), ("from", _("Đơn vị trình"))]
    q = forms.CharField(label=_("Tìm trong trích yếu"), required=False)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + list(DossierKind.choices))
    year = forms.IntegerField(label=_("Năm"), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tất cả"))] + [(c, s["label_vi"]) for c, s in workflow().states.items()]
        _bootstrap(self)


class CouncilMemberForm(forms.Form):
    """A member to add: accounts with a role in the council's organisation or below (councils.candidates)."""

    member = forms.ModelChoiceField(label=_("Thành viên"), queryset=None, empty_label=_("— chọn tài khoản —"),
                                    error_messages={"invalid_choice": _(
                                        "Thêm thành viên: tài khoản đã chọn không có vai trò tại cơ quan của Hội đồng "
                                        "hoặc đơn vị trực thuộc, hoặc đã là thành viên."),
                                        "required": _("Thêm thành viên: cần chọn một tài khoản.")})

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates(council)
        self.fields["member"].label_from_instance = lambda u: (f"{u.get_full_name()} ({u.username})"
                                                               if u.get_full_name() else u.username)
        _bootstrap(self)


class CouncilOfficersForm(forms.Form):
    """The chair and the secretary, chosen among the members (named in the minutes)."""

    chair = forms.ModelChoiceField(label=_("Chủ tịch Hội đồng"), queryset=None, required=False,
                                   empty_label=_("— chưa phân công —"))
    secretary = forms.ModelChoiceField(label=_("Thư ký Hội đồng"), queryset=None, required=False,
                                       empty_label=_("— chưa phân công —"))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, initial={"chair": council.chair_id, "secretary": council.secretary_id}, **kwargs)
        members = council.members.order_by("last_name", "first_name", "username")
        for name in ("chair", "secretary"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda u: (f"{u.get_full_name()} ({u.username})"
                                                               if u.get_full_name() else u.username)
        _bootstrap(self)
