from django.urls import path

from rencontres.views import agenda, organisation, public, vivier

app_name = "rencontres"

urlpatterns = [
    path("rencontres/", public.rencontre_liste, name="liste"),
    path("rencontres/<int:pk>/", public.rencontre_detail, name="rencontre"),
    path("rencontres/<int:pk>/inscription/", public.inscription_creer, name="inscrire"),
    path("rencontres/inscription/<str:jeton>/", public.inscription_detail, name="inscription"),
    path("rencontres/inscription/<str:jeton>/agenda.ics", public.inscription_ics, name="inscription_ics"),
    path("rencontres/inscription/<str:jeton>/annuler/", public.inscription_annuler, name="annuler"),
    path("rencontres/inscription/<str:jeton>/confirmer/", public.inscription_confirmer, name="confirmer"),
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
    # L'organisation (rencontres/views/organisation.py)
    path("rencontres/organisation/", organisation.organisation, name="organisation"),
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
    path("rencontres/<int:pk>/accueil/sur-place/", organisation.accueil_sur_place, name="sur_place"),
]
