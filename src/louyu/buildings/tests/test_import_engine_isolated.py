"""Parsing in a limited child process (``import_engine.isolated``): a file that exhausts
memory or gets the child killed fails cleanly, and the calling process lives on."""

import os
import signal

import pytest

from louyu.buildings.import_engine import isolated
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.readers import read_table
from louyu.buildings.tests import hostile_files as hostile


def test_an_ordinary_file_reads_as_in_process():
    more = {(0, 2): "楼宇类型", (2, 0): "光华创业园", (2, 1): "北京市朝阳区光华路9号"}
    data = hostile.xlsx_with_cells({**hostile.HEADER, **more})
    assert isolated.read_table_isolated(data, filename="楼宇.xlsx") == read_table(
        data, filename="楼宇.xlsx"
    )


def test_the_readers_refusal_comes_back_as_it_was():
    with pytest.raises(ImportFileError, match="文件为空"):
        isolated.read_table_isolated(b"", filename="楼宇.csv")


def test_a_far_cell_is_refused_in_the_child_before_the_reader_allocates():
    with pytest.raises(ImportFileError, match="XFD1048576"):
        isolated.read_table_isolated(hostile.far_cell_xlsx(), filename="楼宇.xlsx")


def test_a_child_over_its_memory_limit_fails_cleanly(settings, monkeypatch):
    settings.LOUYU_IMPORT_PARSE_MEMORY_MB = 64

    def greedy(data, *, filename):
        return bytearray(512 * 1024 * 1024)

    monkeypatch.setattr(isolated, "read_table", greedy)
    with pytest.raises(ImportFileError) as refused:
        isolated.read_table_isolated(b"x", filename="楼宇.csv")
    assert str(refused.value) == isolated.LIMIT_ERROR


def test_a_killed_child_fails_cleanly(monkeypatch):
    def killed(data, *, filename):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(isolated, "read_table", killed)
    with pytest.raises(ImportFileError) as refused:
        isolated.read_table_isolated(b"x", filename="楼宇.csv")
    assert str(refused.value) == isolated.LIMIT_ERROR


def test_a_readers_crash_is_reported_without_its_message(monkeypatch, caplog):
    def crashing(data, *, filename):
        raise RuntimeError("张三 13800000000")

    monkeypatch.setattr(isolated, "read_table", crashing)
    with pytest.raises(ImportFileError) as refused:
        isolated.read_table_isolated(b"x", filename="楼宇.csv")
    assert str(refused.value) == isolated.READ_ERROR
    assert "RuntimeError" in caplog.text and "张三" not in caplog.text
