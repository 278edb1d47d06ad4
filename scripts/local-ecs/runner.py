"""One container as a local process: its own session (the "container"), output pumped line by line."""
import os
import signal
import subprocess
import sys
import threading


class StartFailed(Exception):
    """The program could not be executed: ECS's CannotStartContainerError."""


class ContainerProcess:
    def __init__(self, name, argv, environment, cwd, log_stream, on_exit):
        self.name = name
        self.argv = argv
        self.environment = environment
        self.cwd = cwd
        self.log_stream = log_stream
        self.on_exit = on_exit  # called once with the exit code, after all output is written
        self.process = None
        self.exit_code = None
        self.exited = threading.Event()

    def start(self):
        try:
            self.process = subprocess.Popen(
                self.argv,
                env=self.environment,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a process group per container, so teardown reaches its children
            )
        except OSError as error:
            raise StartFailed(
                f"CannotStartContainerError: failed to start container {self.name!r}: "
                f"exec: {self.argv[0]!r}: {error.strerror}"
            ) from None
        pumps = [
            threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self._pump, args=(self.process.stderr,), daemon=True),
        ]
        for pump in pumps:
            pump.start()
        threading.Thread(target=self._wait, args=(pumps,), daemon=True).start()

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def _pump(self, pipe):
        prefix = f"[{self.name}] ".encode()
        for line in iter(pipe.readline, b""):
            line = line.rstrip(b"\n")
            if self.log_stream is not None:
                try:
                    self.log_stream.write_line(line)
                except Exception as error:  # a deleted group must not kill the container
                    print(f"local-ecs: log write failed for {self.name}: {error}", file=sys.stderr, flush=True)
            else:
                sys.stdout.buffer.write(prefix + line + b"\n")
                sys.stdout.flush()
        pipe.close()

    def _wait(self, pumps):
        code = self.process.wait()
        # A container ends with its main process: what it left behind goes too, which also closes the pipes.
        self.kill_all()
        for pump in pumps:
            pump.join(timeout=5)
        self.exit_code = 128 - code if code < 0 else code  # killed by signal N → 128+N, like docker
        self.exited.set()
        self.on_exit(self)

    def terminate(self):
        """SIGTERM to the container's main process, as `docker stop` does."""
        if self.process and self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass

    def kill_all(self):
        """SIGKILL to everything left in the container's process group."""
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
