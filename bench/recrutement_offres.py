"""La liste publique des offres d'emploi à 500 puis 5 000 offres (issue 18 : « with 5,000 offers
… the public list with filters … within 1.5× of the Django admin changelist on the same rows »).

Les communes et les établissements sont ceux de la démonstration (vrais importeurs) ; les offres
sont écrites en lots (`bulk_create`) : ce sont les mêmes lignes que celles des services, sous
les mêmes contraintes de la base, sans le journal ni les notifications, que la liste ne lit
pas. Un tiers sont en exercice mixte (deux parts), chacune a deux lieux. Imprime, à chaque
échelle, le temps serveur de chaque page en rapport à une page statique mesurée en alternance,
l'évolution ×10/×1, et, à ×10, le rapport de chaque page à la liste des offres de
l'administration de Django sur les mêmes lignes (`<page>_sur_admin`). Le nombre de requêtes de
ces pages, lui, est épinglé dans les tests (tests/recrutement/test_requetes.py).
"""

import random
import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from _outils import base_de_mesure, client_agent, rapport
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

ECHELLE = 500


def ajouter_offres(nombre: int, graine: int) -> None:
    from recrutement.models import ModePart, Offre, PartOffre, StatutOffre, TypeContrat
    from territoire.models import Commune, Profession, Structure

    hasard = random.Random(graine)
    structures = list(Structure.objects.filter(finess__isnull=False).exclude(type="gcs"))
    communes = list(Commune.objects.all())
    professions = list(Profession.objects.all())
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate()
    types = [TypeContrat.SALARIE, TypeContrat.LIBERAL, TypeContrat.REMPLACEMENT, TypeContrat.ASSOCIATION]
    offres = []
    for rang in range(nombre):
        mixte = rang % 3 == 0
        type_contrat = TypeContrat.MIXTE if mixte else hasard.choice(types)
        debut = aujourd_hui + timedelta(days=hasard.randint(10, 90))
        offres.append(
            Offre(
                titre=f"Poste n° {graine}-{rang}",
                profession=hasard.choice(professions),
                employeur=hasard.choice(structures),
                type_contrat=type_contrat,
                quotite=100,
                debut=debut,
                fin=debut + timedelta(days=20) if type_contrat == TypeContrat.REMPLACEMENT else None,
                description="Une offre générée pour la mesure.\nDeuxième ligne.",
                date_limite=aujourd_hui + timedelta(days=hasard.randint(1, 120)),
                statut=StatutOffre.PUBLIEE,
                publiee_le=maintenant - timedelta(minutes=rang),
                confirmee_le=maintenant,
            )
        )
    offres = Offre.objects.bulk_create(offres, batch_size=1000)
    Offre.structures.through.objects.bulk_create(
        [
            Offre.structures.through(offre_id=offre.pk, structure_id=structure.pk)
            for offre in offres
            for structure in {offre.employeur, hasard.choice(structures)}
        ],
        batch_size=2000,
    )
    Offre.communes.through.objects.bulk_create(
        [Offre.communes.through(offre_id=o.pk, commune_id=hasard.choice(communes).pk) for o in offres],
        batch_size=2000,
    )
    PartOffre.objects.bulk_create(
        [
            part
            for offre in offres
            if offre.type_contrat == TypeContrat.MIXTE
            for part in (
                PartOffre(offre=offre, employeur=offre.employeur, mode=ModePart.SALARIE, quotite=50),
                PartOffre(
                    offre=offre,
                    employeur=hasard.choice([s for s in structures if s != offre.employeur]),
                    mode=ModePart.LIBERAL,
                    quotite=50,
                ),
            )
        ],
        batch_size=2000,
    )


def main() -> None:
    from recrutement.models import Offre
    from territoire import demo
    from territoire.models import PoleDeProximite, Profession

    with base_de_mesure(), tempfile.TemporaryDirectory(prefix="bench-recrutement-") as nom_dossier:
        dossier = Path(nom_dossier)
        demo.importer_les_communes(dossier)
        finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
        demo.ecrire_finess(finess, date(2026, 11, 2))
        call_command("importer_finess", str(finess), stdout=StringIO())
        fichier = dossier / "PS_LibreAcces_Personne_activite_202611010845.txt"
        demo.ecrire_rpps(fichier, demo.lignes_territoire(demo.personnes(200)))
        call_command("importer_rpps", str(fichier), stdout=StringIO())

        public = Client()
        agent = client_agent()
        reference = (Client(), "/accessibilite/")
        resultats: dict[str, dict[int, float]] = {}
        deja = 0
        for facteur in (1, 10):
            ajouter_offres(ECHELLE * facteur - deja, graine=facteur)
            deja = ECHELLE * facteur
            medecin = Profession.objects.get(code="10").pk
            pole = PoleDeProximite.objects.get(nom="Cœur du Cotentin").pk
            une = Offre.objects.filter(type_contrat="mixte").order_by("pk").first()
            assert une is not None
            pages = {
                "liste": (public, "/offres/"),
                "liste_page_10": (public, "/offres/?page=10"),
                "liste_filtres": (public, f"/offres/?profession={medecin}&pole={pole}&type_contrat=mixte"),
                "offre": (public, f"/offres/{une.pk}/"),
                "flux_atom": (public, "/offres/flux.atom"),
                "admin": (agent, "/admin/recrutement/offre/"),
            }
            for nom, (client, url) in pages.items():
                resultats.setdefault(nom, {})[facteur] = rapport(client, url, reference, repetitions=20)
        for nom, rapports in resultats.items():
            print(f"{nom}_sur_page_statique {rapports[1]:.2f}")
            print(f"{nom}_x10_sur_x1 {rapports[10] / rapports[1]:.2f}")
        admin = resultats["admin"][10]
        for nom in ("liste", "liste_page_10", "liste_filtres", "offre"):
            print(f"{nom}_sur_admin {resultats[nom][10] / admin:.2f}")


if __name__ == "__main__":
    main()
