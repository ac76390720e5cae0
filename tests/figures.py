"""The figures a run reports (cases checked, drills run, examples tried): written by the process
that ran the test — pytest itself, or one of pytest-xdist's workers — into the run's temporary
folder, and printed together at the end of the run (tests/conftest.py)."""

import os

PREFIX = "figures-"


def _folder(config):
    base = config._tmp_path_factory.getbasetemp()
    # A worker's temporary folder is inside the run's: the figures go to the run's.
    return base.parent if hasattr(config, "workerinput") else base


def record(config, line):
    """Keep one line of figures for the end of the run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(_folder(config) / f"{PREFIX}{worker}.txt", "a", encoding="utf-8") as handle:
        handle.write(line.replace("\n", " ") + "\n")


def recorded(config):
    """Return every line kept during the run, in the order each process wrote them."""
    lines = []
    for path in sorted(_folder(config).glob(f"{PREFIX}*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    return lines
