"""The four systems the release binaries must run in, each built in a fresh directory:

  bookworm  a copy of a debootstrapped bookworm minbase (what debian:bookworm-slim is), with glibc's shared
            libraries and /etc/nsswitch.conf; the CA bundle at Debian's path;
  scratch   what the migrator image holds: the binaries, the passwd and group lines of user 10001, /etc/hosts,
            /etc/resolv.conf, a CA bundle, an empty /tmp and /proc; no nsswitch.conf, no libraries;
  musl      a stand-in for Alpine (hashicorp/terraform): Debian's musl and busybox-static unpacked with dpkg -x,
            busybox's applets linked in, no glibc file anywhere, the CA bundle at Alpine's two paths;
  rhel      RHEL's layout: the CA bundle only at /etc/pki/tls/certs/ca-bundle.crt, RHEL's nsswitch.conf line.

Every root's CA store holds only the proof's test CA, and its /etc/hosts names the proof's *.hosts.test hosts.
"""
import glob
import os
import shutil
import subprocess

from .servers import HOSTS_NAMES

ALPINE_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"]
DESCRIPTIONS = {
    "bookworm": "a copy of bookworm minbase, glibc's shared libraries and nsswitch.conf, the CA bundle at Debian's path",
    "scratch": "only the binaries, passwd/group lines for 10001, hosts, resolv.conf, a CA bundle, /tmp and /proc",
    "musl": "Debian's musl and busybox-static unpacked, no glibc file, the CA bundle at Alpine's two paths",
    "rhel": "RHEL's layout: the CA bundle only at /etc/pki/tls/certs/ca-bundle.crt, files dns myhostname",
}
GLIBC_FILES = ("libc.so.6", "ld-linux-x86-64.so.2", "libc-2.*.so", "libpthread.so.0", "libnss_*.so.2")


class RootFailed(Exception):
    pass


class Root:
    def __init__(self, name, path, user, uid, gid, bundles, bin_dir, home="/nonexistent"):
        self.name = name
        self.path = path
        self.user = user
        self.uid = uid
        self.gid = gid
        self.bundles = bundles      # where this root's CA store is; PGSSLROOTCERT is the first
        self.bin_dir = bin_dir      # where the binaries are
        self.home = home

    def file(self, path):
        return os.path.join(self.path, path.lstrip("/"))

    def write(self, path, text, mode=0o644):
        target = self.file(path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as f:
            f.write(text)
        os.chmod(target, mode)

    def install(self, source, path, mode=0o755):
        target = self.file(path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(source, target)
        os.chmod(target, mode)

    def remove_ca_bundle(self):
        for bundle in self.bundles:
            if os.path.lexists(self.file(bundle)):
                os.remove(self.file(bundle))


def common_files(root, ca, passwd, group):
    """The files every root gets: the network files, its users, its CA store, an empty /tmp and /proc."""
    os.chmod(root.path, 0o755)  # a temporary directory is 0700, which the root's user could not enter
    names = " ".join(HOSTS_NAMES.values())
    hosts = f"127.0.0.1\tlocalhost {names}\n::1\tlocalhost ip6-localhost\n"
    root.write("/etc/hosts", hosts)
    root.write("/etc/resolv.conf", "nameserver 127.0.0.1\n")
    if passwd is not None:
        root.write("/etc/passwd", passwd)
        root.write("/etc/group", group)
    for bundle in root.bundles:
        root.install(ca.ca, bundle, 0o644)
    os.makedirs(root.file("/tmp"), exist_ok=True)
    os.chmod(root.file("/tmp"), 0o1777)
    os.makedirs(root.file("/proc"), exist_ok=True)


def bookworm(path, minbase, ca):
    subprocess.run(["cp", "-a", minbase + "/.", path], check=True, timeout=600)
    root = Root("bookworm", path, "nobody", 65534, 65534, ["/etc/ssl/certs/ca-certificates.crt"], "/usr/local/bin")
    # minbase has no ca-certificates package: the test CA is the whole store.
    common_files(root, ca, None, None)
    return root


def scratch(path, ca):
    root = Root("scratch", path, "migrator", 10001, 10001, ["/etc/ssl/certs/ca-certificates.crt"], "/")
    common_files(root, ca, "migrator:x:10001:10001:migrator:/nonexistent:/sbin/nologin\n", "migrator:x:10001:\n")
    return root


def musl(path, debs, ca):
    for deb in debs:
        result = subprocess.run(["dpkg-deb", "-x", deb, path], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RootFailed(f"dpkg -x {deb} failed: {result.stderr.strip()}")
    for directory in ("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "root"):
        os.makedirs(os.path.join(path, directory), exist_ok=True)
    result = subprocess.run(["chroot", path, "/bin/busybox", "--install", "-s"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RootFailed(f"busybox --install -s failed: {result.stderr.strip()}")
    root = Root("musl", path, "nobody", 65534, 65534, ALPINE_BUNDLES, "/usr/local/bin")
    common_files(root, ca, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
                 "root:x:0:root\nnobody:x:65534:\n")
    glibc = [os.path.relpath(p, path) for name in GLIBC_FILES for p in glob.glob(f"{path}/**/{name}", recursive=True)]
    if glibc:
        raise RootFailed(f"the musl root has glibc files: {', '.join(sorted(glibc))}")
    loader = os.path.join(path, "lib", "ld-musl-x86_64.so.1")
    if not os.path.lexists(loader):
        raise RootFailed("the musl root has no /lib/ld-musl-x86_64.so.1")
    for applet in ("sh", "wget", "sha256sum", "tar", "grep"):
        if not any(os.path.islink(os.path.join(path, d, applet)) for d in ("bin", "usr/bin")):
            raise RootFailed(f"busybox did not link {applet} into /bin or /usr/bin")
    return root


def rhel(path, ca):
    root = Root("rhel", path, "nobody", 65534, 65534, ["/etc/pki/tls/certs/ca-bundle.crt"], "/usr/local/bin")
    common_files(root, ca, "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n",
                 "root:x:0:\nnobody:x:65534:\n")
    # RHEL 9's own line: myhostname is a module a static binary cannot load, which must not stop the lookup.
    root.write("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns myhostname\n")
    root.write("/etc/os-release", 'NAME="RHEL layout (rootfs proof)"\nID="rhel"\nVERSION_ID="9"\n')
    return root
