"""migrator against dbmate and against the psql bound, on the local PostgreSQL.

The psql bound is psql running every migration in its own BEGIN/COMMIT in one session: the least work any
tool can do for the same files, with no bookkeeping at all.
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

from measure import check, measure, median

# Debian's /usr/bin/psql is pg_wrapper, a Perl script that costs about 30 ms per start; measure psql itself.
PSQL = next((p for p in ("/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql") if os.access(p, os.X_OK)), "psql")
FLOOR = "libpq floor"
# Every tool connects the same way: TCP on loopback, SCRAM-SHA-256 (the local stack's pg_hba for every
# connection), no TLS. dbmate's Go driver would otherwise insist on TLS (lib/pq's default sslmode is require)
# and libpq would negotiate it (its default is prefer); before this was one setting, the migrator and the
# psql rows paid a TLS 1.3 handshake that dbmate's did not.
CONNECTION = "sslmode=disable"
# How many times each run with nothing to do is repeated per round (odd: the median is one run).
QUICK_REPEATS = 5


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


def tables_in(url):
    out = subprocess.run([PSQL, "-X", "-At", url, "-c",
                          "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench\\_%'"],
                         check=True, capture_output=True, text=True, timeout=60)
    return int(out.stdout.strip())


def run(admin_url, migrator, dbmate, runs, count):
    work = tempfile.mkdtemp(prefix="bench-migrations-")
    mdir = os.path.join(work, "migrations")
    script = write_migrations(mdir, count)
    dbs = Databases(admin_url)
    env = dict(os.environ)
    results = {k: [] for k in ("apply", "noop", "status")}
    try:
        # One unrecorded warm-up, so the first round does not pay for a freshly started server's caches.
        check(measure([PSQL, "-X", "-q", dbs.fresh(), "-f", script], env=env), "psql bound (warm-up)")
        dbs.drop_all()
        for r in range(runs):
            # Interleaved: each round applies every tool's migrations once, in a rotating order.
            tools = ["migrator", "dbmate", "psql"]
            tools = tools[r % 3:] + tools[:r % 3]
            round_ = {"apply": {}, "noop": {}, "status": {}}
            urls = {}
            for tool in tools:
                url = urls[tool] = dbs.fresh() + "?" + CONNECTION
                if tool == "migrator":
                    round_["apply"][tool] = check(measure([migrator, "up", "--dir", mdir, "--database-url", url], env=env), "migrator up")
                elif tool == "dbmate":
                    base = [dbmate, "--url", url, "--migrations-dir", mdir, "--no-dump-schema"]
                    round_["apply"][tool] = check(measure(base + ["migrate"], env=env), "dbmate migrate")
                else:
                    round_["apply"][tool] = check(measure([PSQL, "-X", "-q", url, "-f", script], env=env), "psql bound")
                made = tables_in(url)
                if made != count:
                    raise SystemExit(f"bench: {tool} left {made} of {count} tables")
            # The runs with nothing to do take tens of milliseconds, less than the load of a shared machine
            # changes within a round: each is repeated, alternating between the tools so that they meet the
            # same load, and the round keeps the run with the median wall time of each.
            base = [dbmate, "--url", urls["dbmate"], "--migrations-dir", mdir, "--no-dump-schema"]
            quick = [
                ("noop", "migrator", [migrator, "up", "--dir", mdir, "--database-url", urls["migrator"]], "migrator up (nothing pending)"),
                ("noop", "dbmate", base + ["migrate"], "dbmate migrate (nothing pending)"),
                # What any libpq client pays before doing anything: start, connect (SCRAM), one query.
                ("noop", FLOOR, [PSQL, "-X", "-q", urls["psql"], "-c", "SELECT 1"], "psql SELECT 1"),
                ("status", "migrator", [migrator, "status", "--dir", mdir, "--database-url", urls["migrator"]], "migrator status"),
                # dbmate status exits 1 when migrations are pending; here none are.
                ("status", "dbmate", base + ["status"], "dbmate status"),
            ]
            samples = {(phase, tool): [] for phase, tool, _, _ in quick}
            for repeat in range(QUICK_REPEATS):
                order = quick[repeat % len(quick):] + quick[:repeat % len(quick)]
                for phase, tool, argv, what in order:
                    samples[(phase, tool)].append(check(measure(argv, env=env), what))
            for (phase, tool), runs_ in samples.items():
                round_[phase][tool] = sorted(runs_, key=lambda s: s.wall)[len(runs_) // 2]
            round_["status"][FLOOR] = round_["noop"][FLOOR]
            for tool in tools:
                shown = [("apply", tool), ("noop", tool), ("status", tool)] + ([("noop", FLOOR)] if tool == "psql" else [])
                print(f"[bench]   round {r + 1}/{runs}, {tool}: " + ", ".join(
                    f"{'floor' if t == FLOOR else phase} {round_[phase][t].wall:.3f} s" for phase, t in shown if t in round_[phase]),
                    file=sys.stderr)
            dbs.drop_all()
            for k in results:
                results[k].append(round_[k])
    finally:
        dbs.drop_all()
        shutil.rmtree(work, ignore_errors=True)
    return results


def summarize(results):
    """Medians per tool and the medians of per-round ratios migrator/peer (wall and CPU)."""
    table = {}
    for phase, rounds in results.items():
        tools = [t for t in TOOLS if any(t in r for r in rounds)]
        row = {}
        for tool in tools:
            samples = [r[tool] for r in rounds if tool in r]
            row[tool] = {
                "wall": median([s.wall for s in samples]),
                "cpu": median([s.cpu for s in samples]),
                "rss": median([s.max_rss_mb for s in samples]),
                "rss_max": max(s.max_rss_mb for s in samples),
                "n": len(samples),
            }
        for peer in ("dbmate", "psql", FLOOR):
            walls = [r["migrator"].wall / r[peer].wall for r in rounds if peer in r and "migrator" in r]
            cpus = [r["migrator"].cpu / r[peer].cpu for r in rounds if peer in r and "migrator" in r and r[peer].cpu > 0]
            if walls:
                row[f"ratio_{peer}"] = median(walls)
                row[f"cpu_ratio_{peer}"] = median(cpus) if cpus else float("nan")
        excess = [r["migrator"].wall - r[FLOOR].wall for r in rounds if FLOOR in r and "migrator" in r]
        if excess:
            row["excess_floor"] = median(excess)
        # For scale: where the peers that keep no history stand against dbmate in the same rounds.
        for peer in ("psql", FLOOR):
            walls = [r[peer].wall / r["dbmate"].wall for r in rounds if peer in r and "dbmate" in r]
            if walls:
                row[f"{peer}_vs_dbmate"] = median(walls)
        table[phase] = row
    return table


TOOLS = ("migrator", "dbmate", "psql", FLOOR)
PHASES = ("apply", "noop", "status")
TARGETS = {
    "apply": [("psql", 1.1), ("dbmate", 0.8)],
    # 0.6×: issue 7's; 1.0× ("at most dbmate's time", every checksum verified): issue 23's, for the static build.
    "noop": [("dbmate", 0.6), ("dbmate", 1.0)],
    "status": [("dbmate", 0.6), ("dbmate", 1.0)],
}
# Seconds a no-op run may take above the libpq floor (start, connect, one query), median of per-round differences.
FLOOR_EXCESS = {"noop": 0.005, "status": 0.005}


def titles(count):
    n = f"{count:,}"
    return {
        "apply": f"{n} migrations on a fresh database",
        "noop": f"`up` with nothing pending ({n} applied)",
        "status": f"`status` with {n} applied",
    }


def markdown(table, args, charts_dir):
    import report
    names = titles(args.migrations)
    lines = ["## migrator against dbmate and the psql bound", "",
             f"One unrecorded warm-up (the psql bound), then {args.runs} interleaved rounds (the order of the tools rotates) of {args.migrations:,} migrations, each "
             "a CREATE TABLE (bigserial primary key, a text and a timestamptz column) and a CREATE INDEX, in dbmate's "
             "one-file layout, which both tools read. Each tool gets a fresh database on the local PostgreSQL 15 "
             "(on loopback, with fsync off), applies everything (`migrator up`, `dbmate migrate`); then, with every tool's database applied, `up` "
             f"with nothing pending and `status` run {QUICK_REPEATS} times each, the tools alternating (and the libpq floor among "
             "them) so that they meet the same load, and the round keeps each one's run with the median wall time. The psql bound is `psql -X -q -f` of one script that runs "
             "every migration in its own BEGIN/COMMIT in one session and keeps no history (psql itself, "
             f"`{PSQL}`, not Debian's Perl wrapper). The *libpq floor* is `psql -X -c 'SELECT 1'`: starting a libpq "
             "client, connecting with SCRAM-SHA-256 and one query, the least any libpq-based tool pays for `up` or "
             "`status`, measured in the same rounds (a target: at most 5 ms above it, median of per-round differences). "
             f"Every tool connects the same way (`{CONNECTION}` in its URL): TCP on loopback and password "
             "authentication with SCRAM-SHA-256 at the server's 4,096 iterations, which dbmate's Go driver computes "
             "too, and no TLS. `migrator up` and `status` read and checksum every file and compare it with the "
             "history; dbmate's `migrate` and `status` only list the file names. Wall and CPU (user + "
             "system of the client process only; the server's work is not counted) are medians; peak RSS is the "
             "client's, median and worst run; a ratio is the median of the per-round ratios migrator/peer (– where the "
             "peer's CPU rounds to zero).", "",
             "| work | tool | wall (s) | CPU (s) | peak RSS (MB) | peak RSS max (MB) | wall ratio migrator/peer "
             "| CPU ratio migrator/peer |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for phase in PHASES:
        row = table[phase]
        for tool in TOOLS:
            if tool not in row:
                continue
            v = row[tool]
            ratio = cpu_ratio = ""
            if tool != "migrator" and f"ratio_{tool}" in row:
                ratio = f"{row[f'ratio_{tool}']:.2f}×"
                cpu = row[f"cpu_ratio_{tool}"]
                cpu_ratio = "–" if math.isnan(cpu) else f"{cpu:.2f}×"
            lines.append(f"| {names[phase]} | {tool} | {v['wall']:.3f} | {v['cpu']:.3f} | {v['rss']:.1f} | "
                         f"{v['rss_max']:.1f} | {ratio} | {cpu_ratio} |")
    targets = []
    for phase, bounds in TARGETS.items():
        for peer, bound in bounds:
            ratio = table[phase].get(f"ratio_{peer}")
            if ratio is None:
                continue
            peer_name = "the psql bound" if peer == "psql" else peer
            targets.append((f"migrator, {names[phase]}: ≤ {bound}× {peer_name} (wall)", f"{ratio:.2f}×", ratio <= bound, None))
    for phase, bound in FLOOR_EXCESS.items():
        excess = table[phase].get("excess_floor")
        if excess is not None:
            targets.append((f"migrator, {names[phase]}: ≤ the libpq floor + {bound * 1000:.0f} ms (wall)",
                            f"floor + {excess * 1000:.1f} ms", excess <= bound, None))
    peak = max(v["rss_max"] for phase in table.values() for t, v in phase.items() if t == "migrator")
    targets.append(("migrator peak memory ≤ 20 MB", f"{peak:.1f} MB (largest of all runs)", peak <= 20, None))
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {name} | {measured} | {report.verdict(ok, literal)} |" for name, measured, ok, literal in targets]
    scale = []
    if "psql_vs_dbmate" in table["apply"]:
        scale.append(f"the psql bound, which keeps no history, took {table['apply']['psql_vs_dbmate']:.2f}× dbmate's wall "
                     f"time for the {names['apply']}")
    for phase in ("noop", "status"):
        if f"{FLOOR}_vs_dbmate" in table[phase]:
            scale.append(f"the libpq floor {table[phase][f'{FLOOR}_vs_dbmate']:.2f}× dbmate's {names[phase]}")
    if scale:
        lines += ["", "For scale, medians of per-round ratios in the same rounds: " + "; ".join(scale) + "."]

    path = os.path.join(charts_dir, "migrator.png")
    labels = [f"{args.migrations:,} migrations", "up, nothing pending", "status"]

    def series(key):
        return {t: [table[p][t][key] if t in table[p] else float("nan") for p in PHASES] for t in TOOLS}

    report.panel_chart(path, f"migrator vs dbmate vs the psql bound, {args.migrations:,} migrations (medians)", labels, [
        ("wall (s)", series("wall")), ("client CPU, user + system (s)", series("cpu")), ("client peak RSS (MB)", series("rss")),
    ], log_scale=[True, True, False])
    lines += ["", f"![migrator vs dbmate vs the psql bound: wall, CPU, memory](benchmarks/{os.path.basename(path)})", ""]
    return "\n".join(lines), targets
