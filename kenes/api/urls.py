from django.urls import path

from kenes.api.api import api

urlpatterns = [
    path("", api.urls),
]
