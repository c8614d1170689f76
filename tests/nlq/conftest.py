import pytest

from nlq import Engine
from warehouse.connect import connect_readonly


@pytest.fixture(scope="session")
def engine(small_warehouse):
    return Engine.open(small_warehouse)


@pytest.fixture(scope="module")
def con(small_warehouse):
    """A read-only connection to the small warehouse, as the app and engine open it."""
    connection = connect_readonly(small_warehouse)
    yield connection
    connection.close()
