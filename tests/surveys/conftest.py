"""Fixtures: the shipped catalogue and a small survey that exercises every question type."""

import pytest

from surveys.catalog import Catalog, load_catalog
from surveys.schema import Survey
from tests.surveys.factories import toy_definition


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def preschool(catalog: Catalog) -> Survey:
    """Version 1, whose question keys the engine's tests name (runs started on it go on)."""
    return catalog.get("preschool_parents", 1)


@pytest.fixture(scope="session")
def preschool_v2(catalog: Catalog) -> Survey:
    return catalog.get("preschool_parents", 2)


@pytest.fixture(scope="session")
def pulse(catalog: Catalog) -> Survey:
    return catalog.latest("pulse")


@pytest.fixture(scope="session")
def toy() -> Survey:
    return Survey.model_validate(toy_definition())
