"""Sandboxes started in background threads, and an HTTP client for them."""

import pytest

from sandbox.ploomes import PloomesSandbox
from sandbox.tests.helpers import Client


@pytest.fixture(scope="session")
def sandbox():
    """A 350-contact account (more than one page of contacts), unlimited rate."""
    with PloomesSandbox(seed=7, scale=350, key="test-key", rate_limit=0) as sb:
        yield sb


@pytest.fixture(scope="session")
def client(sandbox):
    return Client(sandbox)


@pytest.fixture(scope="session")
def small():
    """The smallest account the contract covers (scale=100), clean."""
    with PloomesSandbox(seed=3, scale=100, rate_limit=0) as sb:
        yield sb


@pytest.fixture
def fresh():
    """A throw-away sandbox for tests that change state (faults, mutations)."""
    started = []

    def make(**kwargs):
        kwargs.setdefault("rate_limit", 0)
        sb = PloomesSandbox(**{"seed": 11, "scale": 120, **kwargs}).start()
        started.append(sb)
        return sb, Client(sb)
    yield make
    for sb in started:
        sb.stop()
