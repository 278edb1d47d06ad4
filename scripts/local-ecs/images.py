"""Which local program stands in for a container image.

A mapping value is the image's entrypoint on this machine: a path (or a list, for an entrypoint with
arguments); an empty list means the image has no entrypoint, so the container's command is run as is,
the way `busybox` or `alpine` behave. Patterns are shell globs matched against the image's repository
(the reference without tag or digest) and against its last path component. Images whose repository ends in
`migrator` run the built migrator, those ending in `efbundle` the stand-in for an EF Core migrations bundle
(stand-ins/efbundle).
"""
import fnmatch
import json
import os
import shlex
import shutil
import tempfile
import threading


class ImageNotFound(Exception):
    """No local program for an image: the local counterpart of a failed pull."""


def repository(image):
    """`registry/path/name:tag@sha256:…` → `registry/path/name`."""
    ref = image.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:  # a tag, not a registry port
        ref = ref[:colon]
    return ref


def default_migrator(root):
    """LOCAL_ECS_MIGRATOR, else the release build, else the debug build."""
    explicit = os.environ.get("LOCAL_ECS_MIGRATOR")
    if explicit:
        return explicit
    for config in ("release", "debug"):
        candidate = os.path.join(root, ".build", config, "migrator")
        if os.access(candidate, os.X_OK):
            return candidate
    return os.path.join(root, ".build", "release", "migrator")


def efbundle_stand_in(root):
    """The program that behaves as an EF Core migrations bundle (stand-ins/efbundle)."""
    return os.path.join(root, "scripts", "local-ecs", "stand-ins", "efbundle")


class ImageMap:
    def __init__(self, entries):
        # Ordered (pattern, entrypoint argv) pairs; the first match wins.
        self.entries = entries
        self._lock = threading.Lock()
        self._bin_root = None
        self._bin_dirs = {}  # entrypoint argv → directory holding it under its own name

    @classmethod
    def from_environment(cls, root):
        entries = []
        extra = os.environ.get("LOCAL_ECS_IMAGES", "").strip()
        if extra:
            parsed = json.loads(extra)
            if not isinstance(parsed, dict):
                raise ValueError("LOCAL_ECS_IMAGES must be a JSON object: image pattern → executable")
            for pattern, value in parsed.items():
                entries.append((pattern, _entrypoint(pattern, value)))
        entries.append(("*migrator", [default_migrator(root)]))
        entries.append(("*efbundle", [efbundle_stand_in(root)]))
        for shell_image in ("busybox", "alpine"):
            entries.append((shell_image, []))
        return cls(entries)

    def entrypoint(self, image):
        """The argv prefix for `image`; raises ImageNotFound when nothing maps it or the program is missing."""
        repo = repository(image)
        last = repo.rsplit("/", 1)[-1]
        for pattern, argv in self.entries:
            if fnmatch.fnmatchcase(repo, pattern) or fnmatch.fnmatchcase(last, pattern):
                if argv and not _runnable(argv[0]):
                    raise ImageNotFound(
                        f"image {image} maps to {argv[0]}, which is not an executable file on this machine"
                    )
                return list(argv)
        raise ImageNotFound(
            f"no local executable for image {image} (add it to LOCAL_ECS_IMAGES, a JSON object pattern → executable)"
        )

    def path_directory(self, entrypoint):
        """A directory whose only program is the image's, under its own name, for the front of the container's
        PATH: images put their program on PATH, so a shell entryPoint (`sh -c "exec efbundle …"`) calls it by
        name."""
        key = tuple(entrypoint)
        with self._lock:
            if key not in self._bin_dirs:
                if self._bin_root is None:
                    self._bin_root = tempfile.mkdtemp(prefix="local-ecs-path.")
                directory = os.path.join(self._bin_root, str(len(self._bin_dirs)))
                os.mkdir(directory)
                program = os.path.join(directory, os.path.basename(entrypoint[0]))
                with open(program, "w", encoding="utf-8") as f:
                    f.write(f"#!/bin/sh\nexec {' '.join(shlex.quote(word) for word in entrypoint)} \"$@\"\n")
                os.chmod(program, 0o755)
                self._bin_dirs[key] = directory
            return self._bin_dirs[key]

    def remove_path_directories(self):
        with self._lock:
            if self._bin_root:
                shutil.rmtree(self._bin_root, ignore_errors=True)
            self._bin_root = None
            self._bin_dirs = {}


def _entrypoint(pattern, value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError(f"LOCAL_ECS_IMAGES[{pattern!r}] must be a path or a list of strings")


def _runnable(program):
    if "/" in program:
        return os.path.isfile(program) and os.access(program, os.X_OK)
    return shutil.which(program) is not None
