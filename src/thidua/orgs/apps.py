from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "thidua.orgs"
    verbose_name = "Đơn vị và cá nhân"
