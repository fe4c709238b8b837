from django.contrib import admin

from thidua.orgs.models import EmulationBody, EmulationOfficer, Household, Organization, Person, UserRole


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin_code", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", "is_small_collective"]
    search_fields = ["name", "name_folded", "admin_code"]
    raw_id_fields = ["parent", "successor"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "gender", "birth_year", "organization", "position", "is_direct_worker"]
    search_fields = ["name_folded", "citizen_id"]
    raw_id_fields = ["organization"]


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization"]
    list_filter = ["role"]
    raw_id_fields = ["organization"]


admin.site.register(Household, search_fields=["name_folded"], raw_id_fields=["organization"])
# The emulation sector's organisations and staff (statistical forms 0604, 0605).
admin.site.register(EmulationBody, list_display=["organization", "note"], raw_id_fields=["organization"],
                    search_fields=["organization__name_folded"])
admin.site.register(EmulationOfficer, list_display=["person", "training", "since_year", "until_year"],
                    list_filter=["training"], raw_id_fields=["person"], search_fields=["person__name_folded"])
admin.site.site_header = "thidua — quản trị"
