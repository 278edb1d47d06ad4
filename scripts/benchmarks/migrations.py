"""migrator against dbmate and against the psql bound, on the local PostgreSQL.

The psql bound is psql running every migration in its own BEGIN/COMMIT in one session: the least work any
tool can do for the same files, with no bookkeeping at all.
"""
import os
import subprocess
import tempfile
import uuid

from measure import check, measure, median

PSQL = "/usr/bin/psql"


def write_migrations(directory, count):
    """count migrations in dbmate's layout, which both tools read: a table and an index each."""
    os.makedirs(directory, exist_ok=True)
    bodies = []
    for i in range(1, count + 1):
        up = (f"CREATE TABLE bench_{i} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\n"
              f"CREATE INDEX bench_{i}_name ON bench_{i} (name);\n")
        with open(os.path.join(directory, f"{i:06d}_bench_{i}.sql"), "w") as f:
            f.write(f"-- migrate:up\n{up}\n-- migrate:down\nDROP TABLE bench_{i};\n")
        bodies.append(up)
    script = os.path.join(directory, "..", "psql-bound.sql")
    with open(script, "w") as f:
        f.write("\\set ON_ERROR_STOP on\n")
        for up in bodies:
            f.write("BEGIN;\n" + up + "COMMIT;\n")
    return os.path.abspath(script)


class Databases:
    """Fresh databases on the local server, dropped at the end."""

    def __init__(self, admin_url):
        self.admin_url = admin_url
        self.names = []

    def fresh(self):
        name = "bench_" + uuid.uuid4().hex[:10]
        subprocess.run([PSQL, self.admin_url, "-qc", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
        self.names.append(name)
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def drop_all(self):
        for name in self.names:
            subprocess.run([PSQL, self.admin_url, "-qc", f"DROP DATABASE IF EXISTS {name}"], stdout=subprocess.DEVNULL)
        self.names = []


def run(admin_url, migrator, dbmate, runs, count):
    work = tempfile.mkdtemp(prefix="bench-migrations-")
    mdir = os.path.join(work, "migrations")
    script = write_migrations(mdir, count)
    dbs = Databases(admin_url)
    env = dict(os.environ)
    results = {k: [] for k in ("apply", "noop", "status")}
    try:
        for r in range(runs):
            # Interleaved: each round measures every tool once, in a rotating order.
            tools = ["migrator", "dbmate", "psql"]
            tools = tools[r % 3:] + tools[:r % 3]
            round_ = {"apply": {}, "noop": {}, "status": {}}
            for tool in tools:
                url = dbs.fresh()
                if tool == "migrator":
                    argv = [migrator, "up", "--dir", mdir, "--database-url", url]
                    round_["apply"][tool] = check(measure(argv, env=env), "migrator up")
                    round_["noop"][tool] = check(measure(argv, env=env), "migrator up (nothing pending)")
                    round_["status"][tool] = check(measure([migrator, "status", "--dir", mdir, "--database-url", url], env=env), "migrator status")
                elif tool == "dbmate":
                    base = [dbmate, "--url", url + "?sslmode=disable", "--migrations-dir", mdir, "--no-dump-schema"]
                    round_["apply"][tool] = check(measure(base + ["migrate"], env=env), "dbmate migrate")
                    round_["noop"][tool] = check(measure(base + ["migrate"], env=env), "dbmate migrate (nothing pending)")
                    # dbmate status exits 1 when migrations are pending; here none are.
                    round_["status"][tool] = check(measure(base + ["status"], env=env), "dbmate status")
                else:
                    round_["apply"][tool] = check(measure([PSQL, "-X", "-q", url, "-f", script], env=env), "psql bound")
                dbs.drop_all()
            for k in results:
                results[k].append(round_[k])
    finally:
        dbs.drop_all()
    return results


def summarize(results):
    """Medians per tool and the medians of per-round ratios against each peer."""
    table = {}
    for phase, rounds in results.items():
        tools = sorted({t for r in rounds for t in r})
        row = {}
        for tool in tools:
            samples = [r[tool] for r in rounds if tool in r]
            row[tool] = {
                "wall": median([s.wall for s in samples]),
                "cpu": median([s.cpu for s in samples]),
                "rss": max(s.max_rss_mb for s in samples),
                "n": len(samples),
            }
        for peer in ("dbmate", "psql"):
            pairs = [r["migrator"].wall / r[peer].wall for r in rounds if peer in r and "migrator" in r]
            if pairs:
                row[f"ratio_{peer}"] = median(pairs)
        table[phase] = row
    return table


TARGETS = {
    "apply": [("psql", 1.1), ("dbmate", 0.8)],
    "noop": [("dbmate", 0.5)],
    "status": [("dbmate", 0.5)],
}
TITLES = {
    "apply": "1,000 migrations on a fresh database",
    "noop": "`up` with nothing pending (1,000 applied)",
    "status": "`status` with 1,000 applied",
}


def markdown(table, args, charts_dir):
    import report
    lines = ["## migrator against dbmate and the psql bound", "",
             f"{args.runs} interleaved rounds of {args.migrations} migrations (each a CREATE TABLE and a CREATE INDEX), "
             "each tool on a fresh database of the local PostgreSQL 15. The psql bound runs every migration in its own "
             "BEGIN/COMMIT in one session and keeps no history. Times are medians; a ratio is the median of the "
             "per-round ratios migrator/peer; memory is the largest peak RSS seen.", ""]
    lines += ["| work | tool | wall (s) | CPU (s) | peak RSS (MB) |", "|---|---|---:|---:|---:|"]
    for phase in ("apply", "noop", "status"):
        for tool, v in sorted(table[phase].items()):
            if tool.startswith("ratio_"):
                continue
            lines.append(f"| {TITLES[phase]} | {tool} | {v['wall']:.3f} | {v['cpu']:.3f} | {v['rss']:.1f} |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    for phase, targets in TARGETS.items():
        for peer, bound in targets:
            ratio = table[phase].get(f"ratio_{peer}")
            if ratio is None:
                continue
            lines.append(f"| {TITLES[phase]}: ≤ {bound}× {peer} | {ratio:.2f}× | {report.met(ratio <= bound)} |")
    peak = max(v["rss"] for phase in table.values() for t, v in phase.items() if t == "migrator")
    lines.append(f"| migrator peak memory ≤ 20 MB | {peak:.1f} MB | {report.met(peak <= 20)} |")
    chart = os.path.join(charts_dir, "migrator.png")
    phases = ["apply", "noop", "status"]
    tools = ["migrator", "dbmate", "psql"]
    report.bar_chart(chart, "migrator vs dbmate vs psql bound (median wall, s)",
                     ["1,000 migrations", "up, nothing pending", "status"],
                     {t: [table[p][t]["wall"] if t in table[p] else 0 for p in phases] for t in tools},
                     "seconds")
    lines += ["", f"![migrator chart](benchmarks/{os.path.basename(chart)})", ""]
    return "\n".join(lines)
