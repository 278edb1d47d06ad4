"""The EF side of the EF Core bundle's stand-in: the migrations a bundle has compiled in (here read from a
directory), which of them are pending, and applying each through psql in one transaction with its row in
"__EFMigrationsHistory", as EF Core's migrator does on PostgreSQL."""
import os
import re
import subprocess

from npgsql import Failure, StandInFailure, connection_failure, server_failure

PRODUCT_VERSION = "10.0.0"
MIGRATIONS_VARIABLE = "EFBUNDLE_STANDIN_MIGRATIONS"
MIGRATION_FILE = re.compile(r"[0-9]{14}_[A-Za-z0-9_]+\.sql")
PSQL_SECONDS = 600
COMMAND_PARAMETERS = "[Parameters=[], CommandType='Text', CommandTimeout='30']"
HISTORY = '"__EFMigrationsHistory"'
CREATE_HISTORY = (
    f'CREATE TABLE IF NOT EXISTS {HISTORY} (\n'
    '    "MigrationId" character varying(150) NOT NULL,\n'
    '    "ProductVersion" character varying(32) NOT NULL,\n'
    '    CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId")\n'
    ');'
)


def read_migrations(directory):
    """[(MigrationId, [command, …])] in MigrationId order, as a bundle's migrations assembly lists them."""
    if not directory:
        raise StandInFailure(f"{MIGRATIONS_VARIABLE} is not set: the directory of the migrations a real bundle "
                             "has compiled in")
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(".sql"))
    except OSError as error:
        raise StandInFailure(f"{MIGRATIONS_VARIABLE}: {directory}: {error.strerror}") from None
    migrations = []
    for name in names:
        if not MIGRATION_FILE.fullmatch(name):
            raise StandInFailure(f"{os.path.join(directory, name)} is not named <14-digit timestamp>_<Name>.sql, "
                                 "as EF names a migration")
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            migrations.append((name[:-len(".sql")], split_commands(f.read())))
    return migrations


def split_commands(sql):
    """Statements ending with `;` at the end of a line, outside dollar quotes (`DO $EF$ … END $EF$;`)."""
    commands, current, tag = [], [], None
    for line in sql.splitlines():
        current.append(line)
        for token in re.findall(r"\$[A-Za-z_]*\$", line):
            if tag is None:
                tag = token
            elif token == tag:
                tag = None
        if tag is None and line.rstrip().endswith(";"):
            commands.append("\n".join(current).strip())
            current = []
    rest = "\n".join(line for line in current if line.strip() and not line.strip().startswith("--"))
    if rest.strip():
        commands.append("\n".join(current).strip())
    return [command for command in commands if command]


def psql(environment, script):
    """Runs a psql script; returns (exit status, stdout, stderr)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
    env.update({name: value for name, value in environment.items() if name.startswith("PG")})
    env["PGOPTIONS"] = "-c client_min_messages=warning"
    try:
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                                input=script, env=env, capture_output=True, text=True, timeout=PSQL_SECONDS)
    except FileNotFoundError:
        raise StandInFailure("psql is not on PATH; the stand-in applies migrations through it") from None
    except subprocess.TimeoutExpired:
        raise StandInFailure(f"psql did not finish within {PSQL_SECONDS} s") from None
    return result.returncode, result.stdout, result.stderr


def applied_migrations(environment):
    status, stdout, stderr = psql(environment, f'{CREATE_HISTORY}\nSELECT "MigrationId" FROM {HISTORY} ORDER BY 1;\n')
    if status == 2:
        raise connection_failure(stderr, environment)
    if status != 0:
        raise server_failure(stderr, environment)
    return set(stdout.split())


def apply(migration_id, commands, environment, reporter):
    """One migration and its history row in one transaction, each command timed; EF's lines for the commands."""
    history = (f'INSERT INTO {HISTORY} ("MigrationId", "ProductVersion")\n'
               f"VALUES ('{migration_id}', '{PRODUCT_VERSION}');")
    commands = commands + [history]
    script = ["\\set VERBOSITY verbose", "BEGIN;", f"LOCK TABLE {HISTORY} IN ACCESS EXCLUSIVE MODE;", "\\timing on"]
    for index, command in enumerate(commands):
        script += [f"\\echo @command {index}", command]
    script += ["COMMIT;"]
    status, stdout, stderr = psql(environment, "\n".join(script) + "\n")
    if status == 2:
        raise connection_failure(stderr, environment)
    # psql prints "Time: N ms" after every statement it ran, the failed one included.
    timings, current = {}, None
    for line in stdout.splitlines():
        if line.startswith("@command "):
            current = int(line.split()[1])
        elif line.startswith("Time: ") and current is not None and current not in timings:
            timings[current] = round(float(line.split()[1]))
    executed = sorted(timings) if status == 0 else sorted(timings)[:-1]
    for index in executed:
        reporter.verbose(f"Executed DbCommand ({timings[index]}ms) {COMMAND_PARAMETERS}\n{commands[index]}")
    if status == 0:
        return
    if timings:  # else the lock failed, before any of the migration's commands
        failed = max(timings)
        reporter.error(f"Failed executing DbCommand ({timings[failed]}ms) {COMMAND_PARAMETERS}\n{commands[failed]}")
    raise server_failure(stderr, environment)


def pending(migrations, applied, target):
    """The migrations to apply up to `target` (an id, or a name without its timestamp), as EF picks them."""
    ids = [migration_id for migration_id, _ in migrations]
    if target is None:
        last = len(ids) - 1
    elif target == "0":
        raise StandInFailure("reverting migrations is not emulated (target '0')")
    else:
        matches = [i for i, migration_id in enumerate(ids) if migration_id == target or migration_id[15:] == target]
        if not matches:
            message = f"The migration '{target}' was not found."
            raise Failure(message, f"System.InvalidOperationException: {message}")
        last = matches[-1]
        if any(migration_id in applied for migration_id in ids[last + 1:]):
            raise StandInFailure(f"reverting migrations is not emulated ('{target}' is older than the last "
                                 "applied migration)")
    return [migration for migration in migrations[:last + 1] if migration[0] not in applied]
