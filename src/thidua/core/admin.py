"""Admin for the trust layer: the audit trail and login attempts are read-only; API tokens can be revoked."""

from django.contrib import admin, messages

from thidua.core.models import ApiToken, AuditEvent, LoginAttempt
from thidua.core.tokens import revoke_token
from thidua.core.views import ThrottledAdminAuthenticationForm

# The admin login goes through the same lockout (and shows the same message) as the site's login page.
admin.site.login_form = ThrottledAdminAuthenticationForm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "organization_name", "action", "object_type", "object_id", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_type", "object_id", "object_repr", "request_id"]
    date_hierarchy = "at"


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["username", "ip"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `thidua token create` (the key is printed once); the admin lists and revokes."""

    list_display = ["name", "user", "key_prefix", "created", "last_used", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "key_prefix"]
    readonly_fields = ["user", "name", "key_prefix", "created", "last_used", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Thu hồi các token đã chọn")
    def revoke(self, request, queryset):
        n = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(token)
            n += 1
        self.message_user(request, f"Đã thu hồi {n} token.", messages.SUCCESS)

