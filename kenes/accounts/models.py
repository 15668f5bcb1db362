"""Users, roles and region scopes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.regions import region_choices


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")
    COORDINATOR = "coordinator", _("Coordinator")
    COMMISSION = "commission", _("Commission member")
    OPERATOR = "operator", _("Referendum operator")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person using Kenes. One role; coordinators and operators carry a region scope.

    A coordinator with no region is a national coordinator and sees every region.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    region = models.CharField(
        _("region"),
        max_length=40,
        blank=True,
        choices=region_choices("en"),
        help_text=_("Region of residence; for coordinators and operators, the region they work in (empty: national)."),
    )
    district = models.CharField(_("district"), max_length=120, blank=True)
    preferred_language = models.CharField(_("language"), max_length=5, blank=True, default="kk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_moderator(self) -> bool:
        return self.is_admin or self.role == Role.MODERATOR

    @property
    def is_analyst(self) -> bool:
        return self.is_admin or self.role == Role.ANALYST

    @property
    def is_coordinator(self) -> bool:
        return self.is_admin or self.role == Role.COORDINATOR

    @property
    def is_commission(self) -> bool:
        return self.is_admin or self.role == Role.COMMISSION

    @property
    def is_operator(self) -> bool:
        return self.is_admin or self.role == Role.OPERATOR

    @property
    def can_see_personal_data(self) -> bool:
        """Moderators and analysts (and admins) see originals; everyone else sees masked text."""
        return self.is_moderator or self.is_analyst

    @property
    def is_national(self) -> bool:
        """National scope: an admin, or a coordinator/operator with no region."""
        return self.is_admin or not self.region

    def covers_region(self, region: str) -> bool:
        return self.is_national or self.region == region
