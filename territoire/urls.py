from django.urls import path

from territoire.views import annuaire, indicateurs

app_name = "territoire"

urlpatterns = [
    path("annuaire/", annuaire.annuaire, name="annuaire"),
    path("annuaire/professionnels/<int:pk>/", annuaire.professionnel_detail, name="professionnel_detail"),
    path("annuaire/structures/<int:pk>/", annuaire.structure_detail, name="structure_detail"),
    path("indicateurs/", indicateurs.indicateurs, name="indicateurs"),
    path("carte-de-l-offre-de-soins/", indicateurs.carte_offre, name="carte_offre"),
    path("indicateurs/<slug:tableau>.csv", indicateurs.indicateurs_csv, name="indicateurs_csv"),
]
