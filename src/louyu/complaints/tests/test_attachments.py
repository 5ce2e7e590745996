import pytest

from louyu.complaints import attachments
from louyu.complaints.models import Attachment
from louyu.core import uploads
from louyu.core.tests.files import PDF, image_bytes, upload


@pytest.mark.django_db
def test_saved_in_default_storage_by_month(cenv, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    complaint, _ = cenv["file"]()
    checked = uploads.check_uploads([upload("照片.jpg", image_bytes())])
    [saved] = attachments.attachments_save(complaint=complaint, files=checked, actor=cenv["bj"])
    assert saved.file.name.startswith("complaints/") and saved.file.name.endswith(".jpg")
    assert saved.original_name == "照片.jpg" and saved.size == len(checked[0].data)
    assert saved.sha256 == checked[0].sha256 and saved.uploaded_by == cenv["bj"]
    assert Attachment.objects.get().file.read() == checked[0].data


def test_failure_midway_leaves_no_file_in_storage(cenv, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    complaint, _ = cenv["file"]()
    checked = uploads.check_uploads(
        [upload("a.jpg", image_bytes()), upload("b.pdf", PDF), upload("c.png", image_bytes("PNG"))]
    )
    real_save = Attachment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.original_name)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", failing_save)
    with pytest.raises(RuntimeError):
        attachments.attachments_save(complaint=complaint, files=checked, actor=cenv["bj"])
    assert calls == ["a.jpg", "b.pdf"]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
