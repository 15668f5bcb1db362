from django.urls import path

from kenes.api import views as api_views
from kenes.proposals import views

app_name = "proposals"

urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/new/", views.proposal_submit, name="submit"),
    path("proposals/moderation/", views.moderation_queue, name="moderation"),
    path("proposals/<str:code>/", views.proposal_detail, name="detail"),
    path("proposals/<str:code>/support/", views.proposal_support, name="support"),
    path("proposals/<str:code>/hide/", views.proposal_hide, name="hide"),
    path("proposals/<str:code>/unhide/", views.proposal_unhide, name="unhide"),
    path("proposals/<str:code>/answer/", views.proposal_answer, name="answer"),
    path("receipts/", views.receipt_lookup, name="receipt_lookup"),
    path("receipts/<str:code>/", views.receipt_detail, name="receipt"),
    # personal API tokens (for submitting proposals through the API), from the profile page
    path("api-tokens/", api_views.apitoken_create, name="apitoken_create"),
    path("api-tokens/<int:token_id>/revoke/", api_views.apitoken_revoke, name="apitoken_revoke"),
]
