"""migrator's peak memory against the size of one migration file (issue 22: at most about twice the file's
size above the program's baseline), with dbmate and psql applying the same file for scale.

Each size gets one data migration in dbmate's layout (a CREATE TABLE and INSERT statements of city rows,
some with non-ASCII text), which every tool reads. The baseline of a command is its peak with a migration of
one small statement, measured in the same run: the program, its libraries and one connection. The figure
that counts is (peak - baseline) / file size, for `up --dry-run`, `up` on a fresh database and `status`.
"""
import os
import re
import shutil
import sys
import tempfile

from measure import check, measure
from migrations import PSQL, Databases

BOUND = 2.0  # peak above the baseline, in file sizes
CHECKED_SIZE = 20  # MB: the size whose bound scripts/bench enforces
COMMANDS = ("up --dry-run", "up", "status")


def write_migration(directory, megabytes):
    """One dbmate-layout file of about `megabytes` MiB; returns its path and size in bytes."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "20261201000000_seed_cities.sql")
    target = megabytes << 20
    with open(path, "w", encoding="utf-8") as f:
        f.write("-- migrate:up\nCREATE TABLE seed_cities (id bigint PRIMARY KEY, name text NOT NULL, country char(2) NOT NULL,"
                " population bigint);\n")
        i = 0
        while f.tell() < target - 200:
            i += 1
            f.write(f"INSERT INTO seed_cities VALUES ({i}, 'City number {i} of the seed data, Zürich-like', 'CH', "
                    f"{i * 37 % 100000});\n")
        f.write("\n-- migrate:down\nDROP TABLE seed_cities;\n")
    return path, os.path.getsize(path)


def write_small(directory):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "20261201000000_seed_cities.sql"), "w") as f:
        f.write("-- migrate:up\nCREATE TABLE seed_cities (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE seed_cities;\n")


def migrator_peaks(migrator, directory, dbs, env):
    """Peak RSS (MB) of each command on `directory`: dry run and up on a fresh database, then status."""
    url = dbs.fresh()
    peaks = {}
    for command in COMMANDS:
        argv = [migrator] + command.split() + ["--dir", directory, "--database-url", url]
        peaks[command] = check(measure(argv, env=env, timeout=1800), f"migrator {command}").max_rss_mb
    return peaks


def run(admin_url, migrator, dbmate, sizes):
    work = tempfile.mkdtemp(prefix="bench-memory-")
    dbs = Databases(admin_url)
    env = dict(os.environ)
    results = {"sizes": {}, "baseline": {}}
    try:
        small = os.path.join(work, "small")
        write_small(small)
        results["baseline"] = migrator_peaks(migrator, small, dbs, env)
        dbs.drop_all()
        for mb in sizes:
            directory = os.path.join(work, f"m{mb}")
            path, size = write_migration(directory, mb)
            row = {"bytes": size, "migrator": migrator_peaks(migrator, directory, dbs, env)}
            dbs.drop_all()
            url = dbs.fresh()
            row["dbmate"] = check(measure([dbmate, "--url", url + "?sslmode=disable", "--migrations-dir", directory,
                                           "--no-dump-schema", "migrate"], env=env, timeout=1800), "dbmate migrate").max_rss_mb
            dbs.drop_all()
            # psql runs the up section alone, as a script: it reads and sends one statement at a time.
            url = dbs.fresh()
            up = os.path.join(work, "up.sql")
            with open(path, encoding="utf-8") as src, open(up, "w", encoding="utf-8") as dst:
                for line in src:
                    if line.startswith("-- migrate:down"):
                        break
                    dst.write(line)
            row["psql"] = check(measure([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-1", "-f", up], env=env,
                                        timeout=1800), "psql -f").max_rss_mb
            dbs.drop_all()
            os.unlink(up)
            shutil.rmtree(directory, ignore_errors=True)
            results["sizes"][mb] = row
            print(f"[bench]   memory, {mb} MB: " + ", ".join(f"{c} {row['migrator'][c]:.1f} MB" for c in COMMANDS)
                  + f"; dbmate {row['dbmate']:.1f} MB, psql {row['psql']:.1f} MB", file=sys.stderr)
    finally:
        dbs.drop_all()
        shutil.rmtree(work, ignore_errors=True)
    return results


def ratio(results, mb, command):
    row = results["sizes"][mb]
    return (row["migrator"][command] - results["baseline"][command]) / (row["bytes"] / 2 ** 20)


def exceeded(results):
    """The commands whose peak for the checked size is above the bound (what makes scripts/bench fail)."""
    if CHECKED_SIZE not in results["sizes"]:
        return []
    return [c for c in COMMANDS if ratio(results, CHECKED_SIZE, c) > BOUND]


def markdown(results):
    sizes = sorted(results["sizes"])
    lines = ["## migrator memory against the size of a migration file", "",
             "One data migration in dbmate's layout (a CREATE TABLE and INSERT statements of city rows, some text "
             "non-ASCII) per size, each command run once as shipped (release build) against the local PostgreSQL: "
             "`up --dry-run` and `up` on a fresh database, then `status`. Peak RSS comes from GNU time (`%M`). The "
             "*baseline* is the same command with a migration of one small statement, measured in the same run: the "
             "program, its libraries and one connection. *Above baseline* is (peak − baseline) / file size. For scale, "
             "dbmate (`migrate`) and psql (`-1 -f` of the up section) apply the same file.", "",
             "| file | command | peak RSS (MB) | baseline (MB) | above baseline, in file sizes | dbmate migrate (MB) | psql -f (MB) |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for mb in sizes:
        row = results["sizes"][mb]
        for command in COMMANDS:
            scale = (f"{row['dbmate']:.1f} | {row['psql']:.1f}") if command == "up" else " | "
            lines.append(f"| {row['bytes'] / 2 ** 20:.0f} MB | `{command}` | {row['migrator'][command]:.1f} | "
                         f"{results['baseline'][command]:.1f} | {ratio(results, mb, command):.2f}× | {scale} |")
    targets = []
    for mb in sizes:
        worst = max(COMMANDS, key=lambda c: ratio(results, mb, c))
        value = ratio(results, mb, worst)
        targets.append((f"migrator peak memory for one {mb} MB migration ≤ {BOUND:.0f}× its size above the baseline"
                        + (" (enforced: scripts/bench fails above it)" if mb == CHECKED_SIZE else ""),
                        f"{value:.2f}× (`{worst}`, the largest of the three commands)", value <= BOUND, None))
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    import report
    lines += [f"| {name} | {measured} | {report.verdict(ok, literal)} |" for name, measured, ok, literal in targets]
    lines.append("")
    return "\n".join(lines), targets


def splice(path, section):
    """Replaces the memory section of an existing BENCHMARKS.md (or adds it before the footprint or the profiles note)."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n\n"
    pattern = re.compile(r"^## migrator memory against .*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        for anchor in ("## Footprint: ", "## Why targets are missed"):
            if anchor in text:
                text = text.replace(anchor, section + "\n" + anchor, 1)
                break
        else:
            text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
