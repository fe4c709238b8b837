from django.urls import path

from thidua.awards import views
from thidua.lib import import_views

app_name = "awards"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("export.xlsx", views.registry_export, name="export"),
    path("xuat-chay-nen/", views.registry_export_job, name="export-job"),
    # Excel imports (thidua.lib.imports): the list of kinds, and the yearly ratings.
    path("nhap/", import_views.index, name="imports"),
    *import_views.import_urls("ratings", "nhap-xep-loai/", "awards"),
]
