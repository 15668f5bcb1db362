from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kenes import views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("health/", views.health, name="health"),
    path("api/v1/", include("kenes.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("kenes.accounts.urls")),
    path("", include("kenes.drafts.urls")),
    path("", include("kenes.proposals.urls")),
    path("insights/", include("kenes.insights.urls")),
    path("campaign/", include("kenes.campaign.urls")),
    path("news/", include("kenes.media.urls")),
    path("referendum/", include("kenes.referendum.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    # Uploaded files (event photos) in development; in production the proxy serves MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
