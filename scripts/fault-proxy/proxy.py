"""A fault-injecting HTTP proxy for AWS's JSON and query protocols, in front of the local AWS emulator.

Each request's operation comes from X-Amz-Target (ECS, CloudWatch Logs) or Action (STS). A fault set for
that operation (or for "*") is applied to the first `count` requests of it (all of them when count is
None); the rest are passed to the upstream as they are. Faults:

  hang       never forwarded, never answered: the connection stays open until the client gives up
  lost       forwarded (so it takes effect), but the answer never comes
  delay      forwarded, answered after `seconds`
  reset      never forwarded; the connection is closed with a TCP reset
  5xx        never forwarded; 503 with an HTML body, as a load balancer sends it
  throttle   never forwarded; 400 ThrottlingException
  malformed  forwarded; answered 200 with the first half of the real body
  skew       the server's clock is `seconds` off: a request signed more than 5 minutes away from it is
             refused as AWS refuses it (400 InvalidSignatureException, "Signature expired" or "Signature
             not yet current"); every answer's Date is the server's clock

Every request is recorded (arrival time, operation, fault); GET /_proxy/requests returns them as JSON,
POST /_proxy/faults replaces the fault table. Listens on 127.0.0.1 only. For hand use:

  .venv/bin/python scripts/fault-proxy/proxy.py --upstream "$AWS_ENDPOINT_URL" --fault RunTask=hang
"""
import argparse
import datetime
import email.utils
import http.client
import http.server
import json
import re
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

KINDS = ("hang", "lost", "delay", "reset", "5xx", "throttle", "malformed", "skew")
# A hung connection is held at most this long, so a proxy never outlives its test by much.
HOLD_LIMIT = 300
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host"}
SIGNATURE_WINDOW = 300
_AMZ_DATE = re.compile(r"^(\d{8}T\d{6})Z$")


class Fault:
    def __init__(self, kind, count=None, seconds=None):
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(KINDS)}")
        self.kind = kind
        self.count = count
        self.seconds = seconds if seconds is not None else (3600.0 if kind == "skew" else 3.0)

    @classmethod
    def parse(cls, text):
        """`hang`, `5xx*2` (the first two requests), `delay:2`, `skew:-3600`."""
        count = None
        if "*" in text:
            text, n = text.split("*", 1)
            count = int(n)
        kind, _, seconds = text.partition(":")
        return cls(kind, count, float(seconds) if seconds else None)

    def to_json(self):
        return {"kind": self.kind, "count": self.count, "seconds": self.seconds}


class FaultProxy:
    """The proxy on a free port of 127.0.0.1; `url` is its endpoint. Stop it with `stop()`."""

    def __init__(self, upstream, faults=None):
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.scheme != "http" or not parsed.hostname:
            raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.lock = threading.Lock()
        self.faults = dict(faults or {})
        self.seen = {}  # operation → requests of it so far
        self.requests = []
        self.closing = threading.Event()
        proxy = self

        class Handler(ProxyHandler):
            owner = proxy

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def set_faults(self, faults):
        with self.lock:
            self.faults = dict(faults)
            self.seen = {}

    def recorded(self, operation=None):
        with self.lock:
            return [r for r in self.requests if operation is None or r["operation"] == operation]

    def _fault_for(self, operation):
        """The fault this request gets, and records it."""
        with self.lock:
            n = self.seen.get(operation, 0)
            self.seen[operation] = n + 1
            fault = self.faults.get(operation) or self.faults.get("*")
            if fault is not None and fault.count is not None and n >= fault.count:
                fault = None
            self.requests.append({"time": time.time(), "operation": operation, "fault": fault.kind if fault else None})
            return fault


class QuietServer(http.server.ThreadingHTTPServer):
    """A client that leaves before its answer (ecs-run abandoning a request) is what the faults are for."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner = None  # set by FaultProxy's subclass

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/_proxy/requests":
            self._reply(200, json.dumps(self.owner.recorded()).encode(), "application/json")
        else:
            self._reply(404, b"not found\n", "text/plain")

    def do_POST(self):
        body = self._read_body()
        if self.path == "/_proxy/faults":
            try:
                table = json.loads(body or b"{}")
                self.owner.set_faults({op: Fault(**spec) for op, spec in table.items()})
            except (ValueError, TypeError) as error:
                self._reply(400, f"{error}\n".encode(), "text/plain")
                return
            self._reply(200, b"{}", "application/json")
            return
        operation = _operation(self.headers, body)
        fault = self.owner._fault_for(operation)
        kind = fault.kind if fault else None
        if kind == "hang":
            self._hold()
        elif kind == "reset":
            self._reset()
        elif kind == "5xx":
            self._reply(503, b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html")
        elif kind == "throttle":
            self._reply(400, json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode(),
                        "application/x-amz-json-1.1")
        elif kind == "skew":
            self._skewed(body, fault.seconds)
        else:
            status, headers, answer = self._forward(body)
            if kind == "lost":
                self._hold()
            elif kind == "malformed" and status == 200:
                self._reply(200, answer[: len(answer) // 2], headers.get("Content-Type", "application/x-amz-json-1.1"))
            else:
                if kind == "delay":
                    self._wait(fault.seconds)
                self._reply(status, answer, headers.get("Content-Type", "application/x-amz-json-1.1"), headers)

    def _skewed(self, body, offset):
        server_now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
        date = email.utils.format_datetime(server_now, usegmt=True)
        match = _AMZ_DATE.match(self.headers.get("X-Amz-Date", ""))
        signed = (datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=datetime.timezone.utc)
                  if match else None)
        if signed is None or abs((signed - server_now).total_seconds()) > SIGNATURE_WINDOW:
            stamp = self.headers.get("X-Amz-Date", "?")
            fmt = "%Y%m%dT%H%M%SZ"
            if signed is not None and signed > server_now:
                later = (server_now + datetime.timedelta(seconds=SIGNATURE_WINDOW)).strftime(fmt)
                message = f"Signature not yet current: {stamp} is still later than {later} ({server_now.strftime(fmt)} + 5 min.)"
            else:
                earlier = (server_now - datetime.timedelta(seconds=SIGNATURE_WINDOW)).strftime(fmt)
                message = f"Signature expired: {stamp} is now earlier than {earlier} ({server_now.strftime(fmt)} - 5 min.)"
            self._reply(400, json.dumps({"__type": "InvalidSignatureException", "message": message}).encode(),
                        "application/x-amz-json-1.1", date=date)
            return
        status, headers, answer = self._forward(body)
        self._reply(status, answer, headers.get("Content-Type", "application/x-amz-json-1.1"), headers, date=date)

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _forward(self, body):
        connection = http.client.HTTPConnection(*self.owner.upstream, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Host"] = self.headers.get("Host", "")
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            return response.status, {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}, answer
        finally:
            connection.close()

    def _reply(self, status, body, content_type, headers=None, date=None):
        self.send_response_only(status)
        self.send_header("Date", date or self.date_time_string())
        for name, value in (headers or {}).items():
            if name.lower() not in ("content-length", "content-type", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _wait(self, seconds):
        """Sleeps, but returns early when the client has gone or the proxy stops."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.owner.closing.is_set():
            if self._client_gone(min(0.1, max(0, deadline - time.monotonic()))):
                return

    def _hold(self):
        """Answers nothing until the client closes the connection (or the limit passes), then closes it."""
        deadline = time.monotonic() + HOLD_LIMIT
        while time.monotonic() < deadline and not self.owner.closing.is_set():
            if self._client_gone(0.2):
                break
        self.close_connection = True

    def _client_gone(self, timeout):
        readable, _, _ = select.select([self.connection], [], [], timeout)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _operation(headers, body):
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"))
    return form.get("Action", ["?"])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="the emulator's endpoint, e.g. http://127.0.0.1:4566")
    parser.add_argument("--fault", action="append", default=[], metavar="OPERATION=FAULT",
                        help="e.g. RunTask=hang, DescribeTasks=5xx*3, '*=skew:-3600'; repeatable")
    args = parser.parse_args()
    faults = {}
    for item in args.fault:
        operation, _, spec = item.partition("=")
        faults[operation] = Fault.parse(spec)
    proxy = FaultProxy(args.upstream, faults)
    print(proxy.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
