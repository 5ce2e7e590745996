"""REST endpoints of the library: practices, exchange meetings and their action items.
Thin views over the library's selectors and services; every state change goes through
``POST …/<id>/transition/``.

Objects outside the caller's scope (another jurisdiction's draft, a meeting the caller's
organisation did not attend) answer 404, never 403; 403 only when the caller sees the
object but may not act on it (e.g. responding to an action item assigned to another
organisation)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from louyu.core.rest.pagination import CappedPagination
from louyu.core.rest.parsers import JSONParser
from louyu.core.uploads import check_upload, check_uploads
from louyu.library import selectors
from louyu.library import serializers as s
from louyu.library.services import meetings as meeting_services
from louyu.library.services import practices as practice_services

CONFLICT = OpenApiResponse(description=_("当前状态不允许此操作，或已被他人更新"))
BAD_REQUEST = OpenApiResponse(description=_("字段错误"))
FORBIDDEN = OpenApiResponse(description=_("可以查看但无权办理"))
NOT_FOUND = OpenApiResponse(description=_("不存在或不在管辖范围内"))


def _checked(field: str, call):
    try:
        return call()
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@extend_schema_view(
    list=extend_schema(
        summary=_("典型经验做法列表"),
        parameters=[s.PracticeFilterSerializer],
        responses={200: s.PracticeSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("经验做法详情（含附件、评论与借鉴）"),
        responses={200: s.PracticeDetailSerializer, 404: NOT_FOUND},
    ),
)
class PracticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published practices of every jurisdiction, and drafts of the caller's own."""

    pagination_class = CappedPagination
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return s.PracticeDetailSerializer if self.action != "list" else s.PracticeSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            filters = s.PracticeFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            return selectors.practice_filter(
                selectors.practice_list(user=user), **filters.validated_data
            ).prefetch_related("tags")
        return selectors.practice_list(user=user).prefetch_related(
            "tags", "attachments", "comments__organization", "adoptions__organization",
            "adoptions__jurisdiction",
        )  # fmt: skip

    def _render(self, practice, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=practice.pk)
        data = s.PracticeDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary=_("撰写经验做法（草稿）"),
        request={
            "application/json": s.PracticeCreateSerializer,
            "multipart/form-data": s.PracticeCreateSerializer,
        },
        responses={201: s.PracticeDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request):
        if not request.user.has_perm("library.add_practice"):
            raise PermissionDenied("您没有撰写经验做法的权限。")
        data = s.PracticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        files = values.pop("attachments", [])
        code = values.pop("jurisdiction", "")
        choices = selectors.writable_jurisdictions(user=request.user)
        jurisdiction = choices.filter(code=code).first() if code else None
        if jurisdiction is None and not code and choices.count() == 1:
            jurisdiction = choices.first()
        if jurisdiction is None:
            raise ValidationError({"jurisdiction": "管辖范围不存在或不在您的管辖范围内。"})
        checked = _checked("attachments", lambda: check_uploads(files, documents=True))
        practice = practice_services.practice_create(
            actor=request.user, jurisdiction=jurisdiction, attachments=checked, **values
        )
        return self._render(practice, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改经验做法草稿"),
        request=s.PracticeUpdateSerializer,
        responses={
            200: s.PracticeDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request, pk=None):
        practice = self.get_object()
        data = s.PracticeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        practice = practice_services.practice_update(
            actor=request.user, practice=practice, **data.validated_data
        )
        return self._render(practice)

    @extend_schema(
        summary=_("审核、发布、退回或撤回经验做法"),
        description=_(
            "draft → reviewed → published；退回（reviewed → draft）"
            "或撤回（published → draft）须填 reason。"
        ),
        request=s.PracticeTransitionSerializer,
        responses={
            200: s.PracticeDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        practice = self.get_object()
        data = s.PracticeTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        practice = practice_services.practice_transition(
            actor=request.user, practice=practice, **values
        )
        return self._render(practice)

    @extend_schema(
        summary=_("发表评论"),
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        practice = self.get_object()
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = practice_services.practice_comment(
            actor=request.user, practice=practice, **data.validated_data
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("标记借鉴（其他辖区通信管理局）"),
        request=s.AdoptionCreateSerializer,
        responses={
            201: s.AdoptionSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def adoptions(self, request, pk=None):
        practice = self.get_object()
        data = s.AdoptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adoption = practice_services.practice_adopt(
            actor=request.user, practice=practice, **data.validated_data
        )
        return Response(s.AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("经验交流会列表"), responses={200: s.MeetingSerializer(many=True)}
    ),
    retrieve=extend_schema(
        summary=_("会议详情（含议程与落实事项）"),
        responses={200: s.MeetingDetailSerializer, 404: NOT_FOUND},
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings the caller's organisation organised or attended (all for national users);
    the organiser (the ministry) records them, their agenda and their action items."""

    pagination_class = CappedPagination
    filter_backends = []

    def get_serializer_class(self):
        return s.MeetingSerializer if self.action == "list" else s.MeetingDetailSerializer

    def get_queryset(self):
        qs = selectors.meeting_list(user=self.request.user)
        if self.action == "list":
            return qs.order_by("-date", "-id")
        return qs.prefetch_related("participants", "agenda__presenter", "action_items__assignee")

    def _render(self, meeting, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        data = s.MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @staticmethod
    def _organization(code, field: str):
        if not code:
            return None
        found = selectors.presenter_choices().filter(code=code).first()
        if found is None:
            raise ValidationError({field: f"机构代码“{str(code)[:64]}”不存在。"})
        return found

    @extend_schema(
        summary=_("记录经验交流会"),
        request=s.MeetingCreateSerializer,
        responses={201: s.MeetingDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request):
        if not meeting_services.can_manage_meeting(request.user):
            raise PermissionDenied("您无权记录会议。")
        data = s.MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["participants"] = [
            self._organization(code, "participants") for code in values["participants"]
        ]
        meeting = meeting_services.meeting_create(
            actor=request.user, organizer=request.user.organization, **values
        )
        return self._render(meeting, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("添加会议议程"),
        request=s.AgendaItemCreateSerializer,
        responses={
            201: s.MeetingDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def agenda(self, request, pk=None):
        meeting = self.get_object()
        data = s.AgendaItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["presenter"] = self._organization(values.get("presenter"), "presenter")
        for field, visible in (
            ("practice", selectors.practice_list(user=request.user)),
            ("bulletin", selectors.bulletin_choices(user=request.user)),
        ):
            ref = values.get(field)
            values[field] = visible.filter(pk=ref).first() if ref else None
            if ref and values[field] is None:
                raise ValidationError({field: "不存在或不在您的查看范围内。"})
        meeting_services.agenda_item_add(actor=request.user, meeting=meeting, **values)
        return self._render(meeting, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("交办会议要求落实事项"),
        request=s.ActionItemCreateSerializer,
        responses={201: s.ActionItemSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        meeting = self.get_object()
        data = s.ActionItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["assignee"] = self._organization(values["assignee"], "assignee")
        item = meeting_services.action_item_add(actor=request.user, meeting=meeting, **values)
        context = self.get_serializer_context()
        return Response(
            s.ActionItemSerializer(item, context=context).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("会议要求落实事项列表"), responses={200: s.ActionItemSerializer(many=True)}
    ),
    retrieve=extend_schema(
        summary=_("落实事项详情"), responses={200: s.ActionItemSerializer, 404: NOT_FOUND}
    ),
)
class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Action items of the meetings the caller sees."""

    pagination_class = CappedPagination
    serializer_class = s.ActionItemSerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.action_item_list(user=self.request.user).order_by("due_date", "id")

    @extend_schema(
        summary=_("答复落实情况（落实单位）"),
        description=_("to=done，须填 response；可附 evidence（PDF、DOCX 或图片）。"),
        request={
            "multipart/form-data": s.ActionItemTransitionSerializer,
            "application/json": s.ActionItemTransitionSerializer,
        },
        responses={
            200: s.ActionItemSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        item = self.get_object()
        data = s.ActionItemTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("evidence", None)
        if upload is not None:
            values["evidence"] = _checked("evidence", lambda: check_upload(upload, documents=True))
        item = meeting_services.action_item_transition(actor=request.user, item=item, **values)
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(s.ActionItemSerializer(fresh, context=self.get_serializer_context()).data)
