"""Forms of the movement pages (emulation/movement_views.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType
from thidua.emulation.forms import BootstrapForm
from thidua.emulation.models import MovementKind, MovementReviewKind, ParticipantKind
from thidua.emulation.movements import MovementPlan
from thidua.orgs.models import Organization, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHOICES_MAX = 400


def org_choices(orgs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=orgs, label=_("Đơn vị"))


class PlanForm(BootstrapForm):
    """The plan of a launch or of an adoption (the lower level's own plan and criteria)."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Cấp phát động"))
    name = forms.CharField(label=_("Tên phong trào"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại phong trào"), choices=MovementKind.choices, initial=MovementKind.THEMATIC)
    launched_by_title = forms.CharField(label=_("Người phát động (chức danh)"), max_length=128, required=False)
    decision_number = forms.CharField(label=_("Số văn bản phát động"), max_length=64, required=False)
    decision_date = forms.DateField(label=_("Ngày văn bản"), required=False, widget=DATE)
    decision_file = forms.FileField(label=_("Tệp văn bản phát động (PDF, Word)"), required=False)
    directive = forms.CharField(label=_("Văn bản, chỉ thị liên quan"), max_length=255, required=False)
    launched_on = forms.DateField(label=_("Ngày phát động"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ngày kết thúc"), required=False, widget=DATE)
    target_groups = forms.CharField(label=_("Đối tượng thi đua"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(label=_("Mục tiêu (mỗi dòng một mục tiêu)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    criteria = forms.CharField(label=_("Nội dung, tiêu chí thi đua (mỗi dòng một tiêu chí)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    registration_opens = forms.DateField(label=_("Mở đăng ký từ"), required=False, widget=DATE)
    registration_closes = forms.DateField(label=_("Hạn đăng ký"), required=False, widget=DATE)
    midterm_review_on = forms.DateField(label=_("Ngày sơ kết"), required=False, widget=DATE)
    final_review_on = forms.DateField(label=_("Ngày tổng kết"), required=False, widget=DATE)
    planned_commendations = forms.CharField(label=_("Hình thức khen thưởng dự kiến"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations

    def plan(self) -> MovementPlan:
        d = self.cleaned_data
        return MovementPlan(**{k: d.get(k) or ("" if isinstance(self.fields[k], forms.CharField) else None)
                               for k in MovementPlan.__dataclass_fields__})


class RegisterForm(BootstrapForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Đơn vị, tập thể"))
    participant_kind = forms.ChoiceField(label=_("Đối tượng"), choices=ParticipantKind.choices)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Cá nhân (khi đăng ký cá nhân)"),
                                    required=False)
    award_type = forms.ModelChoiceField(queryset=AwardType.objects.filter(category="title").order_by("-rank"),
                                        label=_("Đăng ký danh hiệu (không bắt buộc)"), required=False)
    commitment = forms.CharField(label=_("Nội dung đăng ký"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if people is not None:
            self.fields["person"].queryset = people


class ReviewForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=MovementReviewKind.choices)
    held_on = forms.DateField(label=_("Ngày hội nghị"), widget=DATE)
    period_end = forms.DateField(label=_("Số liệu tính đến ngày"), required=False, widget=DATE)
    conclusions = forms.CharField(label=_("Đánh giá chung, phương hướng"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(BootstrapForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Đơn vị báo cáo"))
    collectives = forms.IntegerField(label=_("Số tập thể tham gia"), min_value=0, initial=0)
    individuals = forms.IntegerField(label=_("Số cá nhân tham gia"), min_value=0, initial=0)
    exemplars = forms.IntegerField(label=_("Số điển hình tiên tiến"), min_value=0, initial=0)
    initiatives = forms.IntegerField(label=_("Số sáng kiến, mô hình"), min_value=0, initial=0)
    summary = forms.CharField(label=_("Kết quả nổi bật"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
