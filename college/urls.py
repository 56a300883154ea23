from django.urls import path

from college.views import discussions, scrutins, secretariat

app_name = "college"

urlpatterns = [
    # Scrutins : membres (college/views/scrutins.py), secrétariat (college/views/secretariat.py)
    path("college/scrutins/", scrutins.scrutin_liste, name="scrutin_liste"),
    path("college/scrutins/nouveau/", secretariat.scrutin_creer, name="scrutin_creer"),
    path("college/scrutins/<int:pk>/", scrutins.scrutin_detail, name="scrutin_detail"),
    path("college/scrutins/<int:pk>/modifier/", secretariat.scrutin_modifier, name="scrutin_modifier"),
    path("college/scrutins/<int:pk>/voter/", scrutins.voter, name="voter"),
    path("college/scrutins/<int:pk>/recu/oublier/", scrutins.recu_oublier, name="recu_oublier"),
    path("college/scrutins/<int:pk>/candidature/", scrutins.candidature, name="candidature"),
    path("college/scrutins/<int:pk>/procuration/", scrutins.procuration, name="procuration"),
    path("college/scrutins/<int:pk>/interet/", scrutins.interet, name="interet"),
    path("college/scrutins/<int:pk>/ouvrir/", secretariat.ouvrir, name="ouvrir"),
    path("college/scrutins/<int:pk>/clore/", secretariat.clore, name="clore"),
    path("college/scrutins/<int:pk>/annuler/", secretariat.annuler, name="annuler"),
    path("college/scrutins/<int:pk>/participation/", secretariat.participation, name="participation"),
    path("college/scrutins/<int:pk>/urne/", scrutins.urne, name="urne"),
    path("college/scrutins/<int:pk>/resultat.csv", secretariat.resultat_csv, name="resultat_csv"),
    path("college/scrutins/<int:pk>/resultat.pdf", secretariat.resultat_pdf, name="resultat_pdf"),
    path("college/textes/<int:pk>/", scrutins.texte_detail, name="texte_detail"),
    # Discussions (college/views/discussions.py)
    path("college/discussions/", discussions.discussion_liste, name="discussion_liste"),
    path("college/discussions/nouvelle/", discussions.discussion_creer, name="discussion_creer"),
    path("college/discussions/<int:pk>/", discussions.discussion_detail, name="discussion_detail"),
    path("college/discussions/<int:pk>/suivre/", discussions.suivre, name="suivre"),
    path(
        "college/commentaires/<int:pk>/modifier/",
        discussions.commentaire_modifier,
        name="commentaire_modifier",
    ),
    path(
        "college/commentaires/<int:pk>/masquer/", discussions.commentaire_masquer, name="commentaire_masquer"
    ),
    path(
        "college/commentaires/<int:pk>/historique/",
        discussions.commentaire_historique,
        name="commentaire_historique",
    ),
]
