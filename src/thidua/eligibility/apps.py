from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from thidua.lib import backup


class EligibilityConfig(AppConfig):
    name = "thidua.eligibility"
    verbose_name = _("Xét điều kiện khen thưởng")

    def ready(self) -> None:
        from thidua.eligibility import (
            jobs,  # noqa: F401  (registers the background job kinds)
            snapshots,
        )

        backup.RESTORE_HOOKS.append((snapshots.drop_triggers, snapshots.install_triggers))
