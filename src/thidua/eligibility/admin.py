from django.contrib import admin

from thidua.eligibility.engine import RuleBook
from thidua.eligibility.models import Quota, RuleOverride


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    list_display = ["award_code", "subject_kind", "authority", "effective_from", "effective_to", "confidence", "active"]
    list_filter = ["subject_kind", "confidence", "active"]
    search_fields = ["award_code", "basis"]
    autocomplete_fields = ["authority"]

    def get_changeform_initial_data(self, request):
        """`?template=ID` fills the form from a built-in template (the "Căn cứ pháp lý" page links to it)."""
        initial = super().get_changeform_initial_data(request)
        template = next((t for t in RuleBook.builtin().templates if t["id"] == request.GET.get("template")), None)
        if template:
            initial.update(award_code=template["award"], subject_kind=template["subject"],
                           effective_from=template["effective_from"], basis=template["basis"],
                           confidence=template["confidence"], conditions=template["conditions"])
        return initial


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["authority", "year", "award_code", "max_share", "of_award_code", "max_count"]
    list_filter = ["year"]
    autocomplete_fields = ["authority"]
