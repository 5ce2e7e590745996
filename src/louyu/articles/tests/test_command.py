import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from louyu.articles.models import Article
from louyu.articles.tests import samples
from louyu.core.models import AuditEvent


def test_command_imports_files_and_reports_refusals(art, tmp_path, capsys):
    news = tmp_path / "news.html"
    news.write_text(samples.NEWS_PAGE, encoding="utf-8")
    policy = tmp_path / "policy.md"
    policy.write_text(samples.MARKDOWN, encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text(samples.BROKEN_YAML, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import-articles", str(news), str(policy), str(broken), str(tmp_path / "missing.md")
        )
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "新增\t" in out and "未导入 2 个" in out
    assert "头信息（YAML）格式错误" in err and "文件不存在" in err
    assert Article.objects.count() == 2
    assert AuditEvent.objects.filter(action="article.import", actor=None).count() == 2

    call_command("import-articles", str(news), "--user", art.dalian.username)
    out, _err = capsys.readouterr()
    assert out.startswith("更新\t")
    assert Article.objects.count() == 2


def test_command_refuses_a_user_without_the_right(art, tmp_path):
    news = tmp_path / "news.html"
    news.write_text(samples.NEWS_PAGE, encoding="utf-8")
    with pytest.raises(CommandError, match="无权导入文章"):
        call_command("import-articles", str(news), "--user", art.operator.username)
    with pytest.raises(CommandError, match="不存在"):
        call_command("import-articles", str(news), "--user", "ghost")
    assert not Article.objects.exists()
