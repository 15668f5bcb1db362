"""Locale formats Django lacks (FORMAT_MODULE_PATH = ["kenes.formats"]): only Kazakh; Russian and
English use Django's own."""
