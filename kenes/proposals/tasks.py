"""Background work on proposals (Django tasks API; the database backend by default)."""

from __future__ import annotations

from django_tasks import task

from kenes.nlp.langid import detect
from kenes.nlp.text import search_terms


@task()
def analyse_proposal(proposal_id: int) -> bool:
    """Fill the language and search terms when they are missing (for proposals stored by
    other means than `submit_proposal`). The insights app extends the analysis. Returns
    whether anything changed."""
    from kenes.proposals.models import Proposal

    proposal = Proposal.objects.filter(pk=proposal_id).only("id", "text", "language", "search_text").first()
    if proposal is None:
        return False
    fields = []
    if not proposal.language:
        proposal.language = detect(proposal.text)
        fields.append("language")
    if not proposal.search_text:
        proposal.search_text = " ".join(search_terms(proposal.text))
        fields.append("search_text")
    if fields:
        proposal.save(update_fields=fields)
    return bool(fields)
