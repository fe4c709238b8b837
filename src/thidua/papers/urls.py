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
urlpatterns += [
    path("quy/", views.fund_index, name="funds"),
    path("quy/<int:org>/<int:year>/", views.fund, name="fund"),
    path("quy/<int:org>/<int:year>/nguon/", views.fund_source, name="fund-source"),
    path("quy/<int:org>/<int:year>/chi/", views.fund_payment, name="fund-payment"),
    path("quy/<int:org>/<int:year>/bao-cao.xlsx", views.fund_xlsx, name="fund-xlsx"),
    path("quy/<int:org>/<int:year>/bao-cao.docx", views.fund_docx, name="fund-docx"),
]
