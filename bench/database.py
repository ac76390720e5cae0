"""The benchmark's database: created and migrated, grown level by level with synthetic practices,
and described (the machine, PostgreSQL and its settings) for the report.

The database is DATABASE_URL's; bench/run.py sets it, to DEFAULT_DATABASE_URL when it is unset.
Django is imported inside the functions: they run after bench/run.py has set it up.
"""

import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iccar_bench"
NEEDS_POSTGRES = "The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…"
# The tables the synthetic practices fill: vacuumed after each level, emptied by clear().
TABLES = [
    "practices_practice",
    "practices_practicetranslation",
    "practices_practice_themes",
    "practices_practice_city_roles",
    "practices_practice_target_groups",
    "practices_practice_commitments",
    "cities_city",
]


def database_config():
    """DATABASE_URL as Django's database settings (NAME, HOST, PORT, USER, PASSWORD…)."""
    import dj_database_url

    return dj_database_url.parse(os.environ["DATABASE_URL"])


def connect(database=None):
    """A connection of its own (autocommit) to the benchmark's database, or another one."""
    import psycopg2

    config = database_config()
    connection = psycopg2.connect(
        dbname=database or config["NAME"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )
    connection.autocommit = True
    return connection


def create_database():
    """Create the benchmark's database on its server if it is missing: a new one needs no setup."""
    config = database_config()
    if "postgres" not in config["ENGINE"]:
        sys.exit(NEEDS_POSTGRES)
    server = connect("postgres")
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            say(f"creating database {config['NAME']}")
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    server.close()


def prepare():
    """Migrate the database and load the demo data that the synthetic practices join."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(NEEDS_POSTGRES)
    say("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("compile_catalogues", verbosity=0)
    call_command("seed_demo", verbosity=0)


def machine():
    """What the figures depend on: CPUs, memory, PostgreSQL and its memory settings, versions."""
    import django
    import gunicorn
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / 1024 / 1024
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "postgres": postgres.split(" on ")[0],
        "postgres_config": f"shared_buffers {shared_buffers}, work_mem {work_mem}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].split(" [")[0].strip(),
        "kernel": platform.release(),
    }


def synthetic_count():
    from practices.models import Practice

    return Practice.objects.filter(slug__startswith="synthetic-").count()


def published_count():
    from practices.models import Practice

    return Practice.objects.published().count()


def cpu_seconds(pid):
    """The CPU time (user and system) a process has used, from /proc; None if it cannot be read
    (the process is gone, or runs on another machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCPU:
    """CPU time that the PostgreSQL server processes of this database use meanwhile (/proc).

    Backends come and go while they are watched, so a thread samples them twice a second.
    """

    def __init__(self):
        self.connection = connect()
        self.first, self.last, self.done = {}, {}, threading.Event()
        self.sample()
        self.first = dict(self.last)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        for pid in pids:
            seconds = cpu_seconds(pid)
            if seconds is not None:
                self.last[pid] = seconds

    def run(self):
        while not self.done.wait(0.5):
            self.sample()

    def stop(self):
        """Stop watching; return the seconds used since the start, or None if none were seen."""
        self.done.set()
        self.thread.join()
        self.sample()
        self.connection.close()
        used = sum(value - self.first.get(pid, 0) for pid, value in self.last.items())
        return used if self.last else None


def clear():
    """Delete the synthetic practices, and give their space back: a table that has held many
    practices would otherwise make every later scan read its empty pages."""
    from django.core.management import call_command
    from django.db import connection

    call_command("generate_practices", clear=True, verbosity=0)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM FULL {table}")


def grow(level, seed):
    """Bring the synthetic practices to `level`, timing the generation and the vacuum."""
    import resource

    from django.core.management import call_command
    from django.db import connection

    have = synthetic_count()
    step = {"level": level, "added": 0, "seconds": 0.0, "vacuum": 0.0, "cpu": None}
    if have > level:
        clear()
        have = 0
    if have < level:
        say(f"generating {level - have:,} practices ({have:,} → {level:,})")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        backends = BackendCPU()
        load = os.getloadavg()[0]
        started = time.monotonic()
        call_command("generate_practices", count=level - have, seed=seed)
        step["added"], step["seconds"] = level - have, time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        python = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        step["cpu"] = {"python": python, "postgres": backends.stop()}
        step["load"] = (load + os.getloadavg()[0]) / 2
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    step["vacuum"] = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('practices_practice'))")
        step["table_size"] = cursor.fetchone()[0]
    step["published"] = published_count()
    return step
