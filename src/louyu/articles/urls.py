from django.urls import path

from louyu.articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("import/", views.article_import, name="import"),
    path("<int:pk>/", views.article_detail, name="detail"),
]
