"""The Dockerfile as scripts/check-image-libs and scripts/rootfs-proof read it, without a Docker engine.

Only what those checks need: stages with their names, instructions with continuation lines joined and
comments dropped, ARG defaults substituted, and the packages a stage's `apt-get install` lines name.
"""
import re
import shlex


class Stage:
    def __init__(self, base, name, line):
        self.base = base            # the image after FROM
        self.name = name            # the name after AS, or None
        self.line = line            # the FROM line itself
        self.instructions = []      # [(KEYWORD, rest of the line)]

    def runs(self):
        return [rest for keyword, rest in self.instructions if keyword == "RUN"]

    def apt_packages(self):
        """Every package named by an `apt-get install` of this stage's RUN lines, in order."""
        packages = []
        for command in self.runs():
            for part in re.split(r"&&|;", command):
                words = shlex.split(part)
                if words[:1] == ["apt-get"] and "install" in words:
                    after = words[words.index("install") + 1:]
                    packages += [w for w in after if not w.startswith("-")]
        return packages


def substitute(text, args):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), m.group(0)), text)


def read(path):
    """[Stage], in file order. ARG defaults replace ${NAME} in FROM lines and in ADD/COPY, as docker does."""
    text = re.sub(r"\\\n", " ", open(path, encoding="utf-8").read())
    global_args, stages = {}, []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "ARG":
            name, _, default = rest.partition("=")
            (stages[-1].args if stages else global_args)[name.strip()] = default.strip()
            continue
        if keyword == "FROM":
            words = substitute(rest, global_args).split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stage = Stage(words[0], name, line)
            stage.args = {}
            stages.append(stage)
        elif stages:
            if keyword in ("ADD", "COPY"):
                rest = substitute(rest, stages[-1].args)
            stages[-1].instructions.append((keyword, rest))
    return stages


def stage(stages, name):
    for candidate in stages:
        if candidate.name == name:
            return candidate
    raise LookupError(f"the Dockerfile has no stage named {name!r} "
                      f"(it has {', '.join(s.name or s.base for s in stages)})")
