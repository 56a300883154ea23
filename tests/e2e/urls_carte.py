"""Les adresses du portail, plus une page qui montre la carte des 129 communes du Cotentin
(`@pytest.mark.urls`) : la carte dans le vrai gabarit, sous la vraie CSP."""

import csv
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from cotentin_sante.urls import urlpatterns
from socle.carte import Repere, ValeurCommune, carte
from territoire import DOSSIER_COTENTIN

DONNEES = DOSSIER_COTENTIN  # la copie du projet, territoire/donnees_cotentin/

PAGE = Template(
    """{% extends "base.html" %}{% load socle static %}
{% block titre %}Carte d'essai{% endblock %}
{% block entete %}<link rel="stylesheet" href="{% static 'css/graphiques.css' %}">{% endblock %}
{% block contenu %}<h1>Carte d'essai</h1>{% carte carte %}{% endblock %}"""
)


@login_not_required
def page_carte(request: HttpRequest) -> HttpResponse:
    communes = json.loads((DONNEES / "cotentin_communes.geojson").read_text(encoding="utf-8"))["features"]
    with (DONNEES / "cotentin_poles.csv").open(encoding="utf-8") as fichier:
        poles = {ligne["code_insee"]: ligne["pole"] for ligne in csv.DictReader(fichier)}
    valeurs = {}
    for rang, commune in enumerate(communes):
        code, nom = commune["properties"]["code_insee"], commune["properties"]["nom"]
        valeur = None if rang % 10 == 3 else rang / 3
        valeurs[code] = ValeurCommune(
            nom=nom,
            valeur=valeur,
            texte=f"{valeur:.1f}".replace(".", ",") if valeur is not None else "",
            lien=f"/essai/carte/?commune={code}",
            pole=poles[code],
        )
    valeurs["99999"] = ValeurCommune(nom="Commune sans contour", valeur=1.0)
    la_carte = carte(
        identifiant="carte-essai",
        titre="Médecins généralistes pour 10 000 habitants",
        contours={c["properties"]["code_insee"]: c["geometry"] for c in communes},
        valeurs=valeurs,
        unite="pour 10 000 habitants",
        reperes=[
            Repere(
                49.6386,
                -1.6163,
                "Centre hospitalier public du Cotentin",
                "/essai/carte/",
                "Centre hospitalier",
            ),
            Repere(49.5089, -1.4702, "Maison de santé de Valognes", None, "Maison de santé"),
        ],
    )
    return HttpResponse(PAGE.render(RequestContext(request, {"carte": la_carte})))


urlpatterns = [*urlpatterns, path("essai/carte/", page_carte)]
