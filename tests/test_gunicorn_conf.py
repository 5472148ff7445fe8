"""gunicorn.conf.py, the way production serves the site, read as gunicorn reads it.

tests/jobs/test_rate_limits.py serves the site with it (two workers, one Redis)."""

from pathlib import Path

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
# What the configuration binds to, as a platform that sets PORT expects.
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104


def _config(monkeypatch, **env) -> Config:
    for name in ("WEB_CONCURRENCY", "PORT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace: dict = {"__file__": str(CONF)}
    exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)  # noqa: S102
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validation
    return config


class GunicornConfTests:
    def test_defaults(self, monkeypatch):
        config = _config(monkeypatch)
        assert config.workers == 2
        assert config.address == [(EVERY_INTERFACE, 8000)]
        assert config.worker_class_str == "sync"
        assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
        assert config.accesslog == "-"

    def test_workers_port_and_proxies_from_the_environment(self, monkeypatch):
        config = _config(
            monkeypatch,
            WEB_CONCURRENCY="5",
            PORT="9001",
            FORWARDED_ALLOW_IPS="10.0.0.5",
        )
        assert config.workers == 5
        assert config.address == [(EVERY_INTERFACE, 9001)]
        assert config.forwarded_allow_ips == ["10.0.0.5"]

    def test_request_limits_and_timeouts_are_set(self, monkeypatch):
        config = _config(monkeypatch)
        assert 0 < config.limit_request_line <= 4094
        assert 0 < config.limit_request_fields <= 100
        assert 0 < config.limit_request_field_size <= 8190
        assert 0 < config.timeout <= 60

    def test_a_port_that_is_no_number_stops_it(self, monkeypatch):
        with pytest.raises(ValueError):
            _config(monkeypatch, PORT="eighty")
