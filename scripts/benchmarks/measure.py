"""Running one command and measuring it: wall time, user+system CPU and peak resident memory."""
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Sample:
    wall: float        # seconds
    cpu: float         # user + system seconds, the command and every child it waited for
    max_rss_mb: float  # the largest resident set among them
    status: int
    stdout: str
    stderr: str
    started: float     # epoch seconds
    ended: float


def measure(argv, env=None, timeout=900, cwd=None, stdin=None):
    """Runs argv under GNU time, which reports the rusage that wait4 gives for it."""
    fd, report = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    wrapped = ["/usr/bin/time", "-q", "-f", "%U %S %M", "-o", report] + [str(a) for a in argv]
    started = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(wrapped, env=env, cwd=cwd, input=stdin, stdin=None if stdin else subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    wall = time.perf_counter() - t0
    with open(report) as f:
        fields = f.read().split()
    os.unlink(report)
    user, system, max_kb = fields[-3:]
    return Sample(wall=wall, cpu=float(user) + float(system), max_rss_mb=int(max_kb) / 1024.0,
                  status=proc.returncode, stdout=proc.stdout.decode(errors="replace"),
                  stderr=proc.stderr.decode(errors="replace"), started=started, ended=started + wall)


def median(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return float("nan")
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def check(sample, what):
    if sample.status != 0:
        raise SystemExit(f"bench: {what} failed with status {sample.status}:\n{sample.stderr[-2000:]}")
    return sample
