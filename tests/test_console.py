"""The command's terminal: native libraries' log records are held back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from skneural.app.cli._console import _kept, is_native_log, native_logs_held_back

ONEDNN = (
    "I0000 00:00:1796082476.325272    4271 port.cc:153] oneDNN custom operations "
    "are on. You may see slightly different numerical results.\n"
)
ABSL = (
    "WARNING: All log messages before absl::InitializeLog() is called are "
    "written to STDERR\n"
)
FEATURES = (
    "I0000 00:00:1796082476.355990    4271 cpu_feature_guard.cc:227] This "
    "TensorFlow binary is optimized to use available CPU instructions.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, "
    "rebuild TensorFlow.\n"
)
TF_FORMAT = (
    "2026-11-30 12:00:00.123456: W tensorflow/compiler/tf2tensorrt/utils/"
    "py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\n"
)


def test_native_log_lines_are_recognized():
    for line in (ONEDNN, ABSL, FEATURES.splitlines()[0], TF_FORMAT):
        assert is_native_log(line), line
    for line in (
        "Reading iris ...",
        "skneural fit: error: No such file: 'x.csv'. Check the path.",
        "I0 is not a log line",
        "/x/y.py:3: UserWarning: something",
    ):
        assert not is_native_log(line), line


def test_records_and_their_continuation_lines_are_dropped():
    assert _kept(ABSL + ONEDNN) == ""
    assert _kept(FEATURES) == ""
    assert _kept("plain text\n" + TF_FORMAT) == "plain text\n"
    assert _kept("Fatal Python error: Aborted\n") == "Fatal Python error: Aborted\n"


def test_the_block_writes_python_text_and_drops_native_records(capfd):
    before = sys.stderr
    with native_logs_held_back():
        assert sys.stderr is not before
        os.write(2, (ABSL + ONEDNN).encode())
        os.write(2, b"written by a library, not a log record\n")
        os.write(2, FEATURES.encode())
        print("from python", file=sys.stderr)
    err = capfd.readouterr().err
    assert "from python" in err
    assert "written by a library, not a log record" in err
    assert "port.cc" not in err and "absl" not in err and "AVX2" not in err
    assert sys.stderr is before  # put back
    print("after", file=sys.stderr)
    assert capfd.readouterr().err == "after\n"


def test_loading_tensorflow_in_the_block_prints_nothing():
    # On some machines TensorFlow logs while its libraries load, whatever
    # TF_CPP_MIN_LOG_LEVEL says; inside the block none of it shows.
    code = textwrap.dedent(
        """
        import sys
        from skneural.app.cli._console import native_logs_held_back, quiet_env
        quiet_env()
        with native_logs_held_back():
            import keras
            print("imported", keras.backend.backend(), file=sys.stderr)
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP_")}
    env["KERAS_BACKEND"] = "tensorflow"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "imported tensorflow\n"
