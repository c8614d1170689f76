import pytest

from nlq import Engine


@pytest.fixture(scope="session")
def engine(small_warehouse):
    return Engine.open(small_warehouse)
