from django.urls import path

from thidua.awards import reports_views, views
from thidua.core import import_views

app_name = "awards"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("export.xlsx", views.registry_export, name="export"),
    path("xuat-chay-nen/", views.registry_export_job, name="export-job"),
    # Excel imports (thidua.core.imports): the list of kinds, and the yearly ratings.
    path("nhap/", import_views.index, name="imports"),
    *import_views.import_urls("ratings", "nhap-xep-loai/", "awards"),
    *import_views.import_urls("golden-register", "nhap-so-vang/", "awards"),
    # Statistical report forms 0601–0605 (Thông tư 02/2023/TT-BNV), defined in awards/data/forms/.
    path("bieu-thong-ke/", reports_views.forms_page, name="report-forms"),
    path("bieu-thong-ke/export.xlsx", reports_views.forms_export, name="report-forms-export"),
]
