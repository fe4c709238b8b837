from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from thidua.api import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("cluster-years/", views.ClusterYearList.as_view(), name="api-cluster-years"),
    path("cluster-years/<int:pk>/summary", views.ClusterYearSummaryView.as_view(), name="api-cluster-year-summary"),
    path("awards/", views.AwardList.as_view(), name="api-awards"),
]
