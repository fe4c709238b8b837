from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "thidua.emulation"
    verbose_name = "Thi đua"
