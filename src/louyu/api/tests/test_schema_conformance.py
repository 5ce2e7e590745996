"""What the schema fuzz run (``test_schema_fuzz``) found, pinned down: fields that can be
null are marked nullable, and every operation lists the status codes it can answer."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Organization", "jurisdiction"),
        ("Organization", "parent"),
        ("BuildingImport", "rejected_url"),
    ],
)
def test_fields_that_can_be_null_are_marked(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable")


def test_the_batch_error_also_describes_field_errors(schema):
    assert "required" not in schema["components"]["schemas"]["PresenceBatchError"]


def test_every_operation_lists_the_answers_it_can_give(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            assert {"429", "503"} <= set(responses), where
            parameters = operation.get("parameters", [])
            if "{" in path or any(p["name"] == "page" for p in parameters):
                assert "404" in responses, where
            if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
                assert "400" in responses, where
