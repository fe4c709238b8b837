from django.urls import path

from thidua.reports import views

app_name = "reports"
urlpatterns = [
    # Statistical report forms 0601–0605 (Thông tư 02/2023/TT-BNV), defined in reports/data/forms/.
    path("bieu-thong-ke/", views.forms_page, name="forms"),
    path("bieu-thong-ke/export.xlsx", views.forms_export, name="forms-export"),
]
