"""The Npgsql side of the EF Core bundle's stand-in: its connection strings, read into libpq's variables for psql,
and its exceptions, as the bundle prints them (ToString's first line, then Message). Nothing here prints a
password or a connection string."""
import re

REDACTED_DETAIL = ("DETAIL: Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the "
                   "connection string to include this information.")

# Npgsql's keywords (spaces and case ignored) → the libpq variable psql reads; None: accepted, no effect here.
KEYWORDS = {
    "host": "PGHOST", "server": "PGHOST",
    "port": "PGPORT",
    "database": "PGDATABASE", "db": "PGDATABASE",
    "username": "PGUSER", "userid": "PGUSER", "uid": "PGUSER",  # User Name, User Id
    "password": "PGPASSWORD", "psw": "PGPASSWORD", "pwd": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "rootcertificate": "PGSSLROOTCERT",
    "timeout": "PGCONNECT_TIMEOUT",
    "applicationname": "PGAPPNAME",
    "includeerrordetail": None, "pooling": None, "commandtimeout": None, "keepalive": None,
    "minimumpoolsize": None, "maximumpoolsize": None, "maxpoolsize": None, "minpoolsize": None,
}
SSL_MODES = {"disable": "disable", "allow": "allow", "prefer": "prefer", "require": "require",
             "verifyca": "verify-ca", "verifyfull": "verify-full"}


class Failure(Exception):
    """Ends the run with exit 1, printed as the bundle prints an exception: `exception` (its ToString, without the
    stack trace) as information, then `message` as the error."""

    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message = message
        self.exception = exception


class StandInFailure(Failure):
    """Something only the stand-in lacks (its migrations directory, psql, reverting)."""

    def __init__(self, message):
        super().__init__(f"efbundle stand-in: {message}")


def connection_environment(connection):
    """The libpq variables for an Npgsql connection string; the password goes only into PGPASSWORD."""
    if connection is None or not connection.strip():
        raise Failure("The ConnectionString property has not been initialized.",
                      "System.InvalidOperationException: The ConnectionString property has not been initialized.")
    environment = {}
    for key, value in _pairs(connection):
        normalized = key.replace(" ", "").lower()
        if normalized not in KEYWORDS:
            raise _argument_error(f"Keyword not supported: {key} (Parameter 'keyword')")
        variable = KEYWORDS[normalized]
        if variable == "PGSSLMODE":
            mode = SSL_MODES.get(value.replace(" ", "").lower())
            if mode is None:
                raise _argument_error(f"Requested value '{value}' was not found.")
            value = mode
        if variable:
            environment[variable] = value
        if normalized == "includeerrordetail":
            environment["include-error-detail"] = value.strip().lower() == "true"
    if not environment.get("PGHOST"):
        raise _argument_error("Host can't be null")
    return environment


def _pairs(connection):
    """`key=value;…` as DbConnectionStringBuilder reads it, values optionally in '…' or "…" (quote doubled)."""
    position = 0
    length = len(connection)
    while position < length:
        while position < length and connection[position] in " ;":
            position += 1
        if position >= length:
            return
        start = position
        equals = connection.find("=", position)
        if equals < 0:
            raise _format_error(start)
        key = connection[position:equals].strip()
        if not key:
            raise _format_error(start)
        position = equals + 1
        while position < length and connection[position] == " ":
            position += 1
        if position < length and connection[position] in "'\"":
            quote = connection[position]
            position += 1
            value = []
            while True:
                if position >= length:
                    raise _format_error(start)
                if connection[position] == quote:
                    if position + 1 < length and connection[position + 1] == quote:
                        value.append(quote)
                        position += 2
                        continue
                    position += 1
                    break
                value.append(connection[position])
                position += 1
            while position < length and connection[position] == " ":
                position += 1
            if position < length and connection[position] != ";":
                raise _format_error(start)
            yield key, "".join(value)
        else:
            end = connection.find(";", position)
            end = length if end < 0 else end
            yield key, connection[position:end].strip()
            position = end


def _format_error(index):
    return _argument_error(f"Format of the initialization string does not conform to specification starting at "
                           f"index {index}.")


def _argument_error(message):
    return Failure(message, f"System.ArgumentException: {message}")


def connection_failure(stderr, environment):
    """psql's connection error as Npgsql reports it (never with the password, which psql does not print)."""
    text = stderr.strip().removeprefix("psql: error: ")
    fatal = re.search(r"FATAL:\s+(.*)", text)
    if fatal:
        message = fatal.group(1).strip()
        codes = {"password authentication failed": "28P01", "does not exist": "3D000", "no pg_hba.conf entry": "28000"}
        code = next((code for words, code in codes.items() if words in message), None)
        message = f"{code}: {message}" if code else message
        return Failure(message, f"Npgsql.PostgresException (0x80004005): {message}")
    message = f"Failed to connect to {environment['PGHOST']}:{environment.get('PGPORT', '5432')}"
    cause = " ---> System.Net.Sockets.SocketException (111): Connection refused" if "Connection refused" in text else (
        f" ---> {text.splitlines()[0]}" if text else "")
    return Failure(message, f"Npgsql.NpgsqlException (0x80004005): {message}\n{cause}".rstrip())


def server_failure(stderr, environment):
    """`ERROR:  42P07: relation … already exists` → Npgsql's PostgresException and its Message."""
    error = re.search(r"ERROR:\s+(?:([0-9A-Z]{5}):\s+)?(.*)", stderr)
    message = f"{error.group(1)}: {error.group(2).strip()}" if error and error.group(1) else (
        error.group(2).strip() if error else stderr.strip())
    detail = re.search(r"^DETAIL:\s+(.*)$", stderr, re.MULTILINE)
    if detail:
        message += "\n\n" + (f"DETAIL: {detail.group(1).strip()}" if environment.get("include-error-detail")
                             else REDACTED_DETAIL)
    return Failure(message, f"Npgsql.PostgresException (0x80004005): {message}")
