"""DATABASE_URL in libpq's multi-host form (portal/dburl.py)."""

import pytest

from portal import dburl


def test_a_url_with_a_primary_and_a_standby_gives_libpq_both_hosts_and_ports_in_order():
    config = dburl.parse(
        "postgres://app:s3cret@db1.internal:5432,db2.internal:5433/portal?target_session_attrs=read-write",
        conn_max_age=600,
        conn_health_checks=True,
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"]) == ("db1.internal,db2.internal", "5432,5433")
    assert (config["USER"], config["PASSWORD"], config["NAME"]) == ("app", "s3cret", "portal")
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (600, True)


def test_a_host_without_a_port_gets_postgresqls_default_port_and_an_ipv6_host_loses_its_brackets():
    config = dburl.parse("postgres://app:app@db1,[::1]:6432/portal")
    assert (config["HOST"], config["PORT"]) == ("db1,::1", "5432,6432")


def test_a_url_with_one_host_is_read_as_before():
    config = dburl.parse("postgres://app:app@127.0.0.1:5433/portal")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5433, "portal")
    assert dburl.parse("sqlite:////tmp/portal.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["postgres://app:app@db1:port,db2/portal", "postgres://app:app@db1,:5432/portal",
                                 "postgres://app:app@db1,[::1/portal", "postgres://app:app@db1:70000,db2/portal"])  # fmt: skip
def test_a_host_list_that_cannot_be_read_is_refused_with_the_host_named(url):
    with pytest.raises(dburl.DatabaseURLError, match="cannot read the host"):
        dburl.parse(url)
