"""Le Conseil de démonstration passe par les services du Conseil et se marque « démo ».

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

import pytest
from django.contrib.contenttypes.models import ContentType
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
    NaturePoint,
    Participation,
    PointOrdreDuJour,
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
from conseil.quorum import quorum_calculer, quorum_de
from conseil.selectors import prochaines_reunions, reunions_visibles_par
from socle.models import Document, Notification
from territoire.models import Axe
from tests.conseil.factories import ConseilFactory


@pytest.mark.demonstration("conseil")
def test_le_conseil_de_demonstration(demonstration):
    comptes = {c.email: Utilisateur.objects.get(email=c.email) for c in COMPTES_DEMO}
    assert demonstration.chargees["conseil"] is True
    [message] = [ligne for ligne in demonstration.sortie.splitlines() if ligne.startswith("Conseil de santé")]
    assert message.startswith("Conseil de santé de démonstration chargé")
    # Les courriels partis pendant l'étape du Conseil (les tâches de l'étape s'exécutent à sa fin).
    courriels = demonstration.courriels["conseil"]
    maintenant = timezone.now()
    assert Instance.objects.count() == 5  # le Conseil, le Collège, trois groupes de travail
    # L'année passée, pleine : trois plénières et deux réunions par groupe ; cette année, de zéro
    # à deux plénières passées selon le jour du chargement, puis une plénière et une réunion de
    # groupe à venir.
    annee = timezone.localdate().year - 1
    passees_cette_annee = Reunion.objects.filter(debut__year=annee + 1, debut__lt=maintenant).count()
    assert 0 <= passees_cette_annee <= 2
    assert Reunion.objects.filter(debut__year=annee).count() == 3 + len(demo.REUNIONS_DE_GROUPE)
    assert Reunion.objects.count() == 3 + len(demo.REUNIONS_DE_GROUPE) + passees_cette_annee + 2
    assert Livrable.objects.count() == len(demo.LIVRABLES) + len(demo.LIVRABLES_ANNEE_PASSEE)
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
        m.personne for m in conseil.mandats.en_cours(aujourd_hui) if m.role == RoleMandat.COPRESIDENT
    }
    assert {str(p) for p in copresidents} == {"Gilles Hébert", "Anne Lecoq"}
    assert Role.COPRESIDENT in roles_de(Utilisateur.objects.get(pk=anne.pk))
    assert Role.MEMBRE_COLLEGE in roles_de(Utilisateur.objects.get(pk=marc.pk))
    secretariat = Mandat.objects.get(instance=conseil, role=RoleMandat.SECRETARIAT)
    assert secretariat.personne.email == "secretariat@demo.cotentin.fr"

    # Le Collège : chaque catégorie a des titulaires ; titulaires et suppléants ont un siège.
    college_en_cours = college.mandats.en_cours(aujourd_hui)
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
        membres = {m.personne_id for m in groupe.instance.mandats.en_cours(aujourd_hui)}
        assert {groupe.copilote_agglomeration_id, groupe.copilote_professionnel_id} <= membres
        assert 4 <= groupe.livrables.count() <= 5  # deux ou trois par programme
    # En retard : un livrable de cette année, deux inachevés de l'année passée.
    en_retard = [livrable for livrable in Livrable.objects.all() if livrable.en_retard_le(aujourd_hui)]
    assert len(en_retard) == 3
    assert sorted(livrable.objectif.programme.annee for livrable in en_retard) == [annee, annee, annee + 1]
    assert Livrable.objects.filter(avancement=100, livre_le__isnull=False).exists()
    assert set(Livrable.objects.values_list("avancement", flat=True)) > {0, 100}

    # Le programme de l'année passée, adopté à la séance d'installation ; celui de cette année, à
    # la dernière plénière de l'année passée. Un objectif par groupe, chacun avec ses livrables.
    programmes = list(ProgrammeDeTravail.objects.order_by("annee"))
    assert [p.annee for p in programmes] == [annee, annee + 1]
    plenieres = list(Reunion.objects.filter(instance=conseil).order_by("debut"))
    seances_de_l_annee = [r for r in plenieres if r.debut.year == annee]
    assert [p.adopte_en for p in programmes] == [seances_de_l_annee[0], seances_de_l_annee[-1]]
    for programme in programmes:
        assert programme.statut == StatutProgramme.ADOPTE
        assert programme.adopte_en.statut == StatutReunion.CLOSE
        assert {o.groupe for o in programme.objectifs.all()} == set(groupes)
        assert Livrable.objects.filter(objectif__programme=programme).count() >= 3
    assert not Livrable.objects.filter(objectif__isnull=True).exists()
    # L'année passée : des livrables livrés dans l'année, d'autres inachevés.
    de_l_annee = Livrable.objects.filter(objectif__programme__annee=annee)
    assert all(livrable.echeance.year == annee for livrable in de_l_annee)
    assert {livrable.livre_le.year for livrable in de_l_annee if livrable.livre_le} == {annee}
    assert 0 < de_l_annee.filter(avancement__lt=100).count() < de_l_annee.count()

    # Les plénières passées : closes, quorum figé, procès-verbaux adoptés à la suivante.
    passees, prochaine = plenieres[:-1], plenieres[-1]
    assert len(seances_de_l_annee) == 3 and len(passees) == 3 + passees_cette_annee
    assert [r.statut for r in plenieres] == [StatutReunion.CLOSE] * len(passees) + [StatutReunion.CONVOQUEE]
    for pleniere in passees:
        assert pleniere.debut < maintenant
        assert pleniere.quorum_atteint is True and pleniere.quorum_membres == 16
        assert quorum_de(pleniere) == quorum_calculer(reunion=pleniere)
        assert not pleniere.participations.filter(presence="").exists()
        assert not pleniere.points.filter(resultat="").exists()
        assert pleniere.procurations.exists()
    for pleniere, suivante in zip(passees, passees[1:], strict=False):
        pv = ProcesVerbal.objects.get(reunion=pleniere)
        assert pv.statut == StatutProcesVerbal.ARCHIVE and pv.adopte_en == suivante
        assert pv.erreur_archivage == ""
        document = Document.objects.get(pk=pv.document_id)
        assert document.objet == pv.reunion and document.type_mime == "application/pdf"
        assert "Présents : " in pv.texte and "Le quorum est atteint." in pv.texte
    # Le dernier procès-verbal attend son adoption à la prochaine plénière.
    assert ProcesVerbal.objects.get(reunion=passees[-1]).statut == StatutProcesVerbal.BROUILLON
    assert prochaine.points.filter(titre__startswith="Adoption du procès-verbal").exists()
    # Le bilan de l'année passée s'adopte en mars, ou en décembre si mars n'est pas encore passé.
    [point_bilan] = PointOrdreDuJour.objects.filter(titre=f"{demo.BILAN_ANNUEL} {annee}")
    assert point_bilan.reunion in passees and point_bilan.nature == NaturePoint.DECISION
    assert point_bilan.reunion == (passees[3] if passees_cette_annee else passees[2])

    # Les réunions des groupes de l'année passée : closes, comptes rendus adoptés à la suivante.
    for groupe in groupes:
        reunions = list(Reunion.objects.filter(instance=groupe.instance, debut__year=annee).order_by("debut"))
        assert len(reunions) == 2 and all(r.statut == StatutReunion.CLOSE for r in reunions)
        assert not Participation.objects.filter(reunion__in=reunions, presence="").exists()
        assert ProcesVerbal.objects.get(reunion=reunions[0]).adopte_en == reunions[1]
        assert ProcesVerbal.objects.get(reunion=reunions[1]).statut == StatutProcesVerbal.BROUILLON

    # La prochaine plénière, convoquée dans les délais, avec son ordre du jour et un document.
    assert prochaine.debut > maintenant
    assert not services.convocation_est_tardive(prochaine, prochaine.convoquee_le)
    assert prochaine.points.count() >= 3
    # Le type de l'objet aussi : des réunions peuvent porter les mêmes numéros que ces points.
    documents_des_points = Document.objects.filter(
        objet_type=ContentType.objects.get_for_model(PointOrdreDuJour),
        objet_id__in=[str(p.pk) for p in prochaine.points.all()],
    )
    assert documents_des_points.count() == 1
    convocation_de_marc = Participation.objects.get(reunion=prochaine, personne=marc)
    assert convocation_de_marc.reponse == Reponse.SANS_REPONSE
    assert convocation_de_marc.convoque_le is not None
    assert prochaine in prochaines_reunions(reunions_visibles_par(marc))
    assert Participation.objects.filter(reunion=prochaine).exclude(reponse="").exists()
    assert prochaine.procurations.count() == 1

    # Une réunion de groupe à venir, convoquée : Marc Guérin en est aussi.
    [reunion_de_groupe] = Reunion.objects.filter(
        instance__type_instance=TypeInstance.GROUPE, debut__gt=maintenant
    )
    assert reunion_de_groupe.statut == StatutReunion.CONVOQUEE and reunion_de_groupe.debut > maintenant
    assert Participation.objects.filter(reunion=reunion_de_groupe, personne=marc).exists()

    # Les convocations à venir sont parties (courriel et notification) ; rien pour le passé.
    a_venir = Participation.objects.filter(reunion__in=[prochaine, reunion_de_groupe])
    assert len(courriels) == a_venir.count()
    assert all("Convocation : " in courriel.subject for courriel in courriels)
    assert Notification.objects.filter(destinataire=marc, verbe="conseil.reunion.convoquee").count() == 2
    assert not Notification.objects.filter(verbe="conseil.proces_verbal.adopte", lue_le__isnull=True).exists()

    # Une seconde fois : rien ne change.
    messages: list[str] = []
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


@pytest.mark.django_db
def test_pas_de_conseil_de_demonstration_a_cote_d_un_vrai():
    ConseilFactory()
    messages: list[str] = []
    assert demo.charger(afficher=messages.append) is False
    assert messages == ["Un Conseil de santé existe déjà : pas de Conseil de démonstration."]
    assert Instance.objects.count() == 1
