from django.urls import path

from thidua.papers import views

app_name = "papers"
urlpatterns = [
    path("quyet-dinh/<int:pk>/", views.decision_papers, name="decision"),
    path("quyet-dinh/<int:pk>/ky-so/", views.sign, name="sign"),
    path("quyet-dinh/<int:pk>/in-phoi/", views.print_blanks, name="print"),
    path("quyet-dinh/<int:pk>/xem-truoc.pdf", views.preview, name="preview"),
    path("quyet-dinh/<int:pk>/quyet-dinh-da-ky.pdf", views.signed_decision, name="signed-decision"),
    path("mau-in/", views.layouts, name="layouts"),
    path("mau-in/<int:pk>/can-chinh.pdf", views.calibration, name="calibration"),
    path("mau-in/<int:pk>/xem-truoc.pdf", views.layout_preview, name="layout-preview"),
]
