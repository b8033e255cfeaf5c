"""``make bench``: seed, serve with gunicorn, load each page with wrk, report.

Run as ``python -m bench.run`` from the project folder. Settings come from
the environment:

- ``DATABASE_URL``: the database to measure (PostgreSQL is the case that
  matters). Without it a separate SQLite file, ``build/bench.sqlite3``. The
  database is emptied and seeded, so its name must contain "bench" unless
  ``BENCH_ALLOW_DB=1``.
- ``BENCH_ARTICLES`` (2000), ``BENCH_SEED``, ``BENCH_OUT`` (bench-results.json),
  ``BENCH_DURATION`` (10 s per page), ``BENCH_WARMUP`` (2 s),
  ``BENCH_CONNECTIONS`` (4), ``BENCH_WORKERS`` (2 sync gunicorn workers),
  ``BENCH_TIMEOUT`` (10 s: wrk's request timeout and, on PostgreSQL, the
  server's statement timeout), ``BENCH_PAGES_TIMEOUT`` (60 s: the statement
  timeout while counting each page's queries), ``BENCH_CACHE`` (on; ``off``
  serves with Django's DummyCache for the uncached figures).

Both servers (product and ceiling) run in their own process groups and are
stopped whatever happens, Ctrl-C included.
"""

import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url

from bench.guard import bench_database_refusal

BASE_DIR = Path(__file__).resolve().parent.parent
BUILD = BASE_DIR / "build"
PYTHON = sys.executable

# The goals, as fractions of the ceiling's requests per second.
GOAL_ARTICLE = 0.25
GOAL_CONDITIONAL = 0.50
GOAL_OTHER = 0.15
MAX_QUERIES = 8
MAX_WORKER_RSS_MB = 150

# wrk reports through this script: one JSON line with exact percentiles.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "socket_errors": %d, "http_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


class BenchError(Exception):
    """Something the person running the benchmark must fix; printed without a traceback."""


def _env_int(environ, name, default):
    value = environ.get(name, "")
    try:
        number = int(value) if value else default
    except ValueError:
        raise BenchError(f"{name} must be a whole number, not {value!r}.") from None
    if number < 1:
        raise BenchError(f"{name} must be at least 1.")
    return number


def bench_config(environ):
    """Everything the run needs, read from ``environ`` and checked up front."""
    url = environ.get("DATABASE_URL") or f"sqlite:///{BUILD / 'bench.sqlite3'}"
    database = dj_database_url.parse(url)
    refusal = bench_database_refusal(database.get("NAME"), environ=environ)
    if refusal:
        raise BenchError(refusal)
    cache_setting = environ.get("BENCH_CACHE", "on")
    if cache_setting not in ("on", "off"):
        raise BenchError(f"BENCH_CACHE must be on or off, not {cache_setting!r}.")
    if cache_setting == "off":
        cache = "off (DummyCache)"
    else:
        cache = "redis" if environ.get("REDIS_URL") else "local memory (per worker)"
    return {
        "database_url": url,
        "database": f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME')}",
        "articles": _env_int(environ, "BENCH_ARTICLES", 2000),
        "seed": _env_int(environ, "BENCH_SEED", 2026),
        "out": Path(environ.get("BENCH_OUT") or "bench-results.json"),
        "duration": _env_int(environ, "BENCH_DURATION", 10),
        "warmup": _env_int(environ, "BENCH_WARMUP", 2),
        "connections": _env_int(environ, "BENCH_CONNECTIONS", 4),
        "workers": _env_int(environ, "BENCH_WORKERS", 2),
        # wrk gives up on a request after this long; so does PostgreSQL.
        "timeout": _env_int(environ, "BENCH_TIMEOUT", 10),
        # Counting queries fetches each page once; a page slower than this is
        # reported as unmeasurable rather than holding the run up for minutes.
        "pages_timeout": _env_int(environ, "BENCH_PAGES_TIMEOUT", 60),
        "cache": cache,
        # One key for the whole run, so signed values agree between its processes.
        "secret_key": secrets.token_urlsafe(50),
    }


def with_statement_timeout(url, seconds):
    """``url`` with a PostgreSQL statement timeout, unless it sets options itself.

    A page that takes minutes (a search scanning 100,000 bodies) would keep
    its query running after wrk and gunicorn gave up on it, and slow every
    page measured after it; the server side stops it instead.
    """
    if not url.startswith(("postgres://", "postgresql://")) or "options=" in url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-c%20statement_timeout%3D{seconds * 1000}"


def server_environ(config, environ, *, statement_timeout=None):
    """Production settings on loopback: DEBUG off, no TLS redirect, a fresh key."""
    url = config["database_url"]
    uncached = config["cache"].startswith("off")
    return {
        **environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_nocache" if uncached else "bench.settings",
        "DATABASE_URL": with_statement_timeout(url, statement_timeout)
        if statement_timeout
        else url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": config["secret_key"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_MEDIA_ROOT": str(BUILD / "bench-media"),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def _run(command, *, env, nice=False):
    prefix = ["nice", "-n", "10"] if nice and shutil.which("nice") else []
    print("$", " ".join(command[1:] if command[0] == PYTHON else command), flush=True)
    result = subprocess.run(prefix + command, env=env, cwd=BASE_DIR)
    if result.returncode:
        raise BenchError(f"{' '.join(command)} failed (exit {result.returncode}).")


def wrk_path():
    """Debian's wrk, installed on the spot when missing and we may install."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing; installing it with apt-get.", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
    if not found:
        raise BenchError("The benchmark needs wrk: apt-get install -y wrk")
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn in its own process group, stopped on exit."""

    def __init__(self, app, *, env, workers, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
            # One control socket per user by default (gunicorn 27): the
            # benchmark runs two servers, and CI others beside it.
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)

    def wait_ready(self, path="/", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn on port {self.port} exited; see build/*.log")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # it answers; the status is checked per page
            except OSError:
                time.sleep(0.3)
        raise BenchError(f"gunicorn on port {self.port} did not answer in {timeout} s.")

    def wait_idle(self, timeout=40):
        """Wait until no connection to this server is open (from /proc/net/tcp).

        wrk stops with requests still in flight and a sync worker finishes
        its request even after the client has gone (its socket then sits in
        CLOSE_WAIT); waiting for those to end keeps a slow page from slowing
        the next one. Gunicorn kills a worker stuck for 30 s, so this ends.
        """
        busy_states = {"01", "08"}  # ESTABLISHED, CLOSE_WAIT
        port = f"{self.port:04X}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_connections = 0
            for table in ("/proc/net/tcp", "/proc/net/tcp6"):
                with contextlib.suppress(OSError):
                    for line in Path(table).read_text().splitlines()[1:]:
                        fields = line.split()
                        if fields[1].endswith(f":{port}") and fields[3] in busy_states:
                            open_connections += 1
            if not open_connections:
                return
            time.sleep(0.2)

    def worker_rss_mb(self):
        """Resident memory of each worker (children of the master), from /proc."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                status = (entry / "status").read_text()
                parent = re.search(r"^PPid:\s+(\d+)", status, re.M)
                rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
                if parent and rss and int(parent.group(1)) == self.process.pid:
                    sizes.append(round(int(rss.group(1)) / 1024, 1))
        return sorted(sizes)

    def stop(self):
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wrk_measure(wrk, url, *, headers, config, script, settle):
    """Warm up, then load ``url``; return rps and latency percentiles in ms."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    base = [
        *(wrk, "-t", "2", "-c", str(config["connections"])),
        *("--timeout", f"{config['timeout']}s", *header_args),
    ]
    subprocess.run(
        [*base, "-d", f"{config['warmup']}s", url], capture_output=True, text=True, check=False
    )
    settle()
    result = subprocess.run(
        [*base, "-d", f"{config['duration']}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise BenchError(f"wrk gave no report for {url}:\n{result.stdout}{result.stderr}")
    report = json.loads(line.removeprefix("BENCH "))
    seconds = report["duration_us"] / 1_000_000
    # With no request finished in time there is no latency to report.
    completed = report["requests"] > 0
    return {
        "rps": round(report["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(report["p50_us"] / 1000, 2) if completed else None,
        "p95_ms": round(report["p95_us"] / 1000, 2) if completed else None,
        "p99_ms": round(report["p99_us"] / 1000, 2) if completed else None,
        "requests": report["requests"],
        "errors": report["socket_errors"] + report["http_errors"],
    }


def live_conditional_headers(url, headers):
    """The validator the running server itself sends, checked to give a 304.

    Validators may depend on the address the feed is served at (its links
    are absolute), which the query-counting pass cannot know; ask the server.
    """
    with urllib.request.urlopen(url, timeout=60) as response:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if etag:
        headers = {"If-None-Match": etag}
    elif modified:
        headers = {"If-Modified-Since": modified}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 304:
        raise BenchError(f"{url} answered {status}, not 304, to {headers}.")
    return headers


def goal_for(page):
    if page == "feed 304":
        return GOAL_CONDITIONAL
    if page == "article":
        return GOAL_ARTICLE
    return GOAL_OTHER


def machine_description():
    cpu = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = match.group(1).strip() if match else ""
    memory_gb = None
    with contextlib.suppress(OSError):
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory_gb = round(int(match.group(1)) / 1024 / 1024, 1) if match else None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def results_table(results):
    lines = [
        f"{'page':<22} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>7} {'warm':>4} {'bytes':>8} {'ratio':>6} {'goal':>5}  note"
    ]
    for row in results["pages"]:
        notes = []
        if row["ratio"] < row["goal"]:
            notes.append("below goal")
        if row["queries"] > MAX_QUERIES:
            notes.append(f"> {MAX_QUERIES} queries")
        if row["status"] not in (200, 304):
            notes.append(f"HTTP {row['status']}")
        if row["errors"]:
            notes.append(f"{row['errors']} errors")
        if row["p50_ms"] is None:
            notes.append("no request finished within the timeout")
        latency = " ".join(
            f"{'-':>8}" if row[key] is None else f"{row[key]:>8.2f}"
            for key in ("p50_ms", "p95_ms", "p99_ms")
        )
        lines.append(
            f"{row['page']:<22} {row['rps']:>8.1f} {latency} {row['queries']:>7} "
            f"{row['queries_warm']:>4} "
            f"{row['bytes']:>8} {row['ratio']:>6.2f} {row['goal']:>5.2f}  {', '.join(notes)}"
        )
    ceiling = results["ceiling"]
    lines.append(
        f"{'ceiling (bare Django)':<22} {results['ceiling_rps']:>8.1f}   "
        f"(start {ceiling['rps_start']}, end {ceiling['rps_end']}, {ceiling['bytes']} bytes)"
    )
    memory = results["memory_mb"]
    lines.append(
        f"worker RSS MB: product {memory['product']}, ceiling {memory['ceiling']} "
        f"(goal < {MAX_WORKER_RSS_MB} MB each)"
    )
    return "\n".join(lines)


def bench_run(environ):
    config = bench_config(environ)
    wrk = wrk_path()
    BUILD.mkdir(exist_ok=True)
    env = server_environ(config, environ)
    manage = [PYTHON, "manage.py"]
    timeout = config["timeout"]
    _run([*manage, "migrate", "--noinput", "-v", "0"], env=env)
    _run(
        [
            *manage,
            "seed_bench",
            "--articles",
            str(config["articles"]),
            "--seed",
            str(config["seed"]),
        ],
        env=env,
        nice=True,
    )
    _run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env)
    pages_file = BUILD / "bench-pages.json"
    _run(
        [*manage, "bench_pages", "--out", str(pages_file)],
        env=server_environ(config, environ, statement_timeout=config["pages_timeout"]),
    )
    discovered = json.loads(pages_file.read_text())
    rows, notes = [], discovered["notes"]
    for row in discovered["pages"]:
        if row["status"] in (200, 304):
            rows.append(row)
        else:
            notes.append(
                f"{row['page']}: not loaded, answered HTTP {row['status']} when counting "
                f"queries (a statement over {config['pages_timeout']} s is stopped)"
            )
    if not rows:
        raise BenchError("No page to measure was found.")
    article = next((row for row in rows if row["page"] == "article"), rows[0])
    script = BUILD / "bench-report.lua"
    script.write_text(WRK_REPORT)

    servers = []
    try:
        product = Server(
            "newsroom.wsgi:application",
            env=server_environ(config, environ, statement_timeout=timeout),
            workers=config["workers"],
            log=BUILD / "bench-gunicorn.log",
        )
        servers.append(product)
        ceiling = Server(
            "bench.ceiling:application",
            env={**env, "BENCH_CEILING_BYTES": str(article["bytes"])},
            workers=config["workers"],
            log=BUILD / "bench-ceiling.log",
        )
        servers.append(ceiling)
        product.wait_ready()
        ceiling.wait_ready()

        def measure(server, path, headers=None):
            result = wrk_measure(
                wrk,
                server.url + path,
                headers=headers or {},
                config=config,
                script=script,
                settle=server.wait_idle,
            )
            server.wait_idle()
            return result

        for row in rows:
            if row["page"] == "feed 304":
                row["headers"] = live_conditional_headers(product.url + row["url"], row["headers"])
        print(f"Measuring the ceiling and {len(rows)} pages, {config['duration']} s each.")
        ceiling_start = measure(ceiling, "/")
        measured = []
        for row in rows:
            print(f"  {row['page']}", flush=True)
            measured.append({**row, **measure(product, row["url"], row["headers"])})
        ceiling_end = measure(ceiling, "/")
        memory = {"product": product.worker_rss_mb(), "ceiling": ceiling.worker_rss_mb()}
    finally:
        for server in servers:
            server.stop()

    # The machine is shared and noisy: the ceiling is measured before and
    # after the pages, and their mean is what every ratio divides by.
    ceiling_rps = round((ceiling_start["rps"] + ceiling_end["rps"]) / 2, 1)
    pages = []
    for row in measured:
        pages.append(
            {
                "page": row["page"],
                "url": row["url"],
                "rps": row["rps"],
                "p50_ms": row["p50_ms"],
                "p95_ms": row["p95_ms"],
                "p99_ms": row["p99_ms"],
                "queries": row["queries"],
                "queries_warm": row["queries_warm"],
                "bytes": row["bytes"],
                "ratio": round(row["rps"] / ceiling_rps, 5) if ceiling_rps else 0.0,
                "goal": goal_for(row["page"]),
                "status": row["status"],
                "errors": row["errors"],
                "requests": row["requests"],
            }
        )
    results = {
        "articles": config["articles"],
        "database": config["database"],
        "ceiling_rps": ceiling_rps,
        "pages": pages,
        "ceiling": {
            "rps_start": ceiling_start["rps"],
            "rps_end": ceiling_end["rps"],
            "p50_ms": ceiling_start["p50_ms"],
            "p99_ms": ceiling_start["p99_ms"],
            "bytes": article["bytes"],
        },
        "memory_mb": memory,
        "settings": {
            "duration_s": config["duration"],
            "warmup_s": config["warmup"],
            "connections": config["connections"],
            "workers": config["workers"],
            "cache": config["cache"],
            "seed": config["seed"],
        },
        "machine": machine_description(),
        "notes": notes,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    config["out"].write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(f"{config['articles']} articles on {config['database']}, cache: {config['cache']}")
    print(results_table(results))
    for note in notes:
        print(f"note: {note}")
    print(f"Results written to {config['out']}")
    return results


def main():
    # SIGTERM (from make or a CI timeout) unwinds like Ctrl-C, so the
    # servers' ``finally`` still runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        bench_run(os.environ)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped.", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
