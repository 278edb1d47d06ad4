"""The local AWS endpoint: moto's server on 127.0.0.1."""
import argparse

from moto.server import ThreadedMotoServer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--request-log")
    args = parser.parse_args()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port)
    server.start()
    server._thread.join()


if __name__ == "__main__":
    main()
