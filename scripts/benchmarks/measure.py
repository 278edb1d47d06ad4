"""Running one command and measuring it: wall time, user+system CPU and peak resident memory."""
import os
import signal
import subprocess
import tempfile
import threading
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


def measure(argv, env=None, timeout=900, cwd=None):
    """Runs argv under GNU time and reports wall time, CPU and peak RSS.

    CPU comes from the rusage that wait4 gives for GNU time and the command it waited for (microsecond
    resolution; GNU time's own share is well under a millisecond). Peak RSS comes from GNU time's %M, the
    command's own: Linux carries the resident high-water mark of a process across exec, so the rusage of a
    process forked from this large Python process would report this process's size instead. Output goes to
    temporary files, not pipes, so nothing here competes with the command while it runs. A command still
    running after `timeout` seconds is killed with its process group."""
    fd, rss_report = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    wrapped = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_report] + [str(a) for a in argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    with open(rss_report) as f:
        fields = f.read().split()
    os.unlink(rss_report)
    if timed_out.is_set():
        raise SystemExit(f"bench: {argv[0]} did not finish within {timeout} s")
    if not fields:
        raise SystemExit(f"bench: GNU time reported nothing for {argv[0]}: {stderr[-500:]}")
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, max_rss_mb=int(fields[-1]) / 1024.0,
                  status=proc.returncode, stdout=stdout, stderr=stderr, started=started, ended=started + wall)


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
