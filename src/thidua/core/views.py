"""Login with throttling (the audit trail page is thidua.orgs.audit_views: it is read within an access scope)."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from thidua.core.security import lockout_for
from thidua.lib.http import client_ip


class ThrottledFormMixin:
    """Shows the lockout message (instead of "wrong password") when the backend refused a locked account."""

    lockout_message = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            lockout = getattr(self.request, "thidua_lockout", None) or lockout_for(
                self.cleaned_data.get("username"), client_ip(self.request)
            )
            if lockout.locked:
                self.lockout_message = lockout.message
                raise ValidationError(lockout.message, code="locked") from None
            raise


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm


# --- Audit trail -------------------------------------------------------------------------------------------
