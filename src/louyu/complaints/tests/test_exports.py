import io

import openpyxl
from django.urls import reverse

from louyu.core.models import AuditEvent


def _sheet_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_export_is_scoped_masked_neutralised_and_audited(client, cenv):
    bj, _ = cenv["file"](address="北京市朝阳区建国路88号", complainant_name="张三丰")
    formula, _ = cenv["file"](
        address='=HYPERLINK("http://x")北京市朝阳区建国路1号', complainant_phone="13912345678"
    )
    dl, _ = cenv["file"](actor=cenv["dl"], address="辽宁省大连市中山区人民路1号")
    client.force_login(cenv["bj"])

    response = client.get(reverse("complaints:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = _sheet_rows(response)
    header = rows[0]
    codes = {row[0] for row in rows[1:]}
    assert codes == {bj.tracking_code, formula.tracking_code}
    assert dl.tracking_code not in codes
    flat = [str(cell) for row in rows for cell in row if cell is not None]
    assert not any(
        "张三丰" in cell or "13800138000" in cell or "13912345678" in cell for cell in flat
    )
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[bj.tracking_code][header.index("申诉人（脱敏）")] == "张**"
    assert by_code[formula.tracking_code][header.index("联系电话（脱敏）")] == "139****5678"
    assert by_code[formula.tracking_code][header.index("楼宇地址")].startswith("'=")
    event = AuditEvent.objects.get(action="complaint.export")
    assert event.actor == cenv["bj"]
    assert event.changes["rows"] == 2


def test_export_takes_the_queue_filters(client, cenv):
    cenv["file"]()
    client.force_login(cenv["bj"])
    rows = _sheet_rows(client.get(reverse("complaints:export"), {"state": "closed"}))
    assert len(rows) == 1
    assert AuditEvent.objects.get(action="complaint.export").changes["filters"] == {
        "state": "closed"
    }


def test_export_refused_without_view_permission(client, cenv, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(reverse("complaints:export")).status_code == 403
    client.logout()
    assert client.get(reverse("complaints:export")).status_code == 302
    assert not AuditEvent.objects.filter(action="complaint.export").exists()


def test_export_needs_the_export_permission_like_the_other_exports(client, cenv):
    cenv["file"]()
    for viewer in (cenv["samr"], cenv["operator"]):
        client.force_login(viewer)
        assert viewer.has_perm("complaints.view_complaint")
        queue = client.get(reverse("complaints:queue"))
        assert queue.status_code == 200
        assert b'data-testid="complaint-export"' not in queue.content
        assert client.get(reverse("complaints:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="complaint.export").exists()
