"""Le tableau partagé des candidatures à 5 000 offres et 50 000 candidatures (issue 18 : « With
5,000 offers and 50,000 applications, … the shared board stay[s] within 1.5× of the Django admin
changelist on the same rows, with constant queries »).

Les communes et les établissements sont ceux de la démonstration (vrais importeurs) ; offres,
candidats, candidatures et consentements sont écrits en lots (`bulk_create`), sous les mêmes
contraintes de la base que les services, sans journal ni notifications, que le tableau ne lit
pas. Chaque candidature est confiée à l'employeur de son offre et au GCS ; la recruteuse
mesurée recrute pour le GCS : elle voit les 50 000 candidatures, les mêmes lignes que la liste
des candidatures de l'administration de Django (superutilisateur). Les pièces ne sont pas des
fichiers (un document par candidature sur dix, le tableau n'en lit que le nom).

Imprime, à 5 000 puis 50 000 candidatures, le temps serveur de chaque page en rapport à une
page statique mesurée en alternance, l'évolution ×10/×1 et, à 50 000, le rapport de chaque
page du tableau à la liste de l'administration (`<page>_sur_admin`), puis le nombre de requêtes
de chaque page aux deux échelles (`requetes_<page>_x1`, `requetes_<page>_x10`). La page d'une
candidature, qui cherche ses doublons parmi toutes les fiches que voit la recruteuse, est mise
en rapport à sa page de l'administration (`candidature_sur_admin`).
"""

import random
import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from _outils import base_de_mesure, client_agent, rapport
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

OFFRES = 5_000
CANDIDATURES = 5_000  # ×1 ; ×10 : 50 000


def ajouter_offres(nombre: int) -> list[int]:
    from recrutement.models import Offre, StatutOffre, TypeContrat
    from territoire.models import Profession, Structure

    hasard = random.Random(1)
    structures = list(Structure.objects.filter(finess__isnull=False).exclude(type="gcs"))
    professions = list(Profession.objects.all())
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate()
    offres = Offre.objects.bulk_create(
        [
            Offre(
                titre=f"Poste n° {rang}",
                profession=hasard.choice(professions),
                employeur=hasard.choice(structures),
                type_contrat=TypeContrat.SALARIE,
                description="Une offre générée pour la mesure.",
                date_limite=aujourd_hui + timedelta(days=hasard.randint(1, 120)),
                statut=StatutOffre.PUBLIEE,
                publiee_le=maintenant - timedelta(minutes=rang),
                confirmee_le=maintenant,
            )
            for rang in range(nombre)
        ],
        batch_size=1000,
    )
    return [o.pk for o in offres]


def ajouter_candidatures(nombre: int, debut: int, offres: list[int], gcs: int) -> None:
    from recrutement.models import (
        Candidat,
        Candidature,
        Consentement,
        EtapeCandidature,
        NaturePiece,
        ObjetConsentement,
        Offre,
        PieceCandidature,
        SourceCandidature,
    )
    from socle.models import Document

    hasard = random.Random(debut)
    employeurs = dict(Offre.objects.filter(pk__in=offres).values_list("pk", "employeur_id"))
    maintenant = timezone.now()
    etapes = [e for e in EtapeCandidature.values]
    candidats = Candidat.objects.bulk_create(
        [
            Candidat(
                nom=f"Nom{rang}",
                prenom=hasard.choice(["Camille", "Alix", "Claude", "Dominique", "Sacha"]),
                email=f"candidat{rang}@exemple.fr",
                telephone=f"06{rang:08d}",
            )
            for rang in range(debut, debut + nombre)
        ],
        batch_size=2000,
    )
    candidatures = []
    for candidat in candidats:
        etape = hasard.choice(etapes)
        deposee = maintenant - timedelta(minutes=hasard.randint(0, 60 * 24 * 300))
        candidatures.append(
            Candidature(
                candidat=candidat,
                offre_id=hasard.choice(offres),
                source=hasard.choice(SourceCandidature.values),
                etape=etape,
                deposee_le=deposee,
                etape_le=deposee,
                close_le=deposee if etape in ("retenue", "non_retenue", "retiree") else None,
                aide_logement=hasard.random() < 0.1,
            )
        )
    candidatures = Candidature.objects.bulk_create(candidatures, batch_size=2000)
    Consentement.objects.bulk_create(
        [
            Consentement(
                candidat_id=c.candidat_id,
                objet=ObjetConsentement.EMPLOYEUR,
                candidature=c,
                employeur_id=employeur,
                texte="Consentement de la mesure.",
                donne_le=c.deposee_le,
            )
            for c in candidatures
            for employeur in (employeurs[c.offre_id], gcs)
        ],
        batch_size=4000,
    )
    avec_cv = candidatures[::10]
    documents = Document.objects.bulk_create(
        [
            Document(
                titre="CV",
                fichier=f"bench/cv-{c.pk}.pdf",
                nom_fichier="cv.pdf",
                type_mime="application/pdf",
                taille=1000,
                empreinte="0" * 64,
                depose_le=c.deposee_le,
            )
            for c in avec_cv
        ],
        batch_size=2000,
    )
    PieceCandidature.objects.bulk_create(
        [
            PieceCandidature(candidature=c, document=d, nature=NaturePiece.CV)
            for c, d in zip(avec_cv, documents, strict=True)
        ],
        batch_size=2000,
    )


def requetes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as capture:
        assert client.get(url).status_code == 200, url
    return len(capture)


def recruteuse_du_gcs(gcs: int) -> Client:
    from allauth.mfa.totp.internal.auth import TOTP

    from comptes.models import Utilisateur
    from recrutement.models import Recruteur

    compte = Utilisateur.objects.create_user("recruteuse-bench@exemple.fr", "x")
    Recruteur.objects.create(structure_id=gcs, compte=compte)
    TOTP.activate(compte, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(compte)
    return client


def main() -> None:
    from recrutement.models import Candidature
    from territoire import demo
    from territoire.models import Structure, TypeStructure

    with base_de_mesure(), tempfile.TemporaryDirectory(prefix="bench-tableau-") as nom_dossier:
        dossier = Path(nom_dossier)
        demo.importer_les_communes(dossier)
        finess = dossier / "etalab-cs1100507-stock-20261102-0337.csv"
        demo.ecrire_finess(finess, date(2026, 11, 2))
        call_command("importer_finess", str(finess), stdout=StringIO())
        fichier = dossier / "PS_LibreAcces_Personne_activite_202611010845.txt"
        demo.ecrire_rpps(fichier, demo.lignes_territoire(demo.personnes(200)))
        call_command("importer_rpps", str(fichier), stdout=StringIO())
        gcs = Structure.objects.create(nom="GCS Partenaires Santé du Cotentin", type=TypeStructure.GCS).pk

        offres = ajouter_offres(OFFRES)
        recruteuse = recruteuse_du_gcs(gcs)
        agent = client_agent()
        reference = (Client(), "/accessibilite/")
        resultats: dict[str, dict[int, float]] = {}
        nombres: dict[str, dict[int, int]] = {}
        deja = 0
        for facteur in (1, 10):
            ajouter_candidatures(CANDIDATURES * facteur - deja, deja, offres, gcs)
            deja = CANDIDATURES * facteur
            with connection.cursor() as curseur:
                # Ce que fait l'autovacuum d'une base en service après des écritures en lots
                # (statistiques, carte de visibilité des index), pour le tableau et l'administration.
                curseur.execute("VACUUM ANALYZE")
            une_offre = offres[0]
            une = Candidature.objects.order_by("pk").values_list("pk", flat=True).first()
            pages = {
                "tableau": (recruteuse, "/recrutement/candidatures/"),
                "tableau_page_10": (recruteuse, "/recrutement/candidatures/?page=10"),
                "tableau_filtres": (recruteuse, "/recrutement/candidatures/?etape=recue&aide=on"),
                "tableau_offre": (recruteuse, f"/recrutement/candidatures/?offre={une_offre}"),
                "admin": (agent, "/admin/recrutement/candidature/"),
                # La page d'une candidature (ses doublons cherchés parmi les 50 000 fiches) et sa
                # page dans l'administration.
                "candidature": (recruteuse, f"/recrutement/candidatures/{une}/"),
                "admin_candidature": (agent, f"/admin/recrutement/candidature/{une}/change/"),
            }
            for nom, (client, url) in pages.items():
                resultats.setdefault(nom, {})[facteur] = rapport(client, url, reference, repetitions=15)
                nombres.setdefault(nom, {})[facteur] = requetes(client, url)
        for nom, rapports in resultats.items():
            print(f"{nom}_sur_page_statique {rapports[1]:.2f}")
            print(f"{nom}_x10_sur_x1 {rapports[10] / rapports[1]:.2f}")
        admin = resultats["admin"][10]
        for nom in ("tableau", "tableau_page_10", "tableau_filtres", "tableau_offre"):
            print(f"{nom}_sur_admin {resultats[nom][10] / admin:.2f}")
        print(
            f"candidature_sur_admin {resultats['candidature'][10] / resultats['admin_candidature'][10]:.2f}"
        )
        for nom, parfacteur in nombres.items():
            print(f"requetes_{nom}_x1 {parfacteur[1]}")
            print(f"requetes_{nom}_x10 {parfacteur[10]}")


if __name__ == "__main__":
    main()
