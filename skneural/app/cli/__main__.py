"""``python -m skneural.app.cli``: the ``skneural`` command."""

import sys

from . import console

if __name__ == "__main__":  # not when documentation tools import every module
    sys.exit(console())
