from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from thidua.api import eligibility, records, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view + our template: the Swagger UI page carries no inline script or style (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html"),
         name="api-docs"),
    path("cluster-years/", views.ClusterYearList.as_view(), name="api-cluster-years"),
    path("cluster-years/<int:pk>/summary", views.ClusterYearSummaryView.as_view(), name="api-cluster-year-summary"),
    path("awards/", views.AwardList.as_view(), name="api-awards"),
    path("eligibility", eligibility.EligibilityView.as_view(), name="api-eligibility"),
    path("people/<int:pk>/record", records.PersonRecordView.as_view(), name="api-person-record"),
    path("people/<int:pk>/evaluations", records.PersonEvaluationView.as_view(), name="api-person-evaluations"),
    path("people/<int:pk>/initiatives", records.PersonInitiativeView.as_view(), name="api-person-initiatives"),
    path("people/<int:pk>/disciplines", records.PersonDisciplineView.as_view(), name="api-person-disciplines"),
]
