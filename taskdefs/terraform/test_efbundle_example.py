"""End-to-end test of the bring-your-own-migrator example (taskdefs/terraform/example-efbundle): an EF Core
migrations bundle run by real Terraform 1.15 through the shared run-task module, exactly as the migrator is.

The module's local-exec runs ecs-run against the local ECS, which runs the bundle's image as
scripts/local-ecs/stand-ins/efbundle: it gets the connection string from the emulator's Secrets Manager through
taskdefs/efbundle.json's `secrets` and `--connection`, applies EF-style migrations to the local PostgreSQL,
prints EF's log lines and exits 0, or 1 when the database refuses a migration. Nothing here is mocked.

Run from the repository root, with a local stack already running (this test never starts one):

    scripts/local-stack start
    .venv/bin/python taskdefs/terraform/test_efbundle_example.py     # last line: N passed, N failed

LOCAL_STACK_DIR and ECS_RUN_BIN as for test_example.py, whose helpers this test shares.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

from test_example import (AWS_CLI, ECS_RUN, ROOT, TASKDEFS, CountingResult, NotReady, Stack, missing_tools, run,
                          stack_dir, TERRAFORM, TERRAFORM_SECONDS)

IMAGE_1 = "registry.local/orders-efbundle:1"
IMAGE_2 = "registry.local/orders-efbundle:2"
RUN_RESOURCE = "module.migrate.terraform_data.run"
SERVICE_RESOURCE = "terraform_data.service"
SAMPLE_MIGRATIONS = os.path.join(TASKDEFS, "terraform", "example-efbundle", "migrations")
SAMPLE_IDS = ["20250301090000_InitialCreate", "20250308143000_AddOrderStatus", "20250315100000_AddShippingAddress"]
CHECK_TASKDEF = os.path.join(ROOT, "scripts", "check-taskdef")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
CHECK_SECONDS = 60
ECS_RUN_TIMEOUT = "90s"

# A migration the sample database refuses once an order without a city exists: EF's AlterColumn to required.
REQUIRE_CITY_ID = "20250322120000_RequireShippingCity"
REQUIRE_CITY_SQL = 'ALTER TABLE "Orders" ALTER COLUMN "ShippingAddress_City" SET NOT NULL;\n'
ORDER_WITHOUT_CITY = (
    """INSERT INTO "Customers" ("Email", "Name", "CreatedAt") VALUES ('ana@example.com', 'Ana', now());"""
    """INSERT INTO "Orders" ("CustomerId", "PlacedAt", "Total") SELECT "Id", now(), 12.50 FROM "Customers";"""
)


def folded(text):
    """The text with every run of whitespace as one space: Terraform wraps its error lines at the width it guesses."""
    return " ".join(text.split())


class Workspace:
    """One copy of the example with its own state, database, migrations, secret and task definition family."""

    def __init__(self, stack):
        self.stack = stack
        self.token = uuid.uuid4().hex[:12]
        self.database = f"tf_efbundle_{self.token}"
        self.directory = tempfile.mkdtemp(prefix="tf-efbundle-")
        self.example = os.path.join(self.directory, "taskdefs", "terraform", "example-efbundle")
        self.migrations = os.path.join(self.directory, "migrations")

    def create(self):
        # The example reaches ../run-task and ../../efbundle.json, so the copy keeps the taskdefs/ layout.
        copy = os.path.join(self.directory, "taskdefs")
        os.makedirs(os.path.join(copy, "terraform"))
        shutil.copy(os.path.join(TASKDEFS, "efbundle.json"), copy)
        ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl", "terraform.tfvars*")
        for part in ("run-task", "example-efbundle"):
            shutil.copytree(os.path.join(TASKDEFS, "terraform", part), os.path.join(copy, "terraform", part),
                            ignore=ignore)
        shutil.copytree(SAMPLE_MIGRATIONS, self.migrations)
        self.stack.create_database(self.database)
        self.write_variables()
        self.terraform("init", "-backend=false")

    def close(self):
        self.stack.drop_database(self.database)
        shutil.rmtree(self.directory, ignore_errors=True)

    def write_variables(self, **overrides):
        env = self.stack.env
        variables = {
            "cluster": env["ECS_RUN_CLUSTER"],
            "subnets": env["ECS_RUN_SUBNETS"],
            "security_groups": env["ECS_RUN_SECURITY_GROUPS"],
            "db_port": int(env["LOCAL_STACK_PG_PORT"]),
            "db_password": env["LOCAL_STACK_PG_PASSWORD"],
            "db_name": self.database,
            "migrations_dir": self.migrations,
            "family": f"example-efbundle-{self.token}",
            "connection_secret_name": f"example-efbundle-{self.token}",
            "ecs_run": ECS_RUN,
            "aws_cli": AWS_CLI,
            "timeout": ECS_RUN_TIMEOUT,
            **overrides,
        }
        with open(os.path.join(self.example, "terraform.tfvars.json"), "w", encoding="utf-8") as f:
            json.dump(variables, f, indent=2)

    def add_migration(self, migration_id, sql):
        with open(os.path.join(self.migrations, f"{migration_id}.sql"), "w", encoding="utf-8") as f:
            f.write(sql)

    def terraform(self, *args, check=True):
        result = run([TERRAFORM, f"-chdir={self.example}", *args], TERRAFORM_SECONDS,
                     env=self.stack.terraform_environment())
        if check and result.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} exited with {result.returncode}:\n{result.stdout}")
        return result

    def apply(self, image, check=True):
        return self.terraform("apply", "-auto-approve", "-no-color", "-var", f"image={image}", check=check)

    def service(self):
        return json.loads(self.terraform("output", "-json", "service").stdout)

    def query(self, sql):
        return self.stack.psql(self.stack.database_url(self.database), sql)

    def history(self):
        return self.query('SELECT "MigrationId", "ProductVersion" FROM "__EFMigrationsHistory" ORDER BY 1').splitlines()


STACK = None  # set by main() once the stack is known to run


class EFBundleExampleTest(unittest.TestCase):
    def setUp(self):
        self.workspace = Workspace(STACK)
        self.addCleanup(self.workspace.close)
        self.workspace.create()

    def assertNoSecret(self, output):
        """Neither the password nor the connection string reach Terraform's output or the local ECS's log."""
        password = STACK.env["LOCAL_STACK_PG_PASSWORD"]
        with open(os.path.join(STACK.directory, "aws.log"), encoding="utf-8", errors="replace") as f:
            server_log = f.read()
        for name, text in (("terraform's output", output), ("the local ECS's log", server_log)):
            self.assertNotIn(password, text, f"the database password is in {name}")
            self.assertNotIn("Host=127.0.0.1;", text, f"the connection string is in {name}")

    def test_apply_runs_the_bundle_with_the_secret_connection(self):
        result = self.workspace.apply(IMAGE_1)

        self.assertEqual(self.workspace.history(), [f"{migration_id}|10.0.0" for migration_id in SAMPLE_IDS])
        self.assertEqual(self.workspace.query('SELECT count(*) FROM reporting."OrderTotalsByCustomer"'), "0")
        for migration_id in SAMPLE_IDS:
            self.assertIn(f"Applying migration '{migration_id}'.", result.stdout)
        self.assertIn("Acquiring an exclusive lock for migration application.", result.stdout)
        self.assertIn("Done.", result.stdout)
        self.assertEqual(self.workspace.service()["image"], IMAGE_1)
        self.assertNoSecret(result.stdout)

        again = self.workspace.apply(IMAGE_2)

        self.assertIn("No migrations were applied. The database is already up to date.", again.stdout)
        self.assertEqual(len(self.workspace.history()), len(SAMPLE_IDS))
        self.assertEqual(self.workspace.service()["image"], IMAGE_2)

    def test_bundle_exit_1_fails_the_apply_and_leaves_the_service(self):
        self.workspace.apply(IMAGE_1)
        self.workspace.query(ORDER_WITHOUT_CITY)
        self.workspace.add_migration(REQUIRE_CITY_ID, REQUIRE_CITY_SQL)

        result = self.workspace.apply(IMAGE_2, check=False)

        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("exited with 1 (container efbundle)", result.stdout)
        # the bundle's own code, through ecs-run, to local-exec; Terraform may wrap its error line anywhere
        self.assertIn("exit status 1", folded(result.stdout))
        self.assertIn(f"Applying migration '{REQUIRE_CITY_ID}'.", result.stdout)
        self.assertIn("Failed executing DbCommand", result.stdout)
        self.assertIn('23502: column "ShippingAddress_City" of relation "Orders" contains null values', result.stdout)
        self.assertEqual(self.workspace.service()["image"], IMAGE_1, "the service changed after a failed bundle")
        self.assertNotIn(REQUIRE_CITY_ID, "\n".join(self.workspace.history()))
        self.assertIn(f"{RUN_RESOURCE} is tainted", self.workspace.terraform("plan", "-no-color",
                                                                             "-var", f"image={IMAGE_2}").stdout)
        self.assertNoSecret(result.stdout)

    def test_wrong_password_fails_the_first_apply(self):
        self.workspace.write_variables(db_password="not-the-password")

        result = self.workspace.apply(IMAGE_1, check=False)

        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("exit status 1", folded(result.stdout))
        self.assertIn('28P01: password authentication failed for user "postgres"', result.stdout)
        self.assertNotIn("not-the-password", result.stdout)
        self.assertNotIn(SERVICE_RESOURCE, self.workspace.terraform("state", "list").stdout.split())
        self.assertNoSecret(result.stdout)

    def test_target_migration_goes_after_the_double_dash(self):
        self.workspace.terraform("apply", "-auto-approve", "-no-color", "-var", f"image={IMAGE_1}",
                                 "-var", f'command=["{SAMPLE_IDS[0]}"]')

        self.assertEqual(self.workspace.history(), [f"{SAMPLE_IDS[0]}|10.0.0"])

    def test_task_definition_validates_against_botocore(self):
        checked = self.check_taskdef(os.path.join(TASKDEFS, "efbundle.json"))
        self.assertEqual(checked.returncode, 0, checked.stdout)

        with open(os.path.join(TASKDEFS, "efbundle.json"), encoding="utf-8") as f:
            template = json.load(f)
        broken = dict(template, containerDefinitions=[dict(template["containerDefinitions"][0], entryPoint="efbundle")])
        renamed = dict(template, containerDefinitions=[dict(
            template["containerDefinitions"][0],
            secrets=[{"name": "ConnectionStrings__Orders", "valueFrom": "${CONNECTION_SECRET_ARN}"}])])
        for name, document, expected in (
            ("entryPoint not a list", broken, "Invalid type for parameter containerDefinitions[0].entryPoint"),
            ("secret renamed", renamed, "its shell command reads $DB_CONNECTION"),
        ):
            with self.subTest(name):
                path = os.path.join(self.workspace.directory, "efbundle-broken.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(document, f)
                checked = self.check_taskdef(path)
                self.assertEqual(checked.returncode, 1, checked.stdout)
                self.assertIn(expected, checked.stdout)

    def check_taskdef(self, path):
        return subprocess.run([PYTHON, CHECK_TASKDEF, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=CHECK_SECONDS)


def main():
    global STACK
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(EFBundleExampleTest)
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
