from django.urls import path

from kenes.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("runs/", views.run_list, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/answer/", views.group_answer, name="group_answer"),
    path("groups/<int:pk>/assign/", views.group_assign, name="group_assign"),
    path("groups/<int:pk>/merge/", views.group_merge, name="group_merge"),
    path("groups/<int:pk>/split/", views.group_split, name="group_split"),
    path("proposals/<int:pk>/", views.proposal_edit, name="proposal"),
    path("corrections/", views.correction_list, name="corrections"),
    path("corrections/<int:pk>/undo/", views.correction_undo, name="correction_undo"),
    path("browse/", views.slice_index, name="browse"),
    path("articles/<int:number>/", views.article_view, name="article"),
    path("themes/<slug:slug>/", views.theme_view, name="theme"),
    path("regions/<slug:slug>/", views.region_view, name="region"),
    path("templates/", views.template_list, name="templates"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("open-data/proposals.csv", views.open_data_csv, name="open_csv"),
    path("open-data/proposals.json", views.open_data_json, name="open_json"),
    path("public/", views.public_page, name="public"),
]
