from django.urls import path

from recrutement.views import candidatures, offres

app_name = "recrutement"

urlpatterns = [
    # Offres : pages publiques, recruteurs et modération (recrutement/views/offres.py)
    path("offres/", offres.offre_liste, name="offre_liste"),
    path("offres/flux.atom", offres.flux_des_offres, name="flux"),
    path("offres/remplacements.ics", offres.remplacements_ics, name="remplacements_ics"),
    path("offres/<int:pk>/", offres.offre_detail, name="offre"),
    path("recrutement/mes-offres/", offres.mes_offres, name="mes_offres"),
    path("recrutement/offres/nouvelle/", offres.offre_creer, name="offre_creer"),
    path("recrutement/offres/<int:pk>/", offres.gestion, name="gestion"),
    path("recrutement/offres/<int:pk>/modifier/", offres.offre_modifier, name="offre_modifier"),
    path("recrutement/offres/<int:pk>/confirmer/", offres.offre_confirmer, name="offre_confirmer"),
    path("recrutement/offres/<int:pk>/vivier/", candidatures.vivier, name="vivier"),
    path("recrutement/offres/<int:pk>/<str:vers>/", offres.offre_transition, name="offre_transition"),
    path("recrutement/moderation/", offres.moderation, name="moderation"),
    # Candidatures : le tableau partagé des recruteurs, les doublons, le vivier proposé
    # (recrutement/views/candidatures.py ; l'offre proposée au vivier est plus haut, avant
    # l'adresse des transitions d'une offre qui prendrait « vivier » pour un état)
    path("recrutement/candidatures/", candidatures.tableau, name="tableau"),
    path("recrutement/candidatures/<int:pk>/", candidatures.candidature_detail, name="candidature"),
    path("recrutement/candidatures/<int:pk>/pieces/<int:piece_pk>/", candidatures.piece_ouvrir, name="piece"),
    path(
        "recrutement/candidatures/<int:pk>/etape/", candidatures.candidature_etape, name="candidature_etape"
    ),
    path("recrutement/candidatures/<int:pk>/notes/", candidatures.note_ecrire, name="note_ecrire"),
    path(
        "recrutement/candidatures/<int:pk>/fusionner/<int:autre_pk>/",
        candidatures.fusionner,
        name="fusionner",
    ),
]
