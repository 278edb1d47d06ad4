"""The awslogs log driver: container output, one event per line, into moto's CloudWatch Logs."""
import threading
import time

from moto.logs.models import logs_backends

# CloudWatch's limit is 256 KiB per event including 26 bytes of overhead; the awslogs driver splits longer lines.
MAX_EVENT_BYTES = 256 * 1024 - 26


class LogSetupFailed(Exception):
    """The log group is missing and may not be created; ECS then fails the task before it starts."""


class AwsLogsStream:
    """One container's stream `PREFIX/CONTAINER/TASK_ID` (or TASK_ID without a prefix)."""

    def __init__(self, account_id, region, group, stream):
        self.backend = logs_backends[account_id][region]
        self.group = group
        self.stream = stream
        self.lock = threading.Lock()  # stdout and stderr readers share the stream

    @classmethod
    def for_container(cls, container_definition, account_id, task_region, task_id):
        """None when the container does not use awslogs."""
        log_configuration = container_definition.get("logConfiguration") or {}
        if log_configuration.get("logDriver") != "awslogs":
            return None
        options = log_configuration.get("options") or {}
        group = options.get("awslogs-group")
        if not group:
            raise LogSetupFailed("ResourceInitializationError: failed to validate logger args: awslogs-group is required")
        region = options.get("awslogs-region") or task_region
        prefix = options.get("awslogs-stream-prefix")
        name = f"{prefix}/{container_definition['name']}/{task_id}" if prefix else task_id
        stream = cls(account_id, region, group, name)
        stream._create(create_group=options.get("awslogs-create-group") == "true")
        return stream

    def _create(self, create_group):
        if self.group not in self.backend.groups:
            if not create_group:
                raise LogSetupFailed(
                    "ResourceInitializationError: failed to validate logger args: create stream has been retried "
                    "1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log "
                    f"group does not exist. (log group {self.group}; create it or set awslogs-create-group to true)"
                )
            self.backend.create_log_group(self.group, tags={})
        if self.stream not in self.backend.groups[self.group].streams:
            self.backend.create_log_stream(self.group, self.stream)

    def write_line(self, raw):
        """Writes one line of output (bytes, newline stripped). Empty lines are skipped, as the driver does."""
        if not raw:
            return
        text = raw.decode("utf-8", errors="replace")
        chunks = _split(text)
        with self.lock:
            for chunk in chunks:
                event = {"timestamp": int(time.time() * 1000), "message": chunk}
                self.backend.put_log_events(self.group, self.stream, [event])


def _split(text):
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_EVENT_BYTES:
        return [text]
    pieces = []
    while encoded:
        piece = encoded[:MAX_EVENT_BYTES]
        encoded = encoded[MAX_EVENT_BYTES:]
        pieces.append(piece.decode("utf-8", errors="replace"))
    return pieces
