"""End-to-end test of the Terraform example (taskdefs/terraform/example) with real Terraform 1.15.

The example's migration step is the module's own `local-exec`, which runs ecs-run against the local ECS, which
runs the migrator against the local PostgreSQL. Nothing here is mocked.

Run from the repository root, with a local stack already running (this test never starts one):

    scripts/local-stack start
    .venv/bin/python taskdefs/terraform/test_example.py        # last line: N passed, N failed

Environment:
    LOCAL_STACK_DIR   the running stack's directory (default .local-stack); its `env` file gives DATABASE_URL,
                      AWS_ENDPOINT_URL, the keys and ECS_RUN_CLUSTER/SUBNETS/SECURITY_GROUPS, and its
                      `aws-requests.log` counts RunTask calls.
    ECS_RUN_BIN       the ecs-run Terraform runs (default .build/debug/ecs-run; .build/release/ecs-run works too).
The migrator inside the task is the local ECS's choice, made when the stack started: LOCAL_ECS_MIGRATOR, else
.build/release/migrator, else .build/debug/migrator (scripts/local-ecs/README.md, "Images").

Each test gets a copy of taskdefs/ in a temporary directory (its state never lands in the repository), a
database of its own on the stack's server, its own migrations directory and its own task definition family.
"""
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TASKDEFS = os.path.join(ROOT, "taskdefs")
TERRAFORM = os.path.join(ROOT, ".venv", "bin", "terraform")
AWS_CLI = os.path.join(ROOT, ".venv", "bin", "aws")
PSQL = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
ECS_RUN = os.path.abspath(os.environ.get("ECS_RUN_BIN") or os.path.join(ROOT, ".build", "debug", "ecs-run"))

IMAGE_1 = "registry.local/example-migrator:1"
IMAGE_2 = "registry.local/example-migrator:2"
RUN_RESOURCE = "module.migrate.terraform_data.run"
SERVICE_RESOURCE = "terraform_data.service"

# ecs-run's own --timeout stops a stuck migration task and fails the apply well before the backstop below: a
# signal to Terraform would not, because Terraform SIGKILLs its local-exec before ecs-run can send StopTask.
ECS_RUN_TIMEOUT = "90s"
TERRAFORM_SECONDS = 180  # backstop for any terraform command, an apply with its migration run included
PSQL_SECONDS = 30
STOP_SECONDS = 15  # after SIGTERM, before SIGKILL


class NotReady(Exception):
    """No usable local stack, or a tool is missing; the message says what to do."""


def stack_dir():
    path = os.environ.get("LOCAL_STACK_DIR") or ".local-stack"
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def read_env_file(path):
    """A file of `export K='V'` lines, as scripts/local-stack writes it."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export "):].split("=", 1)
                env[key] = "".join(shlex.split(value))
    return env


def run(argv, timeout, env=None):
    """Runs argv in its own process group with stdout and stderr combined; on timeout the whole group (Terraform
    and the ecs-run it started) gets SIGTERM, then SIGKILL, and the test fails with the output so far."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        raise AssertionError(f"{' '.join(argv)} did not finish within {timeout} s:\n{output}")
    return subprocess.CompletedProcess(argv, process.returncode, output)


class Stack:
    """The running local stack, as its env file describes it."""

    def __init__(self, directory):
        self.directory = directory
        env_file = os.path.join(directory, "env")
        if not os.path.isfile(env_file):
            raise NotReady(f"no local stack: {env_file} does not exist; start one with "
                               f"`LOCAL_STACK_DIR={directory} scripts/local-stack start`")
        self.env = read_env_file(env_file)
        missing = [key for key in ("DATABASE_URL", "AWS_ENDPOINT_URL", "ECS_RUN_CLUSTER", "ECS_RUN_SUBNETS",
                                   "ECS_RUN_SECURITY_GROUPS") if not self.env.get(key)]
        if missing:
            raise NotReady(f"{env_file} lacks {', '.join(missing)}; restart the stack")
        self.request_log = os.path.join(directory, "aws-requests.log")
        if not os.path.isfile(self.request_log):
            raise NotReady(f"{self.request_log} does not exist; restart the stack with scripts/local-stack")

    def check_running(self):
        endpoint = self.env["AWS_ENDPOINT_URL"]
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=5).close()
        except OSError as error:
            raise NotReady(f"the stack's AWS emulator does not answer at {endpoint} ({error}); "
                               f"is the stack in {self.directory} still running?") from None
        try:
            self.psql(self.env["DATABASE_URL"], "SELECT 1")
        except (AssertionError, OSError) as error:
            raise NotReady(f"the stack's PostgreSQL does not answer: {error}") from None

    def psql(self, url, sql):
        """Runs one SQL command; returns its rows as `a|b` lines."""
        result = run([PSQL, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                     PSQL_SECONDS, env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
        if result.returncode != 0:
            raise AssertionError(f"psql failed ({sql}):\n{result.stdout}")
        return result.stdout.strip()

    def database_url(self, name):
        return urlsplit(self.env["DATABASE_URL"])._replace(path="/" + name).geturl()

    def create_database(self, name):
        self.psql(self.env["DATABASE_URL"], f'CREATE DATABASE "{name}"')

    def drop_database(self, name):
        self.psql(self.env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def run_task_count(self):
        return self.operation_count("RunTask")

    def operation_count(self, operation):
        """Requests for `operation` so far, from the request log (`EPOCH OPERATION STATUS SERVICE`)."""
        with open(self.request_log, encoding="utf-8") as f:
            return sum(1 for line in f if line.split()[1:2] == [operation])

    def terraform_environment(self):
        """Ours plus the stack's AWS endpoint and keys, without settings that would steer Terraform (TF_*) or
        ecs-run (ECS_RUN_*) past the example: every ecs-run setting must come from the module."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "ECS_RUN_"))}
        stack = {k: v for k, v in self.env.items() if not k.startswith("ECS_RUN_")}
        return {**inherited, **stack, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1",
                "NO_COLOR": "1"}


class Workspace:
    """One copy of the example with its own state, database, migrations directory and task definition family."""

    def __init__(self, stack):
        self.stack = stack
        self.token = uuid.uuid4().hex[:12]
        self.database = f"tf_example_{self.token}"
        self.directory = tempfile.mkdtemp(prefix="tf-example-")
        self.example = os.path.join(self.directory, "taskdefs", "terraform", "example")
        self.migrations = os.path.join(self.directory, "migrations")

    def create(self):
        """The copy, the database, the variables, `terraform init`; `close` undoes what got done."""
        # The example reaches ../run-task and ../../migrator.json, so the copy keeps the taskdefs/ layout.
        copy = os.path.join(self.directory, "taskdefs")
        os.makedirs(copy)
        shutil.copy(os.path.join(TASKDEFS, "migrator.json"), copy)
        shutil.copytree(os.path.join(TASKDEFS, "terraform"), os.path.join(copy, "terraform"),
                        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl",
                                                      "terraform.tfvars*", "__pycache__", "test_*.py"))
        os.makedirs(self.migrations)
        self.stack.create_database(self.database)
        self.write_variables()
        self.terraform("init", "-backend=false")

    def close(self):
        self.stack.drop_database(self.database)
        shutil.rmtree(self.directory, ignore_errors=True)

    def write_variables(self):
        """Everything but the image, in terraform.tfvars.json: the stack's network and PostgreSQL, this
        workspace's database and migrations, the tools."""
        env = self.stack.env
        variables = {
            "cluster": env["ECS_RUN_CLUSTER"],
            "subnets": env["ECS_RUN_SUBNETS"],
            "security_groups": env["ECS_RUN_SECURITY_GROUPS"],
            "db_port": int(env["LOCAL_STACK_PG_PORT"]),
            "db_password": env["LOCAL_STACK_PG_PASSWORD"],
            "db_name": self.database,
            "migrations_dir": self.migrations,
            "family": f"example-migrator-{self.token}",
            "ecs_run": ECS_RUN,
            "aws_cli": AWS_CLI,
            "timeout": ECS_RUN_TIMEOUT,
        }
        with open(os.path.join(self.example, "terraform.tfvars.json"), "w", encoding="utf-8") as f:
            json.dump(variables, f, indent=2)

    def add_migration(self, name, sql):
        with open(os.path.join(self.migrations, f"{name}.up.sql"), "w", encoding="utf-8") as f:
            f.write(sql + "\n")

    def terraform(self, *args, check=True):
        result = run([TERRAFORM, f"-chdir={self.example}", *args], TERRAFORM_SECONDS,
                     env=self.stack.terraform_environment())
        if check and result.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} exited with {result.returncode}:\n{result.stdout}")
        return result

    def interrupted_apply(self, image, started):
        """`terraform apply` interrupted as Ctrl-C would: SIGINT to its process group once `started()` holds.
        Returns the output (exit status aside: Terraform reports the interrupted provisioner as an error)."""
        argv = [TERRAFORM, f"-chdir={self.example}", "apply", "-auto-approve", "-no-color", "-var", f"image={image}"]
        process = subprocess.Popen(argv, env=self.stack.terraform_environment(), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + TERRAFORM_SECONDS
            while not started() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            os.killpg(process.pid, signal.SIGINT)
            output, _ = process.communicate(timeout=TERRAFORM_SECONDS)
            return output
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()

    def apply(self, image, check=True):
        return self.terraform("apply", "-auto-approve", "-no-color", "-var", f"image={image}", check=check)

    def plan(self, image):
        return self.terraform("plan", "-no-color", "-var", f"image={image}").stdout

    def state_list(self):
        return self.terraform("state", "list").stdout.split()

    def output(self, name):
        return self.terraform("output", "-raw", name).stdout

    def query(self, sql):
        return self.stack.psql(self.stack.database_url(self.database), sql)

    def table_exists(self, table):
        return self.query(f"SELECT to_regclass('public.{table}') IS NOT NULL") == "t"

    def history(self):
        return self.query("SELECT version, name, state FROM migrator_history ORDER BY version").splitlines()


STACK = None  # set by main() once the stack is known to run


class ExampleTest(unittest.TestCase):
    def setUp(self):
        self.workspace = Workspace(STACK)
        self.addCleanup(self.workspace.close)
        self.workspace.create()

    def test_apply_migrates_the_database(self):
        self.workspace.add_migration("1_widgets", "CREATE TABLE widgets (id int PRIMARY KEY);")
        self.workspace.add_migration("2_gadgets", "CREATE TABLE gadgets (id int PRIMARY KEY);")

        self.workspace.apply(IMAGE_1)

        self.assertTrue(self.workspace.table_exists("widgets"), "table widgets missing")
        self.assertTrue(self.workspace.table_exists("gadgets"), "table gadgets missing")
        self.assertEqual(self.workspace.history(), ["1|widgets|applied", "2|gadgets|applied"])

    def test_failing_migration_fails_the_apply_before_the_service(self):
        self.workspace.add_migration("1_broken", "SELECT * FROM no_such_table;")

        result = self.workspace.apply(IMAGE_1, check=False)

        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn('relation "no_such_table" does not exist', result.stdout)
        resources = self.workspace.state_list()
        self.assertIn(RUN_RESOURCE, resources)  # tainted, so the next apply runs it again
        self.assertNotIn(SERVICE_RESOURCE, resources)

    def test_new_image_runs_migrations_again(self):
        self.workspace.add_migration("1_widgets", "CREATE TABLE widgets (id int PRIMARY KEY);")
        self.workspace.apply(IMAGE_1)
        first_run = self.workspace.output("migration_run_id")
        self.workspace.add_migration("2_gadgets", "CREATE TABLE gadgets (id int PRIMARY KEY);")

        self.workspace.apply(IMAGE_2)

        self.assertTrue(self.workspace.table_exists("gadgets"), "the new image did not run the new migration")
        self.assertEqual(self.workspace.history(), ["1|widgets|applied", "2|gadgets|applied"])
        self.assertNotEqual(self.workspace.output("migration_run_id"), first_run, "the run was not replaced")

    def test_plan_launches_nothing(self):
        self.workspace.add_migration("1_widgets", "CREATE TABLE widgets (id int PRIMARY KEY);")
        launched_before_apply = STACK.run_task_count()
        self.workspace.apply(IMAGE_1)
        launched_before = STACK.run_task_count()
        self.assertGreater(launched_before, launched_before_apply, "the request log shows no RunTask of the apply")
        self.workspace.add_migration("2_gadgets", "CREATE TABLE gadgets (id int PRIMARY KEY);")

        plan = self.workspace.plan(IMAGE_2)

        self.assertIn(f"{RUN_RESOURCE} must be replaced", plan)
        self.assertEqual(STACK.run_task_count(), launched_before, "plan launched a task")
        self.assertFalse(self.workspace.table_exists("gadgets"), "plan ran the new migration")


    def test_interrupted_apply_stops_the_task_once(self):
        self.workspace.add_migration("1_slow", "CREATE TABLE slow (id int); SELECT pg_sleep(120);")
        stops_before = STACK.operation_count("StopTask")

        def migration_running():
            return self.workspace.query(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()") == "1"

        output = self.workspace.interrupted_apply(IMAGE_1, migration_running)

        deadline = time.monotonic() + STOP_SECONDS
        while STACK.operation_count("StopTask") == stops_before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # a second StopTask would come within the watcher's poll interval
        self.assertEqual(STACK.operation_count("StopTask") - stops_before, 1, "exactly one StopTask:\n" + output)
        self.assertNotIn(SERVICE_RESOURCE, self.workspace.state_list())
        self.assertFalse(self.workspace.table_exists("slow"), "the stopped migration left its table behind")


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def missing_tools():
    tools = {"terraform": TERRAFORM, "ecs-run (ECS_RUN_BIN)": ECS_RUN, "aws": AWS_CLI, "psql": PSQL}
    return [f"{name} at {path}" for name, path in tools.items() if not os.access(path, os.X_OK)]


def main():
    global STACK
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    try:
        missing = missing_tools()
        if missing:
            raise NotReady(f"missing: {'; '.join(missing)} (run scripts/setup, and build ecs-run)")
        STACK = Stack(stack_dir())
        STACK.check_running()
    except NotReady as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        print(f"0 passed, {suite.countTestCases()} failed")
        sys.exit(1)
    result = unittest.TextTestRunner(resultclass=CountingResult, verbosity=2, stream=sys.stderr).run(suite)
    sys.stderr.flush()
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print(f"{result.passed} passed, {failed} failed")
    sys.exit(1 if failed or not result.wasSuccessful() else 0)


if __name__ == "__main__":
    main()
