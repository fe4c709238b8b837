from django.apps import AppConfig

from thidua.lib import imports


class OrgsConfig(AppConfig):
    name = "thidua.orgs"
    verbose_name = "Đơn vị và cá nhân"

    def ready(self) -> None:
        from thidua.core import audit
        from thidua.orgs.scope import acting_organization, scope_for

        # The layers below know no organisation: the audit trail asks here whom a user acts for, the import
        # framework what a user may edit.
        audit.HOOKS.acting_organization = acting_organization
        imports.HOOKS.scope_for = scope_for
