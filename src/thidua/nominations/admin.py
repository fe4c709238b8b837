"""Admin: the reference data a deployment edits (holidays, base salary) and the councils with their members.
Dossiers, votes and certificates change only through nominations.services (pages and API)."""

from django.contrib import admin

from thidua.nominations.models import BaseSalary, Council, Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "amount", "basis"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "active"]
    list_filter = ["active"]
    filter_horizontal = ["members"]
    raw_id_fields = ["organization"]
    search_fields = ["name", "organization__name"]
