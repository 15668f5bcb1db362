from django.urls import path

from kenes.drafts import views

app_name = "drafts"

urlpatterns = [
    path("draft/", views.document_list, name="list"),
    path("draft/<slug:document>/", views.document_detail, name="document"),
    path("draft/<slug:document>/compare/", views.version_compare, name="compare"),
    path("draft/<slug:document>/<slug:version>/", views.version_detail, name="version"),
    path("draft/<slug:document>/<slug:version>/<int:number>/", views.article_detail, name="article"),
    path(
        "draft/<slug:document>/<slug:version>/<int:number>-<int:sub_number>/",
        views.article_detail,
        name="article_sub",
    ),
]
