"""The `kenes` console command.

Pure computation commands (`kenes analyze`, `kenes news extract`) run without Django or a
database; everything else is a Django management command (`kenes migrate`, `kenes shell -c …`,
`kenes import-document`, `kenes verify-log` …).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence

# Commands that need no database: (argv prefix) -> "module:function" taking the remaining argv.
STANDALONE: dict[tuple[str, ...], str] = {
    ("analyze",): "kenes.nlp.pipeline:main",
    ("news", "extract"): "kenes.nlp.news:main",
}


def _standalone(argv: Sequence[str]) -> tuple[Callable[[list[str]], int], list[str]] | None:
    for prefix, target in sorted(STANDALONE.items(), key=lambda item: -len(item[0])):
        if tuple(argv[: len(prefix)]) == prefix:
            module_name, func_name = target.split(":")
            func = getattr(importlib.import_module(module_name), func_name)
            return func, list(argv[len(prefix) :])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    found = _standalone(args)
    if found is not None:
        func, rest = found
        return int(func(rest) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kenes", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
