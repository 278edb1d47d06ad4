"""Runs the benchmarks side by side and writes BENCHMARKS.md. Started by scripts/bench."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import launcher  # noqa: E402
import migrations  # noqa: E402
import report  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--migrations", type=int, default=1000)
    parser.add_argument("--task-seconds", type=float, default=3.0)
    parser.add_argument("--delays", default="0,15")
    parser.add_argument("--only", choices=["launcher", "migrator"])
    parser.add_argument("--output", required=True)
    parser.add_argument("--command", required=True, help="the command line that reproduces this run")
    args = parser.parse_args()

    root = args.root
    env = os.environ
    out_dir = os.path.dirname(os.path.abspath(args.output))
    charts = os.path.join(out_dir, "benchmarks")
    os.makedirs(charts, exist_ok=True)
    sections = []

    if args.only in (None, "migrator"):
        print(f"[bench] migrator: {args.runs} rounds of {args.migrations} migrations", file=sys.stderr)
        results = migrations.run(env["DATABASE_URL"], os.path.join(root, ".build/release/migrator"),
                                 os.path.join(root, ".venv/bin/dbmate"), args.runs, args.migrations)
        sections.append(migrations.markdown(migrations.summarize(results), args, charts))

    if args.only in (None, "launcher"):
        delays = [int(d) for d in args.delays.split(",") if d != ""]
        print(f"[bench] launcher: {args.runs} rounds, task of {args.task_seconds} s, delays {delays}", file=sys.stderr)
        sections.append(launcher.run_all(root, args.runs, args.task_seconds, delays, charts))

    m = report.machine()
    with open(args.output, "w") as f:
        f.write("# Benchmarks\n\n")
        f.write("Measured side by side in one run on one machine; the machine is noisy, so read the medians and the "
                "ratios against the peer measured in the same rounds, not the absolute times.\n\n")
        f.write(f"- Date: {m['date']}\n- Machine: {m['cpus']} CPUs, {m['memory']} memory, Linux {m['kernel']}\n"
                f"- {m['swift']}; {m['postgres']}\n- Reproduce: `{args.command}`\n\n")
        for s in sections:
            f.write(s + "\n")
    print(f"[bench] wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
