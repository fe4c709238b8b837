from django.apps import AppConfig

from thidua.lib import imports


class CoreConfig(AppConfig):
    name = "thidua.core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from thidua.core import audit
        from thidua.core.signals import audit_login

        user_logged_in.connect(audit_login, dispatch_uid="thidua.core.audit_login")
        imports.HOOKS.record_audit = audit.record
