from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kenes.accounts.models import User


@admin.register(User)
class KenesUserAdmin(UserAdmin[User]):
    list_display = ("username", "email", "role", "region", "is_staff", "is_active")
    list_filter = ("role", "region", "is_staff", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Kenes", {"fields": ("role", "region", "district", "preferred_language")}),
    )
