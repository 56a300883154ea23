"""Le bilan annuel écrit par un vrai worker Celery, sur le vrai Redis et la base de test :
le PDF/A balisé, l'idempotence (deux demandes, deux livraisons), un worker tué en pleine
génération (l'enfant du pool : la tâche est relivrée et refaite ; le worker entier : la
version est montrée interrompue, relancée et finie par un autre worker), et la commande
`generer_bilan --wait`.

Chaque test vérifie dans le journal du worker que c'est bien lui qui a fait le travail."""

import hashlib
import io
import json
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import override_settings
from pypdf import PdfReader

from bilan.models import EtatGeneration, VersionBilan
from bilan.services import bilan_demander, version_relancer
from bilan.tasks import generer_version
from cotentin_sante.celery import app as celery_app
from socle.models import Document, Evenement, Notification
from tests.integration.conftest import attendre
from tests.travailleur import Worker, worker_celery

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TACHE = "bilan.tasks.generer_version"


# --- Outils -----------------------------------------------------------------------------


def fichiers_deposes() -> set[Path]:
    racine = Path(storages["documents"].location)
    return {chemin for chemin in racine.rglob("*") if chemin.is_file()}


def documents_de(version: VersionBilan) -> list[Document]:
    return list(
        Document.objects.filter(
            objet_type=ContentType.objects.get_for_model(VersionBilan), objet_id=str(version.pk)
        )
    )


def finie(version: VersionBilan, delai: float = 60.0) -> VersionBilan:
    resultat = attendre(
        lambda: VersionBilan.objects.filter(
            pk=version.pk, etat__in=[EtatGeneration.PRETE, EtatGeneration.ECHOUEE]
        ).first(),
        delai=delai,
    )
    assert isinstance(resultat, VersionBilan)
    return resultat


def en_cours_apres_demarrage(version: VersionBilan) -> VersionBilan:
    """Attend que le worker ait commencé et passé le démarrage (progression > 5)."""
    resultat = attendre(
        lambda: VersionBilan.objects.filter(
            pk=version.pk, etat=EtatGeneration.EN_COURS, progression__gt=5, progression__lt=95
        ).first()
    )
    assert isinstance(resultat, VersionBilan)
    return resultat


def verifier_pdf(version: VersionBilan) -> PdfReader:
    """Le PDF de la version : complet (empreinte, pages), PDF/A-3a balisé, en français."""
    assert version.etat == EtatGeneration.PRETE, version.erreur
    assert version.document is not None
    contenu = Path(version.document.fichier.path).read_bytes()
    assert hashlib.sha256(contenu).hexdigest() == version.empreinte == version.document.empreinte
    assert len(contenu) == version.document.taille
    lecteur = PdfReader(io.BytesIO(contenu), strict=True)
    assert len(lecteur.pages) == version.pages
    racine: Any = lecteur.trailer["/Root"]
    assert racine["/Lang"] == "fr"
    assert racine["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in racine
    xmp = lecteur.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "A")
    # Le même contrôle sur le flux /Metadata brut, sans l'analyse de pypdf.
    brut = racine["/Metadata"].get_object().get_data().decode()
    assert "http://www.aiim.org/pdfa/ns/id/" in brut
    assert "Bilan annuel" in "\n".join(page.extract_text() for page in lecteur.pages[:2])
    return lecteur


def tache_reussie(worker: Worker, identifiant: str) -> bool:
    return f"{TACHE}[{identifiant}] succeeded" in worker.lire_journal()


def pid_des_enfants(pid: int) -> list[int]:
    enfants: list[int] = []
    for fichier in Path(f"/proc/{pid}/task").glob("*/children"):
        enfants += [int(n) for n in fichier.read_text().split()]
    return enfants


def taches_recues(worker: Worker) -> list[str]:
    """Les identifiants des messages de la tâche du bilan reçus par le worker, dans l'ordre."""
    return re.findall(rf"Task {re.escape(TACHE)}\[([0-9a-f-]+)\] received", worker.lire_journal())


def messages_non_acquittes(identifiant: str) -> list[bytes]:
    """Les étiquettes des messages de la tâche `identifiant` que Redis garde « non
    acquittés » (livrés à un worker qui ne les a ni acquittés ni rendus)."""
    with celery_app.connection_for_write() as connexion:
        canal: Any = connexion.default_channel
        return [
            etiquette
            for etiquette, brut in canal.client.hgetall(canal.unacked_key).items()
            if json.loads(brut)[0].get("headers", {}).get("id") == identifiant
        ]


def oublier_non_acquittes(etiquettes: list[bytes]) -> None:
    """Retire de Redis des messages non acquittés laissés par un worker tué : sinon un worker
    de la même base Redis les relivrerait une heure plus tard (visibility_timeout)."""
    with celery_app.connection_for_write() as connexion:
        canal: Any = connexion.default_channel
        for etiquette in etiquettes:
            canal.client.hdel(canal.unacked_key, etiquette)
            canal.client.zrem(canal.unacked_index_key, etiquette)


# --- 1. Le PDF écrit par le worker --------------------------------------------------------


def test_le_worker_ecrit_le_bilan_en_pdf_a_balise(tmp_path: Path, secretariat):
    with worker_celery(tmp_path) as worker:
        version, cree = bilan_demander(annee=2025, acteur=secretariat)
        assert cree
        version = finie(version)

        assert version.etat == EtatGeneration.PRETE, version.erreur
        assert (version.tentatives, version.progression) == (1, 100)
        verifier_pdf(version)
        assert [d.pk for d in documents_de(version)] == [version.document_id]
        assert TACHE in worker.lire_journal()
        notification = Notification.objects.get(destinataire=secretariat)
        assert notification.verbe == "bilan.version.prete"
        assert notification.url == version.get_absolute_url()
        # Le courriel de la notification part aussi par le worker.
        attendre(lambda: Notification.objects.filter(pk=notification.pk, envoyee_le__isnull=False).exists())


# --- 2. Idempotence -----------------------------------------------------------------------


def test_redemander_ou_relivrer_ne_fait_pas_une_seconde_version(tmp_path: Path, secretariat):
    with worker_celery(tmp_path, reglages_en_plus="BILAN_PAUSE_ENTRE_ETAPES = 0.3\n") as worker:
        version, cree = bilan_demander(annee=2025, acteur=secretariat)
        assert cree
        en_cours_apres_demarrage(version)

        # Deux clics pendant que le worker travaille : la même version, aucune autre.
        encore, cree_encore = bilan_demander(annee=2025, acteur=secretariat)
        assert (encore.pk, cree_encore) == (version.pk, False)
        assert VersionBilan.objects.count() == 1

        version = finie(version)
        verifier_pdf(version)
        assert version.tentatives == 1
        document, empreinte, terminee_le = version.document_id, version.empreinte, version.terminee_le

        # Le même message livré une seconde fois, après coup : le worker le prend et n'y
        # change rien.
        seconde = generer_version.delay(version.pk)
        attendre(lambda: tache_reussie(worker, seconde.id))

        version.refresh_from_db()
        assert (version.etat, version.document_id, version.empreinte) == (
            EtatGeneration.PRETE,
            document,
            empreinte,
        )
        assert (version.tentatives, version.terminee_le) == (1, terminee_le)
        assert [d.pk for d in documents_de(version)] == [document]
        assert VersionBilan.objects.count() == 1
        assert Evenement.objects.filter(verbe="bilan.version.commencee").count() == 1
        assert Notification.objects.filter(verbe="bilan.version.prete").count() == 1


# --- 3. Un worker tué en pleine génération ------------------------------------------------


def test_l_enfant_du_pool_tue_la_tache_est_relivree_et_refaite(tmp_path: Path, secretariat):
    """acks_late + reject_on_worker_lost : le processus principal voit mourir son enfant
    (WorkerLostError), rend le message à Redis, et un nouvel enfant refait la génération."""
    avant = fichiers_deposes()
    with worker_celery(
        tmp_path, pool="prefork", reglages_en_plus="BILAN_PAUSE_ENTRE_ETAPES = 0.5\n"
    ) as worker:
        version, _cree = bilan_demander(annee=2025, acteur=secretariat)
        en_cours_apres_demarrage(version)
        enfants = pid_des_enfants(worker.processus.pid)
        assert len(enfants) == 1, enfants
        os.kill(enfants[0], signal.SIGKILL)

        # Jusqu'à la fin, on regarde la version : jamais prête sans son document.
        vues: list[tuple[str, int | None, str, int]] = []
        fin = time.monotonic() + 60
        while time.monotonic() < fin:
            ligne = VersionBilan.objects.values_list("etat", "document_id", "empreinte", "tentatives").get(
                pk=version.pk
            )
            vues.append(ligne)
            if ligne[0] in (EtatGeneration.PRETE, EtatGeneration.ECHOUEE):
                break
            time.sleep(0.1)
        journal = worker.lire_journal()

        assert "WorkerLostError" in journal, journal
        # Le même message (même identifiant de tâche) reçu deux fois : relivré, pas renvoyé.
        recus = taches_recues(worker)
        assert len(recus) == 2 and recus[0] == recus[1], journal
        assert all(
            document is not None and empreinte for etat, document, empreinte, _t in vues if etat == "prete"
        )
        assert EtatGeneration.ECHOUEE not in {etat for etat, *_reste in vues}
        # La seconde livraison a bien repris la version « en cours » (tentatives 2).
        assert any(etat == EtatGeneration.EN_COURS and tentatives == 2 for etat, _d, _e, tentatives in vues)
        version = VersionBilan.objects.select_related("document").get(pk=version.pk)
        assert version.tentatives == 2
        verifier_pdf(version)
        # Un seul document, un seul fichier : rien d'écrit à moitié par la livraison tuée.
        assert [d.pk for d in documents_de(version)] == [version.document_id]
        assert fichiers_deposes() - avant == {Path(version.document.fichier.path)}
        # Le message a été acquitté après la seconde livraison : plus rien en suspens.
        assert not messages_non_acquittes(recus[0])
        assert Notification.objects.filter(destinataire=secretariat, verbe="bilan.version.prete").count() == 1


def test_le_worker_entier_tue_la_version_est_interrompue_puis_relancee(tmp_path: Path, secretariat):
    """Le worker entier tué (processus principal et enfant, comme un conteneur tué) : personne
    ne rend le message, Redis le garde non acquitté jusqu'au visibility_timeout (une heure).
    La version reste « en cours » ; passé BILAN_DUREE_MAX_MINUTES elle est montrée échouée,
    le secrétariat la relance et un autre worker la finit."""
    with worker_celery(
        tmp_path / "premier", pool="prefork", reglages_en_plus="BILAN_PAUSE_ENTRE_ETAPES = 0.5\n"
    ) as premier:
        version, _cree = bilan_demander(annee=2025, acteur=secretariat)
        en_cours_apres_demarrage(version)
        enfants = pid_des_enfants(premier.processus.pid)
        premier.processus.kill()
        premier.processus.wait(timeout=10)
        for enfant in enfants:
            os.kill(enfant, signal.SIGKILL)
    (identifiant,) = taches_recues(premier)

    en_suspens = messages_non_acquittes(identifiant)
    try:
        assert len(en_suspens) == 1  # acks_late : le worker mort ne l'avait pas acquitté
        time.sleep(1)
        version.refresh_from_db()
        assert (version.etat, version.tentatives, version.document_id) == (EtatGeneration.EN_COURS, 1, None)
        assert version.en_cours and not version.echouee  # pas encore passé la durée maximale
        with pytest.raises(ValidationError, match="Seule une génération échouée"):
            version_relancer(version=version, acteur=secretariat)

        with override_settings(BILAN_DUREE_MAX_MINUTES=0):
            morte = VersionBilan.objects.get(pk=version.pk)
            assert morte.interrompue and morte.echouee and not morte.en_cours
            # Le secrétariat la relance, sous le même numéro ; le message attend dans Redis
            # le worker suivant.
            relancee = version_relancer(version=version, acteur=secretariat)
            assert relancee.etat == EtatGeneration.EN_ATTENTE
            with worker_celery(tmp_path / "second", purger=False) as second:
                version = finie(version)
            assert len(taches_recues(second)) == 1

        version = VersionBilan.objects.select_related("document").get(pk=version.pk)
        assert (version.numero, version.tentatives, version.erreur) == (1, 2, "")
        verifier_pdf(version)
        assert [d.pk for d in documents_de(version)] == [version.document_id]
        assert VersionBilan.objects.count() == 1
        assert Evenement.objects.filter(verbe="bilan.version.relancee").count() == 1
        assert Notification.objects.filter(destinataire=secretariat, verbe="bilan.version.prete").count() == 1
    finally:
        oublier_non_acquittes(en_suspens)


# --- 4. La commande -----------------------------------------------------------------------


def test_la_commande_generer_bilan_attend_le_worker(tmp_path: Path):
    with worker_celery(tmp_path) as worker:
        sortie = io.StringIO()
        call_command("generer_bilan", "2025", "--wait", "--delai", "60", stdout=sortie)
        lignes = sortie.getvalue().splitlines()

        assert lignes[0] == "Bilan 2025 : version 1 demandée au worker."
        version = VersionBilan.objects.select_related("document").get()
        assert lignes[1] == (f"Version 1 prête : {version.pages} pages, SHA-256 {version.empreinte}")
        chemin = Path(lignes[-1])
        assert chemin.is_file() and chemin == Path(version.document.fichier.path)
        assert len(PdfReader(chemin).pages) == version.pages
        verifier_pdf(version)
        assert TACHE in worker.lire_journal()

        with pytest.raises(CommandError, match=r"^Choisissez une année entre 2024 et \d{4}\.$"):
            call_command("generer_bilan", "1999", "--wait", stdout=io.StringIO())
        assert VersionBilan.objects.count() == 1
