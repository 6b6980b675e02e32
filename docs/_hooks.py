"""MkDocs hooks of the documentation build (see ``hooks:`` in mkdocs.yml).

The examples of the pages run inside the ``mkdocs`` process (markdown-exec),
and the API reference imports skneural (mkdocstrings). This module is loaded
with the configuration, before either, so it can keep TensorFlow's C++
start-up messages and matplotlib's display out of the build.

It also makes ``mkdocs build --strict --quiet`` fail on warnings. ``--quiet``
raises the level of MkDocs's logger to ERROR, so warnings (an example that
raised, a broken link) would never be emitted, never be counted, and the
strict build would pass. In strict mode warnings stay on: they are what
fails the build, and they say why.

With ``SKNEURAL_DOCS_TIMES=1`` the build prints the seconds each page took
(its examples run while it renders), to keep the build quick.
"""

import logging
import os
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
# Keep the terminal readable: Python warnings of the libraries the examples
# use (they never reach the pages, whose output is what `print` writes).
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

_TIMES = os.environ.get("SKNEURAL_DOCS_TIMES") == "1"
_started: dict[str, float] = {}


def on_config(config, **kwargs):
    """In strict mode, let warnings through even with ``--quiet``."""
    if config.strict:
        logger = logging.getLogger("mkdocs")
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
    return config


def on_page_markdown(markdown, page, **kwargs):
    """Note when a page starts rendering."""
    if _TIMES:
        _started[page.file.src_uri] = time.perf_counter()
    return markdown


def on_page_content(html, page, **kwargs):
    """Print how long the page took, with ``SKNEURAL_DOCS_TIMES=1``."""
    if _TIMES:
        took = time.perf_counter() - _started.pop(page.file.src_uri)
        print(f"{took:6.1f} s  {page.file.src_uri}", file=sys.stderr)
    return html
