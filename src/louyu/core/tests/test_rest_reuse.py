"""A reused serializer parses and renders exactly what a fresh one does, whatever the
request it renders for and whatever it parsed before."""

import pytest
from rest_framework import serializers

from louyu.core.models import Organization
from louyu.core.rest.reuse import ReusedSerializer

pytestmark = pytest.mark.django_db


class _Input(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.ChoiceField(choices=["a", "b"], default="a")
    day = serializers.DateField(required=False, allow_null=True)


class _Output(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField()
    jurisdiction = serializers.CharField(source="jurisdiction.code", default=None)

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "type", "jurisdiction", "mine"]

    def get_mine(self, obj) -> bool:
        return self.context["user"].organization_id == obj.pk


@pytest.mark.parametrize(
    "data",
    [
        {"name": "甲"},
        {},
        {"name": "太长的名字啊", "count": 0, "kind": "c", "day": "2026-02-30"},
        {"name": "乙", "count": "3", "day": None},
        {"name": "甲"},  # valid again after the failures
    ],
)
def test_parses_like_a_fresh_serializer(data):
    reused = ReusedSerializer(_Input)
    for _ in range(2):
        fresh = _Input(data=data)
        if fresh.is_valid():
            assert dict(reused.parse(data)) == dict(fresh.validated_data)
        else:
            with pytest.raises(serializers.ValidationError) as exc:
                reused.parse(data)
            assert exc.value.detail == fresh.errors


def test_renders_like_a_fresh_serializer_for_each_context(two_jurisdictions):
    env = two_jurisdictions
    reused = ReusedSerializer(_Output)
    answers = set()
    for user in (env["user_a"], env["user_b"], env["user_a"]):
        for org in Organization.objects.select_related("jurisdiction").order_by("pk")[:5]:
            context = {"user": user}
            ours = reused.render(org, context=context)
            expected = _Output(org, context=context).data
            assert ours == expected and list(ours) == list(expected)
            answers.add((user.pk, org.pk, ours["mine"]))
    assert any(mine for _u, _o, mine in answers)  # the context was followed
