from django.urls import path

from rencontres import views

app_name = "rencontres"

urlpatterns = [
    path("rencontres/<int:pk>/", views.rencontre_detail, name="rencontre"),
]
