"""A throwaway PostgreSQL server on loopback, for the distributed-tuning tests.

``.ci/run`` installs PostgreSQL with apt-get; the server is created in a
temporary folder, listens on 127.0.0.1 only, and is removed afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager


def binaries() -> str | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when not installed."""
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(found)
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return folders[-1] if folders else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server():
    """Start a server; yield its SQLAlchemy URL; stop and remove it."""
    bindir = binaries()
    folder = tempfile.mkdtemp(prefix="skneural-pg-")
    data = os.path.join(folder, "data")
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def pg(*args):
        subprocess.run(
            [*run_as, *args], check=True, capture_output=True, text=True, timeout=120
        )

    try:
        pg(f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "skneural")
        pg(
            f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(folder, "log"),
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1",
            "start",
        )  # fmt: skip
        try:
            yield f"postgresql+psycopg://skneural@127.0.0.1:{port}/postgres"
        finally:
            pg(f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
