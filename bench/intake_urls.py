"""URLconf for bench/bench_complaint_intake.py: the product's URLs plus two baseline
endpoints that insert one row each (never part of the product):

- ``bench/minimal/``: the minimal endpoint the issue names, a plain Django view (no
  authentication, no DRF) that parses the JSON body and inserts it;
- ``bench/baseline/``: the same insert behind DRF and the API's token authentication, so
  that it pays what every API request pays before its own work starts."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView


def _insert(body: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline (body) VALUES (%s) RETURNING id", [body])
        (row_id,) = cursor.fetchone()
    return row_id


@csrf_exempt
def minimal(request):
    body = json.dumps(json.loads(request.body), ensure_ascii=False)
    return JsonResponse({"id": _insert(body)}, status=201)


class Baseline(APIView):
    def post(self, request):
        return Response({"id": _insert(json.dumps(request.data, ensure_ascii=False))}, status=201)


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/baseline/", Baseline.as_view()),
    path("", include("louyu.urls")),
]
