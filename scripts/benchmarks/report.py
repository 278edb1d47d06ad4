"""BENCHMARKS.md and its charts, the machine's description, and how busy the machine was besides us."""
import math
import os
import platform
import subprocess
from datetime import datetime, timezone

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"aws": "#9e9e9e", "ecs-run": "#1f77b4", "migrator": "#1f77b4", "dbmate": "#ff7f0e", "psql": "#9e9e9e",
           "libpq floor": "#d9d9d9"}


def _out(*argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (result.stdout or result.stderr).strip()
    except Exception:
        return ""


def machine(root, bin_dir):
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    swift = next((line for line in _out("swift", "--version").splitlines() if "Swift version" in line), "unknown")
    py = os.path.join(root, ".venv/bin/python")
    commit = _out("git", "-C", root, "rev-parse", "--short", "HEAD")
    dirty = _out("git", "-C", root, "status", "--porcelain", "--", "Sources", "Package.swift")
    return {
        "nproc": _out("nproc") or str(os.cpu_count()),
        "cpu_model": model or "unknown",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "distro": _os_release(),
        "swift": swift,
        "postgres": _out("/usr/lib/postgresql/15/bin/postgres", "--version"),
        "psql": _out("psql", "--version"),
        "aws": _out(os.path.join(root, ".venv/bin/aws"), "--version").splitlines()[0] if _out(
            os.path.join(root, ".venv/bin/aws"), "--version") else "unknown",
        "dbmate": _out(os.path.join(root, ".venv/bin/dbmate"), "--version"),
        "moto": _out(py, "-c", "import moto; print('moto', moto.__version__)"),
        "ecs-run": _out(os.path.join(bin_dir, "ecs-run"), "--version"),
        "migrator": _out(os.path.join(bin_dir, "migrator"), "--version"),
        "source": os.environ.get("BENCH_SOURCE")
        or "commit " + commit + (" with uncommitted changes under Sources/" if dirty else ""),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _os_release():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "unknown"


class Contention:
    """How much CPU the rest of the machine used while we measured.

    The machine's busy time from /proc/stat, minus the CPU of our own process trees: this process (its
    children, the measured commands, are in its cutime once waited for), the local stack's emulator (the task
    processes are its children) and its PostgreSQL postmaster (the backends are its children)."""

    def __init__(self, own_pids):
        self.own_pids = [p for p in own_pids if p]
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.start_busy, self.start_steal = _machine_busy()
        self.start_own = self._own()
        self.start_time = _uptime()
        self.loads = [os.getloadavg()[0]]

    def sample(self):
        self.loads.append(os.getloadavg()[0])

    def _own(self):
        return sum(_tree_ticks(p) for p in self.own_pids)

    def finish(self):
        busy, steal = _machine_busy()
        own = self._own()
        seconds = _uptime() - self.start_time
        self.sample()
        other = max(0.0, (busy - self.start_busy) - (own - self.start_own)) / self.ticks
        return {
            "seconds": seconds,
            "other_cpu": other,
            "other_share": other / (seconds * (os.cpu_count() or 1)) if seconds > 0 else float("nan"),
            "own_cpu": (own - self.start_own) / self.ticks,
            "steal": (steal - self.start_steal) / self.ticks,
            "load_min": min(self.loads),
            "load_max": max(self.loads),
        }


def _uptime():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


def _machine_busy():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq, steal


def _stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); ppid is field 4, utime..cstime are fields 14..17
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def _tree_ticks(root):
    """utime + stime + cutime + cstime of root and of every live descendant."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = _stat(int(name))
            if s:
                stats[int(name)] = s
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


def _bars(ax, labels, series, log_scale=False):
    n = len(series)
    width = 0.8 / max(n, 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + (i - (n - 1) / 2) * width for x in range(len(labels))]
        shown = [0 if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in values]
        bars = ax.bar(xs, shown, width, label=name, color=COLOURS.get(name))
        ax.bar_label(bars, labels=[_fmt(v) if s else "" for v, s in zip(values, shown)], fontsize=7)
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    if log_scale:
        ax.set_yscale("log")
    ax.margins(y=0.15)


def _fmt(v):
    if v >= 100:
        return f"{v:.0f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def panel_chart(path, title, labels, panels, log_scale=None):
    """panels: [(subtitle, {series name: [value per label]})], one small bar chart each."""
    log_scale = log_scale or [False] * len(panels)
    cols = 2 if len(panels) > 3 else len(panels)
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), dpi=100, squeeze=False)
    for ax, (subtitle, series), log in zip(axes.flat, panels, log_scale):
        _bars(ax, labels, series, log)
        ax.set_title(subtitle + (" (log scale)" if log else ""), fontsize=10)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def met(ok):
    return "met" if ok else "**not met**"


def verdict(ok, literal=None):
    """literal: the verdict under the literal reading of a target, when it differs in definition."""
    if literal is None or literal == ok:
        return met(ok)
    return f"{met(ok)} (wall − task); {met(literal)} under the literal reading"
