from django.urls import path

from comptes import views

app_name = "comptes"

urlpatterns = [
    path("", views.mon_compte, name="mon_compte"),
    path("preferences/", views.preferences, name="preferences"),
    path("mes-donnees/", views.mes_donnees, name="mes_donnees"),
    path("invitations/", views.invitation_liste, name="invitation_liste"),
    path("invitations/nouvelle/", views.invitation_creer_vue, name="invitation_creer"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/revoquer/", views.invitation_revoquer_vue, name="invitation_revoquer"),
    path("invitations/<int:pk>/renvoyer/", views.invitation_renvoyer_vue, name="invitation_renvoyer"),
]
