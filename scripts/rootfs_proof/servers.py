"""The servers the rootfs proof talks to, all on loopback: a test CA, stunnel with its certificate in front of
the local stack's AWS endpoint, a PostgreSQL that accepts only TLS, a network namespace with a DNS server of
its own (dnsmasq), and byte forwarders that make the host's loopback ports reachable inside that namespace.
"""
import contextlib
import ctypes
import http.server
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

CLONE_NEWNET = 0x40000000
START_SECONDS = 30
# Names that resolve only through each root's /etc/hosts, and names only the namespace's DNS server knows.
HOSTS_NAMES = {"aws": "ecs.hosts.test", "db": "db.hosts.test"}
DNS_NAMES = {"aws": "ecs.dns.test", "db": "db.dns.test"}


class ServerFailed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerFailed(f"{what} exited with {process.returncode} before it listened on {port}")
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServerFailed(f"{what} did not listen on 127.0.0.1:{port} within {START_SECONDS} s")


def openssl(*args):
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise ServerFailed(f"openssl {args[0]} failed: {result.stderr.strip()}")


class TestCA:
    """A CA made for this run, and one server certificate for every name the proof uses. No system trusts it:
    it exists only in the roots' CA stores."""

    def __init__(self, directory):
        self.ca = os.path.join(directory, "ca.crt")
        self.cert = os.path.join(directory, "server.crt")
        self.key = os.path.join(directory, "server.key")
        ca_key = os.path.join(directory, "ca.key")
        csr = os.path.join(directory, "server.csr")
        ext = os.path.join(directory, "server.ext")
        names = [*HOSTS_NAMES.values(), *DNS_NAMES.values()]
        with open(ext, "w") as f:
            f.write("subjectAltName=" + ",".join(f"DNS:{n}" for n in names) + "\n"
                    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ecs-run rootfs proof CA",
                "-keyout", ca_key, "-out", self.ca)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={names[0]}", "-keyout", self.key, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                "-extfile", ext, "-out", self.cert)


@contextlib.contextmanager
def stunnel(ca, target_port, directory):
    """TLS on a free loopback port, forwarded in plain text to target_port (the AWS emulator)."""
    port = free_port()
    config = os.path.join(directory, "stunnel.conf")
    with open(config, "w") as f:
        f.write(f"foreground = yes\npid =\noutput = {directory}/stunnel.log\n[aws]\naccept = 127.0.0.1:{port}\n"
                f"connect = 127.0.0.1:{target_port}\ncert = {ca.cert}\nkey = {ca.key}\n")
    binary = shutil.which("stunnel4") or shutil.which("stunnel")
    if not binary:
        raise ServerFailed("stunnel is not installed; run scripts/setup")
    process = subprocess.Popen([binary, config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, "stunnel")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def as_postgres(argv, seconds=60):
    return subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True, text=True, timeout=seconds)


@contextlib.contextmanager
def tls_postgres(ca, password):
    """A throwaway PostgreSQL 15 on a free loopback port that accepts TCP only over TLS (hostssl) and only with
    SCRAM-SHA-256 (the static libpq's SCRAM code is patched: scripts/static-libs), with the test CA's server
    certificate; postgres's password is password. Yields (port, socket directory); local superuser access
    through the socket needs no password."""
    bindir = "/usr/lib/postgresql/15/bin"
    directory = tempfile.mkdtemp(prefix="rootfs-proof-pg-")
    shutil.chown(directory, "postgres")
    data = os.path.join(directory, "data")
    port = free_port()
    result = as_postgres([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                          "--locale=C.UTF-8"], 120)
    if result.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise ServerFailed(f"initdb failed: {result.stderr.strip()[-500:]}")
    for source, name in ((ca.cert, "server.crt"), (ca.key, "server.key")):
        shutil.copy(source, os.path.join(data, name))
        shutil.chown(os.path.join(data, name), "postgres")
        os.chmod(os.path.join(data, name), 0o600)
    with open(os.path.join(data, "postgresql.conf"), "a") as f:
        f.write(f"ssl = on\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{directory}'\n"
                "fsync = off\n")
    with open(os.path.join(data, "pg_hba.conf"), "w") as f:
        f.write("local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n")
    result = as_postgres([f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(directory, "server.log"), "-w", "-t", "60",
                          "start"], 90)
    try:
        if result.returncode != 0:
            raise ServerFailed(f"PostgreSQL with TLS did not start: {result.stderr.strip()[-500:]}")
        # Through psql's stdin, so the password is on no command line.
        result = subprocess.run(["runuser", "-u", "postgres", "--", f"{bindir}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                 "-h", directory, "-p", str(port), "-d", "postgres"],
                                input=f"SET password_encryption = 'scram-sha-256';\n"
                                      f"ALTER ROLE postgres PASSWORD '{password}';\n",
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise ServerFailed(f"setting postgres's password failed: {result.stderr.strip()[-500:]}")
        yield port, directory
    finally:
        as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], 60)
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def file_server(directory):
    """Plain HTTP on loopback serving directory, as a release page would serve the archives."""
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=directory, **k)  # noqa: E731
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise ServerFailed(f"setns failed: {os.strerror(ctypes.get_errno())}")


def _pipe(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            destination.shutdown(socket.SHUT_WR)


def _forward(listener, port, stop):
    listener.settimeout(0.5)
    while not stop.is_set():
        try:
            inside, _ = listener.accept()
        except socket.timeout:
            continue
        except OSError:
            return
        try:
            outside = socket.create_connection(("127.0.0.1", port), timeout=10)
            outside.settimeout(None)
        except OSError:
            inside.close()
            continue
        inside.settimeout(None)
        for a, b in ((inside, outside), (outside, inside)):
            threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


class Namespace:
    """A network namespace of our own with only loopback, a DNS server on 127.0.0.1:53 that knows DNS_NAMES
    (and answers NXDOMAIN for every other name), and the given host loopback ports forwarded into it."""

    def __init__(self, ports, directory):
        self.name = f"rootfs-proof-{os.getpid()}"
        self.ports = ports
        self.directory = directory
        self.stop = threading.Event()
        self.listeners = []
        self.dns = None

    def __enter__(self):
        result = subprocess.run(["ip", "netns", "add", self.name], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise ServerFailed(f"ip netns add failed: {result.stderr.strip()}")
        try:
            subprocess.run(["ip", "-n", self.name, "link", "set", "lo", "up"], check=True, timeout=30)
            self._listen()
            self._start_dns()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _listen(self):
        # setns moves only the calling thread; the listening sockets stay in the namespace after it moves back,
        # and the forwarding threads, started afterwards, connect from the host's.
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            _setns(target)
            try:
                for port in self.ports:
                    listener = socket.socket()
                    listener.bind(("127.0.0.1", port))
                    listener.listen(64)
                    self.listeners.append((listener, port))
            finally:
                _setns(home)
        finally:
            os.close(home)
            os.close(target)
        for listener, port in self.listeners:
            threading.Thread(target=_forward, args=(listener, port, self.stop), daemon=True).start()

    def _start_dns(self):
        addresses = [f"--address=/{name}/127.0.0.1" for name in DNS_NAMES.values()]
        self.dns = subprocess.Popen(
            ["ip", "netns", "exec", self.name, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
             "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
             "--user=nobody", "--pid-file=", "--log-queries", f"--log-facility={self.directory}/dnsmasq.log",
             *addresses, "--address=/#/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.dns.poll() is not None:
                raise ServerFailed(f"dnsmasq exited with {self.dns.returncode} in namespace {self.name}")
            probe = subprocess.run(["ip", "netns", "exec", self.name, "ss", "-Hlun", "sport = :53"], capture_output=True,
                                   text=True, timeout=10)
            if "127.0.0.1:53" in probe.stdout:
                return
            time.sleep(0.1)
        raise ServerFailed("dnsmasq did not listen on 127.0.0.1:53")

    def queries(self):
        """The names the DNS server was asked for so far."""
        try:
            with open(f"{self.directory}/dnsmasq.log", errors="replace") as f:
                return re.findall(r"query\[\w+\] (\S+) from", f.read())
        except OSError:
            return []

    def command(self, argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def __exit__(self, *exc):
        self.stop.set()
        for listener, _ in self.listeners:
            listener.close()
        if self.dns is not None and self.dns.poll() is None:
            self.dns.terminate()
            try:
                self.dns.wait(10)
            except subprocess.TimeoutExpired:
                self.dns.kill()
                self.dns.wait(10)
        subprocess.run(["ip", "netns", "delete", self.name], capture_output=True, timeout=30)
