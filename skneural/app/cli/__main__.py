"""``python -m skneural.app.cli``: the ``skneural`` command."""

import sys

from . import console

sys.exit(console())
