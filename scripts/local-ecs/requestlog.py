"""The request log: one line per AWS API request, `EPOCH_SECONDS.mmm OPERATION STATUS SERVICE`.

The benchmarks count API calls by operation from it. The operation comes from X-Amz-Target (JSON
protocols: ECS, CloudWatch Logs) or from Action (query protocols: STS, EC2, IAM), in the query string or
the form body; the service from the SigV4 credential scope.
"""
import io
import re
import threading
import time
from urllib.parse import parse_qs

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
MAX_FORM_BYTES = 10 * 1024 * 1024


class RequestLog:
    def __init__(self, app, path):
        self.app = app
        self.file = open(path, "a", buffering=1, encoding="utf-8")
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(("/moto-api", "/local-ecs")):
            return self.app(environ, start_response)
        started = time.time()
        operation = _operation(environ)
        service = _service(environ)
        status = ["-"]

        def recording_start_response(status_line, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        except Exception:
            status[0] = "500"
            raise
        finally:
            with self.lock:
                self.file.write(f"{started:.3f} {operation} {status[0]} {service}\n")


def _operation(environ):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        body = _read_body(environ)
        form = parse_qs(body.decode("utf-8", errors="replace"))
        if "Action" in form:
            return form["Action"][0]
    return f"{environ.get('REQUEST_METHOD', '?')}:{environ.get('PATH_INFO', '/')}"


def _read_body(environ):
    """Reads the form body and puts it back for moto."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0 or length > MAX_FORM_BYTES:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _service(environ):
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else "-"
