"""The fault matrix: ecs-run, as a user runs it, against the local stack through the fault proxy.

For RunTask, DescribeTasks, StopTask and GetLogEvents, each fault of proxy.py is met by each way a run is
ended early (--timeout, SIGINT, SIGTERM, SIGHUP) while the fault is in effect. Each case asserts the exit
code, the time from the trigger to the exit, how many RunTask and StopTask requests the proxy saw (and that
no RunTask was sent after the trigger), and what became of the task: stopped, never started, or, when
StopTask itself never reached ECS, named as left running. Cases run a few at a time, each with its own proxy
and task definition family.

Run (a local stack must be up; scripts/test starts one):
  .venv/bin/python scripts/fault-proxy/test_fault_matrix.py [--ecs-run PATH] [--jobs N] [--only TEXT]
Last line: `N passed, N failed`.
"""
import argparse
import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from proxy import Fault, FaultProxy  # noqa: E402

OPERATIONS = ("RunTask", "DescribeTasks", "StopTask", "GetLogEvents")
TRIGGERS = ("timeout", "SIGINT", "SIGTERM", "SIGHUP")
# ecs-run's own bounds (WatchOptions): the wait for an unanswered RunTask, the search for the task it may
# have started, and StopTask's budget after a timeout or an interrupt.
IN_FLIGHT_GRACE, SEARCH_BUDGET, STOP_BUDGET = 2.0, 3.0, 5.0
# What "at once" means on a loaded two-core machine: libcurl notices a cancellation within about a
# second, then StopTask. Without the bounds under test these cases take from 15 s to 3 minutes.
AT_ONCE = 5.0
SLACK = 3.0
TIMEOUT = 2.0
EXIT_CODES = {"timeout": 124, "SIGINT": 130, "SIGTERM": 130, "SIGHUP": 130}
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}


def faults_for(operation):
    """The faults that mean something for the operation, as proxy.py specs."""
    if operation == "RunTask":
        # Persistent, so the trigger meets them (AWS_MAX_ATTEMPTS is high); `delay` answers after the trigger.
        return ["hang", "lost", "delay:3", "reset", "5xx", "throttle", "malformed", "skew:3600"]
    if operation == "StopTask":
        # StopTask comes after the trigger: the retryable faults hit the first two attempts only, so the
        # budget must carry the third; hang and lost outlast it.
        return ["hang", "lost", "delay:3", "reset*2", "5xx*2", "throttle*2", "malformed*2", "skew:3600"]
    # Reads: `lost` is the same as `hang` for them.
    return ["hang", "delay:3", "reset", "5xx", "throttle", "malformed", "skew:3600"]


class Case:
    def __init__(self, operation, fault_spec, trigger):
        self.operation = operation
        self.fault = Fault.parse(fault_spec)
        self.spec = fault_spec
        self.trigger = trigger

    @property
    def name(self):
        return f"{self.operation} {self.spec} {self.trigger}"

    def expectation(self):
        """exit code, seconds from trigger to exit, RunTask count (None: at least 1), StopTask count, task fate."""
        kind = self.fault.kind
        code = EXIT_CODES[self.trigger]
        if self.operation == "RunTask":
            if kind == "hang":
                return code, IN_FLIGHT_GRACE + 1 + SEARCH_BUDGET + SLACK, 1, 0, "none"
            if kind == "lost":
                return code, IN_FLIGHT_GRACE + 1 + SLACK, 1, 1, "stopped"
            if kind in ("reset", "5xx", "throttle"):
                return code, AT_ONCE + SEARCH_BUDGET, None, 0, "none"
            if kind == "skew":
                return code, AT_ONCE, 2, 1, "stopped"
            # delay: the answer comes within the grace; malformed: found by its startedBy and followed.
            return code, IN_FLIGHT_GRACE + AT_ONCE, 1, 1, "stopped"
        if self.operation == "StopTask":
            if kind == "hang":
                return code, STOP_BUDGET + 1 + SLACK, 1, 1, "left"
            if kind == "lost":
                return code, STOP_BUDGET + 1 + SLACK, 1, 1, "stopped"
            if kind == "skew":
                return code, AT_ONCE, 1, 2, "stopped"
            if kind == "delay":
                return code, self.fault.seconds + AT_ONCE, 1, 1, "stopped"
            return code, STOP_BUDGET + SLACK, 1, self.fault.count + 1, "stopped"
        return code, AT_ONCE, 1, 1, "stopped"


def load_stack():
    directory = os.environ.get("LOCAL_STACK_DIR") or os.path.join(ROOT, ".local-stack")
    env = {}
    with open(os.path.join(directory, "env"), encoding="utf-8") as file:
        for line in file:
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export "):].rstrip("\n").split("=", 1)
                env[key] = value[1:-1] if value.startswith("'") and value.endswith("'") else value
    return env


class Matrix:
    def __init__(self, stack, ecs_run):
        self.stack = stack
        self.ecs_run = ecs_run
        self.run_id = uuid.uuid4().hex[:8]
        self.cluster = stack["ECS_RUN_CLUSTER"]
        self.log_group = f"/ecs/fault-matrix-{self.run_id}"
        session = boto3.session.Session(
            aws_access_key_id=stack["AWS_ACCESS_KEY_ID"], aws_secret_access_key=stack["AWS_SECRET_ACCESS_KEY"],
            region_name=stack["AWS_REGION"])
        config = Config(retries={"max_attempts": 5, "mode": "standard"}, read_timeout=30)
        self.ecs = session.client("ecs", endpoint_url=stack["AWS_ENDPOINT_URL"], config=config)
        self.logs = session.client("logs", endpoint_url=stack["AWS_ENDPOINT_URL"], config=config)
        self.logs.create_log_group(logGroupName=self.log_group)
        self.home = tempfile.mkdtemp(prefix="fault-matrix-home.")
        self.register_lock = threading.Lock()

    def family(self, n):
        family = f"fault-{self.run_id}-{n}"
        container = {
            "name": "app", "image": "busybox", "essential": True, "memory": 128,
            "command": ["/bin/sh", "-c", "i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done"],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": self.log_group, "awslogs-region": self.stack["AWS_REGION"],
                "awslogs-stream-prefix": "ecs"}},
        }
        with self.register_lock:
            self.ecs.register_task_definition(
                family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                containerDefinitions=[container])
        return family

    def tasks(self, family):
        arns = self.ecs.list_tasks(cluster=self.cluster, family=family)["taskArns"]
        arns += self.ecs.list_tasks(cluster=self.cluster, family=family, desiredStatus="STOPPED")["taskArns"]
        if not arns:
            return []
        return self.ecs.describe_tasks(cluster=self.cluster, tasks=sorted(set(arns)))["tasks"]

    def run(self, case, n):
        """Problems found in one case; empty when it passed. Also returns a summary line."""
        family = self.family(n)
        proxy = FaultProxy(self.stack["AWS_ENDPOINT_URL"], {case.operation: case.fault})
        env = {k: v for k, v in self.stack.items() if k.startswith("AWS_")}
        env.update({
            "AWS_ENDPOINT_URL": proxy.url, "AWS_MAX_ATTEMPTS": "10", "HOME": self.home,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        })
        args = [self.ecs_run, "--cluster", self.cluster, "--task-definition", family,
                "--subnets", self.stack["ECS_RUN_SUBNETS"], "--security-groups", self.stack["ECS_RUN_SECURITY_GROUPS"]]
        if case.trigger == "timeout":
            args += ["--timeout", f"{TIMEOUT:g}s"]
        problems = []
        output = tempfile.TemporaryFile()
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        try:
            trigger_at = self.trigger(case, proxy, process, problems)
            try:
                process.wait(timeout=240)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                problems.append("still running 240 s after the trigger; killed")
            exited_at = time.time()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            proxy.stop()
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
        output.close()
        took = exited_at - trigger_at if trigger_at else float("nan")
        runs = proxy.recorded("RunTask")
        stops = proxy.recorded("StopTask")
        code, bound, want_runs, want_stops, fate = case.expectation()
        if process.returncode != code:
            problems.append(f"exit {process.returncode}, expected {code}")
        if trigger_at and took > bound:
            problems.append(f"took {took:.1f} s from the trigger to the exit; at most {bound:g} s expected")
        if want_runs is None:
            if not runs:
                problems.append("no RunTask request")
        elif len(runs) != want_runs:
            problems.append(f"{len(runs)} RunTask requests, expected {want_runs}")
        late = [r for r in runs if trigger_at and r["time"] > trigger_at + 0.05]
        if late:
            problems.append(f"{len(late)} RunTask request(s) sent after the trigger")
        if len(stops) != want_stops:
            problems.append(f"{len(stops)} StopTask requests, expected {want_stops}")
        problems += self.check_tasks(family, fate, text)
        line = (f"{case.name}: exit {process.returncode} in {took:.1f} s, "
                f"RunTask {len(runs)}, StopTask {len(stops)}")
        if problems:
            tail = "\n      ".join(text.strip().splitlines()[-6:])
            line += "\n    " + "\n    ".join(problems) + f"\n    ecs-run's last lines:\n      {tail}"
        return problems, line

    def trigger(self, case, proxy, process, problems):
        """Waits until the fault is in effect, then ends the run the case's way; the trigger's time."""
        # The fault is met at the operation's first request, except StopTask's, which comes after the trigger.
        watched = "DescribeTasks" if case.operation == "StopTask" else case.operation
        deadline = time.time() + 60
        while time.time() < deadline and process.poll() is None and not proxy.recorded(watched):
            time.sleep(0.05)
        seen = proxy.recorded(watched)
        if not seen:
            problems.append(f"ecs-run never sent {watched}" + (" (it exited)" if process.poll() is not None else ""))
            return None
        if case.trigger == "timeout":
            # The timeout counts from RunTask; ecs-run takes its time just before sending it.
            runs = proxy.recorded("RunTask")
            return (runs[0]["time"] if runs else seen[0]["time"]) + TIMEOUT
        # A moment into the fault: a request hangs, retries back off, a delayed answer is on its way.
        time.sleep(max(0, seen[0]["time"] + 1.5 - time.time()))
        if process.poll() is not None:
            problems.append(f"ecs-run exited ({process.returncode}) before the {case.trigger}")
            return None
        at = time.time()
        process.send_signal(SIGNALS[case.trigger])
        return at

    def check_tasks(self, family, fate, text):
        tasks = self.tasks(family)
        running = [t for t in tasks if t.get("desiredStatus") == "RUNNING"]
        problems = []
        if len(tasks) > 1:
            problems.append(f"{len(tasks)} tasks were started")
        if fate == "none" and tasks:
            problems.append(f"a task was started: {tasks[0]['taskArn']}")
        if fate == "stopped" and (not tasks or running):
            problems.append("the task is still running" if running else "no task was started")
        if fate == "left":
            if not running:
                problems.append("the task was stopped, though StopTask never reached ECS")
            elif running[0]["taskArn"].split("/")[-1] not in text:
                problems.append("the task left running is not named")
        for task in running:
            self.ecs.stop_task(cluster=self.cluster, task=task["taskArn"], reason="fault matrix cleanup")
        return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ecs-run", default=os.path.join(ROOT, ".build", "debug", "ecs-run"))
    parser.add_argument("--jobs", type=int, default=6, help="cases at once (default 6)")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this text")
    args = parser.parse_args()
    cases = [Case(op, spec, trigger) for op in OPERATIONS for spec in faults_for(op) for trigger in TRIGGERS]
    cases = [c for c in cases if args.only in c.name]
    matrix = Matrix(load_stack(), args.ecs_run)
    started = time.time()
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(matrix.run, case, n): case for n, case in enumerate(cases)}
        for future in concurrent.futures.as_completed(futures):
            try:
                problems, line = future.result()
            except Exception as error:  # a broken case must not hide the others
                problems, line = [str(error)], f"{futures[future].name}: {type(error).__name__}: {error}"
            print(("ok   " if not problems else "FAIL ") + line, flush=True)
            if problems:
                failed += 1
            else:
                passed += 1
    print(f"{len(cases)} cases in {time.time() - started:.0f} s", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
