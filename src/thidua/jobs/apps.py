from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "thidua.jobs"
    label = "jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        from thidua.jobs import kinds  # noqa: F401  (the built-in self-test kind)
        from thidua.jobs.pdf import launch
        from thidua.lib.documents import register_pdf_launcher

        register_pdf_launcher(launch)
