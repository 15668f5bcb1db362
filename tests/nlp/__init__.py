"""Tests of the Django-free text analysis (kenes.nlp)."""
