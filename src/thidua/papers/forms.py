import json

from django import forms
from django.core.exceptions import ValidationError

from thidua.awards import authority as authority_rules
from thidua.awards.models import AwardType, Decision
from thidua.papers import printing
from thidua.papers.models import PrintLayout


class LayoutForm(forms.ModelForm):
    fields_json = forms.CharField(label="Vị trí các dòng chữ (JSON, mm tính từ góc trên bên trái)",
                                  widget=forms.Textarea(attrs={"rows": 14, "class": "form-control font-monospace"}))

    class Meta:
        model = PrintLayout
        fields = ["organization", "award_type", "page_size", "offset_x_mm", "offset_y_mm"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        offices = authority_rules.issuing_authorities(user)
        self.fields["organization"].queryset = offices.order_by("name")
        self.fields["organization"].required = not getattr(user, "is_superuser", False)
        self.fields["award_type"].queryset = AwardType.objects.order_by("-rank", "name")
        self.fields["award_type"].required = False
        self.fields["award_type"].empty_label = "Mọi hình thức"
        for name, field in self.fields.items():
            if name != "fields_json":
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ModelChoiceField)
                                              or name == "page_size" else "form-control")
        current = self.instance.fields if self.instance.pk else printing.DEFAULT_FIELDS
        self.initial.setdefault("fields_json", json.dumps(current, ensure_ascii=False, indent=1))

    def clean_fields_json(self):
        try:
            value = json.loads(self.cleaned_data["fields_json"])
        except json.JSONDecodeError as exc:
            raise ValidationError(f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}.") from None
        return printing.validate_fields(value)

    def clean(self):
        data = super().clean()
        org = data.get("organization")
        if org is not None and not authority_rules.acts_for(self.user, org):
            raise ValidationError(f"Bạn không làm việc cho cơ quan thi đua, khen thưởng của {org.name}.")
        return data

    def save(self, commit=True):
        self.instance.fields = self.cleaned_data["fields_json"]
        return super().save(commit)


class FundSourceForm(forms.Form):
    received_on = forms.DateField(label="Ngày nhận", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    kind = forms.ChoiceField(label="Nguồn", choices=[("budget", "Ngân sách nhà nước"), ("other", "Nguồn hợp pháp khác")],
                             widget=forms.Select(attrs={"class": "form-select"}))
    description = forms.CharField(label="Nội dung", max_length=255, widget=forms.TextInput(attrs={"class": "form-control"}))
    amount = forms.IntegerField(label="Số tiền (đồng)", min_value=1, widget=forms.NumberInput(attrs={"class": "form-control"}))

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value.year != self.year:
            raise ValidationError(f"Ngày nhận phải thuộc năm {self.year}.")
        return value


class FundPaymentForm(forms.Form):
    decision = forms.ModelChoiceField(label="Quyết định", queryset=None,
                                      widget=forms.Select(attrs={"class": "form-select"}))
    paid_on = forms.DateField(label="Ngày chi", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    amount = forms.IntegerField(label="Số tiền (đồng)", min_value=1, widget=forms.NumberInput(attrs={"class": "form-control"}))
    note = forms.CharField(label="Ghi chú", max_length=255, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    override_reason = forms.CharField(label="Lý do chi vượt số dư (chỉ khi quỹ không đủ)", max_length=500,
                                      required=False, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, decisions, year: int, **kwargs):

        super().__init__(*args, **kwargs)
        ids = [d.pk for d in decisions]
        self.fields["decision"].queryset = Decision.objects.filter(pk__in=ids).order_by("signed_on", "number")
        self.year = year

    def clean_paid_on(self):
        value = self.cleaned_data["paid_on"]
        if value.year != self.year:
            raise ValidationError(f"Ngày chi phải thuộc năm {self.year}.")
        return value
