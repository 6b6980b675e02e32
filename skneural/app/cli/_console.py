"""The terminal of the ``skneural`` command: no log lines from native libraries.

Where the lines come from: TensorFlow's shared libraries
(``libtensorflow_framework.so.2`` and the profiler's ``_pywrap`` module, each
with its own copy of Abseil's logging) log from their static initializers,
while ``import tensorflow`` loads them -- "oneDNN custom operations are on",
preceded by Abseil's "All log messages before absl::InitializeLog() is called
are written to STDERR". That runs before TensorFlow reads
``TF_CPP_MIN_LOG_LEVEL``, so no setting silences it; XLA, CUDA and cuDNN log
the same way on GPU machines when the first computation starts. All of it is
written straight to file descriptor 2, under Python's ``sys.stderr``.

So the command (and only the command: a program importing skneural keeps its
own logging) runs with file descriptor 2 fed to a thread that drops the log
records of native libraries and passes on anything else, while Python's own
``sys.stderr`` -- skneural's messages, progress bars, warnings -- writes to
the terminal directly. Numerics are untouched (oneDNN stays on).

File descriptor 2 becomes one end of a Unix datagram socket pair rather than
a pipe: each ``write`` arrives as one datagram, so a record's continuation
lines are told apart from unrelated text written just after it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import socket
import sys
import threading
from collections.abc import Iterator

__all__ = ["NATIVE_LOG_LINE", "is_native_log", "native_logs_held_back", "quiet_env"]

#: The first line of a native log record: glog/Abseil
#: (``I0000 00:00:1796082476.325272    4271 port.cc:153] ...``), TensorFlow's
#: own format (``2026-11-30 12:00:00.000000: I tensorflow/core/...cc:42] ...``)
#: and Abseil's notice that logging is not initialized yet.
NATIVE_LOG_LINE = re.compile(
    r"[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\] "
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?: [IWEF] \S+:\d+\] "
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
)

#: Python loggers of the backends whose warnings mean nothing at a terminal
#: (retracing while a search tries batch sizes, "no GPU found, using CPU").
_BACKEND_LOGGERS = ("tensorflow", "absl", "jax", "jax._src.xla_bridge", "h5py")


def is_native_log(line: str) -> bool:
    """Whether ``line`` starts a log record written by a native library."""
    return NATIVE_LOG_LINE.match(line) is not None


def quiet_env() -> None:
    """Quiet the backends' own loggers (for the command only).

    ``TF_CPP_MIN_LOG_LEVEL=3`` silences TensorFlow's C++ logging once it is
    initialized (the start-up lines before that are held back by
    :func:`native_logs_held_back`); it is inherited by worker processes.
    """
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    for name in _BACKEND_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def _kept(chunk: str) -> str:
    """The text of one ``write`` that is not part of a native log record.

    A native library writes each record, continuation lines included, in one
    ``write``; a line that does not start a record belongs to the record
    before it in the same write, or is kept when no record came before.
    """
    kept, in_record = [], False
    for line in chunk.splitlines(keepends=True):
        if is_native_log(line):
            in_record = True
        elif not in_record:
            kept.append(line)
    return "".join(kept)


#: Sent by :func:`native_logs_held_back` to stop its thread.
_END = b"\0skneural: end of held-back output\0"

#: The largest ``write`` passed through (a Unix datagram's limit is the
#: socket's send buffer, about 200 kB by default).
_LARGEST = 1 << 20


def _forward(receiver: socket.socket, terminal: int) -> None:
    with receiver:
        while (data := receiver.recv(_LARGEST)) != _END:
            text = _kept(data.decode("utf-8", "replace"))
            if text:
                os.write(terminal, text.encode("utf-8", "replace"))


@contextlib.contextmanager
def native_logs_held_back() -> Iterator[None]:
    """Run the block with native log records kept off the terminal.

    File descriptor 2 (inherited by worker processes) goes to a thread that
    drops native log records and passes the rest on; Python's ``sys.stderr``
    is pointed at the terminal itself for the duration, so progress bars are
    not held back. Where file descriptor 2 cannot be redirected, the block
    runs unchanged.
    """
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    writer, receiver = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    forwarder = threading.Thread(
        target=_forward, args=(receiver, terminal), name="native-logs", daemon=True
    )
    forwarder.start()
    saved_stderr = sys.stderr
    direct = io.TextIOWrapper(
        io.FileIO(terminal, "w", closefd=False),
        encoding=getattr(saved_stderr, "encoding", None) or "utf-8",
        errors="backslashreplace",
        line_buffering=True,
        write_through=True,
    )
    os.dup2(writer.fileno(), 2)
    sys.stderr = direct
    try:
        yield
    finally:
        direct.flush()
        sys.stderr = saved_stderr
        os.dup2(terminal, 2)
        with writer:
            writer.send(_END)  # after everything written before it
        forwarder.join(timeout=2.0)
        if not forwarder.is_alive():
            os.close(terminal)
