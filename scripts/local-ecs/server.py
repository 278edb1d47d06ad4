"""The local AWS endpoint: moto's server on 127.0.0.1, with an ECS whose tasks really run as local processes.

Environment:
  LOCAL_ECS_IMAGES               JSON object, image pattern → executable (or argv list; [] = run the command as is)
  LOCAL_ECS_MIGRATOR             the migrator binary for images whose repository ends in `migrator`
                                 (those ending in `efbundle` run stand-ins/efbundle, an EF Core bundle's stand-in)
  LOCAL_ECS_DEPROVISION_SECONDS  delay between DEPROVISIONING and STOPPED (default 2)
  LOCAL_ECS_CHECK_SIGNATURES     like --check-signatures N
"""
import argparse
import json
import os
import signal
import sys
import threading

from moto import settings as moto_settings
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

import credentials
import lifecycle
from images import ImageMap
from requestlog import RequestLog

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--request-log", help="append one line per AWS request to this file")
    parser.add_argument(
        "--check-signatures", type=int, nargs="?", const=0, metavar="N",
        default=_env_int("LOCAL_ECS_CHECK_SIGNATURES"),
        help="verify SigV4 signatures against moto's IAM users after the first N requests (default N: 0); "
             "off unless given (moto's INITIAL_NO_AUTH_ACTION_COUNT)",
    )
    parser.add_argument(
        "--access-key-id", default=os.environ.get("LOCAL_ECS_ACCESS_KEY_ID"),
        help="with --secret-access-key: an IAM user with these keys and every permission exists from the start",
    )
    parser.add_argument("--secret-access-key", default=os.environ.get("LOCAL_ECS_SECRET_ACCESS_KEY"))
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the local ECS listens on loopback only")

    if args.check_signatures is not None:
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = float(args.check_signatures)
    if args.access_key_id and args.secret_access_key:
        credentials.register(args.access_key_id, args.secret_access_key)

    settings = lifecycle.Settings(
        image_map=ImageMap.from_environment(ROOT),
        deprovision_seconds=float(os.environ.get("LOCAL_ECS_DEPROVISION_SECONDS", "2")),
        workdir=os.getcwd(),
    )
    lifecycle.install(settings)

    app = DomainDispatcherApplication(create_backend_app)
    app = SettingsEndpoint(app, settings)
    if args.request_log:
        app = RequestLog(app, args.request_log)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=QuietRequestHandler)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    checks = "off" if args.check_signatures is None else f"on after {args.check_signatures} requests"
    print(f"local-ecs: listening on http://{args.host}:{args.port} (signature checks {checks})", flush=True)
    while not stop.wait(3600):
        pass
    lifecycle.kill_everything()
    settings.image_map.remove_path_directories()
    server.shutdown()
    print("local-ecs: stopped", flush=True)


class QuietRequestHandler(MotoRequestHandler):
    """No access log on stderr: the request log records every call, and benchmarks make thousands."""

    def log_request(self, code="-", size="-"):
        pass


class SettingsEndpoint:
    """GET/POST /local-ecs/settings: read or change {"deprovisionSeconds": N} without a restart."""

    def __init__(self, app, settings):
        self.app = app
        self.settings = settings

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/local-ecs/settings":
            return self.app(environ, start_response)
        if environ["REQUEST_METHOD"] == "POST":
            try:
                length = min(int(environ.get("CONTENT_LENGTH") or 0), 65536)
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
                if "deprovisionSeconds" in body:
                    seconds = float(body["deprovisionSeconds"])
                    if seconds < 0:
                        raise ValueError("deprovisionSeconds must be ≥ 0")
                    self.settings.deprovision_seconds = seconds
            except (ValueError, TypeError) as error:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [f"{error}\n".encode()]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"deprovisionSeconds": self.settings.deprovision_seconds}).encode()]


def _env_int(name):
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        sys.exit(f"local-ecs: {name} must be a number of requests (0 = check every request)")


if __name__ == "__main__":
    main()
