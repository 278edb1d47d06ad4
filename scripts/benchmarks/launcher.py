"""ecs-run against what people script today with the AWS CLI, on the local ECS.

(a) `aws ecs run-task`, then `aws ecs wait tasks-stopped`, then `aws ecs describe-tasks` for the exit code;
(b) `ecs-run run` (its defaults: done when the essential container has an exit code, logs streamed).

The task's process is `/bin/sh -c 'sleep N; date +%s.%N'`: it runs N seconds and its last act is to print the
moment it exits, which reaches the task's awslogs stream, so the harness knows the container's exit to the
millisecond without trusting either tool. The deprovisioning delay (the time between the container's exit and
STOPPED, as on Fargate) is switched between measurements through the local ECS's settings endpoint.
"""
import collections
import json
import os
import sys
import urllib.request

import boto3
from botocore.config import Config

from measure import check, measure, median

FAMILY = "bench-sleeper"
CONTAINER = "sleeper"
# busybox runs the container's command as is on the local ECS (no LOCAL_ECS_IMAGES needed).
IMAGE = "busybox"
LOG_GROUP = "/bench/launcher"
LOG_PREFIX = "bench"
TOOLS = ("aws", "ecs-run")


def stack_env():
    """The environment scripts/bench exported from the local stack's env file."""
    env = dict(os.environ)
    for key in ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "ECS_RUN_CLUSTER", "ECS_RUN_SUBNETS", "ECS_RUN_SECURITY_GROUPS", "LOCAL_STACK_DIR"):
        if not env.get(key):
            raise SystemExit(f"bench: {key} is not set; start the local stack and source its env (scripts/bench does)")
    return env


def clients(env):
    session = boto3.session.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                                    region_name=env["AWS_REGION"])
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3})
    return (session.client("ecs", endpoint_url=env["AWS_ENDPOINT_URL"], config=config),
            session.client("logs", endpoint_url=env["AWS_ENDPOINT_URL"], config=config))


def set_deprovision_delay(env, seconds):
    request = urllib.request.Request(env["AWS_ENDPOINT_URL"] + "/local-ecs/settings", method="POST",
                                     data=json.dumps({"deprovisionSeconds": seconds}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    if float(answer.get("deprovisionSeconds", -1)) != float(seconds):
        raise SystemExit(f"bench: the local ECS did not take deprovisionSeconds={seconds}: {answer}")


def register(ecs, logs, seconds):
    try:
        logs.create_log_group(logGroupName=LOG_GROUP)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    ecs.register_task_definition(
        family=FAMILY, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{
            "name": CONTAINER, "image": IMAGE, "essential": True,
            "command": ["/bin/sh", "-c", f"sleep {seconds:g}; date +%s.%N"],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": LOG_GROUP, "awslogs-region": ecs.meta.region_name,
                "awslogs-stream-prefix": LOG_PREFIX}},
        }])


def aws_script(env):
    net = (f"awsvpcConfiguration={{subnets=[{env['ECS_RUN_SUBNETS']}],"
           f"securityGroups=[{env['ECS_RUN_SECURITY_GROUPS']}],assignPublicIp=DISABLED}}")
    c = env["ECS_RUN_CLUSTER"]
    return ["bash", "-c", f"""set -euo pipefail
arn=$(aws ecs run-task --cluster {c} --task-definition {FAMILY} --launch-type FARGATE \\
  --network-configuration '{net}' --query 'tasks[0].taskArn' --output text)
aws ecs wait tasks-stopped --cluster {c} --tasks "$arn"
code=$(aws ecs describe-tasks --cluster {c} --tasks "$arn" --query 'tasks[0].containers[0].exitCode' --output text)
echo "$arn"
exit "$code"
"""]


def ecs_run(bin_dir):
    # Cluster, subnets and security groups come from ECS_RUN_* in the stack's environment.
    return [os.path.join(bin_dir, "ecs-run"), "run", "--task-definition", FAMILY,
            "--launch-type", "FARGATE", "--output", "json", "--quiet"]


def task_arn(tool, sample):
    if tool == "aws":
        return sample.stdout.strip().splitlines()[-1]
    return json.loads(sample.stdout)["taskArn"]


def read_requests(log_path, start, end):
    """(time, operation, status) of every request that arrived in [start, end]."""
    rows = []
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                try:
                    t = float(parts[0])
                except ValueError:
                    continue
                if start <= t <= end:
                    rows.append((t, parts[1], parts[2]))
    return rows


def container_exit(logs, arn, timeout_events=20):
    """The epoch second the task's process printed just before it exited."""
    stream = f"{LOG_PREFIX}/{CONTAINER}/{arn.rsplit('/', 1)[-1]}"
    events = logs.get_log_events(logGroupName=LOG_GROUP, logStreamName=stream, startFromHead=True,
                                 limit=timeout_events)["events"]
    for event in reversed(events):
        try:
            return float(event["message"].strip())
        except ValueError:
            continue
    raise SystemExit(f"bench: no exit time in the log stream {stream}")


def one_run(tool, bin_dir, env, logs, request_log, seconds, delay):
    argv = aws_script(env) if tool == "aws" else ecs_run(bin_dir)
    s = check(measure(argv, env=env, timeout=300), f"{tool} (deprovisioning {delay} s)")
    arn = task_arn(tool, s)
    exited = container_exit(logs, arn)
    requests = read_requests(request_log, s.started, s.ended)
    run_task = [t for t, op, _ in requests if op == "RunTask"]
    if len(run_task) != 1:
        raise SystemExit(f"bench: expected one RunTask in {tool}'s window, found {len(run_task)}")
    return {
        "wall": s.wall,
        "overhead": s.wall - (exited - run_task[0]),  # what the launcher adds to ECS's part
        "overhead_nominal": s.wall - seconds,          # the literal reading: wall minus the process's run time
        "to_runtask": run_task[0] - s.started,      # start-up until RunTask arrives at the endpoint
        "task": exited - run_task[0],               # RunTask to the container's exit: ECS's part
        "exit_delay": s.ended - exited,             # the container's exit to the command's exit
        "cpu": s.cpu,
        "rss": s.max_rss_mb,
        "calls": dict(collections.Counter(op for _, op, _ in requests)),
        "errors": sum(1 for _, _, status in requests if not status.startswith("2")),
        "arn": arn,
    }


def run_delay(bin_dir, runs, seconds, delay, warm_up):
    env = stack_env()
    ecs, logs = clients(env)
    set_deprovision_delay(env, delay)
    register(ecs, logs, seconds)
    request_log = os.path.join(env["LOCAL_STACK_DIR"], "aws-requests.log")
    rows = {tool: [] for tool in TOOLS}
    if warm_up:  # unrecorded: the emulator's and the AWS CLI's first calls load code the later ones reuse
        for tool in TOOLS:
            one_run(tool, bin_dir, env, logs, request_log, seconds, delay)
    for r in range(runs):
        # Interleaved, alternating which tool goes first.
        order = list(TOOLS) if r % 2 == 0 else list(reversed(TOOLS))
        for tool in order:
            sample = one_run(tool, bin_dir, env, logs, request_log, seconds, delay)
            rows[tool].append(sample)
            print(f"[bench]   delay {delay} s, round {r + 1}/{runs}, {tool}: wall {sample['wall']:.2f} s, "
                  f"exit delay {sample['exit_delay']:.2f} s, CPU {sample['cpu']:.3f} s, {sample['rss']:.1f} MB",
                  file=sys.stderr)
    return rows


METRICS = ("wall", "task", "overhead", "overhead_nominal", "to_runtask", "exit_delay", "cpu", "rss")


def summarize(rows):
    out = {}
    for tool, samples in rows.items():
        calls = collections.Counter()
        for s in samples:
            calls.update(s["calls"])
        out[tool] = {k: median([s[k] for s in samples]) for k in METRICS}
        out[tool]["rss_max"] = max(s["rss"] for s in samples)
        out[tool]["exit_delay_max"] = max(s["exit_delay"] for s in samples)
        out[tool]["calls"] = {op: n / len(samples) for op, n in sorted(calls.items())}
        out[tool]["errors"] = sum(s["errors"] for s in samples)
        out[tool]["n"] = len(samples)
    pairs = list(zip(rows["ecs-run"], rows["aws"]))
    out["ratio"] = {k: median([e[k] / a[k] for e, a in pairs if a[k] > 0])
                    for k in ("wall", "overhead", "overhead_nominal", "exit_delay", "cpu", "rss")}
    return out


def run_all(bin_dir, runs, seconds, delays, charts_dir):
    import report
    results, raw = {}, {}
    for i, delay in enumerate(delays):
        print(f"[bench] launcher, deprovisioning delay {delay} s", file=sys.stderr)
        raw[delay] = run_delay(bin_dir, runs, seconds, delay, warm_up=(i == 0))
        results[delay] = summarize(raw[delay])
    text, targets = markdown(results, runs, seconds, charts_dir, report)
    return results, raw, text, targets


def markdown(results, runs, seconds, charts_dir, report):
    targets = []
    lines = ["## ecs-run against the AWS CLI", "",
             f"A task whose process runs exactly {seconds:g} s (`sleep {seconds:g}`, then it prints the time it exits) "
             f"on the local ECS, {runs} interleaved rounds per deprovisioning delay (who goes first alternates), after "
             "one unrecorded warm-up run of each tool before the first delay. "
             "(a) is a bash script: `aws ecs run-task`, `aws ecs wait tasks-stopped`, `aws ecs describe-tasks` for the "
             "exit code (AWS CLI v1, Python). (b) is `ecs-run run --output json --quiet` with its defaults: it is done "
             "when the essential container has an exit code, and it streams the task's CloudWatch logs (the AWS CLI "
             "script reads no logs). The deprovisioning delay is the time between the container's exit and STOPPED.",
             "",
             "- **wall**: the command's wall time. **task**: from RunTask reaching the endpoint to the container's exit "
             "(the time the process printed): ECS's part, which no launcher can shorten; on the local ECS it is the "
             f"process's {seconds:g} s plus about 0.6 s of PROVISIONING and PENDING.",
             "- **overhead**: wall minus task, i.e. what the launcher adds: its start-up until RunTask (**to RunTask**) "
             "plus the **exit delay** from the container's exit to the command's exit. "
             f"**wall − {seconds:g} s** is the literal reading of \"wall minus the task's run time\"; it also "
             "counts the local ECS's 0.6 s of provisioning. The targets are checked against both readings.",
             "- **CPU**: user + system of the command and all its children (bash and three `aws` processes for the "
             "script). **peak RSS**: the largest resident set of any one of them (from wait4).",
             "- Medians; *max* columns are the worst run. Ratios are medians of the per-round ratios ecs-run/aws. "
             "API calls are per run, counted by operation in the local ECS's request log over the command's lifetime. "
             "ecs-run's first GetLogEvents usually comes before the container has started and its log stream exists, "
             "and answers 400 ResourceNotFoundException, which ecs-run expects.",
             "",
             f"| deprovisioning | tool | wall (s) | task (s) | overhead (s) | wall − {seconds:g} s (s) | to RunTask (s) "
             "| exit delay (s) | exit delay max (s) | CPU (s) | peak RSS (MB) | peak RSS max (MB) | API calls per run |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for delay, r in results.items():
        for tool in TOOLS:
            v = r[tool]
            calls = ", ".join(f"{op} {n:.3g}" for op, n in v["calls"].items())
            if v["errors"]:
                calls += f" ({v['errors']} non-2xx over all runs)"
            lines.append(f"| {delay} s | {tool} | {v['wall']:.2f} | {v['task']:.2f} | {v['overhead']:.2f} | "
                         f"{v['overhead_nominal']:.2f} | {v['to_runtask']:.2f} | {v['exit_delay']:.2f} | "
                         f"{v['exit_delay_max']:.2f} | {v['cpu']:.3f} | {v['rss']:.1f} | {v['rss_max']:.1f} | {calls} |")
        q = r["ratio"]
        lines.append(f"| {delay} s | *ecs-run/aws* | {q['wall']:.3f}× | | {q['overhead']:.3f}× | "
                     f"{q['overhead_nominal']:.3f}× | | {q['exit_delay']:.3f}× | | {q['cpu']:.3f}× | {q['rss']:.3f}× | | |")
    for delay, r in results.items():
        e, q = r["ecs-run"], r["ratio"]
        targets += [
            (f"ecs-run overhead ≤ 0.5 s, median (deprovisioning {delay} s)",
             f"{e['overhead']:.2f} s (wall − {seconds:g} s: {e['overhead_nominal']:.2f} s)",
             e["overhead"] <= 0.5, e["overhead_nominal"] <= 0.5),
            (f"ecs-run overhead ≤ 1/10 of the AWS CLI script's (deprovisioning {delay} s)",
             f"{q['overhead']:.3f}× (wall − {seconds:g} s: {q['overhead_nominal']:.3f}×)",
             q["overhead"] <= 0.1, q["overhead_nominal"] <= 0.1),
            (f"ecs-run exits ≤ 2 s after the container exits, every run (deprovisioning {delay} s)",
             f"median {e['exit_delay']:.2f} s, max {e['exit_delay_max']:.2f} s", e["exit_delay_max"] <= 2, None),
            (f"ecs-run CPU ≤ 1/20 of the AWS CLI script's (deprovisioning {delay} s)", f"{q['cpu']:.3f}×",
             q["cpu"] <= 0.05, None),
        ]
    peak = max(r["ecs-run"]["rss_max"] for r in results.values())
    targets.append(("ecs-run peak memory ≤ 20 MB", f"{peak:.1f} MB (largest of all runs)", peak <= 20, None))
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {name} | {measured} | {report.verdict(ok, literal)} |" for name, measured, ok, literal in targets]

    labels = [f"deprovisioning {d} s" for d in results]
    path = os.path.join(charts_dir, "launcher.png")
    report.panel_chart(path, f"ecs-run vs AWS CLI script, {seconds:g} s task on the local ECS (medians)", labels, [
        ("overhead: wall − task (s)", {t: [results[d][t]["overhead"] for d in results] for t in TOOLS}),
        ("container exit → command exit (s)", {t: [results[d][t]["exit_delay"] for d in results] for t in TOOLS}),
        ("CPU, user + system (s)", {t: [results[d][t]["cpu"] for d in results] for t in TOOLS}),
        ("peak RSS (MB)", {t: [results[d][t]["rss"] for d in results] for t in TOOLS}),
    ])
    lines += ["", f"![ecs-run vs the AWS CLI: overhead, exit delay, CPU, memory](benchmarks/{os.path.basename(path)})", ""]
    return "\n".join(lines), targets
