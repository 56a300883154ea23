"""Les services du bilan annuel : demander une génération (numéros, bornes, droits, une seule
génération à la fois), son échec et sa relance, la génération interrompue, le workflow
d'adoption et de transmission (chaque refus ne change rien en base), le journal d'audit, et
la version adoptée figée.

Les générations qui vont jusqu'au PDF passent par Celery en mode eager (les rappels
`on_commit` exécutés) ; les autres gardent la tâche en file sans l'exécuter."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import date as filtre_date
from django.utils import timezone

from bilan.models import BilanAnnuel, EtatGeneration, StatutBilan, VersionBilan
from bilan.services import (
    bilan_demander,
    version_adopter,
    version_generer,
    version_relancer,
    version_transmettre_cc,
    version_transmettre_cd,
)
from socle import bilan as registre
from socle.bilan import ContenuSection, Section
from socle.francais import date_longue
from socle.models import Document, Evenement, Notification
from socle.workflows import TransitionRefusee
from tests.bilan import factories as b
from tests.conseil.factories import ConseilFactory, MandatFactory, seance_tenue
from tests.socle.fichiers import stockes

pytestmark = pytest.mark.django_db

ANNEE = 2025
PANNE = "la section en panne n'a pas pu lire ses chiffres"


def verbes(version: VersionBilan) -> list[str]:
    return list(
        Evenement.objects.filter(cible_type__model="versionbilan", cible_id=str(version.pk))
        .order_by("pk")
        .values_list("verbe", flat=True)
    )


def etat_en_base(version: VersionBilan) -> dict[str, Any]:
    """Tout ce que le workflow peut écrire sur une version, relu en base."""
    return VersionBilan.objects.filter(pk=version.pk).values().get()


# --- Demander une génération ---------------------------------------------------------------


def test_demander_cree_la_version_1_puis_la_2(secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as rappels:
        premiere, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    assert cree
    assert len(rappels) == 1  # la tâche, mise en file après validation
    assert (premiere.numero, premiere.etat, premiere.statut) == (
        1,
        EtatGeneration.EN_ATTENTE,
        StatutBilan.BROUILLON,
    )
    assert premiere.demandee_par == secretariat
    assert premiere.en_cours and not premiere.echouee
    assert verbes(premiere) == ["bilan.version.demandee"]
    evenement = Evenement.objects.get(verbe="bilan.version.demandee")
    assert (evenement.acteur, evenement.donnees) == (secretariat, {"annee": ANNEE, "numero": 1})

    # La première a échoué : une nouvelle demande en fait la version 2 de la même année.
    VersionBilan.objects.filter(pk=premiere.pk).update(etat=EtatGeneration.ECHOUEE, erreur="Panne.")
    with django_capture_on_commit_callbacks():
        seconde, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    assert cree
    assert seconde.numero == 2
    assert BilanAnnuel.objects.get().versions.count() == 2


@pytest.mark.parametrize("decalage", [-2, 1], ids=["avant-2024", "annee-prochaine"])
def test_une_annee_hors_des_bornes_est_refusee(secretariat, decalage):
    annee = 2024 + decalage if decalage < 0 else timezone.localdate().year + decalage
    with pytest.raises(ValidationError) as refus:
        bilan_demander(annee=annee, acteur=secretariat)
    assert refus.value.messages == [f"Choisissez une année entre 2024 et {timezone.localdate().year}."]
    assert not BilanAnnuel.objects.exists()
    assert not VersionBilan.objects.exists()


@pytest.mark.parametrize("persona", ["professionnel", "membre_college", "copresident", "agent"])
def test_seul_le_secretariat_demande_le_bilan(request, persona):
    with pytest.raises(PermissionDenied) as refus:
        bilan_demander(annee=ANNEE, acteur=request.getfixturevalue(persona))
    assert str(refus.value) == "Seul le secrétariat du Conseil génère et fait adopter le bilan."
    assert not BilanAnnuel.objects.exists()
    assert not Evenement.objects.filter(verbe__startswith="bilan.").exists()


def test_deux_demandes_pendant_une_generation_en_attente_font_une_seule_version(
    secretariat, superutilisateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as rappels:
        premiere, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
        meme, recree = bilan_demander(annee=ANNEE, acteur=superutilisateur)
    assert (cree, recree) == (True, False)
    assert meme.pk == premiere.pk
    assert len(rappels) == 1  # une seule tâche
    assert VersionBilan.objects.count() == 1
    assert Evenement.objects.filter(verbe="bilan.version.demandee").count() == 1

    # Toujours une seule pendant qu'elle est en cours, et une autre année reste possible.
    VersionBilan.objects.filter(pk=premiere.pk).update(
        etat=EtatGeneration.EN_COURS, commencee_le=timezone.now()
    )
    with django_capture_on_commit_callbacks():
        assert bilan_demander(annee=ANNEE, acteur=secretariat) == (premiere, False)
        autre, cree = bilan_demander(annee=ANNEE - 1, acteur=secretariat)
    assert cree and autre.numero == 1
    assert VersionBilan.objects.count() == 2


# --- L'échec, la relance, l'interruption ---------------------------------------------------


def _section_en_panne(annee: int) -> ContenuSection:
    raise RuntimeError(PANNE)


@pytest.fixture
def section_en_panne() -> Iterator[Section]:
    """Une section de test qui lève, enregistrée le temps du test (en tête du bilan)."""
    section = Section(
        cle="panne",
        titre="Section en panne",
        ordre=-1,
        gabarit="bilan/partials/avancement.html",
        donnees=_section_en_panne,
    )
    registre.ajouter_section(section)
    try:
        yield section
    finally:
        registre._SECTIONS.pop("panne", None)


def test_une_generation_echouee_se_relance_et_finit_prete(
    secretariat, section_en_panne, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        version, _cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    version.refresh_from_db()
    assert version.etat == EtatGeneration.ECHOUEE
    assert version.echouee and not version.en_cours
    assert version.erreur == f"La génération a échoué : {PANNE}."
    assert (version.document_id, version.empreinte, version.tentatives) == (None, "", 1)
    assert version.terminee_le is not None
    assert not Document.objects.exists()
    avis = Notification.objects.get(destinataire=secretariat)
    assert avis.verbe == "bilan.version.echouee"
    assert avis.titre == "Bilan 2025, version 1 : échec"
    # Du texte brut (l'apostrophe n'est pas échappée), l'erreur dite une seule fois.
    assert avis.message == (
        f"Bilan 2025, version 1 : La génération a échoué : {PANNE}. "
        "Vous pouvez relancer la génération depuis la page du bilan."
    )
    assert avis.url == "/bilans/2025/#version-1"
    assert verbes(version) == ["bilan.version.demandee", "bilan.version.commencee", "bilan.version.echouee"]
    evenement = Evenement.objects.get(verbe="bilan.version.echouee")
    assert evenement.donnees == {"erreur": f"La génération a échoué : {PANNE}."}

    # La section est réparée : la relance reprend la même version, qui finit prête.
    registre._SECTIONS.pop("panne")
    with django_capture_on_commit_callbacks(execute=True):
        relancee = version_relancer(version=version, acteur=secretariat)
    assert relancee.pk == version.pk
    version.refresh_from_db()
    assert version.etat == EtatGeneration.PRETE, version.erreur
    assert (version.numero, version.tentatives, version.erreur, version.progression) == (1, 2, "", 100)
    assert version.document is not None and version.empreinte == version.document.empreinte
    assert version.pages and version.pages > 1
    assert VersionBilan.objects.count() == 1
    assert verbes(version)[3:] == [
        "bilan.version.relancee",
        "bilan.version.commencee",
        "socle.document.depose",
        "bilan.version.prete",
    ]
    prete = Notification.objects.get(destinataire=secretariat, verbe="bilan.version.prete")
    assert prete.titre == "Bilan 2025, version 1 est prêt"


def test_un_echec_a_l_enregistrement_ne_laisse_ni_document_ni_fichier(
    secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    """Le PDF est écrit et son document déposé, puis la transaction finale échoue : la ligne du
    document est annulée avec elle, et son fichier retiré du stockage."""
    from bilan import services

    def panne_a_la_fin(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("la base a refusé l'écriture")

    avant = stockes()
    monkeypatch.setattr(services, "_terminer", panne_a_la_fin)
    with django_capture_on_commit_callbacks(execute=True):
        version, _cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    version.refresh_from_db()
    assert version.etat == EtatGeneration.ECHOUEE
    assert version.erreur == "La génération a échoué : la base a refusé l'écriture."
    assert (version.document_id, version.empreinte) == (None, "")
    assert not Document.objects.exists()
    assert stockes() == avant


def test_seule_une_generation_echouee_se_relance(secretariat, copresident):
    prete = b.version_prete(ANNEE)
    avant = etat_en_base(prete)
    with pytest.raises(ValidationError) as refus:
        version_relancer(version=prete, acteur=secretariat)
    assert refus.value.messages == [
        "Seule une génération échouée, ou en attente depuis trop longtemps, peut être relancée."
    ]
    echouee = b.version(ANNEE, etat=EtatGeneration.ECHOUEE)
    with pytest.raises(PermissionDenied):
        version_relancer(version=echouee, acteur=copresident)
    # Une autre génération de l'année est en cours : pas de seconde.
    b.version(ANNEE, etat=EtatGeneration.EN_COURS)
    echouee_avant = etat_en_base(echouee)
    with pytest.raises(ValidationError) as occupe:
        version_relancer(version=echouee, acteur=secretariat)
    assert occupe.value.messages == ["Une autre génération du bilan 2025 est déjà en cours."]
    assert etat_en_base(prete) == avant
    assert etat_en_base(echouee) == echouee_avant
    assert not Evenement.objects.filter(verbe="bilan.version.relancee").exists()


def test_une_generation_trop_longue_est_tenue_pour_interrompue(
    secretariat, settings, django_capture_on_commit_callbacks
):
    settings.BILAN_DUREE_MAX_MINUTES = 30
    recente = b.version(ANNEE, etat=EtatGeneration.EN_COURS)
    assert recente.en_cours and not recente.interrompue
    VersionBilan.objects.filter(pk=recente.pk).update(commencee_le=timezone.now() - dt.timedelta(minutes=31))
    relue = VersionBilan.objects.get(pk=recente.pk)
    assert relue.interrompue and relue.echouee and not relue.en_cours

    with django_capture_on_commit_callbacks() as rappels:
        nouvelle, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    assert cree and nouvelle.numero == 2 and len(rappels) == 1
    recente.refresh_from_db()
    assert recente.etat == EtatGeneration.ECHOUEE
    assert recente.erreur == "La génération s'est interrompue (le worker s'est arrêté sans la reprendre)."
    assert recente.terminee_le is not None


def test_une_generation_interrompue_se_relance(secretariat, settings, django_capture_on_commit_callbacks):
    settings.BILAN_DUREE_MAX_MINUTES = 30
    interrompue = b.version(
        ANNEE, etat=EtatGeneration.EN_COURS, commencee_le=timezone.now() - dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks() as rappels:
        relancee = version_relancer(version=interrompue, acteur=secretariat)
    assert len(rappels) == 1
    assert (relancee.etat, relancee.numero, relancee.erreur) == (EtatGeneration.EN_ATTENTE, 1, "")


# --- Le workflow : adopter, transmettre ----------------------------------------------------


@pytest.fixture
def seance(secretariat):
    """Une séance du Conseil tenue il y a trois jours, avec deux points à l'ordre du jour."""
    conseil = ConseilFactory()
    MandatFactory(instance=conseil)
    return seance_tenue(instance=conseil, acteur=secretariat, points=2, il_y_a=dt.timedelta(days=3))


def _adopter(version: VersionBilan, seance: Any, acteur: Any, **champs: Any) -> VersionBilan:
    valeurs = {
        "reunion": seance,
        "point": seance.points.order_by("ordre").last(),
        "adopte_le": timezone.localtime(seance.debut).date(),
    }
    return version_adopter(version=version, acteur=acteur, **(valeurs | champs))


def test_le_secretariat_adopte_la_version_en_seance(secretariat, copresident, seance, mailoutbox):
    version = b.version_prete(ANNEE)
    point = seance.points.order_by("ordre").last()
    adoptee = _adopter(version, seance, secretariat)
    assert adoptee.statut == StatutBilan.ADOPTE
    version.refresh_from_db()
    assert (version.statut, version.reunion, version.point) == (StatutBilan.ADOPTE, seance, point)
    assert version.adopte_le == timezone.localtime(seance.debut).date()
    assert version.publiee and version.figee
    evenement = Evenement.objects.get(verbe="bilan.version.adoptee")
    assert (evenement.acteur, evenement.etat_avant, evenement.etat_apres) == (
        secretariat,
        StatutBilan.BROUILLON,
        StatutBilan.ADOPTE,
    )
    assert evenement.donnees == {"reunion": seance.pk}
    # Les lecteurs des brouillons (secrétariat, co-présidents) sont prévenus.
    prevenus = set(
        Notification.objects.filter(verbe="bilan.version.adoptee").values_list(
            "destinataire__email", flat=True
        )
    )
    assert prevenus == {secretariat.email, copresident.email}
    avis = Notification.objects.get(destinataire=copresident, verbe="bilan.version.adoptee")
    assert avis.titre == "Bilan 2025, version 1 adopté en séance"
    assert avis.message == (
        f"Bilan 2025, version 1 a été adopté le {filtre_date(version.adopte_le, 'j F Y')}, "
        f"en séance « {seance} ». "
        "Il est désormais publié sur le portail."
    )


def test_un_co_president_par_son_mandat_est_prevenu_de_l_adoption(secretariat, seance, professionnel):
    from conseil.models import RoleMandat

    MandatFactory(instance=seance.instance, personne=professionnel, role=RoleMandat.COPRESIDENT)
    _adopter(b.version_prete(ANNEE), seance, secretariat)
    assert Notification.objects.filter(destinataire=professionnel, verbe="bilan.version.adoptee").exists()


def _refus_sans_ecriture(version: VersionBilan, action: Any, message: str, exception: type = ValidationError):
    avant = etat_en_base(version)
    evenements = Evenement.objects.count()
    notifications = Notification.objects.count()
    with pytest.raises(exception) as refus:
        action()
    refuse = refus.value
    assert (refuse.messages if isinstance(refuse, ValidationError) else [str(refuse)]) == [message]
    assert etat_en_base(version) == avant
    assert (Evenement.objects.count(), Notification.objects.count()) == (evenements, notifications)


def test_les_refus_de_l_adoption_ne_changent_rien(secretariat, copresident, seance):
    version = b.version_prete(ANNEE)
    autre = seance_tenue(instance=seance.instance, acteur=secretariat, il_y_a=dt.timedelta(days=40))
    # Le point d'une autre séance.
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, seance, secretariat, point=autre.points.get()),
        "Le point choisi n'est pas à l'ordre du jour de cette séance.",
    )
    # Une date dans le futur.
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, seance, secretariat, adopte_le=timezone.localdate() + dt.timedelta(days=1)),
        "La date d'adoption ne peut pas être dans le futur.",
    )
    # Un co-président lit les brouillons, il ne les fait pas adopter.
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, seance, copresident),
        "Seul le secrétariat du Conseil génère et fait adopter le bilan.",
        PermissionDenied,
    )


def test_le_bilan_s_adopte_en_seance_tenue_du_conseil_et_pas_avant_elle(secretariat, seance):
    from tests.conseil.factories import CollegeFactory, seance_convoquee

    version = b.version_prete(ANNEE)
    convoquee = seance_convoquee(instance=seance.instance, acteur=secretariat)
    college = CollegeFactory()
    MandatFactory(instance=college)
    du_college = seance_tenue(instance=college, acteur=secretariat, il_y_a=dt.timedelta(days=2))
    message = "Le bilan s'adopte lors d'une séance du Conseil de santé qui s'est tenue."
    # Une séance seulement convoquée (elle ne s'est pas encore tenue).
    _refus_sans_ecriture(version, lambda: _adopter(version, convoquee, secretariat), message)
    # Une séance du Collège, tenue : ce n'est pas le Conseil.
    _refus_sans_ecriture(version, lambda: _adopter(version, du_college, secretariat), message)
    # Une date d'adoption antérieure à la séance.
    veille = timezone.localtime(seance.debut).date() - dt.timedelta(days=1)
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, seance, secretariat, adopte_le=veille),
        f"La date d'adoption ne peut pas précéder la séance du {date_longue(seance.debut)}.",
    )


@pytest.mark.parametrize("etat", [EtatGeneration.EN_ATTENTE, EtatGeneration.EN_COURS, EtatGeneration.ECHOUEE])
def test_une_version_qui_n_est_pas_prete_ne_s_adopte_pas(secretariat, seance, etat):
    version = b.version(ANNEE, etat=etat)
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, seance, secretariat),
        "Seule une version prête (PDF écrit) peut être adoptée.",
        TransitionRefusee,
    )


def test_une_version_adoptee_ne_se_readopte_pas(secretariat, seance):
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    version.refresh_from_db()
    autre = seance_tenue(instance=seance.instance, acteur=secretariat, il_y_a=dt.timedelta(days=40))
    _refus_sans_ecriture(
        version,
        lambda: _adopter(version, autre, secretariat, point=None),
        "Impossible de passer de « Adopté en séance » à « Adopté en séance ».",
        TransitionRefusee,
    )


def test_transmission_au_conseil_communautaire_puis_au_conseil_de_developpement(secretariat, seance):
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    version.refresh_from_db()
    assert version.adopte_le is not None
    le_cc = version.adopte_le + dt.timedelta(days=1)

    transmise = version_transmettre_cc(
        version=version, acteur=secretariat, le=le_cc, deliberation="  DEL2026_045 ", pris_acte=True
    )
    assert transmise.statut == StatutBilan.TRANSMIS_CC
    version.refresh_from_db()
    assert (version.transmis_cc_le, version.deliberation_cc, version.pris_acte) == (
        le_cc,
        "DEL2026_045",
        True,
    )
    evenement = Evenement.objects.get(verbe="bilan.version.transmise_cc")
    assert evenement.donnees == {"deliberation": "DEL2026_045", "le": le_cc.isoformat()}
    assert (evenement.etat_avant, evenement.etat_apres) == (StatutBilan.ADOPTE, StatutBilan.TRANSMIS_CC)

    # Au Conseil de développement : pas avant le Conseil communautaire.
    _refus_sans_ecriture(
        version,
        lambda: version_transmettre_cd(version=version, acteur=secretariat, le=le_cc - dt.timedelta(days=1)),
        "Le bilan se transmet au Conseil de développement après le Conseil communautaire.",
    )
    transmise = version_transmettre_cd(version=version, acteur=secretariat, le=le_cc)
    assert transmise.statut == StatutBilan.TRANSMIS_CD
    version.refresh_from_db()
    assert version.transmis_cd_le == le_cc
    assert verbes(version)[-3:] == [
        "bilan.version.adoptee",
        "bilan.version.transmise_cc",
        "bilan.version.transmise_cd",
    ]
    # Et plus rien ensuite.
    _refus_sans_ecriture(
        version,
        lambda: version_transmettre_cd(version=version, acteur=secretariat, le=le_cc),
        "Impossible de passer de « Transmis au Conseil de développement » "
        "à « Transmis au Conseil de développement ».",
        TransitionRefusee,
    )


def test_les_refus_de_la_transmission_au_conseil_communautaire_ne_changent_rien(
    secretariat, copresident, seance
):
    brouillon = b.version_prete(ANNEE)
    _refus_sans_ecriture(
        brouillon,
        lambda: version_transmettre_cc(
            version=brouillon, acteur=secretariat, le=timezone.localdate(), deliberation="D1", pris_acte=True
        ),
        "Impossible de passer de « Brouillon » à « Transmis au Conseil communautaire ».",
        TransitionRefusee,
    )
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    version.refresh_from_db()
    le = version.adopte_le
    assert le is not None

    def transmettre(acteur: Any = secretariat, **champs: Any) -> Any:
        valeurs = {"le": le, "deliberation": "DEL2026_045", "pris_acte": True}
        return version_transmettre_cc(version=version, acteur=acteur, **(valeurs | champs))

    _refus_sans_ecriture(
        version,
        lambda: transmettre(pris_acte=False),
        "Le Conseil communautaire doit avoir pris acte du bilan.",
    )
    _refus_sans_ecriture(
        version,
        lambda: transmettre(deliberation="   "),
        "Indiquez la date du Conseil communautaire et le numéro de sa délibération.",
    )
    _refus_sans_ecriture(
        version,
        lambda: transmettre(le=le - dt.timedelta(days=1)),
        "Le Conseil communautaire ne peut pas prendre acte avant l'adoption du bilan.",
    )
    _refus_sans_ecriture(
        version,
        lambda: transmettre(acteur=copresident),
        "Seul le secrétariat du Conseil génère et fait adopter le bilan.",
        PermissionDenied,
    )
    # La transmission au Conseil de développement attend celle au Conseil communautaire.
    _refus_sans_ecriture(
        version,
        lambda: version_transmettre_cd(version=version, acteur=secretariat, le=le),
        "Impossible de passer de « Adopté en séance » à « Transmis au Conseil de développement ».",
        TransitionRefusee,
    )


# --- La version adoptée est figée ----------------------------------------------------------


def test_rejouer_la_generation_d_une_version_adoptee_ne_change_rien(secretariat, seance):
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    avant = etat_en_base(version)
    documents, evenements = Document.objects.count(), Evenement.objects.count()
    version_generer(version.pk)  # le message de la tâche livré une seconde fois
    assert etat_en_base(version) == avant
    assert (Document.objects.count(), Evenement.objects.count()) == (documents, evenements)


def test_de_nouvelles_donnees_demandent_une_nouvelle_version(
    secretariat, seance, django_capture_on_commit_callbacks
):
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    avant = etat_en_base(version)
    with django_capture_on_commit_callbacks():
        nouvelle, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    assert cree and nouvelle.numero == 2 and nouvelle.statut == StatutBilan.BROUILLON
    assert etat_en_base(version) == avant


def test_l_administration_ne_modifie_pas_une_version_adoptee(client, superutilisateur, secretariat, seance):
    version = b.version_prete(ANNEE)
    _adopter(version, seance, secretariat)
    avant = etat_en_base(version)
    client.force_login(superutilisateur)
    adresse = f"/admin/bilan/versionbilan/{version.pk}/change/"
    reponse = client.post(
        adresse,
        {
            "statut": StatutBilan.BROUILLON,
            "etat": EtatGeneration.ECHOUEE,
            "reunion": "",
            "adopte_le": "",
            "_save": "1",
        },
    )
    assert reponse.status_code in (200, 302)
    assert etat_en_base(version) == avant
    assert client.post(f"/admin/bilan/versionbilan/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/bilan/versionbilan/add/").status_code == 403
    assert client.get(f"/admin/bilan/bilanannuel/{version.bilan_id}/delete/").status_code == 403
    assert VersionBilan.objects.filter(pk=version.pk).exists()


# --- Redis arrêté : la demande attend, se voit, se relance -------------------------------------


def test_bilan_demande_broker_arrete_attend_puis_se_relance(
    secretariat, client_de, settings, django_capture_on_commit_callbacks
):
    from socle.models import TacheDemandee
    from tests.outils import broker_arrete

    settings.BILAN_ATTENTE_MAX_MINUTES = 2
    with broker_arrete(), django_capture_on_commit_callbacks(execute=True):
        version, cree = bilan_demander(annee=ANNEE, acteur=secretariat)
    assert cree
    version = VersionBilan.objects.get(pk=version.pk)
    assert version.etat == EtatGeneration.EN_ATTENTE
    demande = version.demande_de_generation
    assert demande is not None and demande.envoyee_le is None and demande.envois == 1
    # Tout de suite : la page dit ce qui se passe, sans proposer de relance.
    client = client_de("secretariat")
    page = client.get(f"/bilans/{ANNEE}/").content.decode()
    assert "le service des tâches ne répond pas (un essai)" in page
    assert "rien n'est perdu" in page
    assert "Relancer la génération" not in page
    assert not version.relancable
    # Trois minutes plus tard : la relance est proposée, et elle aboutit (Redis revenu).
    TacheDemandee.objects.filter(pk=demande.pk).update(demandee_le=timezone.now() - dt.timedelta(minutes=3))
    version = VersionBilan.objects.get(pk=version.pk)
    assert version.attente_trop_longue and version.relancable
    page = client.get(f"/bilans/{ANNEE}/").content.decode()
    assert "Relancer la génération" in page
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(f"/bilans/{ANNEE}/versions/1/relancer/", follow=True)
    assert "La génération est relancée." in reponse.content.decode()
    version.refresh_from_db()
    assert version.etat == EtatGeneration.PRETE and version.document_id is not None
    demande.refresh_from_db()
    assert demande.faite_le is not None
    assert TacheDemandee.objects.filter(nom="bilan.tasks.generer_version").count() == 1
    assert "bilan.version.relancee" in verbes(version)


def test_une_generation_qui_depasse_sa_duree_est_arretee_et_le_dit(secretariat, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    from bilan.services import _echouer
    from bilan.tasks import generer_version

    settings.BILAN_DUREE_MAX_MINUTES = 5
    assert generer_version.soft_time_limit == 5 * 60 < generer_version.time_limit  # type: ignore[operator]
    version = b.version(ANNEE, etat=EtatGeneration.EN_COURS, commencee_le=timezone.now())
    _echouer(version.pk, SoftTimeLimitExceeded())
    version.refresh_from_db()
    assert version.etat == EtatGeneration.ECHOUEE
    assert version.erreur == (
        "La génération a dépassé sa durée maximale (5 min) et a été arrêtée : relancez-la."
    )
    assert version.relancable
