"""The award registry's filters: one function used by the page, the Excel export and the API."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import (
    PRIORITY_CLASSES,
    Award,
    AwardLevel,
    AwardType,
    Basis,
    Decision,
    RecipientClass,
    RecipientKind,
)
from thidua.lib.text import fold
from thidua.orgs.models import Organization, OrganizationKind

# Each ordering ends with the primary key: a unique key for keyset pages (thidua.lib.keyset).
SORTS = {
    "year": ("year", "-recipient_name_folded", "-id"),  # the exact reverse of "-year": one index serves both
    "-year": ("-year", "recipient_name_folded", "id"),
    "name": ("recipient_name_folded", "id"),
    "-name": ("-recipient_name_folded", "-id"),
    # The award type's rank as copied on the award row (thidua.awards.sort_keys), highest first with names A→Z;
    # "type" is its exact reverse, so that one index (award_rank_name_id) serves both.
    "type": ("award_type_rank", "-recipient_name_folded", "-id"),
    "-type": ("-award_type_rank", "recipient_name_folded", "id"),
    "date": ("decision__signed_on", "id"),
    "-date": ("-decision__signed_on", "-id"),
}


# The choice lists load only what their labels show (str(): Organization.display_name, AwardType.label): some 250
# options are built on every registry page. The filters use the chosen object's key (and its lineage, by key).
ORG_LABEL_FIELDS = ("pk", "name", "valid_from", "valid_to")
AWARD_TYPE_LABEL_FIELDS = ("pk", "code", "name", "name_en")


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên, số quyết định, số sổ vàng, số định danh"), required=False,
                        max_length=128)
    year = forms.IntegerField(label=_("Năm quyết định"), required=False, min_value=1945, max_value=2100)
    level = forms.ChoiceField(label=_("Cấp khen"), required=False, choices=[("", _("Tất cả"))] + AwardLevel.choices)
    authority = forms.ModelChoiceField(label=_("Cơ quan ban hành"), required=False, queryset=Organization.objects.none(),
                                       empty_label=_("Tất cả"))
    province = forms.ModelChoiceField(label=_("Tỉnh, bộ"), required=False, queryset=Organization.objects.none(),
                                      empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Đối tượng"), required=False, choices=[("", _("Tất cả"))] + RecipientKind.choices)
    recipient_class = forms.ChoiceField(label=_("Phân loại"), required=False,
                                        choices=[("", _("Tất cả"))] + RecipientClass.choices)
    priority = forms.BooleanField(label=_("Chỉ tập thể nhỏ, người lao động trực tiếp"), required=False)
    basis = forms.ChoiceField(label=_("Loại khen thưởng"), required=False, choices=[("", _("Tất cả"))] + Basis.choices)
    award_type = forms.ModelChoiceField(label=_("Hình thức"), required=False,
                                        queryset=AwardType.objects.only(*AWARD_TYPE_LABEL_FIELDS),
                                        to_field_name="code", empty_label=_("Tất cả"))
    cluster_year = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        tops = Organization.objects.filter(kind__in=[OrganizationKind.PROVINCE, OrganizationKind.MINISTRY])
        self.fields["province"].queryset = tops.visible_to(user).order_by("name", "valid_from").only(
            *ORG_LABEL_FIELDS)
        self.fields["authority"].queryset = Organization.objects.filter(
            kind__in=[OrganizationKind.STATE, OrganizationKind.PROVINCE, OrganizationKind.MINISTRY]
        ).order_by("kind", "name", "valid_from").only(*ORG_LABEL_FIELDS)


# Filters contributed by the apps above, registered in their AppConfig.ready() (emulation: the members of a cluster
# year, the selection behind a dashboard figure): field name → narrow(queryset, value, user), none() when refused.
CONTRIBUTED_FILTERS: dict[str, Callable[[QuerySet, object, object], QuerySet]] = {}


def register_filter(name: str, narrow: Callable[[QuerySet, object, object], QuerySet]) -> None:
    CONTRIBUTED_FILTERS[name] = narrow


CITIZEN_ID = re.compile(r"\d{12}")


def search_q(text: str) -> tuple[Q, bool]:
    """One search box, read the way an officer types: a 12-digit citizen ID, a number with a slash (a decision
    number "2499/QĐ-TTg", matched without regard to case or diacritics, or a golden-register number
    "0001/2026"), else part of the recipient's name without diacritics. Each form uses an index. With the condition,
    whether it is the name search: the one filter whose matches may be many and spread anywhere in the sort order,
    which thidua.lib.keyset pages with a bounded walk (`sparse`)."""
    text = text.strip()
    if CITIZEN_ID.fullmatch(text):
        return Q(recipient_person__citizen_id=text), False
    if "/" in text:
        head, wanted = text.split("/", 1)[0].strip(), fold(text.replace(" ", ""))
        # The decision-number index narrows to the numbers that start alike; the folded comparison decides.
        ids = [pk for pk, number in Decision.objects.filter(number__startswith=head + "/").values_list("pk", "number")
               if fold(number.replace(" ", "")) == wanted]
        return Q(decision_id__in=ids) | Q(register_no=text), False
    name = fold(text)
    if len(name) < 3:
        # No trigram in it: PostgreSQL would read the trigram index's every entry (3,5 s nationally for "le") to
        # keep every row. Written so that no index answers it, the name is tested on the rows the other filters
        # select (the same rows as `contains`).
        return Q(GreaterThan(StrIndex("recipient_name_folded", Value(name)), 0)), True
    return Q(recipient_name_folded__contains=name), True


def filter_awards(form: RegistryFilterForm) -> QuerySet[Award]:
    """Award records visible to the form's user and matching its (valid) filters."""
    qs, name = registry_selection(form)
    return qs if name is None else qs.filter(name)


def registry_selection(form: RegistryFilterForm) -> tuple[QuerySet[Award], Q | None]:
    """`filter_awards` in two parts: the records matching every filter but a name search, and the name search (None
    without one). The pages hand both to thidua.lib.keyset.KeysetPaginator, which pages a name search that has
    many matches along the sort order within a bounded walk instead of trusting the planner with it."""
    qs = Award.objects.in_force().visible_to(form.user)
    if not form.is_valid():
        return qs.none(), None
    f = form.cleaned_data
    for field, narrow in CONTRIBUTED_FILTERS.items():
        if f.get(field):
            qs = narrow(qs, f[field], form.user)
    name = None
    if f.get("q"):
        condition, by_name = search_q(f["q"])
        if by_name:
            name = condition
        else:
            qs = qs.filter(condition)
    if f.get("year"):
        # The year copied on the award row (thidua.awards.sort_keys): with the other filters an index range
        # (award_dyear_type_class, award_prov_dyear_type_class, award_dyear_year_name_id), so that the count reads
        # only the year's records. Sorted by decision date, the same year on the decision too (the same records):
        # the page then walks the decisions' (signed_on, id) index from the year's end; with that condition alone
        # the count read every record of the level's types of all years (0,6 s nationally).
        qs = qs.filter(decision_year=f["year"])
        if ordering_of(form)[0].lstrip("-") == "decision__signed_on":
            qs = qs.filter(decision__signed_on__year=f["year"])
    by_type = ordering_of(form)[0].lstrip("-") == "award_type_rank"
    if f.get("level"):
        # The award types of the level, as ids (a small catalogue): PostgreSQL then estimates the selection from the
        # award table's own statistics and uses its (award_type, year) index, instead of guessing through the join.
        types = AwardType.objects.filter(level=f["level"])
        qs = qs.filter(award_type_id__in=list(types.values_list("pk", flat=True)))
        if by_type:
            # Sorted by type, a level's records lie at its award types' ranks: naming those ranks (always true of
            # the records) lets the walk along the rank index read only them, instead of every record of the other
            # levels' ranks first (provincial awards of 2021 sorted by type read the grassroots ones: over 30 s).
            qs = qs.filter(award_type_rank__in=sorted(set(types.values_list("rank", flat=True))))
    if f.get("authority"):
        qs = qs.filter(decision__authority=f["authority"])
    if f.get("province"):
        qs = qs.filter(province_id__in=f["province"].lineage_ids())
    if f.get("kind"):
        qs = qs.of_kind(f["kind"])
    if f.get("recipient_class"):
        qs = qs.filter(recipient_class=f["recipient_class"])
    if f.get("priority"):
        qs = qs.filter(recipient_class__in=PRIORITY_CLASSES)
    if f.get("basis"):
        qs = qs.filter(basis=f["basis"])
    if f.get("award_type"):
        qs = qs.filter(award_type=f["award_type"])
        if by_type:
            qs = qs.filter(award_type_rank=f["award_type"].rank)
    return qs.order_by(*ordering_of(form)), name


def ordering_of(form: RegistryFilterForm) -> tuple[str, ...]:
    """The registry's sort: the one chosen, else the newest decisions first."""
    sort = form.cleaned_data.get("sort") if form.is_valid() else None
    return SORTS.get(sort or "-date", SORTS["-date"])
