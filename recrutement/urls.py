from django.urls import path

from recrutement.views import agglomeration, alertes, candidat, candidatures, offres, vivier

app_name = "recrutement"

urlpatterns = [
    # Offres : pages publiques, recruteurs et modération (recrutement/views/offres.py)
    path("offres/", offres.offre_liste, name="offre_liste"),
    path("offres/carte/", offres.offres_carte, name="offres_carte"),
    path("offres/flux.atom", offres.flux_des_offres, name="flux"),
    path("offres/remplacements.ics", offres.remplacements_ics, name="remplacements_ics"),
    path("offres/<int:pk>/", offres.offre_detail, name="offre"),
    # Postuler (recrutement/views/candidat.py)
    path("offres/<int:pk>/postuler/", candidat.postuler, name="postuler"),
    path("offres/<int:pk>/postuler/envoyee/", candidat.postuler_envoyee, name="postuler_envoyee"),
    path("offres/<int:pk>/postuler/<str:jeton>/", candidat.postuler_lien, name="postuler_lien"),
    # Alertes aux nouvelles offres (recrutement/views/alertes.py)
    path("offres/alertes/", alertes.alerte_creer, name="alerte_creer"),
    path("offres/alertes/<str:cle>/confirmer/", alertes.alerte_confirmer, name="alerte_confirmer"),
    path("offres/alertes/<str:cle>/supprimer/", alertes.alerte_supprimer, name="alerte_supprimer"),
    path("recrutement/mes-offres/", offres.mes_offres, name="mes_offres"),
    path("recrutement/offres/nouvelle/", offres.offre_creer, name="offre_creer"),
    path("recrutement/offres/<int:pk>/", offres.gestion, name="gestion"),
    path("recrutement/offres/<int:pk>/modifier/", offres.offre_modifier, name="offre_modifier"),
    path("recrutement/offres/<int:pk>/confirmer/", offres.offre_confirmer, name="offre_confirmer"),
    path("recrutement/offres/<int:pk>/vivier/", candidatures.vivier, name="offre_vivier"),
    path("recrutement/offres/<int:pk>/<str:vers>/", offres.offre_transition, name="offre_transition"),
    path("recrutement/moderation/", offres.moderation, name="moderation"),
    # Candidatures : le tableau partagé des recruteurs, les doublons, le vivier proposé
    # (recrutement/views/candidatures.py ; l'offre proposée au vivier est plus haut, avant
    # l'adresse des transitions d'une offre qui prendrait « vivier » pour un état)
    path("recrutement/candidatures/", candidatures.tableau, name="tableau"),
    path("recrutement/candidatures/<int:pk>/", candidatures.candidature_detail, name="candidature"),
    # L'espace candidat (recrutement/views/candidat.py) ; le lien signé en dernier.
    path("recrutement/mon-espace/", candidat.espace, name="espace"),
    path("recrutement/mon-espace/acces/", candidat.espace_acces, name="espace_acces"),
    path("recrutement/mon-espace/fermer/", candidat.espace_fermer, name="espace_fermer"),
    path("recrutement/mon-espace/mes-donnees/", candidat.mes_donnees, name="espace_mes_donnees"),
    path("recrutement/mon-espace/effacer/", candidat.effacer, name="espace_effacer"),
    path(
        "recrutement/mon-espace/vivier/prolonger/", candidat.vivier_prolonger, name="espace_vivier_prolonger"
    ),
    path("recrutement/mon-espace/vivier/quitter/", candidat.vivier_quitter, name="espace_vivier_quitter"),
    path(
        "recrutement/mon-espace/consentements/<int:pk>/retirer/",
        candidat.consentement_retirer,
        name="espace_consentement_retirer",
    ),
    path(
        "recrutement/mon-espace/candidatures/<int:pk>/retirer/",
        candidat.candidature_retirer,
        name="espace_candidature_retirer",
    ),
    path("recrutement/mon-espace/<str:jeton>/", candidat.espace_lien, name="espace_lien"),
    # Le renouvellement au vivier, par le lien signé du courriel (recrutement/views/vivier.py)
    path("recrutement/vivier/<str:jeton>/", vivier.vivier_renouveler, name="vivier"),
    # L'agglomération : tableau de bord et demandes d'aide (recrutement/views/agglomeration.py)
    path("recrutement/tableau-de-bord/", agglomeration.tableau_de_bord, name="tableau_de_bord"),
    path(
        "recrutement/tableau-de-bord/<slug:tableau>.<slug:format>",
        agglomeration.tableau_export,
        name="tableau_export",
    ),
    path("recrutement/demandes-d-aide/", agglomeration.demandes_d_aide, name="demandes_d_aide"),
    path(
        "recrutement/demandes-d-aide/<int:pk>/prise-en-charge/",
        agglomeration.aide_prendre_en_charge,
        name="aide_prendre_en_charge",
    ),
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
