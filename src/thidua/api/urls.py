from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from thidua.api import cluster_run as run
from thidua.api import eligibility, nominations, records, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view + our template: the Swagger UI page carries no inline script or style (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html"),
         name="api-docs"),
    path("cluster-years/", views.ClusterYearList.as_view(), name="api-cluster-years"),
    path("cluster-years/<int:pk>/summary", views.ClusterYearSummaryView.as_view(), name="api-cluster-year-summary"),
    path("cluster-years/<int:pk>/run", run.RunView.as_view(), name="api-cy-run"),
    path("cluster-years/<int:pk>/open", run.OpenYearView.as_view(), name="api-cy-open"),
    path("cluster-years/<int:pk>/criteria", run.CriteriaView.as_view(), name="api-cy-criteria"),
    path("cluster-years/<int:pk>/indicators", run.IndicatorView.as_view(), name="api-cy-indicators"),
    path("cluster-years/<int:pk>/registrations", run.RegisterView.as_view(), name="api-cy-register"),
    path("cluster-years/<int:pk>/pact", run.PactView.as_view(), name="api-cy-pact"),
    path("cluster-years/<int:pk>/pact/signatures", run.SignView.as_view(), name="api-cy-sign"),
    path("cluster-years/<int:pk>/results", run.ResultView.as_view(), name="api-cy-results"),
    path("cluster-years/<int:pk>/cross-assignments", run.AssignView.as_view(), name="api-cy-assign"),
    path("cluster-years/<int:pk>/scores", run.ScoresView.as_view(), name="api-cy-scores"),
    path("cluster-years/<int:pk>/lock", run.LockView.as_view(), name="api-cy-lock"),
    path("cluster-years/<int:pk>/review-conference", run.ReviewView.as_view(), name="api-cy-review"),
    path("cluster-years/<int:pk>/votes", run.VotesView.as_view(), name="api-cy-votes"),
    path("cluster-years/<int:pk>/handover", run.HandoverView.as_view(), name="api-cy-handover"),
    path("votes/<int:pk>", run.VoteSessionView.as_view(), name="api-vote"),
    path("votes/<int:pk>/ballots", run.BallotView.as_view(), name="api-vote-ballot"),
    path("votes/<int:pk>/close", run.CloseVoteView.as_view(), name="api-vote-close"),
    path("votes/<int:pk>/tie-round", run.TieRoundView.as_view(), name="api-vote-tie"),
    path("awards/", views.AwardList.as_view(), name="api-awards"),
    path("eligibility", eligibility.EligibilityView.as_view(), name="api-eligibility"),
    path("people/<int:pk>/record", records.PersonRecordView.as_view(), name="api-person-record"),
    path("people/<int:pk>/evaluations", records.PersonEvaluationView.as_view(), name="api-person-evaluations"),
    path("people/<int:pk>/initiatives", records.PersonInitiativeView.as_view(), name="api-person-initiatives"),
    path("people/<int:pk>/disciplines", records.PersonDisciplineView.as_view(), name="api-person-disciplines"),
    # Nominations (issue 5): dossiers, items, transitions, decisions, council ballots, public verification.
    path("dossiers/", nominations.DossierListView.as_view(), name="api-dossiers"),
    path("dossiers/<int:pk>", nominations.DossierDetailView.as_view(), name="api-dossier"),
    path("dossiers/<int:pk>/items", nominations.DossierItemsView.as_view(), name="api-dossier-items"),
    path("dossiers/<int:pk>/items/<int:item_pk>/outcome", nominations.ItemOutcomeView.as_view(), name="api-item-outcome"),
    path("dossiers/<int:pk>/transitions", nominations.DossierTransitionView.as_view(), name="api-dossier-transitions"),
    path("dossiers/<int:pk>/decision", nominations.DossierDecisionView.as_view(), name="api-dossier-decision"),
    path("council-sessions/<int:pk>/ballot", nominations.CouncilBallotView.as_view(), name="api-council-ballot"),
    path("verify/<str:token>", nominations.VerifyView.as_view(), name="api-verify"),
]
