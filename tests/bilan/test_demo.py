"""Le bilan de démonstration : `manage.py demo` laisse le bilan de l'année passée généré, adopté
en séance et transmis au Conseil communautaire, avec un PDF qui raconte une vraie année."""

import hashlib
import io
import re
from datetime import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bilan import demo
from bilan.models import BilanAnnuel, EtatGeneration, StatutBilan, VersionBilan
from conseil.demo import BILAN_ANNUEL
from conseil.models import Reunion, StatutReunion, TypeInstance
from financements.models import DemandeFinancement
from socle.bilan import sections
from socle.francais import date_longue, nombre
from socle.models import Evenement, Notification


def _texte(contenu: bytes) -> str:
    """Le texte du PDF, espaces (et retours à la ligne des cellules) ramenés à un seul."""
    pages = PdfReader(io.BytesIO(contenu)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _chiffre(version: VersionBilan, debut: str) -> str:
    [valeur] = [c["valeur"] for c in version.chiffres if c["libelle"].startswith(debut)]
    return str(valeur)


def test_le_bilan_de_l_annee_passee_est_adopte_et_transmis(
    demonstration, settings, django_capture_on_commit_callbacks
):
    # Les tâches mises en file pendant l'étape du bilan se sont exécutées à sa fin (Celery en
    # mode eager) : celle de la génération a trouvé la version prête et n'a rien refait.
    annee = timezone.localdate().year - 1
    assert f"Bilan annuel {annee} de démonstration : version 1 générée" in demonstration.sortie
    bilan = BilanAnnuel.objects.get(annee=annee)
    assert bilan.demo
    [version] = bilan.versions.all()
    assert version.demo and version.demandee_par is not None
    assert version.demandee_par.email == "secretariat@demo.cotentin.fr"
    assert version.etat == EtatGeneration.PRETE and version.erreur == ""
    assert Evenement.objects.filter(verbe="bilan.version.commencee", cible_id=str(version.pk)).count() == 1

    # Adopté à la séance du Conseil qui porte le point « Adoption du bilan annuel », au début de
    # cette année (ou à la fin de l'année passée), puis transmis au Conseil communautaire.
    assert version.statut == StatutBilan.TRANSMIS_CC
    seance = version.reunion
    assert seance is not None and version.point is not None
    assert seance.instance.type_instance == TypeInstance.CONSEIL and seance.statut == StatutReunion.CLOSE
    assert version.point.reunion == seance and version.point.titre == f"{BILAN_ANNUEL} {annee}"
    assert version.adopte_le == timezone.localdate(seance.debut)
    assert version.adopte_le.year in (annee, annee + 1)
    assert version.transmis_cc_le is not None
    assert version.adopte_le <= version.transmis_cc_le < timezone.localdate()
    assert version.pris_acte and version.deliberation_cc.startswith(f"DEL{version.transmis_cc_le.year}_")
    assert version.transmis_cd_le is None  # l'étape suivante, à essayer
    # Générée quelques jours avant la séance ; les notifications de l'époque sont parties.
    assert version.demandee_le < seance.debut and version.terminee_le is not None
    assert version.terminee_le < seance.debut
    assert not Notification.objects.filter(url__startswith=bilan.get_absolute_url(), envoyee_le=None).exists()

    # Le PDF se relit : empreinte, pages, titres des sections, chiffres de l'année.
    assert version.document is not None
    contenu = version.document.fichier.read()
    assert hashlib.sha256(contenu).hexdigest() == version.empreinte
    assert len(PdfReader(io.BytesIO(contenu)).pages) == version.pages
    texte = _texte(contenu)
    assert f"Bilan annuel {annee}" in texte
    # La couverture porte la date de la version, pas celle du chargement de la démonstration.
    assert f"Version 1, établie le {date_longue(timezone.localtime(version.terminee_le).date())}" in texte
    for section in sections():
        assert " ".join(str(section.titre).split()) in texte, section.cle

    fuseau = timezone.get_default_timezone()
    debut, fin = (datetime(a, 1, 1, tzinfo=fuseau) for a in (annee, annee + 1))
    seances = Reunion.objects.filter(
        instance__type_instance__in=(TypeInstance.CONSEIL, TypeInstance.COLLEGE),
        statut__in=(StatutReunion.TENUE, StatutReunion.CLOSE),
        debut__gte=debut,
        debut__lt=fin,
    ).count()
    recues = DemandeFinancement.objects.filter(deposee_le__gte=debut, deposee_le__lt=fin).count()
    assert seances >= 2 and recues >= 5
    assert _chiffre(version, "Séances plénières tenues") == nombre(seances)
    assert _chiffre(version, "Demandes de financement reçues") == nombre(recues)
    assert f"Séances plénières tenues {nombre(seances)}" in texte
    assert f"Demandes de financement reçues {nombre(recues)}" in texte
    assert not _chiffre(version, "Montants versés").startswith("0")
    assert f"FIN-{annee}-" in texte
    # Rejouée, la commande ne crée pas de seconde version : tests/comptes/test_demo.py, qui la
    # rejoue une seule fois pour toutes les étapes.


@pytest.mark.django_db
def test_pas_de_bilan_de_demonstration_a_cote_d_un_vrai():
    annee = timezone.localdate().year - 1
    BilanAnnuel.objects.create(annee=annee)
    messages: list[str] = []
    assert demo.charger(afficher=messages.append) is False
    assert messages == [f"Un bilan {annee} existe déjà : pas de bilan de démonstration."]
    assert not VersionBilan.objects.exists()
