from django.apps import AppConfig

from thidua.lib import backup


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        from thidua.awards import (
            jobs,  # noqa: F401  (registers the background export)
            sort_keys,
            summary,
        )
        from thidua.awards.views import organization_awards
        from thidua.orgs.views import register_detail_context

        register_detail_context(organization_awards)
        backup.RESTORE_HOOKS.append((summary.drop_triggers, summary.install_triggers))
        backup.RESTORE_HOOKS.append((sort_keys.drop_triggers, sort_keys.install_triggers))
