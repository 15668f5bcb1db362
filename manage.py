#!/usr/bin/env python
"""Django's manage.py; the `kenes` console command does the same (see kenes/cli.py)."""
import sys

from kenes.cli import main

if __name__ == "__main__":
    sys.exit(main())
