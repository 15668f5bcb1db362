"""Django-free text analysis for Kenes: normalisation, language, articles, themes, grouping.

Modules here import nothing from Django and are typed strictly (mypy strict).
"""
