from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "thidua.core"
    verbose_name = "Lõi"
