"""URLconf for bench/bench_complaint_intake.py: the product's URLs plus a baseline endpoint
that authenticates like the API (token) and inserts one row, the cheapest useful write."""

import json

from django.db import connection
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


class Baseline(APIView):
    def post(self, request):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_baseline (body) VALUES (%s) RETURNING id",
                [json.dumps(request.data, ensure_ascii=False)],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=201)


urlpatterns = [
    path("bench/baseline/", Baseline.as_view()),
    path("", include("louyu.urls")),
]
