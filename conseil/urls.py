from django.urls import path

from conseil.views import calendrier, groupes, reunions, secretariat

app_name = "conseil"

urlpatterns = [
    # Membres (conseil/views/reunions.py)
    path("conseil/", reunions.accueil, name="accueil"),
    path("conseil/instances/<int:pk>/", reunions.instance_detail, name="instance_detail"),
    path("conseil/seances/<int:pk>/", reunions.reunion_detail, name="reunion_detail"),
    path("conseil/seances/<int:pk>/reponse/", reunions.reponse, name="reponse"),
    path("conseil/seances/<int:pk>/procuration/", reunions.procuration, name="procuration"),
    path(
        "conseil/seances/<int:pk>/procuration/retirer/",
        reunions.procuration_retirer,
        name="procuration_retirer",
    ),
    # Secrétariat (conseil/views/secretariat.py)
    path("conseil/seances/nouvelle/", secretariat.reunion_creer, name="reunion_creer"),
    path("conseil/seances/<int:pk>/modifier/", secretariat.reunion_modifier, name="reunion_modifier"),
    path("conseil/seances/<int:pk>/points/", secretariat.point_ajouter, name="point_ajouter"),
    path("conseil/points/<int:pk>/modifier/", secretariat.point_modifier, name="point_modifier"),
    path("conseil/points/<int:pk>/supprimer/", secretariat.point_supprimer, name="point_supprimer"),
    path("conseil/points/<int:pk>/deplacer/", secretariat.point_deplacer, name="point_deplacer"),
    path("conseil/points/<int:pk>/documents/", secretariat.point_document_deposer, name="point_document"),
    path("conseil/seances/<int:pk>/convoquer/", secretariat.convoquer, name="convoquer"),
    path("conseil/seances/<int:pk>/statut/", secretariat.reunion_statut, name="reunion_statut"),
    path("conseil/seances/<int:pk>/presences/", secretariat.presences, name="presences"),
    path("conseil/seances/<int:pk>/quorum/", secretariat.quorum, name="quorum"),
    path("conseil/seances/<int:pk>/proces-verbal/", secretariat.proces_verbal, name="proces_verbal"),
    path(
        "conseil/seances/<int:pk>/proces-verbal/adopter/",
        secretariat.proces_verbal_adopter,
        name="proces_verbal_adopter",
    ),
    path(
        "conseil/seances/<int:pk>/proces-verbal/archiver/",
        secretariat.proces_verbal_archiver,
        name="proces_verbal_archiver",
    ),
    # Groupes de travail et programme (conseil/views/groupes.py)
    path("conseil/groupes/", groupes.groupe_liste, name="groupe_liste"),
    path("conseil/groupes/<int:pk>/", groupes.groupe_detail, name="groupe_detail"),
    path("conseil/livrables/<int:pk>/avancement/", groupes.livrable_avancement, name="livrable_avancement"),
    path("programmes/", groupes.programme_liste, name="programme_liste"),
    path("programmes/<int:annee>/", groupes.programme_detail, name="programme_detail"),
    path("programmes/<int:annee>/adopter/", groupes.programme_adopter, name="programme_adopter"),
    # Calendriers (conseil/views/calendrier.py)
    path("calendrier/", calendrier.calendrier_public, name="calendrier_public"),
    path("calendrier/seances.ics", calendrier.calendrier_public_ics, name="calendrier_public_ics"),
    path("conseil/calendrier/", calendrier.abonnement, name="abonnement"),
    path("conseil/calendrier/<str:jeton>.ics", calendrier.flux_prive, name="flux_prive"),
]
