from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "thidua.reports"
    verbose_name = "Báo cáo thống kê"
