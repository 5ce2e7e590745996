"""Platform search over 1,000,000 complaint texts and 10,000 articles and practices
(target: p95 < 100 ms for two-word Chinese queries on PostgreSQL).

Fills a bench database of its own with index rows written directly in bulk (``COPY``):
generated Chinese complaint texts, segmented by the engine's own ``index_tokens``, spread
over every jurisdiction with its administration as the handling organisation, one row
each, found by everyone who sees the complaint (``Audience.ALL``: in the platform the
handling organisation finds its full-text row and everyone else the public-text row of the
same size, so each user reaches one row per complaint as here); and 10,000
articles and practices under two kinds registered here for the bench (the library is
another branch). Then times what the search page and ``GET /api/v1/search/`` run for one
page — the capped count and the first 20 ranked rows with their snippets — for a national
user and for one administration, over two-word queries. Baseline in the same run: the same
page with ``icontains`` on both words over the same texts. Prints p50/p95 and the ratio.

    .venv/bin/python bench/bench_search.py --complaints 1000000 --repeat 5
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/louyu_search_bench")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from louyu.core import roles  # noqa: E402
from louyu.core.models import Organization, User  # noqa: E402
from louyu.core.pagination import count_capped  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402
from louyu.search.models import Audience, Document  # noqa: E402
from louyu.search.query import (  # noqa: E402
    RESULT_CAP,  # noqa: E402
    SearchRequest,
    document_search,
    hits,
    visible_documents,
)
from louyu.search.registry import EVERYTHING, register_kind  # noqa: E402
from louyu.search.segment import index_tokens  # noqa: E402
from louyu.search.views import PAGE_SIZE  # noqa: E402

PLACES = "朝阳 海淀 浦东 徐汇 天河 福田 南山 武侯 江汉 鼓楼 雨花 西湖 中山 沙河口 历下 金水".split()
BUILDINGS = (
    "国贸 金融 科技 创业 软件 财富 环球 世纪 万达 中心 广场 时代 东方 华润 银泰 恒隆".split()
)
KINDS = "大厦 写字楼 产业园 商务中心 综合体 科技园".split()
PROBLEMS = [
    "物业公司收取入场费{n}万元",
    "物业与代理商签订独家协议",
    "电信无法进场施工",
    "移动的光纤被物业拒之门外",
    "联通申请进场被拒绝",
    "租户只能使用指定宽带",
    "宽带价格比家庭宽带高出{n}倍",
    "代理商加价转售带宽",
    "弱电间和管井不对运营商开放",
    "物业指定施工单位重新布线",
    "楼内没有公示资费和投诉电话",
    "新建楼宇没有光纤到户",
    "网速慢而且经常断网",
    "报装{n}个月仍未安装",
    "物业要求缴纳管道占用费",
    "广电宽带无法接入",
]
ASKS = ["请尽快处理", "希望监管部门介入", "要求退还多收的费用", "请责令物业整改", ""]
ARTICLE_TOPICS = [
    "推动商务楼宇宽带接入市场公平竞争的做法",
    "联合执法清理楼宇入场费的经验",
    "一楼一策推进零运营商楼宇进场",
    "光纤到户国家标准的落实情况",
    "物业企业签署友好楼宇承诺的实践",
    "运营商共建共享楼内通信设施",
]


def complaint_text(rng: random.Random) -> tuple[str, str]:
    building = rng.choice(PLACES) + rng.choice(BUILDINGS) + rng.choice(KINDS)
    problems = rng.sample(PROBLEMS, rng.randint(2, 3))
    body = "，".join(p.format(n=rng.randint(2, 9)) for p in problems)
    return building, f"{building}{body}。{rng.choice(ASKS)}"


def article_text(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(ARTICLE_TOPICS)
    place = rng.choice(PLACES)
    lines = [f"{place}{topic}。"] + [p.format(n=rng.randint(2, 9)) for p in rng.sample(PROBLEMS, 4)]
    return f"{place}{topic}", "针对".join(lines) + "，经过整治已经解决。"


def _copy(rows) -> None:
    columns = (
        "kind, object_id, audience, jurisdiction_id, organization_id, title, body, tokens, "
        "date, indexed_at"
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY search_document ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def fill(complaints: int, articles: int, seed: int) -> None:
    load_reference_organizations()
    admins = list(
        Organization.objects.filter(code__startswith="ca-").values_list("pk", "jurisdiction_id")
    )
    rng = random.Random(seed)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE search_document")
        cursor.execute("DROP INDEX IF EXISTS search_document_vector")
    batch, done = [], 0
    now = "2026-12-01T00:00:00+00:00"

    def flush():
        _copy(batch)
        batch.clear()

    for n in range(1, complaints + 1):
        building, body = complaint_text(rng)
        org, jurisdiction = rng.choice(admins)
        title = f"TS2026{n:08d} {building}"
        day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
        tokens = index_tokens(title, body)
        batch.append(
            (
                "complaint",
                n,
                Audience.ALL,
                jurisdiction,
                org,
                title,
                body,
                tokens,
                day,
                now,
            )
        )
        if len(batch) >= 20_000:
            flush()
            done = n
            sys.stderr.write(f"\r  complaints {done:,}")
    for n in range(1, articles + 1):
        title, body = article_text(rng)
        kind = "bench_article" if n % 2 else "bench_practice"
        tokens = index_tokens(title, body)
        batch.append((kind, n, Audience.ALL, None, None, title, body, tokens, "2026-06-01", now))
    flush()
    sys.stderr.write("\n")
    print(f"  rows written in {time.perf_counter() - start:.0f} s; building the GIN index…")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX search_document_vector ON search_document USING gin (vector)")
        # As autovacuum leaves a table that is written in batches: hint bits and the
        # visibility map set, so the (date, id) index is read without the table.
        cursor.execute("VACUUM (ANALYZE) search_document")
    print(f"  index built in {time.perf_counter() - start:.0f} s")


def register_bench_kinds() -> None:
    """The complaints kind comes from the complaints app; the library's kinds are another
    branch, so two stand-ins, visible to every signed-in user, are registered here."""
    for key, label in (("bench_article", "文章"), ("bench_practice", "典型经验")):
        register_kind(
            key,
            label=label,
            objects=lambda: Document.objects.none(),
            documents=lambda objects: iter(()),
            reach=lambda user: EVERYTHING,
            url=lambda pk, key=key: f"/{key}/{pk}/",
        )


def searched_page(user, text: str) -> int:
    documents, words = document_search(user=user, request=SearchRequest(text=text))
    count_capped(documents, cap=RESULT_CAP)
    return len(hits(documents[:PAGE_SIZE], words))


def icontains_page(user, text: str) -> int:
    """The same page without the index: every word by ``icontains`` over the same texts,
    within the same scope, newest first."""
    where = Q()
    for word in text.split():
        where &= Q(body__icontains=word) | Q(title__icontains=word)
    documents = visible_documents(user=user).filter(where)
    count_capped(documents, cap=RESULT_CAP)
    return len(list(documents.order_by("-date", "-id")[:PAGE_SIZE]))


QUERIES = [
    "入场费 物业",
    "独家协议 代理商",
    "光纤 施工",
    "宽带 价格",
    "管井 运营商",
    "国贸 入场费",
    "断网 网速",
    "加价 转售",
    "公示 资费",
    "布线 施工单位",
    "友好楼宇 承诺",
    "广电 接入",
]


def timed(fn, user, text) -> float:
    start = time.perf_counter()
    fn(user, text)
    return (time.perf_counter() - start) * 1000


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--reuse", action="store_true", help="keep the rows already written")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the speed target is for PostgreSQL"
    call_command("migrate", verbosity=0)
    register_bench_kinds()
    if not args.reuse:
        print(f"writing {args.complaints:,} complaint and {args.articles:,} article rows…")
        fill(args.complaints, args.articles, args.seed)
    load_reference_organizations()
    national, _ = User.objects.get_or_create(
        username="bench-search-ministry",
        defaults={"organization": Organization.objects.get(code="ministry")},
    )
    beijing, _ = User.objects.get_or_create(
        username="bench-search-110000",
        defaults={"organization": Organization.objects.get(code="ca-110000")},
    )
    for user, role in ((national, roles.MINISTRY_ADMIN), (beijing, roles.ADMINISTRATION_STAFF)):
        user.groups.add(Group.objects.get(name=role))
    rows = Document.objects.count()
    print(f"index rows: {rows:,}")
    for name, user in (("national", national), ("北京 administration", beijing)):
        for text in QUERIES[:3]:  # warm-up
            searched_page(user, text)
            icontains_page(user, text)
        fts, like = [], []
        for _ in range(args.repeat):
            for text in QUERIES:
                fts.append(timed(searched_page, user, text))
                like.append(timed(icontains_page, user, text))
        fts_p95, like_p95 = percentile(fts, 0.95), percentile(like, 0.95)
        print(
            f"{name}: search p50 {statistics.median(fts):.1f} ms, p95 {fts_p95:.1f} ms; "
            f"icontains p50 {statistics.median(like):.1f} ms, p95 {like_p95:.1f} ms; "
            f"icontains/search at p95 {like_p95 / fts_p95:.1f}× "
            f"({len(fts)} queries)"
        )


if __name__ == "__main__":
    main()
