"""DATABASE_URL, including libpq's multi-host form, as Django settings.

`postgres://app:secret@db1:5432,db2:5432/portal?target_session_attrs=read-write` names a primary and its standby:
libpq tries the hosts in order and, with `target_session_attrs=read-write`, keeps the first that accepts writes, so
after a failover (the standby promoted) new connections reach the new primary without a restart (docs/operations.md,
"Database failover"). dj-database-url cannot parse a comma in the host part; this module lifts the host list out,
lets dj-database-url parse the rest, and hands the lists to libpq as its `host` and `port` parameters
(comma-separated, which libpq accepts there). A URL with one host is dj-database-url's alone.
"""

from urllib.parse import unquote

import dj_database_url

DEFAULT_PORT = "5432"


class DatabaseURLError(ValueError):
    pass


def _split_host(part: str) -> tuple[str, str]:
    """'db1:5433' -> ('db1', '5433'); '[::1]:5433' -> ('::1', '5433'); 'db1' -> ('db1', '5432')."""
    if part.startswith("["):
        host, bracket, rest = part[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise DatabaseURLError(f"cannot read the host {part!r} in DATABASE_URL")
        port = rest[1:] or DEFAULT_PORT
    else:
        host, _colon, port = part.partition(":")
        port = port or DEFAULT_PORT
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DatabaseURLError(f"cannot read the host {part!r} in DATABASE_URL")
    return unquote(host), port


def parse(url: str, **kwargs) -> dict:
    scheme, separator, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    userinfo, at, hosts = authority.rpartition("@")
    if not separator or "," not in hosts:
        return dj_database_url.parse(url, **kwargs)
    pairs = [_split_host(part) for part in hosts.split(",")]
    single = f"{scheme}://{userinfo}{at}multi-host.invalid{rest[len(authority) :]}"
    config = dj_database_url.parse(single, **kwargs)
    config["HOST"] = ",".join(host for host, _port in pairs)
    config["PORT"] = ",".join(port for _host, port in pairs)
    return config
