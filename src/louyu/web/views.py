from django.http import HttpResponse


def _pending(request, *args, **kwargs):
    return HttpResponse("")


home = inbox = work_item_complete = notifications = notifications_mark_read = _pending
audit_list = audit_export = calendar_view = healthz = _pending
