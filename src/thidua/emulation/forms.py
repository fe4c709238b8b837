"""Forms of the cluster-year pages (year_views.py).

They check only the shape of the input (numbers written the Vietnamese way, dates, choices) and say what is
wrong in Vietnamese; the rules of the year (who may act, the order of the steps, limits) belong to the services
(emulation/services.py), whose refusals the views show as they are.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType
from thidua.emulation.models import (
    Aggregation,
    CriterionKind,
    Movement,
    ResultReport,
    Step,
    VoteKind,
)
from thidua.emulation.services import default_award_type
from thidua.lib.numbers import format_number
from thidua.lib.uploads import DOCUMENT_TYPES

# Dates are typed and shown the Vietnamese way (19/03/2019), whatever the browser's language: a native date
# input would show the browser's format (mm/dd/yyyy in an English browser).
DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")
DATETIME = forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}, format="%d/%m/%Y %H:%M")
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class VnDateField(forms.DateField):
    widget = DATE
    input_formats = DATE_FORMATS
    default_error_messages = {"invalid": _("Ngày không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 19/03/2019.")}


GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def parse_vn_decimal(text: str) -> Decimal | None:
    """A number typed the Vietnamese way: "12,5" = 12.5; "26.174" = 26174; "26.174,5" = 26174.5;
    "1.250.000" = 1250000. A dot that does not group thousands is read as a decimal point ("17.5" = 17.5),
    as number pads type it."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif GROUPED.match(text):
        text = text.replace(".", "")
    value = Decimal(text)  # InvalidOperation for anything else
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def plain(value) -> str:
    """A stored number as it is shown in an input, the Vietnamese way and read back by parse_vn_decimal:
    25000.000 → "25.000"; 12.50 → "12,5"; 14500.5 → "14.500,5"."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value)).normalize()
    return format_number(d, max(0, -d.as_tuple().exponent))


class VnDecimalField(forms.CharField):
    default_error_messages = {
        "invalid": _("“%(value)s” không phải là số (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân: "
                     "26.174 hoặc 12,5)."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("maxlength", "32")

    def prepare_value(self, value):
        return plain(value) if isinstance(value, Decimal | int | float) else value

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > 32:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text[:32] + "…"})
        try:
            return parse_vn_decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text}) from None


def evidence_field() -> forms.FileField:
    """An evidence file; its content is checked by the service (core.uploads.check_upload)."""
    return forms.FileField(label=_("Minh chứng"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}))


def org_label(org) -> str:
    """A member as the cluster knows it: its name (str() adds the validity of a merged province)."""
    return org.name


class BootstrapForm(forms.Form):
    """Bootstrap 5 classes on every widget (no template filter needed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self.style(field)

    @staticmethod
    def style(field):
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        return field


# --------------------------------------------------------------------------- opening and framework


class OpenYearForm(BootstrapForm):
    theme = forms.CharField(label=_("Chủ đề thi đua của năm"), max_length=500)
    opened_on = VnDateField(label=_("Ngày mở năm thi đua"))
    movements = forms.ModelMultipleChoiceField(label=_("Phong trào thi đua các thành viên triển khai"),
                                               queryset=Movement.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    copy_framework = forms.BooleanField(label=_("Sao chép chỉ tiêu và khung tiêu chí chấm điểm của năm trước"),
                                        required=False)
    min_cross_scorers = forms.IntegerField(label=_("Số đơn vị chấm chéo tối thiểu cho mỗi thành viên"),
                                           min_value=1, max_value=50)
    rotation_years = forms.IntegerField(label=_("Không bầu lại cụm trưởng đã làm trong số năm gần nhất"),
                                        min_value=0, max_value=20)

    STEPS = [s for s in Step if s != Step.OPEN]

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["movements"].queryset = Movement.objects.select_related("launched_by").order_by("name")
        for step in self.STEPS:
            self.fields[f"due_{step}"] = self.style(VnDateField(label=step.label, required=False))

    def clean(self):
        data = super().clean()
        opened_on = data.get("opened_on")
        if opened_on is None or self.year is None:
            return data
        # A year is opened at the end of the one before (at its review conference) or during the year itself.
        if not self.year - 1 <= opened_on.year <= self.year:
            self.add_error("opened_on", _("Ngày mở năm thi đua %(year)s phải trong năm %(prev)s hoặc %(year)s.")
                           % {"year": self.year, "prev": self.year - 1})
        for step in self.STEPS:
            due = data.get(f"due_{step}")
            if due is not None and due < opened_on:
                self.add_error(f"due_{step}", _("Hạn “%(step)s” (%(due)s) trước ngày mở năm (%(opened)s).") % {
                    "step": step.label, "due": due.strftime("%d/%m/%Y"), "opened": opened_on.strftime("%d/%m/%Y")})
        return data

    def due_fields(self):
        return [self[f"due_{s}"] for s in self.STEPS]

    def milestones(self) -> dict[str, date]:
        return {s.value: self.cleaned_data[f"due_{s}"] for s in self.STEPS if self.cleaned_data.get(f"due_{s}")}


class CriterionForm(BootstrapForm):
    code = forms.CharField(label=_("Mã"), max_length=16)
    name = forms.CharField(label=_("Tiêu chí"), max_length=500)
    kind = forms.ChoiceField(label=_("Cách chấm"), choices=CriterionKind.choices)
    max_points = VnDecimalField(label=_("Điểm tối đa"))
    parent_code = forms.ChoiceField(label=_("Thuộc nhóm"), required=False)
    indicator_code = forms.ChoiceField(label=_("Chỉ tiêu (với tiêu chí chấm theo % kế hoạch)"), required=False)
    bonus_per_percent = VnDecimalField(label=_("Điểm thưởng mỗi 1% vượt kế hoạch"), required=False)
    bonus_cap = VnDecimalField(label=_("Điểm thưởng vượt tối đa"), required=False)
    guidance = forms.CharField(label=_("Hướng dẫn chấm"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, groups=(), indicators=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_code"].choices = [("", _("— (cấp cao nhất)"))] + [(c.code, f"{c.code}. {c.name}")
                                                                          for c in groups]
        self.fields["indicator_code"].choices = [("", "—")] + [(i.code, f"{i.code} — {i.name}") for i in indicators]
        if editing:  # the code identifies the criterion (services.save_criterion): not editable
            self.fields["code"].widget.attrs["readonly"] = True


class IndicatorForm(BootstrapForm):
    code = forms.CharField(label=_("Mã"), max_length=32)
    name = forms.CharField(label=_("Chỉ tiêu"), max_length=255)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=64)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp của Cụm"), choices=Aggregation.choices)
    percent_decimals = forms.IntegerField(label=_("Số chữ số thập phân của tỷ lệ %"), min_value=0, max_value=3,
                                          initial=1)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].widget.attrs["readonly"] = True


# --------------------------------------------------------------------------- registration and pact


def title_choices(cluster_year) -> list[AwardType]:
    """The titles a member of a cluster may aim for: collective titles at state and provincial level, and the
    certificates the cluster proposes (services.default_award_type)."""
    titles = list(AwardType.objects.filter(category="title", for_collective=True, level__in=["state", "provincial"]))
    cert = default_award_type(cluster_year, VoteKind.CERTIFICATE)
    if cert and cert not in titles:
        titles.append(cert)
    return sorted(titles, key=lambda a: -a.rank)


class RegistrationForm(BootstrapForm):
    titles = forms.MultipleChoiceField(label=_("Danh hiệu, hình thức khen thưởng đăng ký phấn đấu"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, indicators=(), award_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            self.fields[f"plan_{ind.code}"] = self.style(VnDecimalField(label=ind.name, required=False))
        self.fields["titles"].choices = [(a.code, a.name) for a in award_types]

    def rows(self):
        return [(ind, self[f"plan_{ind.code}"]) for ind in self.indicators]


class PactForm(BootstrapForm):
    title = forms.CharField(label=_("Tên giao ước"), max_length=255)
    commitments = forms.CharField(label=_("Nội dung giao ước (mỗi dòng một cam kết)"),
                                  widget=forms.Textarea(attrs={"rows": 8}))


class SignForm(BootstrapForm):
    signatory = forms.CharField(label=_("Họ tên người ký"), max_length=128)
    position = forms.CharField(label=_("Chức vụ"), max_length=128)
    signed_on = VnDateField(label=_("Ngày ký"))


# --------------------------------------------------------------------------- results


class ResultForm(BootstrapForm):
    period = forms.ChoiceField(choices=ResultReport.Period.choices, widget=forms.HiddenInput)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            self.fields[f"value_{ind.code}"] = self.style(VnDecimalField(label=ind.name, required=False))
            self.fields[f"evidence_{ind.code}"] = self.style(evidence_field())

    def rows(self):
        return [(ind, self[f"value_{ind.code}"], self[f"evidence_{ind.code}"]) for ind in self.indicators]


# --------------------------------------------------------------------------- scoring


class ScoreForm(BootstrapForm):
    """Self or cross scores: one row per hand-scored criterion (points, comment, evidence for self-scoring)."""

    def __init__(self, *args, criteria=(), evidence: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.evidence = evidence
        for c in self.criteria:
            self.fields[f"points_{c.pk}"] = self.style(VnDecimalField(label=c.name, required=False))
            self.fields[f"comment_{c.pk}"] = self.style(forms.CharField(
                label=_("Nhận xét"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1})))
            if evidence:
                self.fields[f"evidence_{c.pk}"] = self.style(evidence_field())

    def row(self, criterion):
        pk = criterion.pk
        return {"points": self[f"points_{pk}"], "comment": self[f"comment_{pk}"],
                "evidence": self[f"evidence_{pk}"] if self.evidence else None}


class FinalScoreForm(BootstrapForm):
    """The chair's consolidated score per criterion for one member, with the reason where it differs."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"final_{c.pk}"] = self.style(VnDecimalField(label=c.name, required=False))
            self.fields[f"reason_{c.pk}"] = self.style(forms.CharField(label=_("Lý do"), required=False,
                                                                       max_length=500))

    def row(self, criterion):
        return {"final": self[f"final_{criterion.pk}"], "reason": self[f"reason_{criterion.pk}"]}


# --------------------------------------------------------------------------- review conference, votes, handover


class ReviewForm(BootstrapForm):
    title = forms.CharField(label=_("Tên hội nghị"), max_length=500)
    held_on = VnDateField(label=_("Ngày họp"))
    place = forms.CharField(label=_("Địa điểm"), max_length=255)


class WindowForm(BootstrapForm):
    opens_at = forms.DateTimeField(label=_("Mở phiếu lúc"), widget=DATETIME, input_formats=DATETIME_FORMATS,
                                   error_messages={"invalid": _("Ghi theo dạng ngày/tháng/năm giờ:phút.")})
    closes_at = forms.DateTimeField(label=_("Đóng phiếu lúc"), widget=DATETIME, input_formats=DATETIME_FORMATS,
                                    error_messages={"invalid": _("Ghi theo dạng ngày/tháng/năm giờ:phút.")})

    @staticmethod
    def default_window(hours: int = 2, on: date | None = None) -> dict:
        """From now for `hours`; for a conference on a later day, from 08:00 that day (ballots are cast during
        the conference). A conference already past cannot be voted at any more: the window starts now."""
        now = timezone.localtime().replace(second=0, microsecond=0)
        start = now
        if on is not None and on > now.date():
            start = now.replace(year=on.year, month=on.month, day=on.day, hour=8, minute=0)
        return {"opens_at": start, "closes_at": start + timedelta(hours=hours)}

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            raise ValidationError(_("Thời điểm đóng phiếu phải sau thời điểm mở phiếu."))
        return data


class VoteOpenForm(WindowForm):
    kind = forms.ChoiceField(label=_("Nội dung bầu"), choices=VoteKind.choices)
    candidates = forms.ModelMultipleChoiceField(label=_("Ứng viên"), queryset=None, widget=forms.CheckboxSelectMultiple)
    seats = forms.IntegerField(label=_("Số đơn vị được chọn trên mỗi phiếu"), min_value=1, max_value=50, initial=1)
    threshold_percent = VnDecimalField(label=_("Ngưỡng trúng (% tổng số thành viên)"), initial=Decimal(50))
    threshold_strict = forms.BooleanField(label=_("Phải vượt ngưỡng (“quá …%”)"), required=False, initial=True)
    quorum_percent = VnDecimalField(label=_("Số phiếu thu về tối thiểu (% tổng số thành viên)"),
                                    initial=Decimal(50))
    quorum_strict = forms.BooleanField(label=_("Phải vượt (“quá …%”)"), required=False, initial=True)

    field_order = ["kind", "candidates", "seats", "opens_at", "closes_at", "threshold_percent", "threshold_strict",
                   "quorum_percent", "quorum_strict"]

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = members
        self.fields["candidates"].label_from_instance = org_label


class BallotForm(BootstrapForm):
    choices = forms.ModelMultipleChoiceField(label=_("Đơn vị bầu chọn"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates=None, seats: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].queryset = candidates
        self.fields["choices"].label_from_instance = org_label
        self.fields["choices"].widget.attrs["data-max-checked"] = str(seats)


class HandoverForm(BootstrapForm):
    handed_on = VnDateField(label=_("Ngày trao cờ"))
    handed_by = forms.CharField(label=_("Người trao"), max_length=255, required=False)
