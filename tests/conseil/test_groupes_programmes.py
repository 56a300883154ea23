"""Les groupes de travail (liste, page, avancement des livrables) et les programmes de travail
(pages publiques, progression des objectifs, adoption en séance plénière)."""

import datetime as dt
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conseil.models import (
    Livrable,
    ProgrammeDeTravail,
    RoleMandat,
    StatutProgramme,
    StatutReunion,
)
from conseil.selectors import BaseProgression, progression_des_objectifs
from conseil.services import programme_adopter
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    ConseilFactory,
    GroupeFactory,
    InstanceFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    ProgrammeFactory,
    ReunionFactory,
)
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
ANNEE = AUJOURD_HUI.year


def _html(reponse) -> str:
    return unescape(reponse.content.decode())


def _client(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def _groupe_avec_copilote(nom: str = "Attractivité du territoire"):
    """Un groupe, son co-pilote professionnel (membre du groupe) et un simple membre."""
    copilote = UtilisateurFactory(prenom="Hélène", nom="Copilote")
    membre = UtilisateurFactory(prenom="Paul", nom="Membre")
    groupe = GroupeFactory(instance=InstanceFactory(nom=nom), copilote_professionnel=copilote)
    MandatFactory(instance=groupe.instance, personne=copilote, role=RoleMandat.ANIMATEUR)
    MandatFactory(instance=groupe.instance, personne=membre, role=RoleMandat.TITULAIRE)
    return groupe, copilote, membre


# --- progression_des_objectifs ------------------------------------------------------------


def test_un_objectif_avance_comme_ses_livrables_rattaches():
    objectif = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE))
    LivrableFactory(groupe=objectif.groupe, objectif=objectif, avancement=40)
    LivrableFactory(groupe=objectif.groupe, objectif=objectif, avancement=81)
    # Un livrable du groupe non rattaché ne compte pas quand l'objectif a les siens.
    LivrableFactory(groupe=objectif.groupe, avancement=0, echeance=dt.date(ANNEE, 6, 30))

    [progression] = progression_des_objectifs(objectif.programme)

    assert progression.objectif.pk == objectif.pk
    assert progression.base == BaseProgression.OBJECTIF
    assert progression.livrables == 2
    assert progression.avancement == 61  # 60,5 arrondi au plus proche


def test_sans_livrable_rattache_l_objectif_suit_les_livrables_du_groupe_dans_l_annee():
    objectif = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE))
    LivrableFactory(groupe=objectif.groupe, avancement=30, echeance=dt.date(ANNEE, 3, 1))
    LivrableFactory(groupe=objectif.groupe, avancement=50, echeance=dt.date(ANNEE, 12, 31))
    LivrableFactory(groupe=objectif.groupe, avancement=100, echeance=dt.date(ANNEE + 1, 1, 1))
    LivrableFactory(avancement=100, echeance=dt.date(ANNEE, 5, 1))  # un autre groupe

    [progression] = progression_des_objectifs(objectif.programme)

    assert progression.base == BaseProgression.GROUPE
    assert progression.livrables == 2
    assert progression.avancement == 40
    assert progression.libelle_base == "livrables du groupe à échéance dans l'année"


def test_un_objectif_sans_aucun_livrable_est_a_zero():
    objectif = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE))
    LivrableFactory(groupe=objectif.groupe, avancement=90, echeance=dt.date(ANNEE - 1, 12, 31))

    [progression] = progression_des_objectifs(objectif.programme)

    assert progression.base == BaseProgression.AUCUN
    assert progression.avancement == 0
    assert progression.livrables == 0
    assert progression.libelle_base == "aucun livrable"


def test_les_objectifs_viennent_dans_leur_ordre_en_trois_requetes(django_assert_num_queries):
    programme = ProgrammeFactory(annee=ANNEE)
    for ordre in (3, 1, 2):
        objectif = ObjectifFactory(programme=programme, ordre=ordre)
        LivrableFactory(groupe=objectif.groupe, objectif=objectif, avancement=10 * ordre)
        LivrableFactory(groupe=objectif.groupe, echeance=dt.date(ANNEE, 9, 1))

    with django_assert_num_queries(3):
        progressions = progression_des_objectifs(programme)
        noms = [p.objectif.groupe.instance.nom for p in progressions]

    assert [p.objectif.ordre for p in progressions] == [1, 2, 3]
    assert [p.avancement for p in progressions] == [10, 20, 30]
    assert len(noms) == 3


def test_un_programme_sans_objectif_n_a_pas_de_progression(django_assert_num_queries):
    programme = ProgrammeFactory(annee=ANNEE)
    with django_assert_num_queries(1):
        assert progression_des_objectifs(programme) == []


# --- Liste et page d'un groupe -------------------------------------------------------------


def test_la_liste_des_groupes_dit_ou_en_est_chacun(client_de):
    groupe, copilote, _membre = _groupe_avec_copilote()
    LivrableFactory(groupe=groupe, avancement=20, echeance=AUJOURD_HUI - dt.timedelta(days=3))
    LivrableFactory(groupe=groupe, avancement=60)
    ReunionFactory(
        instance=groupe.instance,
        titre="Réunion de lancement",
        statut=StatutReunion.CONVOQUEE,
        debut=timezone.now() + dt.timedelta(days=10),
    )
    autre = GroupeFactory(instance=InstanceFactory(nom="Prévention et santé scolaire"))

    reponse = _client(copilote).get("/conseil/groupes/")

    assert reponse.status_code == 200
    html = _html(reponse)
    assert "Attractivité du territoire" in html and "Prévention et santé scolaire" in html
    [ligne] = [ligne for ligne in reponse.context["lignes"] if ligne.groupe == groupe]
    assert ligne.avancement == 40
    assert ligne.en_retard == 1
    assert ligne.groupe.nombre_membres == 2
    assert ligne.prochaine_reunion.titre == "Réunion de lancement"
    assert '<progress class="w-100" value="40" max="100"' in html
    [ligne_autre] = [ligne for ligne in reponse.context["lignes"] if ligne.groupe == autre]
    assert ligne_autre.prochaine_reunion is None and ligne_autre.livrables == 0


def test_la_prochaine_reunion_d_un_groupe_reste_reservee_a_qui_peut_la_voir():
    groupe, copilote, _membre = _groupe_avec_copilote()
    autre, autre_copilote, _ = _groupe_avec_copilote("Coopération ville-hôpital")
    ReunionFactory(instance=autre.instance, statut=StatutReunion.CONVOQUEE, titre="Réunion privée")

    reponse = _client(copilote).get("/conseil/groupes/")

    [ligne] = [ligne for ligne in reponse.context["lignes"] if ligne.groupe == autre]
    assert ligne.prochaine_reunion is None
    assert "Réunion privée" not in _html(reponse)


@pytest.mark.parametrize("persona", ["professionnel", "membre_college"])
def test_les_groupes_sont_reserves_a_l_espace_du_conseil(client_de, persona):
    groupe = GroupeFactory()
    assert client_de(persona).get("/conseil/groupes/").status_code == 403
    assert client_de(persona).get(f"/conseil/groupes/{groupe.pk}/").status_code == 403


def test_un_anonyme_est_conduit_a_la_connexion(client_de):
    reponse = client_de("anonyme").get("/conseil/groupes/")
    assert reponse.status_code == 302
    assert "/comptes/login/" in reponse["Location"]


def _peupler_groupes(nombre: int) -> None:
    for _ in range(nombre):
        groupe = GroupeFactory(
            copilote_agglomeration=UtilisateurFactory(), copilote_professionnel=UtilisateurFactory()
        )
        MandatFactory(instance=groupe.instance)
        MandatFactory(instance=groupe.instance)
        LivrableFactory(groupe=groupe)
        LivrableFactory(groupe=groupe, echeance=AUJOURD_HUI - dt.timedelta(days=1))
        ReunionFactory(instance=groupe.instance, statut=StatutReunion.CONVOQUEE)


def test_la_liste_des_groupes_ne_grandit_pas_avec_les_groupes(client_de):
    client = client_de("secretariat")
    _peupler_groupes(1)
    avant = compter_requetes(client, "/conseil/groupes/")
    _peupler_groupes(5)
    assert compter_requetes(client, "/conseil/groupes/") == avant


def test_la_page_d_un_groupe_montre_livrables_membres_et_reunions():
    groupe, copilote, membre = _groupe_avec_copilote()
    programme = ProgrammeFactory(annee=ANNEE)
    objectif = ObjectifFactory(programme=programme, groupe=groupe, intitule="Accueillir 30 internes")
    LivrableFactory(
        groupe=groupe,
        objectif=objectif,
        titre="Guide d'accueil des internes",
        avancement=100,
        livre_le=AUJOURD_HUI - dt.timedelta(days=2),
        echeance=AUJOURD_HUI - dt.timedelta(days=1),
    )
    LivrableFactory(
        groupe=groupe,
        titre="Annuaire des logements",
        avancement=30,
        echeance=AUJOURD_HUI - dt.timedelta(days=5),
    )
    LivrableFactory(groupe=groupe, titre="Soirée d'accueil", avancement=20)
    ReunionFactory(instance=groupe.instance, titre="Réunion d'automne", statut=StatutReunion.CONVOQUEE)
    ReunionFactory(
        instance=groupe.instance,
        titre="Réunion de printemps",
        statut=StatutReunion.TENUE,
        debut=timezone.now() - dt.timedelta(days=60),
    )
    ReunionFactory(instance=groupe.instance, titre="Réunion en préparation")  # planifiée

    reponse = _client(membre).get(f"/conseil/groupes/{groupe.pk}/")

    assert reponse.status_code == 200
    html = _html(reponse)
    assert "Guide d'accueil des internes" in html and "Accueillir 30 internes" in html
    assert "1 livrable livré sur 3" in html
    assert "1 en retard" in html
    assert "avancement moyen 50 %" in html
    assert html.count(">en retard<") == 1
    assert "Hélène Copilote" in html and "Paul Membre" in html
    assert [r.titre for r in reponse.context["reunions_a_venir"]] == ["Réunion d'automne"]
    assert [r.titre for r in reponse.context["reunions_passees"]] == ["Réunion de printemps"]
    assert "Réunion en préparation" not in html  # planifiée : pas encore visible d'un membre
    # Un simple membre ne tient pas l'avancement.
    assert "/avancement/" not in html


def test_un_copilote_a_un_formulaire_par_livrable():
    groupe, copilote, _membre = _groupe_avec_copilote()
    livrables = [LivrableFactory(groupe=groupe), LivrableFactory(groupe=groupe)]

    html = _client(copilote).get(f"/conseil/groupes/{groupe.pk}/").content.decode()

    for livrable in livrables:
        assert f'action="/conseil/livrables/{livrable.pk}/avancement/"' in html
        assert f'<label class="form-label small mb-1" for="avancement-{livrable.pk}">' in html


def test_la_page_d_un_groupe_ne_grandit_pas_avec_ses_livrables_et_reunions(client_de):
    groupe, _copilote, _membre = _groupe_avec_copilote()
    objectif = ObjectifFactory(groupe=groupe)

    def ajouter(nombre: int) -> None:
        for _ in range(nombre):
            LivrableFactory(groupe=groupe, objectif=objectif)
            MandatFactory(instance=groupe.instance)
            ReunionFactory(instance=groupe.instance, statut=StatutReunion.CONVOQUEE)

    client = client_de("secretariat")
    ajouter(1)
    avant = compter_requetes(client, f"/conseil/groupes/{groupe.pk}/")
    ajouter(5)
    assert compter_requetes(client, f"/conseil/groupes/{groupe.pk}/") == avant


def test_un_groupe_inconnu_donne_404(client_de):
    assert client_de("secretariat").get("/conseil/groupes/999999/").status_code == 404


# --- Avancement d'un livrable ---------------------------------------------------------------


def test_un_copilote_met_a_jour_l_avancement_d_un_livrable():
    groupe, copilote, _membre = _groupe_avec_copilote()
    livrable = LivrableFactory(groupe=groupe, avancement=10)

    reponse = _client(copilote).post(f"/conseil/livrables/{livrable.pk}/avancement/", {"avancement": "65"})

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/conseil/groupes/{groupe.pk}/#livrable-{livrable.pk}"
    livrable.refresh_from_db()
    assert livrable.avancement == 65 and livrable.livre_le is None
    evenement = Evenement.objects.get(verbe="conseil.livrable.avancement")
    assert evenement.acteur == copilote
    assert evenement.donnees == {
        "livrable": livrable.pk,
        "modele": "conseil.livrable",
        "modifications": {"avancement": [10, 65]},
    }


def test_a_100_le_livrable_est_livre(client_de):
    livrable = LivrableFactory(avancement=90)
    client_de("secretariat").post(f"/conseil/livrables/{livrable.pk}/avancement/", {"avancement": "100"})
    livrable.refresh_from_db()
    assert livrable.avancement == 100 and livrable.livre_le == AUJOURD_HUI


def test_un_simple_membre_ne_met_pas_a_jour_un_livrable():
    groupe, _copilote, membre = _groupe_avec_copilote()
    livrable = LivrableFactory(groupe=groupe, avancement=10)

    reponse = _client(membre).post(f"/conseil/livrables/{livrable.pk}/avancement/", {"avancement": "65"})

    assert reponse.status_code == 403
    assert Livrable.objects.get(pk=livrable.pk).avancement == 10
    assert not Evenement.objects.filter(verbe="conseil.livrable.avancement").exists()


@pytest.mark.parametrize("valeur", ["150", "-5", "beaucoup", ""])
def test_un_avancement_invalide_est_refuse_en_francais(valeur):
    groupe, copilote, _membre = _groupe_avec_copilote()
    livrable = LivrableFactory(groupe=groupe, avancement=10)

    reponse = _client(copilote).post(f"/conseil/livrables/{livrable.pk}/avancement/", {"avancement": valeur})

    assert reponse.status_code == 200
    html = _html(reponse)
    assert "L'avancement est un pourcentage, de 0 à 100." in html or "Indiquez l'avancement" in html
    assert f'aria-describedby="erreur-avancement-{livrable.pk}"' in html
    assert Livrable.objects.get(pk=livrable.pk).avancement == 10
    assert not Evenement.objects.filter(verbe="conseil.livrable.avancement").exists()


def test_l_avancement_ne_se_lit_pas_en_get(client_de):
    livrable = LivrableFactory()
    assert client_de("secretariat").get(f"/conseil/livrables/{livrable.pk}/avancement/").status_code == 405


# --- Programmes de travail -------------------------------------------------------------------


def _programme_adopte(annee: int = ANNEE) -> ProgrammeDeTravail:
    seance = ReunionFactory(instance=ConseilFactory(), statut=StatutReunion.TENUE, titre="Séance de mars")
    objectif = ObjectifFactory(programme=ProgrammeFactory(annee=annee, titre=f"Programme {annee}"))
    ProgrammeDeTravail.objects.filter(pk=objectif.programme_id).update(
        statut=StatutProgramme.ADOPTE, adopte_en=seance, adopte_le=timezone.now()
    )
    return ProgrammeDeTravail.objects.get(pk=objectif.programme_id)


def test_les_programmes_adoptes_sont_publics(client_de):
    adopte = _programme_adopte(ANNEE - 1)
    ProgrammeFactory(annee=ANNEE, titre="Projet de programme")

    anonyme = client_de("anonyme")
    liste = anonyme.get("/programmes/")
    assert liste.status_code == 200
    assert adopte.titre in liste.content.decode()
    assert "Projet de programme" not in liste.content.decode()
    detail = anonyme.get(f"/programmes/{ANNEE - 1}/")
    assert detail.status_code == 200
    assert "Séance de mars" in detail.content.decode()
    assert anonyme.get(f"/programmes/{ANNEE}/").status_code == 404


def test_le_secretariat_voit_les_projets_marques_projet(client_de):
    ProgrammeFactory(annee=ANNEE, titre="Projet de programme")
    html = client_de("secretariat").get("/programmes/").content.decode()
    assert "Projet de programme" in html
    assert '<span class="badge text-bg-warning">Projet</span>' in html


def test_la_page_d_un_programme_donne_chaque_objectif_et_sa_base(client_de):
    programme = _programme_adopte()
    [premier] = programme.objectifs.all()
    LivrableFactory(groupe=premier.groupe, objectif=premier, avancement=70)
    second = ObjectifFactory(programme=programme, intitule="Former aux protocoles de coopération")

    reponse = client_de("anonyme").get(f"/programmes/{ANNEE}/")

    html = _html(reponse)
    assert [p.objectif for p in reponse.context["progressions"]] == [premier, second]
    assert "d'après 1 livrable rattaché à l'objectif" in html
    assert "(aucun livrable)" in html
    # Les pages des groupes sont réservées : pas de lien pour le public.
    assert premier.groupe.get_absolute_url() not in html
    assert premier.groupe.instance.nom in html
    assert (
        premier.groupe.get_absolute_url()
        in client_de("secretariat").get(f"/programmes/{ANNEE}/").content.decode()
    )


def test_la_page_d_un_programme_ne_grandit_pas_avec_ses_objectifs(client_de):
    programme = _programme_adopte()

    def ajouter(nombre: int) -> None:
        for _ in range(nombre):
            objectif = ObjectifFactory(programme=programme)
            LivrableFactory(groupe=objectif.groupe, objectif=objectif)

    client = client_de("anonyme")
    ajouter(1)
    avant = compter_requetes(client, f"/programmes/{ANNEE}/")
    ajouter(5)
    assert compter_requetes(client, f"/programmes/{ANNEE}/") == avant
    avant = compter_requetes(client, "/programmes/")
    _programme_adopte(ANNEE - 3)
    _programme_adopte(ANNEE - 4)
    assert compter_requetes(client, "/programmes/") == avant


def test_le_secretariat_enregistre_l_adoption_en_seance_pleniere(client_de, secretariat):
    seance = ReunionFactory(instance=ConseilFactory(), statut=StatutReunion.CONVOQUEE, titre="Séance de juin")
    programme = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE)).programme
    client = client_de("secretariat")

    page = client.get(f"/programmes/{ANNEE}/").content.decode()
    assert f'<option value="{seance.pk}">Séance de juin' in page

    reponse = client.post(f"/programmes/{ANNEE}/adopter/", {"seance": seance.pk})

    assert reponse.status_code == 302
    programme.refresh_from_db()
    assert programme.statut == StatutProgramme.ADOPTE
    assert programme.adopte_en == seance and programme.adopte_le is not None
    evenement = Evenement.objects.get(verbe="conseil.programme.adopte")
    assert evenement.acteur == secretariat
    assert client_de("anonyme").get(f"/programmes/{ANNEE}/").status_code == 200


def test_l_adoption_est_refusee_a_une_reunion_de_groupe(client_de, secretariat):
    reunion_de_groupe = ReunionFactory(instance=InstanceFactory(), statut=StatutReunion.CONVOQUEE)
    programme = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE)).programme

    reponse = client_de("secretariat").post(f"/programmes/{ANNEE}/adopter/", {"seance": reunion_de_groupe.pk})

    assert reponse.status_code == 200
    assert "adopté par le Conseil de santé en séance plénière" in _html(reponse)
    programme.refresh_from_db()
    assert programme.statut == StatutProgramme.BROUILLON and programme.adopte_en is None
    # Le service, appelé directement, oppose la même règle.
    with pytest.raises(ValidationError, match="adopté par le Conseil de santé en séance plénière"):
        programme_adopter(programme=programme, adopte_en=reunion_de_groupe, acteur=secretariat)
    programme.refresh_from_db()
    assert programme.statut == StatutProgramme.BROUILLON and programme.adopte_en is None


def test_l_adoption_d_un_programme_sans_objectif_est_refusee(client_de):
    seance = ReunionFactory(instance=ConseilFactory(), statut=StatutReunion.CONVOQUEE)
    programme = ProgrammeFactory(annee=ANNEE)

    reponse = client_de("secretariat").post(f"/programmes/{ANNEE}/adopter/", {"seance": seance.pk})

    assert reponse.status_code == 200
    assert "Un programme sans objectif ne peut pas être adopté." in _html(reponse)
    programme.refresh_from_db()
    assert programme.statut == StatutProgramme.BROUILLON and programme.adopte_en is None
    assert not Evenement.objects.filter(verbe="conseil.programme.adopte").exists()


def test_une_seance_seulement_planifiee_n_est_pas_proposee(client_de):
    planifiee = ReunionFactory(instance=ConseilFactory())
    ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE))
    client = client_de("secretariat")

    assert f'value="{planifiee.pk}"' not in client.get(f"/programmes/{ANNEE}/").content.decode()
    reponse = client.post(f"/programmes/{ANNEE}/adopter/", {"seance": planifiee.pk})
    assert "choisissez l'une de ces séances" in _html(reponse)


@pytest.mark.parametrize("persona", ["membre_college", "professionnel"])
def test_seul_le_secretariat_enregistre_l_adoption(client_de, persona):
    seance = ReunionFactory(instance=ConseilFactory(), statut=StatutReunion.CONVOQUEE)
    programme = ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE)).programme

    reponse = client_de(persona).post(f"/programmes/{ANNEE}/adopter/", {"seance": seance.pk})

    assert reponse.status_code == 403
    programme.refresh_from_db()
    assert programme.statut == StatutProgramme.BROUILLON


def test_le_formulaire_d_adoption_n_apparait_qu_au_secretariat_sur_un_projet(client_de):
    ObjectifFactory(programme=ProgrammeFactory(annee=ANNEE))
    _programme_adopte(ANNEE - 1)
    secretariat = client_de("secretariat")
    assert "/adopter/" in secretariat.get(f"/programmes/{ANNEE}/").content.decode()
    assert "/adopter/" not in secretariat.get(f"/programmes/{ANNEE - 1}/").content.decode()
    assert "/adopter/" not in client_de("copresident").get(f"/programmes/{ANNEE}/").content.decode()
