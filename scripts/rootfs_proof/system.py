"""What the rootfs proof does to the host: runs commands with a time limit, mounts /proc and read-only binds,
keeps the debootstrapped minbase in a cache, and reads the local stack's env file and the release archives."""
import contextlib
import fcntl
import glob
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_CACHE = "/var/cache/ecs-run-rootfs"
DEBOOTSTRAP_SECONDS = 900


class ProofFailed(Exception):
    pass


def say(message):
    print(f"[rootfs-proof] {message}", file=sys.stderr, flush=True)


def run(command, seconds, **kwargs):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=seconds, **kwargs)
    except subprocess.TimeoutExpired:
        raise ProofFailed(f"{shlex.join(command)} took longer than {seconds} s")


def key(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


@contextlib.contextmanager
def mounted_proc(system):
    """/proc inside the system for as long as the block runs, unmounted however the block ends."""
    target = os.path.join(system, "proc")
    result = run(["mount", "-t", "proc", "proc", target], 30)
    if result.returncode != 0:
        raise ProofFailed(f"mount -t proc on {target} failed: {result.stderr.strip()}")
    try:
        yield
    finally:
        if run(["umount", target], 30).returncode != 0:
            run(["umount", "-l", target], 30)


@contextlib.contextmanager
def read_only(system):
    """The system's root read-only, as the task definition's readonlyRootFilesystem makes it."""
    steps = [["mount", "--bind", system, system], ["mount", "-o", "remount,bind,ro", system, system]]
    for index, step in enumerate(steps):
        result = run(step, 30)
        if result.returncode != 0:
            if index:
                run(["umount", system], 30)
            raise ProofFailed(f"{shlex.join(step)} failed: {result.stderr.strip()}")
    try:
        try:
            open(os.path.join(system, "read-only-check"), "w").close()
        except OSError:
            pass
        else:
            raise ProofFailed(f"{system} is still writable after the read-only remount")
        yield
    finally:
        if run(["umount", system], 30).returncode != 0:
            run(["umount", "-l", system], 30)


class Cache:
    """Root filesystems by key, each built in a temporary directory and renamed into place when complete."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @contextlib.contextmanager
    def locked(self):
        # Several checkouts on one machine share the cache; one builder at a time.
        with open(os.path.join(self.directory, ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def get(self, name, build):
        path = os.path.join(self.directory, name)
        if os.path.isdir(path):
            say(f"cached: {path}")
            return path
        partial = path + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        build(partial)
        os.rename(partial, path)
        return path


def debootstrap(target, mirror):
    say(f"debootstrap --variant=minbase {SUITE} from {mirror} (about 30 s)")
    result = run(["debootstrap", "--variant=minbase", SUITE, target, mirror], DEBOOTSTRAP_SECONDS)
    if result.returncode != 0:
        log = os.path.join(target, "debootstrap", "debootstrap.log")
        detail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-5:]
        if os.path.exists(log):
            detail += open(log, errors="replace").read().splitlines()[-5:]
        unreachable = any(re.search(r"Failed getting release file|Couldn't download|Temporary failure|"
                                    r"Could not resolve|Connection refused|unable to fetch", line, re.I)
                          for line in detail)
        what = (f"debootstrap could not reach Debian's packages at {mirror}; this proof needs them (set "
                f"ROOTFS_MIRROR to a reachable Debian mirror)" if unreachable else "debootstrap failed")
        raise ProofFailed(what + ":\n    " + "\n    ".join(detail))
    # The downloaded .debs would be copied into every system made from this one.
    for deb in glob.glob(os.path.join(target, "var", "cache", "apt", "archives", "*.deb")):
        os.remove(deb)


def artifact(dist, program):
    found = sorted(glob.glob(os.path.join(dist, f"{program}-*-linux-*.tar.gz")))
    if len(found) != 1:
        raise ProofFailed(f"expected one {program}-VERSION-linux-ARCH.tar.gz in {dist}, found {len(found)}; "
                          f"run scripts/release --out {dist}")
    return found[0]


def stack_environment():
    directory = os.environ.get("LOCAL_STACK_DIR") or os.path.join(ROOT, ".local-stack")
    path = os.path.join(directory, "env")
    if not os.path.exists(path):
        raise ProofFailed(f"no running local stack ({path} is missing); start one with scripts/local-stack start")
    env = {}
    for line in open(path):
        match = re.match(r"export (\w+)='(.*)'$", line.strip())
        if match:
            env[match.group(1)] = match.group(2)
    return env


def binary_from(archive, program):
    with tarfile.open(archive) as tar:
        return tar.extractfile(tar.getmember(program)).read()


def needed_entries(path):
    """The shared libraries an ELF file names (readelf -d's NEEDED entries); [] for a static executable."""
    result = run(["readelf", "-d", path], 60)
    if result.returncode != 0:
        raise ProofFailed(f"readelf -d {path} failed: {result.stderr.strip()}")
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", result.stdout)

