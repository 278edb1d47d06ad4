"""What the static build costs and saves: the migrator image's compressed bytes against the Dockerfile's former
bookworm-slim stage and the published images of peers, and each binary's start-up (`--version`) in
instructions, before (shared libcurl, libpq, OpenSSL) and after (fully static)."""
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from rootfs_proof.system import DEFAULT_CACHE, DEFAULT_MIRROR, SUITE, Cache, debootstrap, key  # noqa: E402

# The packages the former migrator stage installed on debian:bookworm-slim (git show 245abad:Dockerfile).
FORMER_PACKAGES = ["libpq5", "libcurl4", "ca-certificates"]
# Peers' images as their registries publish them, linux/amd64, compressed (what a pull downloads). Read with the
# search tool; where a page gave only part of the figure, the row says so.
PUBLISHED = [
    ("dbmate (ghcr.io/amacneil/dbmate, linux/amd64 manifest sha256:43dacd70…)", 3623844 + 10657742 + 2346979,
     "at least: the three gzip layers the package page's manifest lists before its excerpt ends",
     "https://github.com/users/amacneil/packages/container/dbmate/242059120"),
    ("Flyway (flyway/flyway:11.19.0)", 591 * 1000 ** 2,
     "uncompressed, as `docker images` shows it; its linux-x64 command-line tarball alone is 290.6 MB compressed "
     "(11.14.1, sourceforge.net/projects/flyway.mirror)", "https://qiita.com/oohira/items/6079aed597f4b9951c77"),
    ("golang-migrate (migrate/migrate)", None,
     "not found: the stored pages hold no size for the official image (Alpine plus one static Go binary)", ""),
]
CALLGRIND_SECONDS = 300


def callgrind_instructions(argv):
    with tempfile.TemporaryDirectory() as directory:
        result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={directory}/out", *argv],
                                capture_output=True, text=True, timeout=CALLGRIND_SECONDS)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if not found:
        raise RuntimeError(f"callgrind of {' '.join(argv)} gave no count: {result.stderr[-300:]}")
    return int(found.group(1))


# What docker's debian:*-slim images leave out of a minbase system (documentation, manuals, locales, apt's caches).
SLIM_EXCLUDES = ("./usr/share/doc/", "./usr/share/man/", "./usr/share/info/", "./usr/share/locale/",
                 "./usr/share/lintian/", "./var/cache/apt/", "./var/lib/apt/lists/", "./debootstrap/")


def gzip_tree_bytes(root):
    """The bytes of root, less SLIM_EXCLUDES, as one gzip-compressed tar layer (how a registry stores a layer)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        tar.add(root, arcname=".", filter=lambda info: None if (info.name + "/").startswith(SLIM_EXCLUDES) else info)
    return len(gzip.compress(raw.getvalue(), compresslevel=6, mtime=0))


def gzip_file_bytes(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=6, mtime=0))


def deb_bytes_added(minbase):
    """The .deb bytes of what `apt-get install --no-install-recommends FORMER_PACKAGES` adds to minbase."""
    with open(os.path.join(minbase, "var/lib/dpkg/status"), errors="replace") as f:
        present = set(re.findall(r"^Package: (\S+)", f.read(), re.M))
    result = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                             "--no-breaks", "--no-replaces", "--no-enhances", *FORMER_PACKAGES],
                            capture_output=True, text=True, timeout=120)
    closure = {line.strip() for line in result.stdout.splitlines() if line and not line.startswith(" ")}
    added = sorted(p for p in closure if not p.startswith("<") and p.split(":")[0] not in present)
    total = 0
    for package in added:
        show = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True,
                              timeout=60).stdout
        size = re.search(r"^Size: (\d+)", show, re.M)
        total += int(size.group(1)) if size else 0
    return added, total


def image_layer_bytes(root, migrator):
    """The migrator base image from scripts/image: its layers' compressed bytes."""
    with tempfile.TemporaryDirectory() as directory:
        archive = os.path.join(directory, "base.tar")
        subprocess.run([sys.executable, os.path.join(root, "scripts", "image"), "base", "--migrator", migrator,
                        "--rds-ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "--out", archive],
                       check=True, capture_output=True, timeout=300)
        with tarfile.open(archive) as tar:
            index = json.load(tar.extractfile("index.json"))
            digest = index["manifests"][0]["digest"].replace(":", "/")
            manifest = json.load(tar.extractfile(f"blobs/{digest}"))
    return sum(layer["size"] for layer in manifest["layers"])


def mb(n):
    return f"{n / 1000 ** 2:.1f} MB"


def run(root, before_dir, after_dir):
    """(markdown, raw) for before_dir (dynamic release build) and after_dir (static)."""
    cache = Cache(os.environ.get("ROOTFS_CACHE") or DEFAULT_CACHE)
    mirror = os.environ.get("ROOTFS_MIRROR") or DEFAULT_MIRROR
    with cache.locked():
        minbase = cache.get(f"minbase-{SUITE}-{key(mirror)}", lambda target: debootstrap(target, mirror))
    with tempfile.TemporaryDirectory() as directory:
        stripped = {}
        for label, source in (("before", before_dir), ("after", after_dir)):
            for program in ("ecs-run", "migrator"):
                path = os.path.join(directory, f"{program}-{label}")
                subprocess.run(["strip", "--strip-all", "-o", path, os.path.join(source, program)], check=True, timeout=120)
                stripped[(program, label)] = path
        image = image_layer_bytes(root, stripped[("migrator", "after")])
        base = gzip_tree_bytes(minbase)
        added, debs = deb_bytes_added(minbase)
        former_binary = gzip_file_bytes(stripped[("migrator", "before")])
        start = {k: callgrind_instructions([p, "--version"]) for k, p in stripped.items()}
        sizes = {k: os.path.getsize(p) for k, p in stripped.items()}
    former = base + debs + former_binary
    lines = [
        "## Footprint: the image and start-up",
        "",
        "The migrator image as `scripts/image` writes it (`FROM scratch`: the static binary, two CA bundles, "
        "passwd/group), against the Dockerfile's former `migrator` stage: bookworm minbase without the documentation, "
        "manuals, locales and apt caches that `debian:bookworm-slim` drops (gzipped here as one layer), the packages its `apt-get install "
        f"{' '.join(FORMER_PACKAGES)}` added ({len(added)} .debs, their compressed size) and the binary linked "
        "to them.",
        "",
        "| image | compressed bytes | ratio |",
        "|---|---|---|",
        f"| migrator, `FROM scratch` (scripts/image) | {mb(image)} | 1.00x |",
        f"| former stage: bookworm minbase + {len(added)} packages + binary | {mb(former)} "
        f"({mb(base)} + {mb(debs)} + {mb(former_binary)}) | {former / image:.2f}x |",
    ]
    for name, size, note, source in PUBLISHED:
        shown = mb(size) if size else "?"
        ratio = f"{size / image:.2f}x" if size else "–"
        lines.append(f"| {name} | {shown} | {ratio} |")
    lines += ["", "Peers' figures as published: " + "; ".join(
        f"{name.split(' (')[0]}: {note}" + (f" ({source})" if source else "") for name, _, note, source in PUBLISHED) + ".",
        "", "Start-up: `--version`, instructions counted by callgrind (deterministic), stripped release builds; "
        "before = shared libcurl, libpq and OpenSSL (`--static-swift-stdlib` only), after = fully static "
        "(`-static-executable`).", "",
        "| binary | before | after | after/before | size before | size after |", "|---|---|---|---|---|---|"]
    for program in ("ecs-run", "migrator"):
        b, a = start[(program, "before")], start[(program, "after")]
        lines.append(f"| {program} --version | {b / 1e6:.2f} M | {a / 1e6:.2f} M | {a / b:.2f}x | "
                     f"{mb(sizes[(program, 'before')])} | {mb(sizes[(program, 'after')])} |")
    raw = {"image_bytes": image, "former": {"minbase": base, "debs": debs, "binary": former_binary, "packages": added},
           "startup_instructions": {f"{p} {label}": v for (p, label), v in start.items()},
           "binary_bytes": {f"{p} {label}": v for (p, label), v in sizes.items()}}
    return "\n".join(lines) + "\n", raw


def splice(path, section):
    """Replaces the footprint section of an existing BENCHMARKS.md (or adds it before the profiles note)."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Footprint: .*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    elif "## Why targets are missed" in text:
        text = text.replace("## Why targets are missed", section + "\n## Why targets are missed", 1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

