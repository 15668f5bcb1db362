from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferendumConfig(AppConfig):
    name = "kenes.referendum"
    verbose_name = _("Referendum")
