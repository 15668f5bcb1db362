from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "kenes.drafts"
    verbose_name = _("Drafts")
