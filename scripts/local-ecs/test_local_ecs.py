"""Self-test of the local ECS through boto3, against its own emulator on a free port.

Run: .venv/bin/python scripts/local-ecs/test_local_ecs.py   (last line: `N passed, N failed`)
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
ORDER = ["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]
KEY_ID, SECRET = "AKIALOCALECSTEST0000", "local-ecs-test-secret"
DEPROVISION_SECONDS = 1
WAIT_SECONDS = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """scripts/local-ecs/server.py as a child process, stopped by `stop`."""

    def __init__(self, extra_args=(), environment=None):
        self.dir = tempfile.mkdtemp(prefix="local-ecs-test.")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.request_log = os.path.join(self.dir, "requests.log")
        env = dict(os.environ, **(environment or {}))
        self.output = open(os.path.join(self.dir, "server.log"), "wb")
        self.process = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "server.py"), "--port", str(self.port), "--request-log", self.request_log,
             *extra_args],
            env=env, stdout=self.output, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited; see {self.output.name}")
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the emulator did not answer within 30 s")

    def client(self, service, secret=SECRET):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=KEY_ID, aws_secret_access_key=secret,
            config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1}),
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.output.close()


class LocalECSTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator(environment={
            "LOCAL_ECS_DEPROVISION_SECONDS": str(DEPROVISION_SECONDS),
            "LOCAL_ECS_MIGRATOR": "/bin/echo",
            "LOCAL_ECS_IMAGES": json.dumps({"example.com/tools/printer*": ["/bin/echo", "printer:"]}),
        })
        cls.ecs = cls.emulator.client("ecs")
        cls.logs = cls.emulator.client("logs")
        ec2 = cls.emulator.client("ec2")
        cls.ecs.create_cluster(clusterName="local")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        cls.subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        cls.group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
        cls.logs.create_log_group(logGroupName="/ecs/test")

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    # --- helpers ---------------------------------------------------------------------------------------------

    def register(self, family, command, image="busybox:1.36", **container):
        definition = {
            "name": "main",
            "image": image,
            "command": command,
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/test", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}},
        }
        definition.update(container)
        return self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[definition],
        )["taskDefinition"]["taskDefinitionArn"]

    def run_task(self, task_definition, **kwargs):
        response = self.ecs.run_task(
            cluster="local", taskDefinition=task_definition, launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [self.subnet], "securityGroups": [self.group]}},
            **kwargs,
        )
        self.assertEqual(response["failures"], [])
        return response["tasks"][0]

    def describe(self, arn):
        return self.ecs.describe_tasks(cluster="local", tasks=[arn])["tasks"][0]

    def wait_for(self, arn, status, seen=None):
        """Polls every 50 ms until the task reaches `status`; records each state seen, in order."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            task = self.describe(arn)
            if seen is not None and (not seen or seen[-1] != task["lastStatus"]):
                seen.append(task["lastStatus"])
            if ORDER.index(task["lastStatus"]) >= ORDER.index(status):
                return task
            time.sleep(0.05)
        self.fail(f"task {arn} did not reach {status} within {WAIT_SECONDS} s")

    def log_messages(self, arn, container="main", prefix="app"):
        stream = f"{prefix}/{container}/{arn.split('/')[-1]}"
        events = self.logs.get_log_events(logGroupName="/ecs/test", logStreamName=stream, startFromHead=True)
        return [e["message"] for e in events["events"]]

    def wait_for_log(self, arn, message):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                if message in self.log_messages(arn):
                    return
            except ClientError:
                pass  # the stream appears when the container starts
            time.sleep(0.05)
        self.fail(f"{message!r} never appeared in the logs of {arn}")

    # --- tests -------------------------------------------------------------------------------------------------

    def test_exit_code_passes_through(self):
        task = self.run_task(self.register("exit3", ["/bin/sh", "-c", "echo hi; exit 3"]))
        self.assertEqual(task["lastStatus"], "PROVISIONING")
        stopped = self.wait_for(task["taskArn"], "STOPPED")
        container = stopped["containers"][0]
        self.assertEqual(container["exitCode"], 3)
        self.assertEqual(container["lastStatus"], "STOPPED")
        self.assertEqual(stopped["stopCode"], "EssentialContainerExited")
        self.assertEqual(stopped["desiredStatus"], "STOPPED")
        for field in ("createdAt", "pullStartedAt", "startedAt", "stoppingAt", "executionStoppedAt", "stoppedAt"):
            self.assertIn(field, stopped)

    def test_lifecycle_states_in_order(self):
        arn = self.run_task(self.register("states", ["/bin/sh", "-c", "sleep 0.6; exit 0"]))["taskArn"]
        seen = ["PROVISIONING"]
        stopped = self.wait_for(arn, "STOPPED", seen)
        self.assertEqual(seen, sorted(seen, key=ORDER.index), "states went backwards")
        for status in ("PROVISIONING", "PENDING", "RUNNING", "DEPROVISIONING", "STOPPED"):
            self.assertIn(status, seen)
        delay = (stopped["stoppedAt"] - stopped["executionStoppedAt"]).total_seconds()
        self.assertGreaterEqual(delay, DEPROVISION_SECONDS - 0.05, "deprovisioning delay not applied")

    def test_logs_use_awslogs_stream_name(self):
        arn = self.run_task(self.register("logs", ["/bin/sh", "-c", "echo one; echo two >&2; printf 'three'"]))["taskArn"]
        self.wait_for(arn, "STOPPED")
        self.assertEqual(sorted(self.log_messages(arn)), ["one", "three", "two"])
        streams = self.logs.describe_log_streams(logGroupName="/ecs/test", logStreamNamePrefix="app/main/")
        self.assertIn(f"app/main/{arn.split('/')[-1]}", [s["logStreamName"] for s in streams["logStreams"]])

    def test_unmapped_image_cannot_be_pulled(self):
        arn = self.run_task(self.register("unmapped", ["true"], image="registry.example/nothing/here:1"))["taskArn"]
        stopped = self.wait_for(arn, "STOPPED")
        container = stopped["containers"][0]
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertTrue(container["reason"].startswith("CannotPullContainerError: "), container["reason"])
        self.assertIn("CannotPullContainerError", stopped["stoppedReason"])
        self.assertNotIn("exitCode", container)

    def test_run_task_with_the_same_client_token_starts_one_task(self):
        definition = self.register("token", ["/bin/sh", "-c", "sleep 30"])
        first = self.run_task(definition, clientToken="retry-of-one-launch")
        again = self.run_task(definition, clientToken="retry-of-one-launch")
        other = self.run_task(definition, clientToken="another-launch")
        self.assertEqual(again["taskArn"], first["taskArn"])
        self.assertNotEqual(other["taskArn"], first["taskArn"])
        running = self.ecs.list_tasks(cluster="local", family="token")["taskArns"]
        self.assertEqual(sorted(running), sorted([first["taskArn"], other["taskArn"]]))
        for arn in running:
            self.ecs.stop_task(cluster="local", task=arn)

    def test_stop_task_sends_sigterm(self):
        script = "trap 'echo got SIGTERM; exit 143' TERM; echo ready; sleep 30 & wait $!"
        arn = self.run_task(self.register("stoppable", ["/bin/sh", "-c", script]))["taskArn"]
        self.wait_for(arn, "RUNNING")
        self.wait_for_log(arn, "ready")
        started = time.monotonic()
        response = self.ecs.stop_task(cluster="local", task=arn, reason="stopped by the test")["task"]
        self.assertEqual(response["desiredStatus"], "STOPPED")
        stopped = self.wait_for(arn, "STOPPED")
        self.assertLess(time.monotonic() - started, 10, "SIGTERM was not delivered; the task waited for SIGKILL")
        self.assertEqual(stopped["stopCode"], "UserInitiated")
        self.assertEqual(stopped["stoppedReason"], "stopped by the test")
        self.assertEqual(stopped["containers"][0]["exitCode"], 143)
        self.assertIn("got SIGTERM", self.log_messages(arn))

    def test_stop_task_kills_after_stop_timeout(self):
        script = "trap '' TERM; echo ready; while :; do sleep 0.2; done"
        arn = self.run_task(self.register("stubborn", ["/bin/sh", "-c", script], stopTimeout=1))["taskArn"]
        self.wait_for_log(arn, "ready")
        started = time.monotonic()
        self.ecs.stop_task(cluster="local", task=arn)
        stopped = self.wait_for(arn, "STOPPED")
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertLess(elapsed, 10)
        self.assertEqual(stopped["containers"][0]["exitCode"], 137)
        self.assertEqual(stopped["stoppedReason"], "Task stopped by user")

    def test_secrets_environment_and_overrides(self):
        secrets = self.emulator.client("secretsmanager")
        ssm = self.emulator.client("ssm")
        db = secrets.create_secret(Name="rds!db-1", SecretString=json.dumps({"username": "app", "password": "pw-json"}))
        plain = secrets.create_secret(Name="plain", SecretString="pw-plain")
        ssm.put_parameter(Name="/app/token", Value="tok-ssm", Type="SecureString")
        ssm.put_parameter(Name="region-name", Value="by-arn", Type="String")
        command = ["/bin/sh", "-c", 'echo "$PGPASSWORD|$PLAIN|$TOKEN|$BYARN|$FIXED|$EXTRA"']
        task_definition = self.register("secrets", command, environment=[{"name": "FIXED", "value": "from-def"}], secrets=[
            {"name": "PGPASSWORD", "valueFrom": db["ARN"] + ":password::"},
            {"name": "PLAIN", "valueFrom": plain["ARN"]},
            {"name": "TOKEN", "valueFrom": "/app/token"},
            {"name": "BYARN", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/region-name"},
        ])
        arn = self.run_task(task_definition)["taskArn"]
        self.wait_for(arn, "STOPPED")
        self.assertEqual(self.log_messages(arn), ["pw-json|pw-plain|tok-ssm|by-arn|from-def|"])

        overrides = {"containerOverrides": [{
            "name": "main",
            "command": ["/bin/sh", "-c", 'echo "override $FIXED $EXTRA"'],
            "environment": [{"name": "FIXED", "value": "replaced"}, {"name": "EXTRA", "value": "added"}],
        }]}
        arn = self.run_task(task_definition, overrides=overrides)["taskArn"]
        self.wait_for(arn, "STOPPED")
        self.assertEqual(self.log_messages(arn), ["override replaced added"])

    def test_missing_secret_fails_to_start(self):
        missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:absent-AbCdEf:password::"
        arn = self.run_task(self.register("nosecret", ["true"], secrets=[{"name": "X", "valueFrom": missing}]))["taskArn"]
        stopped = self.wait_for(arn, "STOPPED")
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertTrue(stopped["stoppedReason"].startswith("ResourceInitializationError: "), stopped["stoppedReason"])

    def test_missing_log_group_fails_to_start(self):
        task_definition = self.register("nogroup", ["true"], logConfiguration={"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/absent", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}})
        stopped = self.wait_for(self.run_task(task_definition)["taskArn"], "STOPPED")
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertIn("log group does not exist", stopped["stoppedReason"])

    def test_image_mapping(self):
        cases = [
            ("migrator repository → LOCAL_ECS_MIGRATOR", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/migrator:1.4",
             ["up"], "up"),
            ("migrator by digest", "ghcr.io/acme/migrator@sha256:" + "0" * 64, ["status"], "status"),
            ("LOCAL_ECS_IMAGES pattern with an argv", "example.com/tools/printer:latest", ["a", "b"], "printer: a b"),
            ("efbundle repository → the EF Core bundle stand-in", "registry.local/orders-efbundle:7", ["--version"],
             "10.0.0"),
        ]
        for name, image, command, expected in cases:
            with self.subTest(name):
                arn = self.run_task(self.register("mapping", command, image=image))["taskArn"]
                stopped = self.wait_for(arn, "STOPPED")
                self.assertEqual(stopped["containers"][0].get("exitCode"), 0, stopped.get("stoppedReason"))
                self.assertEqual(self.log_messages(arn), [expected])

    def test_shell_entry_point_calls_the_image_program_by_name(self):
        # As taskdefs/efbundle.json does: a secret reaches the image's program through `sh -c`, the command is "$@".
        secret = self.emulator.client("secretsmanager").create_secret(
            Name="efbundle-connection", SecretString=f"Host=127.0.0.1;Port={free_port()};Username=app")
        migrations = tempfile.mkdtemp(prefix="efbundle-test.")
        self.addCleanup(os.rmdir, migrations)
        task_definition = self.register(
            "byname", [], image="registry.local/orders-efbundle:1",
            entryPoint=["/bin/sh", "-c", 'exec efbundle --connection "$DB_CONNECTION" "$@"', "efbundle"],
            environment=[{"name": "EFBUNDLE_STANDIN_MIGRATIONS", "value": migrations}],
            secrets=[{"name": "DB_CONNECTION", "valueFrom": secret["ARN"]}])

        arn = self.run_task(task_definition)["taskArn"]
        stopped = self.wait_for(arn, "STOPPED")
        self.assertEqual(stopped["containers"][0].get("exitCode"), 1, self.log_messages(arn))
        self.assertIn("Failed to connect to 127.0.0.1:", self.log_messages(arn)[-1])

        overrides = {"containerOverrides": [{"name": "main", "command": ["--version"]}]}
        arn = self.run_task(task_definition, overrides=overrides)["taskArn"]
        self.assertEqual(self.wait_for(arn, "STOPPED")["containers"][0].get("exitCode"), 0)
        self.assertEqual(self.log_messages(arn), ["10.0.0"])

    def test_request_log_records_operations(self):
        self.ecs.list_clusters()
        with open(self.emulator.request_log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^\d{10}\.\d{3} [A-Za-z]+ \d{3} [a-z0-9-]+$")
        operations = [line.split()[1] for line in lines]
        for operation in ("CreateCluster", "CreateVpc", "RegisterTaskDefinition", "ListClusters"):
            self.assertIn(operation, operations)
        self.assertTrue(any(line.endswith(" ListClusters 200 ecs") for line in lines))

    def test_deprovision_delay_can_change_at_run_time(self):
        url = self.emulator.endpoint + "/local-ecs/settings"
        request = urllib.request.Request(url, data=b'{"deprovisionSeconds": 0}', method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            self.assertEqual(json.load(response), {"deprovisionSeconds": 0.0})
        try:
            stopped = self.wait_for(self.run_task(self.register("fast", ["true"]))["taskArn"], "STOPPED")
            self.assertLess((stopped["stoppedAt"] - stopped["executionStoppedAt"]).total_seconds(), 0.5)
        finally:
            body = json.dumps({"deprovisionSeconds": DEPROVISION_SECONDS}).encode()
            urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5).close()


class BootstrapTests(unittest.TestCase):
    """bootstrap STATE_DIR against a fresh emulator: ecs.env is usable for RunTask, and a second run reuses it."""

    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def bootstrap(self, state):
        result = subprocess.run([PYTHON, os.path.join(HERE, "bootstrap"), state], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        values = {}
        with open(os.path.join(state, "ecs.env"), encoding="utf-8") as f:
            for line in f:
                match = re.fullmatch(r"export (ECS_RUN_[A-Z_]+)='([^']*)'", line.strip())
                self.assertIsNotNone(match, line)
                values[match.group(1)] = match.group(2)
        return values

    def test_bootstrap_prepares_awsvpc_tasks(self):
        state = tempfile.mkdtemp(prefix="local-ecs-bootstrap.", dir=self.emulator.dir)
        with open(os.path.join(state, "aws.env"), "w", encoding="utf-8") as f:
            f.write(f"export AWS_ENDPOINT_URL='{self.emulator.endpoint}'\nexport AWS_REGION='us-east-1'\n"
                    f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\n")
        first = self.bootstrap(state)
        self.assertEqual(set(first), {"ECS_RUN_CLUSTER", "ECS_RUN_SUBNETS", "ECS_RUN_SECURITY_GROUPS"})
        self.assertEqual(first["ECS_RUN_CLUSTER"], "local")
        self.assertEqual(self.bootstrap(state), first, "a second run should reuse the network")

        ecs = self.emulator.client("ecs")
        arn = ecs.register_task_definition(
            family="boot", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "main", "image": "busybox", "command": ["true"]}],
        )["taskDefinition"]["taskDefinitionArn"]
        response = ecs.run_task(  # no launch type: the cluster's default strategy says FARGATE
            cluster=first["ECS_RUN_CLUSTER"], taskDefinition=arn,
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": first["ECS_RUN_SUBNETS"].split(","),
                "securityGroups": first["ECS_RUN_SECURITY_GROUPS"].split(","),
            }},
        )
        self.assertEqual(response["failures"], [])
        self.assertEqual(response["tasks"][0]["lastStatus"], "PROVISIONING")
        self.assertEqual(response["tasks"][0]["capacityProviderName"], "FARGATE")


class SignatureCheckTests(unittest.TestCase):
    """--check-signatures 0 with --access-key-id: moto verifies every request against the registered keys."""

    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator(["--check-signatures", "--access-key-id", KEY_ID, "--secret-access-key", SECRET])

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_registered_keys_are_accepted(self):
        self.assertEqual(self.emulator.client("ecs").list_clusters()["clusterArns"], [])

    def test_wrong_secret_is_rejected(self):
        with self.assertRaises(ClientError) as raised:
            self.emulator.client("ecs", secret="not-the-secret").list_clusters()
        # moto answers auth failures with a query-protocol XML body even for JSON services; botocore then
        # reports the HTTP status as the code and the XML as the message.
        error = raised.exception.response
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", error["Error"]["Message"])


class CountingResult(unittest.TextTestResult):
    """Counts subtests as tests of their own, so the summary matches what ran."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.failed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed += 1

    def addError(self, test, err):
        super().addError(test, err)
        self.failed += 1

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed += 1


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(resultclass=CountingResult, verbosity=2, stream=sys.stderr)
    result = runner.run(suite)
    failed = result.failed + len(result.unexpectedSuccesses)
    print(f"{result.passed} passed, {failed} failed")
    sys.exit(1 if failed or not result.wasSuccessful() else 0)


if __name__ == "__main__":
    main()
