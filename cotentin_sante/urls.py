from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from comptes.views import invitation_accepter_vue
from socle import views as socle

# La connexion à l'administration passe par celle du portail : même limite de tentatives,
# même double authentification.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("Administration du portail du Conseil de santé du Cotentin")
admin.site.site_title = _("Administration — Conseil de santé du Cotentin")
admin.site.index_title = _("Tableau de bord")

# La base injoignable répond 503, une valeur qu'elle ne sait pas lire 400, le reste 500 ;
# l'identifiant de la requête est sur la page.
handler400 = "socle.views.requete_invalide"
handler500 = "socle.views.erreur_serveur"

urlpatterns = [
    path("", socle.accueil, name="accueil"),
    path("accessibilite/", socle.page, {"gabarit": "socle/accessibilite.html"}, name="accessibilite"),
    path(
        "mentions-legales/", socle.page, {"gabarit": "socle/mentions_legales.html"}, name="mentions_legales"
    ),
    path(
        "donnees-personnelles/",
        socle.page,
        {"gabarit": "socle/donnees_personnelles.html"},
        name="donnees_personnelles",
    ),
    path("plan-du-site/", socle.page, {"gabarit": "socle/plan_du_site.html"}, name="plan_du_site"),
    path("sante/", socle.sante, name="sante"),
    path("comptes/", include("allauth.urls")),
    path("invitation/<str:jeton>/", invitation_accepter_vue, name="invitation_accepter"),
    path("mon-compte/", include("comptes.urls")),
    path("", include("socle.urls")),
    path("", include("territoire.urls")),
    path("", include("conseil.urls")),
    path("", include("college.urls")),
    path("", include("financements.urls")),
    path("", include("recrutement.urls")),
    path("", include("rencontres.urls")),
    path("", include("bilan.urls")),
    path("admin/", admin.site.urls),
]
