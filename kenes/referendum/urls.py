from django.urls import path

from kenes.referendum import views

app_name = "referendum"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.unit_results, name="results"),
    path("<slug:slug>/results.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/results.json", views.results_json, name="results_json"),
    path("<slug:slug>/desk/", views.desk, name="desk"),
    path("<slug:slug>/desk/import/", views.import_view, name="import"),
    path("<slug:slug>/desk/<str:code>/turnout/", views.turnout_entry, name="turnout"),
    path("<slug:slug>/desk/<str:code>/<int:number>/", views.protocol_enter, name="enter"),
    path("<slug:slug>/desk/<str:code>/<int:number>/resolve/", views.protocol_resolve, name="resolve"),
    path("<slug:slug>/desk/<str:code>/<int:number>/correct/", views.protocol_correct, name="correct"),
    path("<slug:slug>/desk/<str:code>/<int:number>/history/", views.protocol_history, name="history"),
    path("<slug:slug>/desk/<str:code>/<int:number>/summary/", views.summary_enter, name="summary"),
    path("<slug:slug>/<str:code>/", views.unit_results, name="unit"),
]
