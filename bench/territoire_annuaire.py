"""L'annuaire et les indicateurs à l'échelle du territoire puis à dix fois cette échelle.

Le territoire de démonstration est chargé par les vrais importeurs avec 2 000 professionnels
(échelle réaliste : l'ordre de grandeur du Cotentin), puis 20 000 (×10). À chaque échelle,
imprime le temps serveur de chaque page en rapport à une page statique mesurée en alternance
(`<page>_sur_page_statique`), l'évolution ×10/×1, et, à ×10, le rapport de la recherche de
l'annuaire et de la page des indicateurs à la recherche de la liste des professionnels de
l'administration de Django sur les mêmes lignes (`<page>_sur_admin_recherche`).
Le nombre de requêtes de ces pages, lui, est épinglé dans les tests.
"""

import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

from _outils import base_de_mesure, client_agent, rapport
from django.core.management import call_command
from django.test import Client

ECHELLE = 2_000


def charger(dossier: Path, nombre: int, jour: date) -> None:
    from territoire import demo

    fichier = dossier / f"PS_LibreAcces_Personne_activite_{jour:%Y%m%d}0845.txt"
    demo.ecrire_rpps(fichier, demo.lignes_territoire(demo.personnes(nombre)))
    call_command("importer_rpps", str(fichier), stdout=StringIO())


def main() -> None:
    from territoire import demo
    from territoire.models import PoleDeProximite, Profession

    with base_de_mesure(), tempfile.TemporaryDirectory(prefix="bench-annuaire-") as nom_dossier:
        dossier = Path(nom_dossier)
        demo.importer_les_communes(dossier)
        finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
        demo.ecrire_finess(finess, date(2026, 11, 2))
        call_command("importer_finess", str(finess), stdout=StringIO())

        agent = client_agent()
        reference = (Client(), "/accessibilite/")
        resultats: dict[str, dict[int, float]] = {}
        for facteur in (1, 10):
            charger(dossier, ECHELLE * facteur, date(2026, 11, facteur))
            medecin = Profession.objects.get(code="10").pk
            pole = PoleDeProximite.objects.get(nom="Cœur du Cotentin").pk
            pages = {
                "annuaire_recherche": "/annuaire/?q=lefebvre",
                "annuaire_recherche_mal_orthographiee": "/annuaire/?q=lefebre+helene",
                "annuaire_filtres": f"/annuaire/?profession={medecin}&pole={pole}",
                "annuaire_structures": "/annuaire/?onglet=structures&q=hopital",
                "indicateurs": "/indicateurs/",
                "admin_recherche": "/admin/territoire/professionnel/?q=lefebvre",
            }
            for nom, url in pages.items():
                resultats.setdefault(nom, {})[facteur] = rapport(agent, url, reference, repetitions=20)
        for nom, rapports in resultats.items():
            print(f"{nom}_sur_page_statique {rapports[1]:.2f}")
            print(f"{nom}_x10_sur_x1 {rapports[10] / rapports[1]:.2f}")
        admin = resultats["admin_recherche"][10]
        for nom in (
            "annuaire_recherche",
            "annuaire_recherche_mal_orthographiee",
            "annuaire_filtres",
            "indicateurs",
        ):
            print(f"{nom}_sur_admin_recherche {resultats[nom][10] / admin:.2f}")


if __name__ == "__main__":
    main()
