"""The image checks must fail when an image would break: each test drops a package the binaries need from a
temporary copy of the Dockerfile (and, for ecs-run, of the README's install line) and expects
scripts/check-image-libs and scripts/rootfs-proof to fail, naming the missing library. The checks' passing
runs on the real files are scripts/test's own steps.

Run from the repository root as root, with a local stack running and a release built:

    scripts/release --out dist && .venv/bin/python scripts/test_image_checks.py

Environment: LOCAL_STACK_DIR (the stack), RELEASE_DIR (scripts/release's output; default dist),
RELEASE_BIN (its unstripped binaries; default .build-release-static/release).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DIR = os.path.abspath(os.environ.get("RELEASE_DIR") or os.path.join(ROOT, "dist"))
RELEASE_BIN = os.path.abspath(os.environ.get("RELEASE_BIN") or os.path.join(ROOT, ".build-release-static", "release"))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
SECONDS = 900  # a rootfs proof that has to build a new system (apt-get over the network) included


def run(*argv):
    return subprocess.run([PYTHON, *argv], capture_output=True, text=True, timeout=SECONDS, cwd=ROOT)


def without(text, stage, package):
    """text with `package` dropped from the apt-get install line of `stage` (the whole file if stage is None)."""
    if stage is None:
        start, end = 0, len(text)
    else:
        start = text.index(f" AS {stage}\n")
        following = text.find("\nFROM ", start)
        end = len(text) if following < 0 else following
    part, count = re.subn(rf"(apt-get install[^\n]*?) {re.escape(package)}\b", r"\1", text[start:end], count=1)
    if count != 1:
        raise AssertionError(f"no `apt-get install … {package}` to drop")
    return text[:start] + part + text[end:]


class DroppedPackageTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.mkdtemp(prefix="image-checks-")
        self.addCleanup(shutil.rmtree, self.temp, True)

    def copy(self, name, stage, package):
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = without(f.read(), stage, package)
        path = os.path.join(self.temp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_library_check_fails_without_libpq5_in_the_migrator_stage(self):
        dockerfile = self.copy("Dockerfile", "migrator", "libpq5")
        result = run("scripts/check-image-libs", "--dockerfile", dockerfile, "--binary",
                     os.path.join(RELEASE_BIN, "migrator"))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"libpq\.so\.5 .*package libpq5 is not installed by the migrator stage")

    def test_library_check_fails_without_libcurl4_in_the_launcher_stage(self):
        dockerfile = self.copy("Dockerfile", "launcher", "libcurl4")
        result = run("scripts/check-image-libs", "--dockerfile", dockerfile, "--stage", "launcher", "--binary",
                     os.path.join(RELEASE_BIN, "ecs-run"))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"libcurl\.so\.4 .*package libcurl4 is not installed by the launcher stage")

    def test_rootfs_proof_fails_when_the_migrator_stage_drops_libpq5(self):
        dockerfile = self.copy("Dockerfile", "migrator", "libpq5")
        result = run("scripts/rootfs-proof", "--dist", RELEASE_DIR, "--dockerfile", dockerfile, "--only", "migrator")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("libpq.so.5: cannot open shared object file", result.stderr)
        self.assertIn("FAILED: migrator up exited with 127", result.stderr)

    def test_rootfs_proof_fails_when_the_install_section_drops_libcurl4(self):
        # The README's list and the launcher stage must agree, so both lose the package.
        dockerfile = self.copy("Dockerfile", "launcher", "libcurl4")
        readme = self.copy("README.md", None, "libcurl4")
        result = run("scripts/rootfs-proof", "--dist", RELEASE_DIR, "--dockerfile", dockerfile, "--readme", readme,
                     "--only", "ecs-run")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("libcurl.so.4: cannot open shared object file", result.stderr)

    def test_rootfs_proof_refuses_a_readme_that_differs_from_the_launcher_stage(self):
        readme = self.copy("README.md", None, "libcurl4")
        result = run("scripts/rootfs-proof", "--dist", RELEASE_DIR, "--readme", readme, "--only", "ecs-run")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("they must be the same list", result.stderr)


class UnreachableMirrorTest(unittest.TestCase):
    def test_rootfs_proof_fails_and_says_so_when_debootstrap_cannot_reach_debian(self):
        cache = tempfile.mkdtemp(prefix="rootfs-cache-")
        self.addCleanup(shutil.rmtree, cache, True)
        env = {**os.environ, "ROOTFS_CACHE": cache, "ROOTFS_MIRROR": "http://127.0.0.1:1/debian"}
        result = subprocess.run([PYTHON, "scripts/rootfs-proof", "--dist", RELEASE_DIR], capture_output=True,
                                text=True, timeout=SECONDS, cwd=ROOT, env=env)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("debootstrap could not reach Debian's packages at http://127.0.0.1:1/debian", result.stderr)


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], *sys.argv[1:]], exit=False, verbosity=2).result
    print(f"{result.testsRun - len(result.failures) - len(result.errors)} passed, "
          f"{len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
