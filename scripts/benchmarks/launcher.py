"""ecs-run against what people script today with the AWS CLI, on the local ECS.

(a) `aws ecs run-task`, then `aws ecs wait tasks-stopped`, then `aws ecs describe-tasks` for the exit code;
(b) `ecs-run run`.
The task's process runs for exactly --task-seconds; the local ECS is restarted for each deprovisioning delay.
"""
import collections
import json
import os
import subprocess
import sys

import boto3

from measure import check, measure, median

FAMILY = "bench-sleeper"
IMAGE = "bench/sleeper"


def stack(root, delay):
    """(Re)starts the local stack with this deprovisioning delay; returns its environment."""
    state = os.environ["LOCAL_STACK_DIR"]
    env = dict(os.environ)
    env["LOCAL_ECS_DEPROVISION_SECONDS"] = str(delay)
    env["LOCAL_ECS_IMAGES"] = json.dumps({IMAGE: "/bin/sh"})
    subprocess.run([os.path.join(root, "scripts/local-stack"), "stop"], env=env, check=True, stderr=subprocess.DEVNULL)
    subprocess.run([os.path.join(root, "scripts/local-stack"), "start"], env=env, check=True)
    with open(os.path.join(state, "env")) as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                k, v = line[len("export "):].strip().split("=", 1)
                env[k] = v.strip("'")
    return env


def register(env, seconds):
    ecs = boto3.client("ecs", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"],
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    ecs.register_task_definition(
        family=FAMILY, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "sleeper", "image": IMAGE, "essential": True,
                               "command": ["-c", f"sleep {seconds}"]}])
    return ecs


def request_counts(log_path, start, end):
    counts = collections.Counter()
    if not os.path.exists(log_path):
        return counts
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and start <= float(parts[0]) <= end:
                counts[parts[1]] += 1
    return counts


def container_exit_time(ecs, cluster, arn):
    """When the task's process ended, as the local ECS recorded it (executionStoppedAt)."""
    task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
    stopped = task.get("executionStoppedAt")
    return stopped.timestamp() if stopped else None


def aws_script(env):
    net = (f"awsvpcConfiguration={{subnets=[{env['ECS_RUN_SUBNETS']}],"
           f"securityGroups=[{env['ECS_RUN_SECURITY_GROUPS']}],assignPublicIp=DISABLED}}")
    c = env["ECS_RUN_CLUSTER"]
    return ["bash", "-c", f"""set -e
arn=$(aws ecs run-task --cluster {c} --task-definition {FAMILY} --launch-type FARGATE \
  --network-configuration '{net}' --query 'tasks[0].taskArn' --output text)
aws ecs wait tasks-stopped --cluster {c} --tasks "$arn"
code=$(aws ecs describe-tasks --cluster {c} --tasks "$arn" --query 'tasks[0].containers[0].exitCode' --output text)
echo "$arn"
exit "$code"
"""]


def ecs_run(root, env):
    return [os.path.join(root, ".build/release/ecs-run"), "run", "--task-definition", FAMILY,
            "--launch-type", "FARGATE", "--output", "json", "--quiet"]


def task_arn(tool, sample):
    if tool == "aws":
        return sample.stdout.strip().splitlines()[-1]
    return json.loads(sample.stdout)["taskArn"]


def run_delay(root, runs, seconds, delay):
    env = stack(root, delay)
    ecs = register(env, seconds)
    log = os.path.join(os.environ["LOCAL_STACK_DIR"], "aws-requests.log")
    rows = {"aws": [], "ecs-run": []}
    for r in range(runs):
        order = ["aws", "ecs-run"] if r % 2 == 0 else ["ecs-run", "aws"]
        for tool in order:
            argv = aws_script(env) if tool == "aws" else ecs_run(root, env)
            s = check(measure(argv, env=env, timeout=300), f"{tool} (delay {delay} s)")
            arn = task_arn(tool, s)
            exited = container_exit_time(ecs, env["ECS_RUN_CLUSTER"], arn)
            rows[tool].append({
                "wall": s.wall, "overhead": s.wall - seconds, "cpu": s.cpu, "rss": s.max_rss_mb,
                "exit_delay": (s.ended - exited) if exited else float("nan"),
                "calls": request_counts(log, s.started, s.ended),
            })
    return rows


def summarize(rows):
    out = {}
    for tool, samples in rows.items():
        calls = collections.Counter()
        for s in samples:
            calls.update(s["calls"])
        out[tool] = {k: median([s[k] for s in samples]) for k in ("wall", "overhead", "cpu", "rss", "exit_delay")}
        out[tool]["rss"] = max(s["rss"] for s in samples)
        out[tool]["calls"] = {op: n / len(samples) for op, n in sorted(calls.items())}
        out[tool]["n"] = len(samples)
    pairs = list(zip(rows["ecs-run"], rows["aws"]))
    out["ratio_overhead"] = median([e["overhead"] / a["overhead"] for e, a in pairs if a["overhead"] > 0])
    out["ratio_cpu"] = median([e["cpu"] / a["cpu"] for e, a in pairs if a["cpu"] > 0])
    out["ratio_wall"] = median([e["wall"] / a["wall"] for e, a in pairs])
    return out


def run_all(root, runs, seconds, delays, charts_dir):
    import report
    results = {}
    for delay in delays:
        print(f"[bench] launcher, deprovisioning delay {delay} s", file=sys.stderr)
        results[delay] = summarize(run_delay(root, runs, seconds, delay))
    lines = ["## ecs-run against the AWS CLI", "",
             f"A task whose process runs exactly {seconds:g} s on the local ECS, {runs} interleaved rounds per "
             "deprovisioning delay. (a) is `aws ecs run-task`, `aws ecs wait tasks-stopped`, `aws ecs describe-tasks`; "
             "(b) is `ecs-run run`. Overhead is wall time minus the task's run time; exit delay is the time from the "
             "process's exit (the task's executionStoppedAt) to the command's exit. Medians; ratios are medians of "
             "per-round ratios ecs-run/aws. API calls are per run, from the local ECS's request log.", "",
             "| delay | tool | wall (s) | overhead (s) | exit delay (s) | CPU (s) | peak RSS (MB) | API calls per run |",
             "|---:|---|---:|---:|---:|---:|---:|---|"]
    for delay, r in results.items():
        for tool in ("aws", "ecs-run"):
            v = r[tool]
            calls = ", ".join(f"{op} {n:g}" for op, n in v["calls"].items())
            lines.append(f"| {delay} s | {tool} | {v['wall']:.2f} | {v['overhead']:.2f} | {v['exit_delay']:.2f} | "
                         f"{v['cpu']:.3f} | {v['rss']:.1f} | {calls} |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    for delay, r in results.items():
        e = r["ecs-run"]
        lines.append(f"| overhead ≤ 0.5 s median (delay {delay} s) | {e['overhead']:.2f} s | {report.met(e['overhead'] <= 0.5)} |")
        lines.append(f"| overhead ≤ 1/10 of the AWS CLI's (delay {delay} s) | {r['ratio_overhead']:.3f}× | {report.met(r['ratio_overhead'] <= 0.1)} |")
        lines.append(f"| exit ≤ 2 s after the container exits (delay {delay} s) | {e['exit_delay']:.2f} s | {report.met(e['exit_delay'] <= 2)} |")
        lines.append(f"| CPU ≤ 1/20 of the AWS CLI's (delay {delay} s) | {r['ratio_cpu']:.3f}× | {report.met(r['ratio_cpu'] <= 0.05)} |")
    peak = max(r["ecs-run"]["rss"] for r in results.values())
    lines.append(f"| ecs-run peak memory ≤ 20 MB | {peak:.1f} MB | {report.met(peak <= 20)} |")
    labels = [f"delay {d} s" for d in results]
    chart = os.path.join(charts_dir, "launcher.png")
    report.bar_chart(chart, "Launcher overhead beyond the task's run time (median, s)", labels,
                     {t: [results[d][t]["overhead"] for d in results] for t in ("aws", "ecs-run")}, "seconds")
    chart2 = os.path.join(charts_dir, "launcher-cpu.png")
    report.bar_chart(chart2, "Launcher CPU, user + system (median, s)", labels,
                     {t: [results[d][t]["cpu"] for d in results] for t in ("aws", "ecs-run")}, "seconds")
    lines += ["", "![launcher overhead](benchmarks/launcher.png)", "![launcher CPU](benchmarks/launcher-cpu.png)", ""]
    return "\n".join(lines)
