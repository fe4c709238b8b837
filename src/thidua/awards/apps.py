from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        from thidua.awards import (
            jobs,  # noqa: F401  (registers the background export)
            summary,
        )
        from thidua.core import backup

        backup.RESTORE_HOOKS.append((summary.drop_triggers, summary.install_triggers))
