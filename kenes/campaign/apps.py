from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "kenes.campaign"
    verbose_name = _("Campaign")
