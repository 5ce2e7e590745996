"""Document numbers: a series per organisation, kind and year, each number given once, also
to concurrent callers (PostgreSQL, where rows are really locked)."""

import threading

import pytest
from django.db import connection, transaction

from louyu.core.document_numbers import document_number_next, document_number_text
from louyu.core.models import DocumentNumber
from louyu.core.tests.factories import OrganizationFactory


def take(organization, kind="letter", year=2026) -> int:
    with transaction.atomic():
        return document_number_next(organization=organization, kind=kind, year=year)


@pytest.mark.django_db
def test_each_organisation_kind_and_year_counts_from_one():
    first, second = OrganizationFactory(), OrganizationFactory()
    assert [take(first), take(first), take(first)] == [1, 2, 3]
    assert take(second) == 1
    assert take(first, kind="notice") == 1
    assert take(first, year=2027) == 1
    assert take(first) == 4


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again_so_the_series_has_no_gaps():
    organization = OrganizationFactory()
    assert take(organization) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_next(organization=organization, kind="letter", year=2026)
        raise RuntimeError("the document was not stored")
    assert take(organization) == 2


@pytest.mark.django_db
def test_the_number_is_written_with_the_short_name_when_there_is_one():
    named = OrganizationFactory(short_name="京")
    assert document_number_text(organization=named, year=2026, sequence=123) == "京〔2026〕123号"
    bare = OrganizationFactory(short_name="")
    assert document_number_text(organization=bare, year=2026, sequence=7) == "〔2026〕7号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_each_get_their_own_number():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; row locks need PostgreSQL")
    organization = OrganizationFactory()
    results, errors = [], []
    start = threading.Barrier(6)

    def worker():
        try:
            start.wait()
            for _ in range(5):
                results.append(take(organization))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == list(range(1, 31))
    assert DocumentNumber.objects.get(organization=organization).last == 30
