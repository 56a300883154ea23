"""Les scrutins de démonstration passent par les services du Collège : des scrutins clos de
chaque type dans l'année passée, un avis ouvert où Marc Guérin a un vote à donner, une
discussion.

Lu dans la démonstration complète, construite une fois par session (tests/demonstration.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from college import demo
from college.models import (
    Bulletin,
    Commentaire,
    DeclarationInteret,
    Discussion,
    Electeur,
    Emargement,
    ProcurationVote,
    Scrutin,
    StatutScrutin,
    Texte,
    TypeScrutin,
)
from conseil.models import Mandat, PointOrdreDuJour, Reunion, TypeInstance
from socle.models import Evenement, Notification


@pytest.mark.demonstration("college")
def test_les_scrutins_de_demonstration(demonstration):
    assert demonstration.chargees["college"] is True
    messages = [ligne for ligne in demonstration.sortie.splitlines() if ligne.startswith("Scrutins")]
    assert len(messages) == 1 and messages[0].startswith("Scrutins de démonstration chargés")
    maintenant = timezone.now()
    college = demo.college_de_demonstration()
    assert college is not None and college.type_instance == TypeInstance.COLLEGE
    tous = list(Scrutin.objects.filter(instance=college).order_by("ouverture"))
    assert {s.type_scrutin for s in tous} == {
        TypeScrutin.ELECTION,
        TypeScrutin.DELIBERATION,
        TypeScrutin.AVIS,
    }
    # L'année passée, celle du bilan de démonstration, a ses scrutins clos de chaque type.
    annee = timezone.localdate().year - 1
    fermes = [s for s in tous if s.statut == StatutScrutin.CLOS]
    assert len(fermes) == len(tous) - 1
    assert all(s.clos_le and timezone.localtime(s.clos_le).year == annee for s in fermes)
    assert {s.type_scrutin for s in fermes} == set(TypeScrutin.values)

    # L'élection de la représentante, close avant l'installation du Conseil : Anne Lecoq élue.
    election = Scrutin.objects.get(titre__startswith="Élection du représentant du Collège")
    assert election.statut == StatutScrutin.CLOS and election.secret
    assert election.clos_le is not None and election.resultat is not None
    assert election.ouverture < election.cloture <= election.clos_le < maintenant
    assert election.ouvert_le == election.ouverture and election.motif_cloture_anticipee == ""
    assert election.candidatures.count() == 2
    assert election.resultat["noms"][str(election.resultat["elus"][0])] == "Anne Lecoq"
    assert election.resultat["votants"] == 9 and election.resultat["procurations"] == 1
    assert Bulletin.objects.filter(scrutin=election, personne__isnull=False).count() == 0  # secret
    # Clos par la tâche périodique à l'heure dite, comme le registre le dit.
    clos = Evenement.objects.get(verbe="college.scrutin.clos", cible_id=str(election.pk))
    assert clos.acteur is None and clos.donnees["anticipee"] is False
    # Prévenus à l'époque : aucune notification non lue, aucun courriel en attente.
    url = election.get_absolute_url()
    assert Notification.objects.filter(url=url).exists()
    assert not Notification.objects.filter(url=url, lue_le__isnull=True).exists()
    assert not Notification.objects.filter(url=url, envoyee_le__isnull=True).exists()

    # Les représentants du Collège au groupe Attractivité, élus la veille de leur mandat.
    groupe = Scrutin.objects.get(titre__startswith="Élection des représentants du Collège au groupe")
    assert groupe.sieges == 2 and groupe.resultat is not None and len(groupe.resultat["elus"]) == 2
    elus = {groupe.resultat["noms"][str(pk)] for pk in groupe.resultat["elus"]}
    assert elus == {"Marc Guérin", "Camille Besnard"}
    mandat = Mandat.objects.get(
        instance__nom=demo.GROUPE_ELU, personne__email="membre.college@demo.cotentin.fr"
    )
    assert timezone.localtime(groupe.clos_le).date() == mandat.debut - timedelta(days=1)

    # L'avis sur le programme de cette année, rendu avant la plénière qui l'adopte.
    sur_le_programme = Scrutin.objects.get(titre__startswith="Avis du Collège sur le programme de travail")
    assert sur_le_programme.statut == StatutScrutin.CLOS and sur_le_programme.resultat is not None
    assert isinstance(sur_le_programme.objet, PointOrdreDuJour)
    assert sur_le_programme.clos_le is not None
    assert sur_le_programme.clos_le < sur_le_programme.objet.reunion.debut

    # La charte, adoptée au scrutin secret.
    charte = Scrutin.objects.get(type_scrutin=TypeScrutin.DELIBERATION)
    assert charte.statut == StatutScrutin.CLOS and charte.secret and charte.cloture < maintenant
    assert charte.objet == Texte.objects.get(titre="Charte d'engagement des membres du Collège")
    assert charte.resultat is not None and charte.resultat["issue"] == "adopte"

    # L'avis sur un point de la prochaine plénière, ouvert : Marc Guérin a à voter, pour lui
    # et pour la procuration qu'il détient ; Hélène Rouxel est écartée pour intérêt.
    avis = Scrutin.objects.get(type_scrutin=TypeScrutin.AVIS, statut=StatutScrutin.OUVERT)
    assert avis.statut == StatutScrutin.OUVERT and avis.ouverture <= maintenant < avis.cloture
    assert avis.resultat is None
    point = avis.objet
    assert isinstance(point, PointOrdreDuJour)
    prochaine = Reunion.objects.filter(instance__type_instance=TypeInstance.CONSEIL).order_by("-debut")[0]
    assert point.reunion == prochaine and prochaine.debut > avis.cloture
    marc = Electeur.objects.get(scrutin=avis, personne__email="membre.college@demo.cotentin.fr")
    assert not marc.exclu_pour_interet
    assert not Emargement.objects.filter(scrutin=avis, personne=marc.personne).exists()
    assert ProcurationVote.objects.filter(scrutin=avis, mandataire=marc.personne).count() == 1
    exclue = Electeur.objects.get(scrutin=avis, exclu_pour_interet=True)
    assert str(exclue.personne) == "Hélène Rouxel"
    assert DeclarationInteret.objects.get(personne=exclue.personne).objet == point
    assert 0 < avis.emargements.count() < Electeur.objects.filter(scrutin=avis).count()
    assert Notification.objects.filter(
        destinataire=marc.personne, verbe="college.scrutin.ouvert", url=avis.get_absolute_url(), lue_le=None
    ).exists()

    # Une discussion sur l'avis, avec une réponse et une mention de Marc Guérin.
    discussion = Discussion.objects.get(instance=college)
    assert discussion.objet == avis
    assert discussion.commentaires.count() == 3
    assert discussion.commentaires.filter(parent__isnull=False).count() == 1
    assert Notification.objects.filter(
        destinataire=marc.personne, verbe="college.commentaire.mention"
    ).exists()

    # Une seconde fois : rien ne change.
    comptes = (Scrutin.objects.count(), Bulletin.objects.count(), Commentaire.objects.count())
    assert demo.charger(afficher=messages.append) is False
    assert (Scrutin.objects.count(), Bulletin.objects.count(), Commentaire.objects.count()) == comptes
    assert len(messages) == 1


@pytest.mark.django_db
def test_pas_de_scrutins_sans_college_de_demonstration():
    messages: list[str] = []
    assert demo.charger(afficher=messages.append) is False
    assert messages == ["Pas de Collège de démonstration : pas de scrutins de démonstration."]
    assert not Scrutin.objects.exists()
