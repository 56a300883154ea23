from django.urls import path

from rencontres.views import agenda, emargement, hebergement, organisation, programme, public, soutien, vivier

app_name = "rencontres"

urlpatterns = [
    path("rencontres/", public.rencontre_liste, name="liste"),
    path("rencontres/carte/", public.rencontres_carte, name="carte"),
    path("rencontres/<int:pk>/", public.rencontre_detail, name="rencontre"),
    path("rencontres/<int:pk>/inscription/", public.inscription_creer, name="inscrire"),
    path("rencontres/inscription/<str:jeton>/", public.inscription_detail, name="inscription"),
    path("rencontres/inscription/<str:jeton>/agenda.ics", public.inscription_ics, name="inscription_ics"),
    path("rencontres/inscription/<str:jeton>/annuler/", public.inscription_annuler, name="annuler"),
    path("rencontres/inscription/<str:jeton>/confirmer/", public.inscription_confirmer, name="confirmer"),
    path(
        "rencontres/inscription/<str:jeton>/changement/",
        public.inscription_changement,
        name="demander_changement",
    ),
    path("rencontres/inscription/<str:jeton>/attestation.pdf", public.attestation, name="attestation"),
    path("rencontres/attestations/verifier/", public.verifier, name="verifier"),
    path(
        "rencontres/inscription/<str:jeton>/vivier/retirer/",
        vivier.accord_vivier_retirer,
        name="accord_vivier_retirer",
    ),
    # Le flux d'agenda privé d'une personne (rencontres/views/agenda.py).
    path("rencontres/agenda/<str:jeton>.ics", agenda.flux, name="agenda"),
    # L'attractivité des rencontres, pour les agents (rencontres/views/vivier.py).
    path("rencontres/attractivite/", vivier.attractivite, name="attractivite"),
    # Les demandes de soutien à un congrès (rencontres/views/soutien.py)
    path("rencontres/soutien/", soutien.soutiens, name="soutiens"),
    path("rencontres/soutien/<int:pk>/", soutien.soutien, name="soutien"),
    path("rencontres/soutien/<int:pk>/<str:action>/", soutien.soutien_action, name="soutien_action"),
    # L'organisation (rencontres/views/organisation.py)
    path("rencontres/organisation/", organisation.organisation, name="organisation"),
    path("rencontres/organisation/nouvelle/", programme.rencontre_nouvelle, name="nouvelle"),
    path("rencontres/<int:pk>/programme/", programme.programme, name="programme"),
    path("rencontres/<int:pk>/publier/", programme.publier, name="publier"),
    path("rencontres/<int:pk>/annuler/", programme.annuler, name="annuler_rencontre"),
    path("rencontres/<int:pk>/organisateurs/", programme.organisateurs, name="organisateurs"),
    path(
        "rencontres/<int:pk>/organisateurs/<int:organisateur>/retirer/",
        programme.organisateur_retirer,
        name="organisateur_retirer",
    ),
    path("rencontres/<int:pk>/inscriptions/", organisation.inscriptions, name="inscriptions"),
    path("rencontres/<int:pk>/inscriptions.csv", organisation.inscriptions_csv, name="inscriptions_csv"),
    path("rencontres/<int:pk>/inscriptions.xlsx", organisation.inscriptions_xlsx, name="inscriptions_xlsx"),
    path(
        "rencontres/<int:pk>/inscriptions/<int:inscription>/valider/",
        organisation.inscription_valider,
        name="valider",
    ),
    path(
        "rencontres/<int:pk>/inscriptions/<int:inscription>/annuler/",
        organisation.inscription_annuler,
        name="annuler_inscription",
    ),
    path("rencontres/<int:pk>/messages/", organisation.messages_aux_inscrits, name="messages"),
    path("rencontres/<int:pk>/badges.pdf", organisation.badges, name="badges"),
    path("rencontres/<int:pk>/emargement.pdf", organisation.emargement, name="emargement"),
    path("rencontres/<int:pk>/accueil/", organisation.accueil, name="accueil"),
    # L'émargement à l'écran (rencontres/views/emargement.py)
    path("rencontres/<int:pk>/emargement/", emargement.emargement_ecran, name="emargement_ecran"),
    path("rencontres/<int:pk>/emargement/signer/", emargement.emargement_signer, name="emargement_signer"),
    path(
        "rencontres/<int:pk>/emargement/<int:emargement>/annuler/",
        emargement.emargement_annuler,
        name="emargement_annuler",
    ),
    path("rencontres/<int:pk>/accueil/sur-place/", organisation.accueil_sur_place, name="sur_place"),
    # Les chambres et navettes (rencontres/views/hebergement.py)
    path("rencontres/<int:pk>/hebergement/", hebergement.hebergement, name="hebergement"),
    path("rencontres/<int:pk>/hebergement/ajouter/", hebergement.ressource_ajouter, name="ressource_ajouter"),
    path(
        "rencontres/<int:pk>/hebergement/<int:ressource>/supprimer/",
        hebergement.ressource_supprimer,
        name="ressource_supprimer",
    ),
    path(
        "rencontres/<int:pk>/hebergement/<int:ressource>/modifier/",
        hebergement.ressource_modifier,
        name="ressource_modifier",
    ),
    path("rencontres/<int:pk>/hebergement/<int:ressource>/geler/", hebergement.geler, name="geler"),
    path("rencontres/<int:pk>/hebergement/<int:ressource>/degeler/", hebergement.degeler, name="degeler"),
    path("rencontres/<int:pk>/hebergement/attribuer/<str:genre>/", hebergement.attribuer, name="attribuer"),
    path(
        "rencontres/<int:pk>/hebergement/attributions/<int:attribution>/retirer/",
        hebergement.retirer,
        name="retirer",
    ),
    path(
        "rencontres/<int:pk>/hebergement/demandes/",
        hebergement.changement_demander,
        name="changement_demander",
    ),
    path(
        "rencontres/<int:pk>/hebergement/demandes/<int:demande>/",
        hebergement.decider,
        name="decider_changement",
    ),
]
