"""Le Conseil de démonstration passe par les services du Conseil et se marque « démo »."""

import pytest
from django.core import mail
from django.utils import timezone

from comptes.demo import COMPTES_DEMO
from comptes.models import Utilisateur
from comptes.roles import Role, roles_de
from conseil import demo, services
from conseil.models import (
    CategorieCollege,
    GroupeDeTravail,
    Instance,
    Livrable,
    Mandat,
    Participation,
    ProcesVerbal,
    ProgrammeDeTravail,
    Reponse,
    Reunion,
    RoleMandat,
    StatutProcesVerbal,
    StatutProgramme,
    StatutReunion,
    TypeInstance,
)
from conseil.selectors import prochaines_reunions, reunions_visibles_par
from socle.models import Document, Notification
from territoire import demo as territoire_demo
from territoire.models import Axe
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import ConseilFactory

pytestmark = pytest.mark.django_db


def _comptes_de_demonstration() -> dict[str, Utilisateur]:
    """Les comptes que `manage.py demo` crée avant le territoire et le Conseil."""
    return {
        compte.email: UtilisateurFactory(
            email=compte.email,
            prenom=compte.prenom,
            nom=compte.nom,
            is_staff=compte.personnel,
            roles=compte.roles,
        )
        for compte in COMPTES_DEMO
    }


def test_le_conseil_de_demonstration(django_capture_on_commit_callbacks):
    comptes = _comptes_de_demonstration()
    territoire_demo.charger(nombre=20, afficher=lambda _message: None)
    messages: list[str] = []

    with django_capture_on_commit_callbacks(execute=True):
        assert demo.charger(afficher=messages.append) is True

    assert len(messages) == 1 and messages[0].startswith("Conseil de santé de démonstration chargé")
    maintenant = timezone.now()
    assert Instance.objects.count() == 5  # le Conseil, le Collège, trois groupes de travail
    assert Reunion.objects.count() == 5  # quatre plénières, une réunion de groupe
    assert Livrable.objects.count() == len(demo.LIVRABLES)
    conseil = Instance.objects.get(type_instance=TypeInstance.CONSEIL)
    college = Instance.objects.get(type_instance=TypeInstance.COLLEGE)
    assert conseil.calendrier_public
    # Tout est marqué comme donnée de démonstration.
    for modele in (Instance, Mandat, Reunion, Livrable, ProgrammeDeTravail):
        assert modele.objects.exists() and not modele.objects.filter(demo=False).exists(), modele
    # Les figurants n'ont pas de mot de passe ; les comptes de démonstration gardent le leur.
    figurants = Utilisateur.objects.filter(email__endswith="@demo.cotentin-sante.fr")
    assert figurants.count() == len(demo.FIGURANTS)
    assert not any(f.has_usable_password() for f in figurants)
    assert all(c.has_usable_password() for c in Utilisateur.objects.filter(email__in=comptes))

    # Le Conseil : co-présidé par le vice-président et la représentante du Collège.
    anne = comptes["copresident@demo.cotentin.fr"]
    marc = comptes["membre.college@demo.cotentin.fr"]
    aujourd_hui = timezone.localdate()
    copresidents = {
        m.personne for m in services.mandats_le(conseil, aujourd_hui) if m.role == RoleMandat.COPRESIDENT
    }
    assert {str(p) for p in copresidents} == {"Gilles Hébert", "Anne Lecoq"}
    assert Role.COPRESIDENT in roles_de(Utilisateur.objects.get(pk=anne.pk))
    assert Role.MEMBRE_COLLEGE in roles_de(Utilisateur.objects.get(pk=marc.pk))
    secretariat = Mandat.objects.get(instance=conseil, role=RoleMandat.SECRETARIAT)
    assert secretariat.personne.email == "secretariat@demo.cotentin.fr"

    # Le Collège : chaque catégorie a des titulaires ; titulaires et suppléants ont un siège.
    college_en_cours = services.mandats_le(college, aujourd_hui)
    sieges = [m for m in college_en_cours if m.role in (RoleMandat.TITULAIRE, RoleMandat.SUPPLEANT)]
    assert {m.categorie for m in sieges if m.role == RoleMandat.TITULAIRE} == set(CategorieCollege.values)
    assert any(m.role == RoleMandat.SUPPLEANT for m in sieges)
    assert all(m.siege is not None for m in sieges)
    titulaires = {m.siege: m for m in sieges if m.role == RoleMandat.TITULAIRE}
    assert all(titulaires[m.siege].categorie == m.categorie for m in sieges if m.role == RoleMandat.SUPPLEANT)
    assert Mandat.objects.filter(instance=college, fin__lt=aujourd_hui).count() == 1  # un ancien membre

    # Trois groupes de travail, sur les axes II, III et IV, chacun avec ses deux co-pilotes.
    groupes = list(GroupeDeTravail.objects.select_related("copilote_agglomeration", "copilote_professionnel"))
    assert sorted(g.axe for g in groupes) == [Axe.DEMOGRAPHIE, Axe.COOPERATION, Axe.PREVENTION]
    for groupe in groupes:
        assert groupe.copilote_agglomeration.is_staff and not groupe.copilote_professionnel.is_staff
        membres = {m.personne_id for m in services.mandats_le(groupe.instance, aujourd_hui)}
        assert {groupe.copilote_agglomeration_id, groupe.copilote_professionnel_id} <= membres
        assert 2 <= groupe.livrables.count() <= 4
    en_retard = [livrable for livrable in Livrable.objects.all() if livrable.en_retard_le(aujourd_hui)]
    assert len(en_retard) == 1
    assert Livrable.objects.filter(avancement=100, livre_le__isnull=False).exists()
    assert set(Livrable.objects.values_list("avancement", flat=True)) > {0, 100}

    # Le programme de l'année, adopté à la première plénière de l'année, un objectif par groupe.
    programme = ProgrammeDeTravail.objects.get()
    assert programme.statut == StatutProgramme.ADOPTE
    assert programme.adopte_en.instance == conseil
    assert programme.adopte_en.statut == StatutReunion.CLOSE
    assert programme.adopte_en.debut.year == programme.annee
    assert not Reunion.objects.filter(
        instance=conseil, debut__year=programme.annee, debut__lt=programme.adopte_en.debut
    ).exists()
    assert {o.groupe for o in programme.objectifs.all()} == set(groupes)
    assert not Livrable.objects.filter(objectif__isnull=True).exists()

    # Les plénières passées : closes, quorum figé, procès-verbaux adoptés à la suivante.
    plenieres = list(Reunion.objects.filter(instance=conseil).order_by("debut"))
    assert [r.statut for r in plenieres] == [StatutReunion.CLOSE] * 3 + [StatutReunion.CONVOQUEE]
    for pleniere in plenieres[:3]:
        assert pleniere.debut < maintenant
        assert pleniere.quorum_atteint is True and pleniere.quorum_membres == 16
        assert services.quorum_de(pleniere) == services.quorum_calculer(reunion=pleniere)
        assert not pleniere.participations.filter(presence="").exists()
        assert not pleniere.points.filter(resultat="").exists()
        assert pleniere.procurations.exists() or pleniere == plenieres[2]
    premier, deuxieme, troisieme = (ProcesVerbal.objects.get(reunion=r) for r in plenieres[:3])
    for pv, adopte_en in ((premier, plenieres[1]), (deuxieme, plenieres[2])):
        assert pv.statut == StatutProcesVerbal.ARCHIVE and pv.adopte_en == adopte_en
        assert pv.erreur_archivage == ""
        document = Document.objects.get(pk=pv.document_id)
        assert document.objet == pv.reunion and document.type_mime == "application/pdf"
        assert "Présents : " in pv.texte and "Le quorum est atteint." in pv.texte
    # Le dernier procès-verbal attend son adoption à la prochaine plénière.
    assert troisieme.statut == StatutProcesVerbal.BROUILLON
    assert plenieres[3].points.filter(titre__startswith="Adoption du procès-verbal").exists()

    # La prochaine plénière, convoquée dans les délais, avec son ordre du jour et un document.
    prochaine = plenieres[3]
    assert prochaine.debut > maintenant
    assert not services.convocation_est_tardive(prochaine, prochaine.convoquee_le)
    assert prochaine.points.count() >= 3
    assert Document.objects.filter(objet_id__in=[str(p.pk) for p in prochaine.points.all()]).count() == 1
    convocation_de_marc = Participation.objects.get(reunion=prochaine, personne=marc)
    assert convocation_de_marc.reponse == Reponse.SANS_REPONSE
    assert convocation_de_marc.convoque_le is not None
    assert prochaine in prochaines_reunions(reunions_visibles_par(marc))
    assert Participation.objects.filter(reunion=prochaine).exclude(reponse="").exists()
    assert prochaine.procurations.count() == 1

    # Une réunion de groupe à venir, convoquée : Marc Guérin en est aussi.
    [reunion_de_groupe] = Reunion.objects.filter(instance__type_instance=TypeInstance.GROUPE)
    assert reunion_de_groupe.statut == StatutReunion.CONVOQUEE and reunion_de_groupe.debut > maintenant
    assert Participation.objects.filter(reunion=reunion_de_groupe, personne=marc).exists()

    # Les convocations à venir sont parties (courriel et notification) ; rien pour le passé.
    a_venir = Participation.objects.filter(reunion__in=[prochaine, reunion_de_groupe])
    assert len(mail.outbox) == a_venir.count()
    assert all("Convocation : " in courriel.subject for courriel in mail.outbox)
    assert Notification.objects.filter(destinataire=marc, verbe="conseil.reunion.convoquee").count() == 2
    assert not Notification.objects.filter(verbe="conseil.proces_verbal.adopte", lue_le__isnull=True).exists()

    # Une seconde fois : rien ne change.
    comptes_avant = (
        Instance.objects.count(),
        Mandat.objects.count(),
        Reunion.objects.count(),
        len(mail.outbox),
    )
    assert demo.charger(afficher=messages.append) is False
    assert (Instance.objects.count(), Mandat.objects.count(), Reunion.objects.count(), len(mail.outbox)) == (
        comptes_avant
    )


def test_pas_de_conseil_de_demonstration_a_cote_d_un_vrai():
    ConseilFactory()
    messages: list[str] = []
    assert demo.charger(afficher=messages.append) is False
    assert messages == ["Un Conseil de santé existe déjà : pas de Conseil de démonstration."]
    assert Instance.objects.count() == 1
