"""``read_table_isolated``: ``readers.read_table`` in a child process with limits, so that a
file that makes the reader allocate or spin without end kills only the child.

The child (forked: it inherits the loaded code and the bytes, and touches no database)
gets an address-space limit of its current size plus ``LOUYU_IMPORT_PARSE_MEMORY_MB`` and
a CPU limit of ``LOUYU_IMPORT_PARSE_CPU_SECONDS``, checks the archive (``bounds``) and
parses; the parent receives the table, or the reader's own refusal, or — when the child ran
out of memory or time or was killed — a Chinese message saying the file could not be read
within the limits. The worker process itself never holds more than the finished table."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource

from django.conf import settings

from louyu.buildings.import_engine.bounds import check_xlsx
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.readers import Table, read_table

logger = logging.getLogger(__name__)

LIMIT_ERROR = (
    "读取文件时超出内存或时间上限（文件可能被异常压缩、含有极大的空白区域或已损坏），"
    "未写入任何数据。请删除多余的行列、另存为新文件后重新导入。"
)
READ_ERROR = "读取文件时发生错误，未写入任何数据。请另存为新的 .xlsx 或 .csv 文件后重新导入。"
# How long the parent waits for a child that exited without answering.
JOIN_SECONDS = 5


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _limit_child() -> None:
    budget = int(settings.LOUYU_IMPORT_PARSE_MEMORY_MB) * 1024 * 1024
    try:
        current = _address_space_bytes()
    except OSError:  # no /proc: limit the budget alone
        current = 0
    resource.setrlimit(resource.RLIMIT_AS, (current + budget, current + budget))
    cpu = int(settings.LOUYU_IMPORT_PARSE_CPU_SECONDS)
    used = int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
    resource.setrlimit(resource.RLIMIT_CPU, (used + cpu, used + cpu + 5))


def _child(conn, data: bytes, filename: str) -> None:
    try:
        _limit_child()
        check_xlsx(data)
        answer = ("table", read_table(data, filename=filename))
    except ImportFileError as exc:
        answer = ("refused", str(exc))
    except MemoryError:
        answer = ("limit", "")
    except Exception as exc:  # the reader's bug or a file it chokes on: never its message
        answer = ("error", type(exc).__name__)
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(("limit", ""))
    finally:
        conn.close()


def read_table_isolated(data: bytes, *, filename: str) -> Table:
    """``read_table(data, filename=filename)`` in a limited child process; raises
    ImportFileError with the reader's message, or with ``LIMIT_ERROR`` when the child died."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, data, filename), daemon=True)
    child.start()
    sender.close()
    try:
        kind, value = receiver.recv()
    except EOFError:  # the child died before answering: killed by a limit or a signal
        kind, value = "limit", ""
    finally:
        receiver.close()
        child.join(JOIN_SECONDS)
        if child.is_alive():
            child.kill()
            child.join()
    if kind == "table":
        return value
    if kind == "refused":
        raise ImportFileError(value)
    if kind == "error":
        logger.error("building import file could not be read: %s", value)
        raise ImportFileError(READ_ERROR)
    logger.warning("building import file exceeded the parse limits (child exit %s)", child.exitcode)
    raise ImportFileError(LIMIT_ERROR)
