from django.urls import path

from rencontres import views

app_name = "rencontres"

urlpatterns = [
    path("rencontres/", views.rencontre_liste, name="liste"),
    path("rencontres/<int:pk>/", views.rencontre_detail, name="rencontre"),
    path("rencontres/<int:pk>/inscription/", views.inscription_creer, name="inscrire"),
    path("rencontres/inscription/<str:jeton>/", views.inscription_detail, name="inscription"),
    path("rencontres/inscription/<str:jeton>/agenda.ics", views.inscription_ics, name="inscription_ics"),
    path("rencontres/inscription/<str:jeton>/annuler/", views.inscription_annuler, name="annuler"),
    path("rencontres/inscription/<str:jeton>/confirmer/", views.inscription_confirmer, name="confirmer"),
]
