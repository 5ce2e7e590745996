"""Demo reference articles, written for the demo (not copied from any site) and imported
through the real import, so they are parsed, stripped, tagged and audited as a clerk's
import would be. Idempotent: nothing is imported when any article exists."""

from __future__ import annotations

from louyu.articles import services
from louyu.articles.models import Article
from louyu.articles.recognition import Gazetteer

DEMO_FILES = {
    "ministry-notice.md": """---
title: 工业和信息化部等部门部署商务楼宇宽带接入市场联合整治
date: 2024-03-01T10:00:00+08:00
categories: [政策, 联合整治]
author: 信息通信发展司
source: https://demo.louyu.invalid/policy/2024-03-01.html
---
各省、自治区、直辖市通信管理局要会同市场监管、住房和城乡建设等部门，
用一年左右时间集中整治商务楼宇宽带接入中的“最后一公里”问题。

## 整治重点

- 物业公司与单一运营商签订排他性协议；
- 收取进场费、管道占用费等不合理费用；
- 未在楼内公示服务项目、资费和投诉电话。

北京市、天津市、辽宁省、大连市通信管理局作为首批试点单位，先行开展自查自纠。
""",
    "dalian-inspection.html": """<!DOCTYPE html>
<html><head><title>大连联合检查商务楼宇</title>
<meta name="PubDate" content="2024-04-12 15:20">
<meta property="og:site_name" content="演示新闻网">
<link rel="canonical" href="https://demo.louyu.invalid/news/dalian-0412.html">
<script>trackPageView();</script></head>
<body><div class="share-bar">分享到：微信 微博</div>
<article><h1>大连联合检查商务楼宇宽带接入</h1>
<p>原标题：大连市通信管理局会同市场监管部门开展楼宇联合检查</p>
<p>大连市通信管理局会同大连市市场监督管理局，对中山区、西岗区的二十栋商务楼宇开展联合检查。</p>
<p>检查发现三栋楼宇存在收取进场费的问题，已责令物业公司限期整改。</p>
<div class="qrcode"><img src="https://demo.louyu.invalid/qr.png">扫码关注</div>
</article></body></html>
""",
    "beijing-practice.md": """---
title: 北京推动“友好楼宇”承诺
date: Mon, 20 May 2024 02:30:00 GMT
categories: 经验做法
---
北京市通信管理局推动全市一百余栋商务楼宇签署“友好楼宇”承诺，
楼内租户可以自由选择中国电信、中国移动、中国联通等基础电信企业。
""",
}


def create_demo_articles() -> int:
    """Import the demo articles as a system import; returns how many were created."""
    if Article.objects.exists():
        return 0
    gazetteer = Gazetteer()
    created = 0
    for name, text in DEMO_FILES.items():
        result = services.article_import(
            actor=None, filename=name, data=text.encode(), gazetteer=gazetteer
        )
        created += result.outcome == services.Outcome.CREATED
    return created
