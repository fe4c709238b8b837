"""Forms of the exemplary-model pages and of the public honours board (thidua.emulation.exemplar_views)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from thidua.emulation.models import ExemplarAttachmentKind

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"})
TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"})
INPUT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
NUMBER = forms.NumberInput(attrs={"class": "form-control form-control-sm"})
SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class DiscoverForm(forms.Form):
    collective = forms.ChoiceField(label="Tập thể", required=False, widget=SELECT)
    citizen_id = forms.CharField(label="Hoặc cá nhân: số định danh", required=False, max_length=12, widget=INPUT)
    field = forms.CharField(label="Lĩnh vực", max_length=128, required=False, widget=INPUT)
    story = forms.CharField(label="Thành tích nổi bật", widget=TEXT, max_length=5000)
    proposed_by = forms.ChoiceField(label="Đơn vị phát hiện, đề xuất", required=False, widget=SELECT)
    movement = forms.ChoiceField(label="Từ phong trào", required=False, widget=SELECT)
    on = forms.DateField(label="Ngày phát hiện", initial=timezone.localdate, widget=DATE)


class NurtureForm(forms.Form):
    plan = forms.CharField(label="Kế hoạch bồi dưỡng", widget=TEXT, max_length=5000)
    on = forms.DateField(label="Ngày", initial=timezone.localdate, widget=DATE)


class FollowUpForm(forms.Form):
    note = forms.CharField(label="Kết quả theo dõi, bồi dưỡng", widget=TEXT, max_length=5000)
    on = forms.DateField(label="Ngày", initial=timezone.localdate, widget=DATE)


class ReplicationForm(forms.Form):
    place = forms.CharField(label="Nơi nhân rộng", max_length=255, widget=INPUT)
    year = forms.IntegerField(label="Năm", min_value=1945, max_value=2100, widget=NUMBER)
    units = forms.IntegerField(label="Số đơn vị áp dụng", min_value=0, max_value=10**6, widget=NUMBER)
    participants = forms.IntegerField(label="Số người tham gia, hưởng lợi", min_value=0, max_value=10**9, widget=NUMBER)
    note = forms.CharField(label="Kết quả", max_length=500, required=False, widget=INPUT)


class SummaryForm(forms.Form):
    summary = forms.CharField(label="Kết quả tổng kết điển hình", widget=TEXT, max_length=5000)
    on = forms.DateField(label="Ngày tổng kết", initial=timezone.localdate, widget=DATE)


class HonourForm(forms.Form):
    award = forms.ChoiceField(label="Bản ghi khen thưởng (sổ khen thưởng)", widget=SELECT)
    description = forms.CharField(label="Hình thức tôn vinh", max_length=255, required=False, widget=INPUT)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=ExemplarAttachmentKind.choices, widget=SELECT)
    file = forms.FileField(label="Tệp", widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}))


class PublishForm(forms.Form):
    consent = forms.BooleanField(label="Người được vinh danh (người đứng đầu tập thể) đã đồng ý công bố tên, đơn vị, "
                                       "thành tích và khen thưởng trên bảng vinh danh công khai")
    consent_given_on = forms.DateField(label="Ngày đồng ý", widget=DATE)
    consent_document = forms.FileField(label="Văn bản đồng ý (không bắt buộc)", required=False,
                                       widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Lý do rút", max_length=500, widget=INPUT)
