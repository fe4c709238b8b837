from django.contrib import admin

from thidua.awards.models import AwardType


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "level", "granted_by", "prize_coefficient_individual",
                    "prize_coefficient_collective", "legal_basis"]
    list_filter = ["category", "level", "granted_by"]
    search_fields = ["code", "name", "name_en"]
