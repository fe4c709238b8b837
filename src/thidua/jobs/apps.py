from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from thidua.lib import import_views
from thidua.lib.documents import register_pdf_launcher


class JobsConfig(AppConfig):
    name = "thidua.jobs"
    label = "jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        from thidua.jobs import imports, kinds  # noqa: F401  (the built-in self-test kind)
        from thidua.jobs.pdf import launch

        register_pdf_launcher(launch)
        import_views.register_job_launcher(imports.launch)
