"""The campaign and referendum fixtures, shared with the permission matrix (tests/security)."""

from tests.campaign.conftest import campaign  # noqa: F401
from tests.referendum.conftest import referendum, tree  # noqa: F401
