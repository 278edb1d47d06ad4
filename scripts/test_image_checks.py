"""The image checks must fail when an image would break: a binary that names a shared library (the dynamic
debug build standing in for a release that lost its static link) fails scripts/check-image-libs and
scripts/rootfs-proof, and a root whose CA bundle is gone fails the proof's TLS runs. The checks' passing runs
on the real release are scripts/test's own steps.

Run from the repository root as root, with a local stack running, the debug build and a release built:

    swift build && scripts/release --out dist && .venv/bin/python scripts/test_image_checks.py

Environment: LOCAL_STACK_DIR (the stack), RELEASE_DIR (scripts/release's output; default dist).
"""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DIR = os.path.abspath(os.environ.get("RELEASE_DIR") or os.path.join(ROOT, "dist"))
DEBUG_ECS_RUN = os.path.join(ROOT, ".build", "debug", "ecs-run")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
SECONDS = 900


def run(*argv, env=None):
    return subprocess.run([PYTHON, *argv], capture_output=True, text=True, timeout=SECONDS, cwd=ROOT, env=env)


def dist_with_dynamic_ecs_run(directory):
    """The release's archives, but ecs-run's holds the dynamic debug build; SHA256SUMS matches them."""
    (migrator,) = glob.glob(os.path.join(RELEASE_DIR, "migrator-*-linux-x86_64.tar.gz"))
    (ecs_run,) = glob.glob(os.path.join(RELEASE_DIR, "ecs-run-*-linux-x86_64.tar.gz"))
    shutil.copy(migrator, directory)
    target = os.path.join(directory, os.path.basename(ecs_run))
    with tarfile.open(target, "w:gz") as tar:
        tar.add(DEBUG_ECS_RUN, arcname="ecs-run")
    with open(os.path.join(directory, "SHA256SUMS"), "w") as sums:
        for path in sorted(glob.glob(os.path.join(directory, "*.tar.gz"))):
            with open(path, "rb") as f:
                sums.write(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.basename(path)}\n")


class NeededEntryTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.mkdtemp(prefix="image-checks-")
        self.addCleanup(shutil.rmtree, self.temp, True)

    def test_library_check_fails_on_a_binary_with_needed_entries(self):
        result = run("scripts/check-image-libs", DEBUG_ECS_RUN)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"ecs-run is not static: NEEDED .*libcurl\.so\.4")
        self.assertIn("program interpreter /lib64/ld-linux-x86-64.so.2", result.stderr)

    def test_rootfs_proof_fails_when_a_needed_entry_sneaks_into_a_binary(self):
        dist_with_dynamic_ecs_run(self.temp)
        result = run("scripts/rootfs-proof", "--dist", self.temp)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertRegex(result.stderr, r"ecs-run in ecs-run-.*\.tar\.gz is not static: readelf -d lists NEEDED .*libcurl\.so\.4")


class MissingCABundleTest(unittest.TestCase):
    def test_rootfs_proof_fails_in_a_root_without_its_ca_bundle(self):
        result = run("scripts/rootfs-proof", "--dist", RELEASE_DIR, "--roots", "scratch,rhel", "--remove-ca-bundle")
        self.assertEqual(result.returncode, 1, result.stderr)
        for root in ("scratch", "rhel"):
            self.assertIn(f"FAILED: {root}: ecs-run run over https://ecs.hosts.test:", result.stderr)
            self.assertIn(f"FAILED: {root}: ecs-run run over https://ecs.dns.test:", result.stderr)
            self.assertIn(f"FAILED: {root}: migrator up by db.hosts.test (/etc/hosts) exited with", result.stderr)
        # ecs-run says what it looked for; libpq names the root certificate it could not read.
        self.assertIn("no CA certificates to verify the server with: none of /etc/ssl/certs/ca-certificates.crt", result.stderr)
        self.assertIn("root certificate file", result.stderr)
        self.assertNotIn("passed:", result.stderr)


class ImageInputTest(unittest.TestCase):
    """scripts/image refuses inputs that would make a broken image, and says which."""

    def setUp(self):
        self.temp = tempfile.mkdtemp(prefix="image-input-")
        self.addCleanup(shutil.rmtree, self.temp, True)

    def image(self, *argv):
        return run("scripts/image", *argv, "--out", os.path.join(self.temp, "out.tar"))

    def test_a_migrator_that_is_not_an_executable_is_refused(self):
        text = os.path.join(self.temp, "migrator")
        with open(text, "w") as f:
            f.write("#!/bin/sh\n")
        result = self.image("base", "--migrator", text, "--rds-ca-bundle", "/etc/ssl/certs/ca-certificates.crt")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"{text} is not an ELF executable", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.temp, "out.tar")))

    def test_a_ca_bundle_without_certificates_is_refused(self):
        empty = os.path.join(self.temp, "empty.pem")
        open(empty, "w").close()
        result = self.image("base", "--migrator", DEBUG_ECS_RUN, "--rds-ca-bundle", empty)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("--rds-ca-bundle holds no PEM certificate", result.stderr)

    def test_a_service_layer_refuses_symlinks_and_missing_directories(self):
        base = os.path.join(self.temp, "base.tar")
        self.assertEqual(run("scripts/image", "base", "--migrator", DEBUG_ECS_RUN, "--rds-ca-bundle",
                             "/etc/ssl/certs/ca-certificates.crt", "--out", base).returncode, 0)
        missing = self.image("service", "--base", base, "--migrations", os.path.join(self.temp, "nope"))
        self.assertEqual(missing.returncode, 1)
        self.assertIn("nope is not a directory", missing.stderr)
        migrations = os.path.join(self.temp, "migrations")
        os.makedirs(migrations)
        os.symlink("/etc/passwd", os.path.join(migrations, "1_leak.sql"))
        linked = self.image("service", "--base", base, "--migrations", migrations)
        self.assertEqual(linked.returncode, 1)
        self.assertIn("1_leak.sql is not a regular file", linked.stderr)
        not_an_image = self.image("service", "--base", os.path.join(self.temp, "nope.tar"), "--migrations", migrations)
        self.assertIn("cannot read the base image", not_an_image.stderr)


class UnreachableMirrorTest(unittest.TestCase):
    def test_rootfs_proof_fails_and_says_so_when_debootstrap_cannot_reach_debian(self):
        cache = tempfile.mkdtemp(prefix="rootfs-cache-")
        self.addCleanup(shutil.rmtree, cache, True)
        env = {**os.environ, "ROOTFS_CACHE": cache, "ROOTFS_MIRROR": "http://127.0.0.1:1/debian"}
        result = run("scripts/rootfs-proof", "--dist", RELEASE_DIR, "--roots", "bookworm", env=env)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("debootstrap could not reach Debian's packages at http://127.0.0.1:1/debian", result.stderr)


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], *sys.argv[1:]], exit=False, verbosity=2).result
    print(f"{result.testsRun - len(result.failures) - len(result.errors)} passed, "
          f"{len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
