from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        from thidua.awards import jobs  # noqa: F401  (registers the background export)
        from thidua.awards.views import organization_awards
        from thidua.orgs.views import register_detail_context

        register_detail_context(organization_awards)
