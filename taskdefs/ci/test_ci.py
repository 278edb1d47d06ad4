"""Tests of the CI recipes in taskdefs/ci: every YAML file parses, and the shell lines their jobs run are run
here, against the local stack, so that a recipe cannot rot without a test failing.

- GitLab `terraform-apply`: before_script + script in one busybox `sh` (the job runs in hashicorp/terraform,
  Alpine), with the pipeline's variables expanded, OIDC web identity only (a token in AWS_ID_TOKEN,
  AWS_ROLE_ARN, no keys), the release's ecs-run and Terraform on PATH (the install lines run in the rootfs
  proof's musl root instead), against a copy of the Terraform example (taskdefs/terraform/example) whose
  resources stand in for the targets.
- GitLab `migrator-image`: the same, with a recording stand-in for `docker` (no engine here); `aws ecr
  get-login-password` runs for real against the emulator; the calls docker got are checked against each other,
  the service Dockerfile and the image names the README publishes.
- GitHub `deploy`: every `run:` step in its own `bash -eo pipefail`, with `${{ }}` expressions filled in,
  GITHUB_ENV and GITHUB_PATH carried between steps, a local OIDC token endpoint, and ecs-run installed from the
  release archive (scripts/release) by the recipe's own lines.

Run from the repository root, with a local stack running (scripts/local-stack start) and a release built:

    scripts/release --out dist && .venv/bin/python taskdefs/ci/test_ci.py

Environment: LOCAL_STACK_DIR (the stack), RELEASE_DIR (scripts/release's output; default dist).
"""
import glob
import http.server
import json
import os
import re
import shlex
import shutil
import sys
import tarfile
import tempfile
import threading
import unittest
import urllib.request
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "taskdefs", "terraform"))
import test_example  # noqa: E402  (the local stack and Terraform example harness)

RELEASE_DIR = os.path.abspath(os.environ.get("RELEASE_DIR") or os.path.join(ROOT, "dist"))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
ACCOUNT = "123456789012"  # moto's
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ci-deployer"
# A JWT in form only: the emulator's STS takes any token, AWS checks the signature against the OIDC provider.
ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6b3JkZXJzIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20ifQ.c2ln"
JOB_SECONDS = 300
# Lines that cannot run here, each with the reason; any other line runs.
NOT_RUN = {
    "apk add --no-cache aws-cli": "Alpine's package manager; the venv's AWS CLI is on PATH instead",
}
# The GitLab recipe's ecs-run install lines write /usr/local/bin, so they run where that is theirs: in the
# musl root of scripts/rootfs-proof, with busybox sh, as root, exactly as written; here ecs-run is on PATH.


def flatten(lines):
    """GitLab flattens nested lists in before_script and script (what YAML anchors produce)."""
    flat = []
    for line in lines:
        flat += flatten(line) if isinstance(line, list) else [line]
    return flat
# `uses:` steps of the GitHub workflow and what the test does in their place.
USES = {
    "actions/checkout": "the test's service directory is the checkout",
    "hashicorp/setup-terraform": "the venv's Terraform is on PATH",
}


def recipe(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def expand(value, variables):
    """${NAME} and $NAME as GitLab expands them in variables; unknown names expand to nothing, as there."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), ""), str(value))


def release_archive(program):
    found = glob.glob(os.path.join(RELEASE_DIR, f"{program}-*-linux-x86_64.tar.gz"))
    if len(found) != 1:
        raise test_example.NotReady(f"expected one {program} archive in {RELEASE_DIR}; run scripts/release "
                                    f"--out {RELEASE_DIR}")
    return found[0]


def release_version():
    name = os.path.basename(release_archive("ecs-run"))
    return name[len("ecs-run-"):-len("-linux-x86_64.tar.gz")]


def _shell(argv, env, cwd):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return test_example.run(argv, JOB_SECONDS, env=env)
    finally:
        os.chdir(previous)


def _bash(script, env, cwd):
    return _shell(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env, cwd)


class RecipeRun(unittest.TestCase):
    """A Terraform example workspace with its own database, and a CI environment with web identity only."""

    def setUp(self):
        self.workspace = test_example.Workspace(STACK)
        self.addCleanup(self.workspace.close)
        self.workspace.create()
        # Terraform finds ecs-run on PATH, as in the launcher image or after the GitHub job installed it.
        tfvars = os.path.join(self.workspace.example, "terraform.tfvars.json")
        with open(tfvars, encoding="utf-8") as f:
            variables = json.load(f)
        with open(tfvars, "w", encoding="utf-8") as f:
            json.dump({**variables, "ecs_run": "ecs-run"}, f)
        self.workspace.add_migration("1_customers", "CREATE TABLE customers (id bigint PRIMARY KEY);")
        self.temp = tempfile.mkdtemp(prefix="ci-recipe-")
        self.addCleanup(shutil.rmtree, self.temp, True)
        self.service = os.path.join(self.temp, "service")  # the service repository's checkout
        os.makedirs(os.path.join(self.service, "migrations"))
        shutil.copy(os.path.join(HERE, "Dockerfile.migrator"), self.service)
        self.bin = os.path.join(self.temp, "launcher-bin")  # what the launcher image has on PATH
        os.makedirs(self.bin)
        with tarfile.open(release_archive("ecs-run")) as tar:
            tar.extract("ecs-run", self.bin)
        self.registry = f"{ACCOUNT}.dkr.ecr.{STACK.env['AWS_REGION']}.amazonaws.com"

    def ci_environment(self):
        """The stack's endpoint and region, no keys or profiles: the job must sign in with web identity."""
        env = {k: v for k, v in STACK.terraform_environment().items()
               if not k.startswith(("AWS_ACCESS_KEY", "AWS_SECRET", "AWS_SESSION", "AWS_PROFILE"))}
        home = os.path.join(self.temp, "home")
        os.makedirs(home, exist_ok=True)
        env.update({"HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "none"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"), "AWS_ROLE_ARN": ROLE_ARN,
                    "PATH": os.pathsep.join([self.bin, VENV_BIN, os.environ["PATH"]])})
        return env

    def example_overrides(self):
        """Where the example differs from a real configuration: its directory, its stand-ins' names."""
        return {"TF_DIR": self.workspace.example, "DATABASE_TARGET": "terraform_data.database",
                "MIGRATIONS_TARGET": "module.migrate", "TF_VAR_image": "registry.local/ci-migrator:1"}

    def assert_deployed(self, result, web_identity_before):
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn(f"{release_version()} (commit ", result.stdout, "ecs-run --version of the release")
        # A job variable named ECS_RUN_* would reach ecs-run as an option (or a warning).
        self.assertNotIn("ecs-run: warning", result.stdout)
        self.assertEqual(self.workspace.history(), ["1|customers|applied"])
        self.assertIn(test_example.SERVICE_RESOURCE, self.workspace.state_list())
        self.assertGreater(STACK.operation_count("AssumeRoleWithWebIdentity"), web_identity_before,
                           "the job signed in with web identity")
        # Database, then migrations, then the rest: the database step launched no task.
        applies = result.stdout.split("Apply complete!")
        self.assertEqual(len(applies), 4, result.stdout)
        self.assertNotIn("ecs-run: started", applies[0], "the database step ran no migration")
        self.assertIn("ecs-run: task", applies[1], "the migrations step ran them")


class GitLabTest(RecipeRun):
    def gitlab_job(self, name, overrides):
        pipeline = recipe("gitlab-ci.yml")
        job = pipeline[name]
        parent = pipeline[job["extends"]] if "extends" in job else {}
        self.assertEqual(parent.get("id_tokens", {}).get("AWS_ID_TOKEN", {}).get("aud"), "sts.amazonaws.com")
        predefined = {"CI_BUILDS_DIR": self.temp, "CI_PROJECT_DIR": self.service, "CI_JOB_ID": "7001",
                      "CI_COMMIT_SHORT_SHA": "1a2b3c4d", "CI_PROJECT_PATH_SLUG": "acme-orders",
                      "ECR_REGISTRY": self.registry, "RELEASE_VERSION": release_version(),
                      "RELEASES_URL": "https://releases.example.com/ecs-run",
                      "AWS_REGION": STACK.env["AWS_REGION"], "AWS_ROLE_ARN": ROLE_ARN, "AWS_ID_TOKEN": ID_TOKEN}
        variables = dict(predefined)
        for source in (pipeline.get("variables", {}), parent.get("variables", {}), job.get("variables", {})):
            for key, value in source.items():
                variables[key] = expand(value, variables)
        variables.update(overrides)
        lines = flatten(job.get("before_script", parent.get("before_script", [])) + job["script"])
        install = flatten(pipeline[".install-ecs-run"]["script"])
        script = "\n".join(f"echo '$ '{shlex.quote(line)}\n{line}" for line in lines
                           if line not in NOT_RUN and line not in install)
        image = job.get("image", {})
        if isinstance(image, dict) and image.get("name", "").startswith("hashicorp/terraform:"):
            # Alpine: GitLab runs the script with sh, busybox's here too.
            result = _shell(["busybox", "sh", "-c", "set -eo pipefail\n" + script], {**self.ci_environment(), **variables},
                            self.service)
        else:
            result = _bash(script, {**self.ci_environment(), **variables}, self.service)
        return job, variables, result

    def test_yaml_parses_and_names_real_stages(self):
        pipeline = recipe("gitlab-ci.yml")
        for name, job in pipeline.items():
            # Keys starting with "." are hidden: templates and anchors (.install-ecs-run), never jobs.
            if isinstance(job, dict) and "script" in job and not name.startswith("."):
                self.assertIn(job["stage"], pipeline["stages"], name)

    def test_terraform_apply_job_deploys_with_web_identity(self):
        before = STACK.operation_count("AssumeRoleWithWebIdentity")
        job, variables, result = self.gitlab_job("terraform-apply", self.example_overrides())
        self.assert_deployed(result, before)
        with open(variables["AWS_WEB_IDENTITY_TOKEN_FILE"], encoding="utf-8") as f:
            self.assertEqual(f.read(), ID_TOKEN)
        self.assertEqual(oct(os.stat(variables["AWS_WEB_IDENTITY_TOKEN_FILE"]).st_mode & 0o777), "0o600")
        self.assertEqual(job["image"]["entrypoint"], [""], "GitLab needs a shell, not terraform, as the entrypoint")
        self.assertTrue(job["image"]["name"].startswith("hashicorp/terraform:"), job["image"])
        install = flatten(recipe("gitlab-ci.yml")[".install-ecs-run"]["script"])
        self.assertEqual(flatten(job["before_script"])[-len(install):], install, "the job installs ecs-run first")

    def test_migrator_image_job_builds_from_the_base_and_pushes(self):
        record = os.path.join(self.temp, "docker-calls.jsonl")
        with open(os.path.join(self.bin, "docker"), "w", encoding="utf-8") as f:
            f.write(f"""#!/usr/bin/env python3
# Stand-in for the docker CLI: records each call (and what `login --password-stdin` reads) and succeeds.
import json, sys
stdin = sys.stdin.read() if "--password-stdin" in sys.argv else None
with open({record!r}, "a") as f:
    f.write(json.dumps({{"argv": sys.argv[1:], "stdin": stdin}}) + "\\n")
""")
        os.chmod(os.path.join(self.bin, "docker"), 0o755)
        _, variables, result = self.gitlab_job("migrator-image", {})
        self.assertEqual(result.returncode, 0, result.stdout)
        with open(record, encoding="utf-8") as f:
            calls = [json.loads(line) for line in f]
        self.assertEqual([c["argv"][0] for c in calls], ["login", "build", "push"], calls)
        login, build, push = calls
        self.assertEqual(login["argv"], ["login", "--username", "AWS", "--password-stdin", self.registry])
        self.assertTrue(login["stdin"], "the ECR password reached docker login")
        argv = build["argv"]
        self.assertEqual(argv[argv.index("--platform") + 1], "linux/amd64", "Fargate's X86_64")
        dockerfile = os.path.join(self.service, argv[argv.index("-f") + 1])
        self.assertTrue(os.path.isfile(dockerfile), dockerfile)
        arg_name, base = argv[argv.index("--build-arg") + 1].split("=", 1)
        with open(dockerfile, encoding="utf-8") as f:
            self.assertIn(f"ARG {arg_name}=", f.read())
        self.assertEqual(base, f"{self.registry}/migrator:{release_version()}", "the base image the README pushes")
        tag = argv[argv.index("-t") + 1]
        self.assertEqual(tag, f"{self.registry}/orders-migrator:1a2b3c4d")
        self.assertEqual(push["argv"], ["push", tag])
        self.assertEqual(argv[-1], ".", "the service checkout is the context")


class TokenEndpoint(http.server.BaseHTTPRequestHandler):
    """GitHub's ACTIONS_ID_TOKEN_REQUEST_URL: answers {"value": JWT} to the right bearer and audience."""
    bearer = uuid.uuid4().hex

    def do_GET(self):
        ok = self.headers.get("Authorization") == f"bearer {self.bearer}" and "audience=sts.amazonaws.com" in self.path
        body = json.dumps({"value": ID_TOKEN} if ok else {"message": "bad request"}).encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class GitHubActionsTest(RecipeRun):
    def expressions(self):
        return {"vars.AWS_ROLE_ARN": ROLE_ARN, "vars.AWS_REGION": STACK.env["AWS_REGION"],
                "vars.RELEASES_URL": "file://" + RELEASE_DIR, "github.run_id": "4242",
                "vars.MIGRATOR_IMAGE": f"{self.registry}/orders-migrator:1a2b3c4d"}

    def fill(self, value):
        known = self.expressions()

        def one(match):
            name = match.group(1).strip()
            self.assertIn(name, known, f"the test does not know the expression ${{{{ {name} }}}}")
            return known[name]
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))

    def test_deploy_job_installs_the_release_and_deploys_with_web_identity(self):
        workflow = recipe("github-actions.yml")
        self.assertEqual(workflow["permissions"]["id-token"], "write")
        (job,) = workflow["jobs"].values()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenEndpoint)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)

        runner_temp = os.path.join(self.temp, "runner-temp")
        os.makedirs(runner_temp)
        github_env, github_path = os.path.join(self.temp, "github-env"), os.path.join(self.temp, "github-path")
        open(github_env, "w").close()
        open(github_path, "w").close()
        env = {k: v for k, v in self.ci_environment().items() if k != "AWS_ROLE_ARN"}
        env["PATH"] = os.pathsep.join([VENV_BIN, os.environ["PATH"]])  # ecs-run only as the recipe installs it
        env.update({k: self.fill(v) for k, v in workflow["env"].items()})
        env.update(self.example_overrides())
        env.update({"RELEASE_VERSION": release_version(), "RUNNER_TEMP": runner_temp, "GITHUB_ENV": github_env,
                    "GITHUB_PATH": github_path, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": TokenEndpoint.bearer,
                    "ACTIONS_ID_TOKEN_REQUEST_URL": f"http://127.0.0.1:{server.server_port}/token?api-version=2.0"})
        before = STACK.operation_count("AssumeRoleWithWebIdentity")
        output = []
        for step in job["steps"]:
            if "uses" in step:
                action = step["uses"].split("@")[0]
                self.assertIn(action, USES, f"a `uses:` step the test cannot stand in for: {step['uses']}")
                if action == "hashicorp/setup-terraform":
                    self.assertIs(step["with"]["terraform_wrapper"], False)
                continue
            step_env = dict(env)
            with open(github_env, encoding="utf-8") as f:
                step_env.update(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
            with open(github_path, encoding="utf-8") as f:
                added = [line.strip() for line in f if line.strip()]
            step_env["PATH"] = os.pathsep.join(list(reversed(added)) + [env["PATH"]])
            result = _bash(self.fill(step["run"]), step_env, self.service)
            output.append(f"$ {step.get('name', step['run'])}\n{result.stdout}")
            self.assertEqual(result.returncode, 0, "\n".join(output))
        combined = test_example.subprocess.CompletedProcess([], 0, "\n".join(output))
        self.assert_deployed(combined, before)
        self.assertTrue(os.path.isfile(os.path.join(runner_temp, "bin", "ecs-run")), "installed by the recipe")


class EveryYAMLFileParses(unittest.TestCase):
    def test_every_yaml_file_parses(self):
        files = glob.glob(os.path.join(HERE, "**", "*.y*ml"), recursive=True)
        self.assertGreaterEqual(len(files), 2)
        for path in files:
            with open(path, encoding="utf-8") as f:
                self.assertIsInstance(yaml.safe_load(f), dict, path)


class TerraformVersionTest(unittest.TestCase):
    """The launcher image and the GitHub workflow pin the Terraform that the tests here run."""

    def test_pinned_versions_are_the_tested_one(self):
        result = test_example.run([test_example.TERRAFORM, "version", "-json"], 60)
        tested = json.loads(result.stdout)["terraform_version"]
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import dockerfile_stages
        with open(os.path.join(ROOT, "Dockerfile"), encoding="utf-8") as f:
            pinned = re.search(r"^ARG TERRAFORM_VERSION=(\S+)", f.read(), re.M).group(1)
        self.assertEqual(pinned, tested, "Dockerfile's TERRAFORM_VERSION")
        launcher = dockerfile_stages.stage(dockerfile_stages.read(os.path.join(ROOT, "Dockerfile")), "launcher")
        self.assertEqual(launcher.base, f"hashicorp/terraform:{tested}")
        self.assertEqual(recipe("gitlab-ci.yml")["terraform-apply"]["image"]["name"], f"hashicorp/terraform:{tested}")
        steps = recipe("github-actions.yml")["jobs"]["deploy"]["steps"]
        (setup,) = [s for s in steps if s.get("uses", "").startswith("hashicorp/setup-terraform@")]
        self.assertEqual(str(setup["with"]["terraform_version"]), tested)


def reset_auth(count):
    """Sets how many more requests moto lets through unchecked ("inf": all); returns the previous setting."""
    request = urllib.request.Request(STACK.env["AWS_ENDPOINT_URL"] + "/moto-api/reset-auth", data=str(count).encode(),
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


STACK = None


def main():
    global STACK
    try:
        STACK = test_example.Stack(test_example.stack_dir())
        STACK.check_running()
        release_version()
    except test_example.NotReady as error:
        print(f"test_ci: {error}", file=sys.stderr)
        return 2
    # Web identity's AssumeRoleWithWebIdentity is unsigned, and moto answers an unsigned request with a 500
    # while it checks signatures (the Swift CLI tests turn that on for the whole stack), so turn it off.
    previous = reset_auth("inf")
    try:
        result = unittest.main(argv=[sys.argv[0], *sys.argv[1:]], exit=False, verbosity=2).result
    finally:
        reset_auth(previous)
    print(f"{result.testsRun - len(result.failures) - len(result.errors)} passed, "
          f"{len(result.failures) + len(result.errors)} failed")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
