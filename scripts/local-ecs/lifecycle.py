"""ECS task lifecycle on top of moto's backend.

moto records a task and reports it RUNNING forever. Here RunTask also starts a TaskRun, which walks the task
through PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED while its
containers run as local processes; StopTask asks the TaskRun to stop. DescribeTasks is moto's own: it
serializes the same Task objects, whose fields the TaskRun keeps current.
"""
import datetime
import os
import sys
import threading
import uuid

from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from logs import AwsLogsStream, LogSetupFailed
from images import ImageNotFound
from runner import ContainerProcess, StartFailed
import valuefrom

# Short dwell times before the containers start, so pollers can see the early states, as on Fargate.
PROVISIONING_SECONDS = 0.3
PULL_SECONDS = 0.3
DEFAULT_STOP_TIMEOUT = 30
KILL_WAIT_SECONDS = 10


class Settings:
    """What can change while the server runs (POST /local-ecs/settings)."""

    def __init__(self, image_map, deprovision_seconds, workdir):
        self.image_map = image_map
        self.deprovision_seconds = deprovision_seconds
        self.workdir = workdir


_runs = {}  # task ARN → TaskRun
_runs_lock = threading.Lock()
# RunTask's clientToken, as ECS keeps it: a repeat with the same token answers with the tasks the first
# request started instead of starting more (moto 5.2.5 ignores the token).
_by_token = {}  # (account, region, cluster, token) → [Task]
_token_lock = threading.Lock()
_request = threading.local()


def install(settings):
    """Hooks RunTask and StopTask of moto's ECS backend."""
    original_run_task = EC2ContainerServiceBackend.run_task
    original_stop_task = EC2ContainerServiceBackend.stop_task

    original_run_task_response = EC2ContainerServiceResponse.run_task

    def run_task_response(response):
        _request.token = response._get_param("clientToken")
        try:
            with _token_lock:
                return original_run_task_response(response)
        finally:
            _request.token = None

    def run_task(backend, cluster_str, *args, **kwargs):
        token = getattr(_request, "token", None)
        key = (backend.account_id, backend.region_name, backend._get_cluster(cluster_str).name, token)
        if token and key in _by_token:
            return _by_token[key]
        tasks = original_run_task(backend, cluster_str, *args, **kwargs)
        if token:
            _by_token[key] = tasks
        for task in tasks:
            run = TaskRun(backend, task, settings)
            with _runs_lock:
                _runs[task.task_arn] = run
            run.begin()
        return tasks

    def stop_task(backend, cluster_str, task_str, reason):
        run = _find_run(backend, cluster_str, task_str)
        if run is None:
            return original_stop_task(backend, cluster_str, task_str, reason)
        run.request_stop(reason or "Task stopped by user")
        return run.task

    EC2ContainerServiceBackend.run_task = run_task
    EC2ContainerServiceResponse.run_task = run_task_response
    EC2ContainerServiceBackend.stop_task = stop_task
    _allow_task_level_memory()


def _allow_task_level_memory():
    """moto 5.2 adds up container memory and fails on Fargate definitions that set it only for the task."""
    original = EC2ContainerServiceBackend._calculate_task_resource_requirements

    class WithContainerMemory:
        def __init__(self, definition):
            self.container_definitions = [
                c if c.get("memory") is not None or c.get("memoryReservation") is not None
                or "Memory" in c or "MemoryReservation" in c
                else {**c, "memory": 0}
                for c in definition.container_definitions
            ]

    def calculate(task_definition):
        requirements = original(WithContainerMemory(task_definition))
        if not requirements["MEMORY"] and task_definition.memory:
            requirements["MEMORY"] = int(task_definition.memory)
        return requirements

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(calculate)


def _find_run(backend, cluster_str, task_str):
    cluster = backend._get_cluster(cluster_str)  # raises ClusterNotFound like ECS
    task_id = task_str.split("/")[-1]
    with _runs_lock:
        for arn, run in _runs.items():
            if run.task.cluster_name == cluster.name and arn.split("/")[-1] == task_id:
                return run
    return None


def kill_everything():
    """On server shutdown: no container outlives the emulator."""
    with _runs_lock:
        runs = list(_runs.values())
    for run in runs:
        for process in run.processes.values():
            process.kill_all()


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class TaskContainer:
    """A container as DescribeTasks shows it; attribute names follow the ECS Container shape."""

    def __init__(self, task, definition, eni_attachment):
        partition = task.task_arn.split(":")[1]
        self.container_arn = (
            f"arn:{partition}:ecs:{task.region_name}:{task._account_id}:container/"
            f"{task.cluster_name}/{task.id}/{uuid.uuid4()}"
        )
        self.task_arn = task.task_arn
        self.name = definition["name"]
        self.image = definition.get("image")
        self.last_status = "PENDING"
        self.exit_code = None
        self.reason = None
        self.runtime_id = None
        self.health_status = "UNKNOWN"
        self.cpu = str(definition.get("cpu", 0))
        if definition.get("memory") is not None:
            self.memory = str(definition["memory"])
        if definition.get("memoryReservation") is not None:
            self.memory_reservation = str(definition["memoryReservation"])
        self.network_bindings = []
        self.network_interfaces = []
        if eni_attachment:
            details = {d["name"]: d["value"] for d in eni_attachment["details"]}
            self.network_interfaces = [{
                "attachmentId": eni_attachment["id"],
                "privateIpv4Address": details.get("privateIPv4Address"),
            }]


class TaskRun:
    def __init__(self, backend, task, settings):
        self.backend = backend
        self.task = task
        self.settings = settings
        self.definition = backend.describe_task_definition(task.task_definition_arn)
        self.condition = threading.Condition()
        self.stop_requested = False
        self.processes = {}  # container name → ContainerProcess
        eni = next((a for a in task.attachments if a["type"] == "ElasticNetworkInterface"), None)
        self.containers = [TaskContainer(task, d, eni) for d in self.definition.container_definitions]
        self._initial_state()

    # --- state ---------------------------------------------------------------------------------------------

    def _initial_state(self):
        task = self.task
        task._transitions = []  # moto's own state machine must not move the task; we do
        task.containers = self.containers
        task.version = 0
        task.created_at = _now()
        task.cpu = self.definition.cpu
        task.memory = self.definition.memory
        if task.launch_type == "FARGATE" or task.capacity_provider_name in ("FARGATE", "FARGATE_SPOT"):
            task.platform_version = task.platform_version or "1.4.0"
            task.platform_family = "Linux"
        task.connectivity = None
        task.stop_code = None
        task.stopped_reason = None
        self._set_state("PROVISIONING")

    def _set_state(self, status):
        self.task.version += 1
        self.task.last_status = status
        print(f"local-ecs: task {self.task.id} {status}", file=sys.stderr, flush=True)

    def _pause(self, seconds):
        """Waits unless a stop is requested; True when one was."""
        with self.condition:
            self.condition.wait_for(lambda: self.stop_requested, timeout=seconds)
            return self.stop_requested

    def request_stop(self, reason):
        with self.condition:
            if self.stop_requested or self.task.desired_status == "STOPPED":
                return  # ECS ignores a second StopTask
            self.stop_requested = True
            self.task.desired_status = "STOPPED"
            self.task.stop_code = "UserInitiated"
            self.task.stopped_reason = reason
            self.condition.notify_all()

    def _begin_stopping(self, stop_code, reason):
        with self.condition:
            if self.task.stop_code is None:
                self.task.stop_code = stop_code
                self.task.stopped_reason = reason
            self.task.desired_status = "STOPPED"

    # --- the run -------------------------------------------------------------------------------------------

    def begin(self):
        threading.Thread(target=self._run, name=f"task-{self.task.id}", daemon=True).start()

    def _run(self):
        try:
            self._start_containers()
        except Exception as error:  # a bug here must still end the task, not leave it PROVISIONING forever
            print(f"local-ecs: task {self.task.id} failed internally: {error!r}", file=sys.stderr, flush=True)
            self._begin_stopping("TaskFailedToStart", f"local ECS internal error: {error}")
        self._stop_containers()

    def _start_containers(self):
        if self._pause(PROVISIONING_SECONDS):
            return
        self._set_state("PENDING")
        self.task.pull_started_at = _now()
        prepared = []
        for container, definition in zip(self.containers, self.definition.container_definitions):
            try:
                prepared.append(self._prepare(container, definition))
            except (ImageNotFound, valuefrom.SecretUnavailable, LogSetupFailed, StartFailed) as failure:
                self._fail_to_start(container, failure)
                return
        if self._pause(PULL_SECONDS):
            return
        self.task.pull_stopped_at = _now()
        for container, process in prepared:
            try:
                process.start()
            except StartFailed as failure:
                self._fail_to_start(container, failure)
                return
            self.processes[container.name] = process
            container.runtime_id = f"{self.task.id}-{process.pid}"
            container.last_status = "RUNNING"
        self.task.started_at = _now()
        self.task.connectivity = "CONNECTED"
        self.task.connectivity_at = self.task.started_at
        self._set_state("RUNNING")
        with self.condition:
            # Exits and StopTask notify; the timeout only re-checks, so a task may run as long as it likes.
            while not (self.stop_requested or self._essential_exited()):
                self.condition.wait(timeout=1.0)
        if not self.stop_requested:
            self._begin_stopping("EssentialContainerExited", "Essential container in task exited")

    def _essential_exited(self):
        for definition in self.definition.container_definitions:
            process = self.processes.get(definition["name"])
            if process and process.exited.is_set() and definition.get("essential", True):
                return True
        return all(p.exited.is_set() for p in self.processes.values())

    def _fail_to_start(self, container, failure):
        reason = str(failure)
        if isinstance(failure, ImageNotFound):
            reason = (
                f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
                f"{container.image}: {failure}"
            )
        container.reason = reason
        self._begin_stopping("TaskFailedToStart", reason)

    def _on_exit(self, process):
        container = next(c for c in self.containers if c.name == process.name)
        container.exit_code = process.exit_code
        container.last_status = "STOPPED"
        with self.condition:
            self.condition.notify_all()

    def _stop_containers(self):
        task = self.task
        with self.condition:
            task.desired_status = "STOPPED"
            task.stopping_at = _now()
        self._set_state("DEACTIVATING")
        self._set_state("STOPPING")
        running = [p for p in self.processes.values() if not p.exited.is_set()]
        for process in running:
            process.terminate()
        timeouts = {d["name"]: d.get("stopTimeout", DEFAULT_STOP_TIMEOUT) for d in self.definition.container_definitions}
        for process in running:
            if not process.exited.wait(timeouts.get(process.name, DEFAULT_STOP_TIMEOUT)):
                process.kill_all()
                process.exited.wait(KILL_WAIT_SECONDS)
        for container in self.containers:
            container.last_status = "STOPPED"
        task.execution_stopped_at = _now()
        task.connectivity = None
        self._set_state("DEPROVISIONING")
        # Fargate tears down the task's ENI here; long enough to matter to anyone waiting for STOPPED.
        threading.Event().wait(max(0.0, float(self.settings.deprovision_seconds)))
        task.stopped_at = _now()
        self._set_state("STOPPED")

    # --- one container -------------------------------------------------------------------------------------

    def _prepare(self, container, definition):
        override = self._override(definition["name"])
        image_entrypoint = self.settings.image_map.entrypoint(definition.get("image") or "")
        entrypoint = image_entrypoint
        if definition.get("entryPoint"):
            entrypoint = _entry_point(definition["entryPoint"], image_entrypoint)
        command = override.get("command") if override.get("command") is not None else definition.get("command") or []
        argv = list(entrypoint) + list(command)
        if not argv:
            raise StartFailed(f"CannotStartContainerError: container {container.name!r} has no entrypoint and no command")
        environment = self._environment(definition, override, image_entrypoint)
        cwd = definition.get("workingDirectory")
        if not cwd or not os.path.isdir(cwd):
            cwd = self.settings.workdir
        log_stream = AwsLogsStream.for_container(definition, self.task._account_id, self.task.region_name, self.task.id)
        process = ContainerProcess(container.name, argv, environment, cwd, log_stream, self._on_exit)
        return container, process

    def _override(self, name):
        for override in (self.task.overrides or {}).get("containerOverrides") or []:
            if override.get("name") == name:
                return override
        return {}

    def _environment(self, definition, override, image_entrypoint):
        region = self.task.region_name
        path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
        if image_entrypoint:
            path = self.settings.image_map.path_directory(image_entrypoint) + os.pathsep + path
        environment = {
            "PATH": path,
            "HOME": os.environ.get("HOME", "/root"),
            "HOSTNAME": f"ip-{self.task.id[:8]}",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE" if self.task.platform_version else "AWS_ECS_EC2",
        }
        for name in ("LANG", "LC_ALL", "TZ"):
            if name in os.environ:
                environment[name] = os.environ[name]
        for pair in definition.get("environment") or []:
            environment[pair["name"]] = pair.get("value", "")
        for pair in override.get("environment") or []:
            environment[pair["name"]] = pair.get("value", "")
        for secret in definition.get("secrets") or []:
            environment[secret["name"]] = valuefrom.resolve(secret["valueFrom"], self.task._account_id, region)
        return environment


def _entry_point(entry_point, image_entrypoint):
    """A task definition's entryPoint replaces the image's; naming the image's own program keeps the mapped path."""
    argv = list(entry_point)
    if image_entrypoint and os.path.basename(argv[0]) == os.path.basename(image_entrypoint[0]):
        argv[0] = image_entrypoint[0]
    return argv
