"""`kenes import-plan`: the same command as import_plan."""

from kenes.campaign.management.commands.import_plan import Command

__all__ = ["Command"]
