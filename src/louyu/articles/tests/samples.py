"""Sample article files written by the project itself: a news page with a share bar, a QR
code, an app promotion, scripts, a tracking pixel, event handlers and javascript: links;
Markdown and HTML with front matter; and the bad inputs the import must refuse."""

NEWS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>大连整治商务楼宇宽带接入_新闻中心</title>
<meta property="og:site_name" content="大连新闻网">
<meta name="PubDate" content="2024-03-05 09:30">
<link rel="canonical" href="https://news.example.cn/2024/03/05/broadband.html">
<script>window.track = function () { new Image().src = "https://stat.example.cn/t"; };</script>
<style>.share-bar { display: flex; }</style>
</head>
<body onload="track()">
<div class="share-bar">分享到：微信 微博 QQ空间</div>
<div id="content">
<h1>大连整治商务楼宇宽带接入</h1>
<p>原标题：大连市通信管理局联合多部门整治楼宇宽带接入市场</p>
<p onclick="steal()">近日，<b>大连市通信管理局</b>会同市场监管部门对商务楼宇开展联合检查。
<a href="javascript:alert(1)">详情</a></p>
<!-- editor's note: remove before publishing -->
<p><img src="https://img.example.cn/2024/photo.jpg" onerror="steal()">
检查发现部分物业收取进场费。</p>
<div class="qrcode"><img src="https://img.example.cn/qr.png"><p>扫码关注官方公众号</p></div>
<p>北京市、天津市、河北省通信管理局参加了经验交流。
<a href="https://www.example.cn/policy" onmouseover="x()">政策原文</a></p>
<div class="app-download">下载APP，阅读更多精彩内容</div>
<iframe src="https://video.example.cn/player"></iframe>
<img src="https://stat.example.cn/pixel.gif" width="1" height="1">
</div>
<script>track();</script>
</body></html>
"""

MARKDOWN = """---
title: 工业和信息化部部署商务楼宇宽带接入市场联合整治
date: Fri, 02 Apr 2021 11:59:41 GMT
categories: [政策, 联合整治]
author: 政策研究组
header:
  image: https://img.example.cn/header.jpg
source: https://www.example.gov.cn/policy/2021/0402.html
weight: 7
---
# 总体要求

各省、自治区、直辖市通信管理局要会同**市场监管**部门开展整治。

<script>alert("raw html")</script>
<div onclick="x()">辽宁省通信管理局牵头开展自查。</div>

[不安全的链接](javascript:alert(1))
"""

HTML_WITH_FRONT_MATTER = """---
title: 北京开展楼宇宽带专项检查
date: 2024-05-10
categories: 检查
---
<p>北京市通信管理局近日开展专项检查。</p>
<div class="wechat-share">分享到朋友圈</div>
"""

NO_FRONT_MATTER = "# 只有标题\n\n没有头信息的 Markdown。\n"
BROKEN_YAML = "---\ntitle: [未闭合\ndate: 2024-01-01\n---\n正文\n"
BAD_DATE = "---\ntitle: 日期错误\ndate: 去年春天\n---\n正文\n"
EMPTY_BODY = "---\ntitle: 没有正文\ndate: 2024-01-01\n---\n\n"
ONLY_SCRIPTS = (
    "---\ntitle: 只有脚本\ndate: 2024-01-01\n---\n"
    "<script>alert(1)</script><style>p{}</style><!-- c --><iframe src='x'></iframe>\n"
)


def front_matter(title: str, date: str = "2024-01-01", body: str = "正文。", **extra) -> str:
    lines = [f"{k}: {v}" for k, v in {"title": title, "date": date, **extra}.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"
