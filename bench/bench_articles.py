"""Article import at scale: 1,000 article files (half news pages with scripts, share bars,
QR codes and a tracking pixel, half Markdown with front matter), imported one by one as
``louyu import-articles`` does (read + parse + strip + sanitise + recognise + store + audit;
each file checked on its own, those that pass written 50 per transaction), then imported
again (every file an update).

The baseline, in the same run, is reading and parsing the same files without storing them
(``parse_article`` alone). Prints seconds, files/s and the ratio import/baseline in files/s
(target: 1,000 articles in < 30 s).

    .venv/bin/python bench/bench_articles.py               # SQLite in /tmp/louyu-bench-articles
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/louyu_articles_bench \\
        .venv/bin/python bench/bench_articles.py           # PostgreSQL (database must exist)

Options: --files N (default 1000).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("LOUYU_VAR_DIR", "/tmp/louyu-bench-articles")
os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from louyu.articles import services  # noqa: E402
from louyu.articles.management.commands.import_articles import PathUpload  # noqa: E402
from louyu.articles.models import Article  # noqa: E402
from louyu.articles.parsing import parse_article  # noqa: E402
from louyu.core.models import Jurisdiction  # noqa: E402
from louyu.core.reference import load_reference_organizations  # noqa: E402

SENTENCES = [
    "{area}通信管理局会同市场监管部门对商务楼宇开展联合检查。",
    "检查发现部分物业公司与单一运营商签订排他性协议，限制其他企业进场。",
    "对收取进场费、管道占用费的楼宇，已责令限期整改并向社会公示。",
    "{area}、{other}通信管理局交流了推动基础电信企业进驻零运营商楼宇的做法。",
    "楼内租户可以自由选择中国电信、中国移动、中国联通等基础电信企业。",
    "下一步将把整治成果纳入长效机制，定期开展回头看。",
]
NOISE = """<script>var _hm = []; (function () { _hm.push(['track', location.href]); })();</script>
<div class="share-bar">分享到：微信 微博 QQ空间</div>
<div class="qrcode"><img src="https://img.example.cn/qr.png"><p>扫码关注官方公众号</p></div>
<div class="app-download">下载APP，阅读更多精彩内容</div>
<img src="https://stat.example.cn/pixel.gif" width="1" height="1">
<iframe src="https://video.example.cn/player"></iframe>"""


def _paragraphs(rng: random.Random, areas: list[str]) -> list[str]:
    out = []
    for _ in range(rng.randint(8, 20)):
        area, other = rng.sample(areas, 2)
        out.append(rng.choice(SENTENCES).format(area=area, other=other) * rng.randint(1, 3))
    return out


def make_files(directory: Path, n: int) -> list[Path]:
    rng = random.Random(20261204)
    areas = [j.name.removesuffix("通信管理局") for j in Jurisdiction.objects.all()]
    paths = []
    for i in range(n):
        paragraphs = _paragraphs(rng, areas)
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        if i % 2:
            body = "\n".join(f'<p onclick="x()">{p}</p>' for p in paragraphs)
            text = (
                f"<!DOCTYPE html><html><head><title>新闻 {i}</title>"
                f'<meta name="PubDate" content="{day} 09:30">'
                f'<link rel="canonical" href="https://news.example.cn/{i}.html"></head>'
                f"<body>{NOISE}<article><h1>楼宇宽带整治新闻第 {i} 篇</h1>{body}"
                f'<p><img src="https://img.example.cn/{i}.jpg">图片说明</p></article>'
                f"{NOISE}</body></html>"
            )
            path = directory / f"news-{i}.html"
        else:
            body = "\n\n".join(paragraphs)
            text = (
                f"---\ntitle: 楼宇宽带整治政策解读第 {i} 篇\ndate: {day}T10:00:00+08:00\n"
                f"categories: [政策, 解读]\nauthor: 研究组\n---\n# 要点\n\n{body}\n"
                f"\n<script>alert(1)</script>\n"
            )
            path = directory / f"policy-{i}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        parse_article(path.read_bytes(), filename=path.name)
    return time.perf_counter() - started


def import_all(paths: list[Path]) -> tuple[float, dict[str, int]]:
    """What ``louyu import-articles`` does with the files."""
    started = time.perf_counter()
    results = services.article_import_files(
        actor=None, uploads=[PathUpload(p) for p in paths], limit_files=False
    )
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    return time.perf_counter() - started, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_reference_organizations()
    Article.objects.all().delete()
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_files(Path(tmp), args.files)
        size = sum(p.stat().st_size for p in paths)
        print(f"database: {connection.vendor}; {len(paths):,} files, {size / 1048576:.1f} MB")
        base = baseline(paths)
        first, first_counts = import_all(paths)
        second, second_counts = import_all(paths)
    n = len(paths)
    print(f"baseline (read + parse, nothing stored): {base:.1f} s, {n / base:,.0f} files/s")
    print(f"import, new articles {first_counts}: {first:.1f} s, {n / first:,.0f} files/s")
    print(f"re-import, updates {second_counts}: {second:.1f} s, {n / second:,.0f} files/s")
    print(f"ratio import/baseline (files/s): {base / first:.2f} new, {base / second:.2f} updates")
    Article.objects.all().delete()


if __name__ == "__main__":
    main()
