"""Runs the benchmarks side by side and writes BENCHMARKS.md. Started by scripts/bench."""
import argparse
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))

import footprint  # noqa: E402
import launcher  # noqa: E402
import memory  # noqa: E402
import migrations  # noqa: E402
import report  # noqa: E402


def own_pids():
    """This process, and the local stack's emulator and PostgreSQL postmaster (for the contention figure)."""
    pids = [os.getpid()]
    state = os.environ.get("LOCAL_STACK_DIR", "")
    try:
        with open(os.path.join(state, "aws.pid")) as f:
            pids.append(int(f.read().split()[0]))
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(os.path.join(state, "pg.dir")) as f:
            data = os.path.join(f.read().strip(), "data", "postmaster.pid")
        with open(data) as f:
            pids.append(int(f.readline().strip()))
    except (OSError, ValueError):
        pass
    return pids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--bin-dir", help="where ecs-run and migrator are (default: ROOT/.build/release)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--migrations", type=int, default=1000)
    parser.add_argument("--task-seconds", type=float, default=3.0)
    parser.add_argument("--delays", default="0,15")
    parser.add_argument("--memory-sizes", default="1,20,100", help="MB of the migration files of the memory check")
    parser.add_argument("--only", choices=["launcher", "migrator", "memory", "footprint"])
    parser.add_argument("--before-bin-dir", help="the former release build (shared libraries), for the footprint")
    parser.add_argument("--output", required=True)
    parser.add_argument("--command", required=True, help="the command line that reproduces this run")
    args = parser.parse_args()

    root = args.root
    bin_dir = args.bin_dir or os.path.join(root, ".build/release")
    env = os.environ
    out_dir = os.path.dirname(os.path.abspath(args.output))
    charts = os.path.join(out_dir, "benchmarks")
    os.makedirs(charts, exist_ok=True)
    sections, targets, raw = [], [], {}

    m = report.machine(root, bin_dir)  # before the runs: the commit and versions the binaries were built from
    contention = report.Contention(own_pids())
    done = threading.Event()

    def sample_load():
        while not done.wait(5):
            contention.sample()

    threading.Thread(target=sample_load, daemon=True).start()
    began = time.monotonic()

    if args.only in (None, "migrator"):
        print(f"[bench] migrator: {args.runs} rounds of {args.migrations} migrations", file=sys.stderr)
        results = migrations.run(env["DATABASE_URL"], os.path.join(bin_dir, "migrator"),
                                 os.path.join(root, ".venv/bin/dbmate"), args.runs, args.migrations)
        table = migrations.summarize(results)
        text, found = migrations.markdown(table, args, charts)
        sections.append(text)
        targets += found
        raw["migrator"] = {phase: [{tool: {"wall": s.wall, "cpu": s.cpu, "rss_mb": s.max_rss_mb}
                                    for tool, s in round_.items()} for round_ in rounds]
                           for phase, rounds in results.items()}

    memory_failed = []
    if args.only in (None, "memory"):
        sizes = [int(s) for s in args.memory_sizes.split(",") if s]
        print(f"[bench] migrator memory: files of {sizes} MB", file=sys.stderr)
        found = memory.run(env["DATABASE_URL"], os.path.join(bin_dir, "migrator"), os.path.join(root, ".venv/bin/dbmate"), sizes)
        text, memory_targets = memory.markdown(found)
        sections.append(text)
        targets += memory_targets
        raw["memory"] = found
        memory_failed = memory.exceeded(found)
        if args.only == "memory":
            # Only this section changes: it is spliced into the BENCHMARKS.md that is there.
            memory.splice(args.output, text)
            with open(os.path.join(charts, "memory.json"), "w") as f:
                json.dump(found, f, indent=1)
            print(f"[bench] updated the memory section of {args.output}", file=sys.stderr)
            if memory_failed:
                raise SystemExit(f"bench: migrator's peak memory for the {memory.CHECKED_SIZE} MB migration is above "
                                 f"{memory.BOUND:.0f}× its size over the baseline for: {', '.join(memory_failed)}")
            return

    if args.only == "footprint":
        # Only this section changes: it is spliced into the BENCHMARKS.md that is there.
        text, raw["footprint"] = footprint.run(root, args.before_bin_dir, bin_dir)
        footprint.splice(args.output, text)
        with open(os.path.join(charts, "footprint.json"), "w") as f:
            json.dump(raw["footprint"], f, indent=1)
        print(f"[bench] updated the footprint section of {args.output}", file=sys.stderr)
        return

    if args.only in (None, "launcher"):
        delays = [int(d) for d in args.delays.split(",") if d != ""]
        print(f"[bench] launcher: {args.runs} rounds, task of {args.task_seconds} s, delays {delays}", file=sys.stderr)
        _summary, rows, text, found = launcher.run_all(bin_dir, args.runs, args.task_seconds, delays, charts)
        sections.append(text)
        targets += found
        raw["launcher"] = {str(d): r for d, r in rows.items()}

    if args.only is None and args.before_bin_dir:
        text, raw["footprint"] = footprint.run(root, args.before_bin_dir, bin_dir)
        sections.append(text)

    done.set()
    busy = contention.finish()
    elapsed = time.monotonic() - began
    with open(os.path.join(charts, "raw.json"), "w") as f:
        json.dump({"args": vars(args), "machine": m, "contention": busy, "samples": raw}, f, indent=1, default=str)

    # A run of one part keeps the others' sections and target rows from the file that is there.
    kept_sections, kept_rows = kept_from(args.output, sections, targets) if args.only else ([], [])
    met = sum(1 for _, _, ok, _ in targets if ok) + sum(1 for _, _, verdict in kept_rows if verdict.startswith("met"))
    total = len(targets) + len(kept_rows)
    with open(args.output, "w") as f:
        f.write("# Benchmarks\n\n")
        f.write(f"Written by `scripts/bench` (issue #7). {met} of {total} targets met (the launcher's overhead read as wall minus the task's time in ECS; see its section).\n\n")
        f.write(f"- Date: {m['date']}; the measurements took {elapsed / 60:.1f} min.\n")
        if kept_sections:
            titles = ", ".join(section.split("\n", 1)[0].removeprefix("## ") for section in kept_sections)
            f.write(f"- This run measured only `--only {args.only}`; these sections, and their rows in the targets, are "
                    f"kept as an earlier run wrote them (see `git log BENCHMARKS.md` for when): {titles}.\n")
        f.write(f"- Reproduce: `{args.command}` (from the repository root, as root or with PostgreSQL 15 installed; "
                "it runs `scripts/setup`, builds both release binaries and starts its own local stack in "
                "`.local-stack-bench`).\n")
        f.write(f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory']} memory, {m['distro']}, "
                f"Linux {m['kernel']}.\n")
        f.write(f"- Versions: {m['swift']}; {m['ecs-run'] and 'ecs-run ' + m['ecs-run']}, "
                f"{m['migrator'] and 'migrator ' + m['migrator']} (release builds of {m['source']}); "
                f"{m['aws']}; {m['dbmate']}; {m['moto']}; {m['postgres']}; {m['psql']}.\n")
        f.write(f"- Load: other processes on the machine used {busy['other_cpu']:.0f} CPU-seconds while this ran "
                f"({100 * busy['other_share']:.0f}% of {m['nproc']} CPUs over {busy['seconds']:.0f} s; "
                f"1-minute load average {busy['load_min']:.2f} to {busy['load_max']:.2f}"
                + (f"; {busy['steal']:.0f} s stolen by the hypervisor" if busy["steal"] >= 1 else "") + ").\n\n")
        concurrent = busy["other_share"] >= 0.05
        f.write("**Read with care.** This is a small, shared, noisy virtual machine"
                + (", and other work (builds and tests of this repository) was running on it concurrently"
                   if concurrent else "")
                + ". Absolute times move from run to run; the medians and the ratios against the peer measured in "
                "the same interleaved rounds are the figures to trust. Everything runs on loopback: the local ECS "
                "(moto plus local processes) and PostgreSQL with fsync off, so network latency, which dominates on "
                "real AWS and RDS, is absent here. Per-run samples are in `benchmarks/raw.json`.\n\n")
        f.write("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n")
        for name, measured, ok, literal in targets:
            f.write(f"| {name} | {measured} | {report.verdict(ok, literal)} |\n")
        for name, measured, verdict in kept_rows:
            f.write(f"| {name} | {measured} | {verdict} |\n")
        f.write("\n")
        for s in sections + kept_sections:
            f.write(s.rstrip("\n") + "\n\n")
        profiles = os.path.join(charts, "profiles.md")
        if os.path.exists(profiles):
            f.write("## Why targets are missed\n\nProfiles (callgrind, smaps, request timelines) and measured fixes for the "
                    "missed targets: [benchmarks/profiles.md](benchmarks/profiles.md). They were written by hand for the "
                    "commit they name and are not regenerated by `scripts/bench`.\n")
    print(f"[bench] wrote {args.output} ({met} of {len(targets)} targets met)", file=sys.stderr)
    if memory_failed:
        raise SystemExit(f"bench: migrator's peak memory for the {memory.CHECKED_SIZE} MB migration is above "
                         f"{memory.BOUND:.0f}× its size over the baseline for: {', '.join(memory_failed)}")


def kept_from(path, sections, targets):
    """The sections of the BENCHMARKS.md at `path` that this run did not write (by their `## ` title), and
    the rows of its targets table that this run did not measure (by name): (sections, [(name, measured,
    verdict)]). Nothing when there is no such file."""
    if not os.path.exists(path):
        return [], []
    text = open(path, encoding="utf-8").read()
    written = {section.split("\n", 1)[0] for section in sections}
    skip = written | {"## Targets", "## Why targets are missed"}
    kept = [m.group(0).rstrip("\n") for m in re.finditer(r"^## .*?(?=^## |\Z)", text, re.S | re.M)
            if m.group(0).split("\n", 1)[0] not in skip]
    measured = {name for name, _, _, _ in targets}
    table = re.search(r"^## Targets\n\n\| target \| measured \| verdict \|\n\|---\|---\|---\|\n((?:\|.*\|\n)*)", text, re.M)
    rows = []
    for line in (table.group(1).splitlines() if table else []):
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0] not in measured:
            rows.append((cells[0], cells[1], cells[2]))
    # Rows of a kept section only: a target this run's part measures under another wording is not kept.
    kept_text = "\n".join(kept)
    rows = [row for row in rows if row[0] in kept_text]
    return kept, rows


if __name__ == "__main__":
    main()
