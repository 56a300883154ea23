"""L'administration du Conseil : les mandats qui se chevauchent sont refusés en français (page
d'un mandat et sous-formulaires d'une instance), un mandat valide passe par le service (journal),
l'état des séances et des programmes n'y change pas, et chaque page répond."""

import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from conseil.models import (
    Instance,
    Mandat,
    ProcesVerbal,
    Procuration,
    ProgrammeDeTravail,
    Reunion,
    RoleMandat,
    StatutProgramme,
    StatutReunion,
)
from conseil.services import jeton_calendrier_de
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    ConseilFactory,
    GroupeFactory,
    LivrableFactory,
    MandatFactory,
    ObjectifFactory,
    ParticipationFactory,
    PointFactory,
    ProgrammeFactory,
    ReunionFactory,
)
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db


def _html(reponse) -> str:
    return unescape(reponse.content.decode())


def _mandat(instance: Instance, personne, **champs) -> dict[str, object]:
    donnees = {
        "instance": instance.pk,
        "personne": personne.pk,
        "role": RoleMandat.TITULAIRE,
        "categorie": "",
        "siege": "",
        "structure": "",
        "debut": "2026-01-01",
        "fin": "",
        "designation": "",
    }
    donnees.update(champs)
    return donnees


# --- Page d'un mandat ------------------------------------------------------------------------


def test_un_mandat_sur_un_siege_deja_occupe_est_refuse(client_de):
    conseil = ConseilFactory()
    titulaire = MandatFactory(instance=conseil, siege=3, debut=dt.date(2025, 1, 1))
    autre = UtilisateurFactory(prenom="Marc", nom="Autre")

    reponse = client_de("agent").post("/admin/conseil/mandat/add/", _mandat(conseil, autre, siege="3"))

    assert reponse.status_code == 200
    erreurs = reponse.context["adminform"].form.errors
    assert list(erreurs) == ["siege"]
    assert "Le siège n°3 a déjà un membre titulaire depuis le 1er janvier 2025" in erreurs["siege"][0]
    assert str(titulaire.personne) in erreurs["siege"][0]
    assert Mandat.objects.count() == 1
    assert not Evenement.objects.filter(verbe="conseil.mandat.cree").exists()


def test_une_personne_n_a_qu_un_mandat_a_la_fois_dans_une_instance(client_de):
    conseil = ConseilFactory()
    existant = MandatFactory(instance=conseil, debut=dt.date(2025, 1, 1), fin=dt.date(2026, 6, 30))

    reponse = client_de("agent").post(
        "/admin/conseil/mandat/add/",
        _mandat(conseil, existant.personne, role=RoleMandat.COPRESIDENT, debut="2026-06-01"),
    )

    assert reponse.status_code == 200
    erreurs = reponse.context["adminform"].form.errors
    assert list(erreurs) == ["debut"]
    assert (
        "a déjà un mandat dans Conseil de santé du Cotentin du 1er janvier 2025 au 30 juin 2026"
        in erreurs["debut"][0]
    )
    assert "les deux mandats se chevauchent" in erreurs["debut"][0]
    assert Mandat.objects.count() == 1


def test_un_mandat_valide_est_enregistre_et_trace(client_de, agent):
    conseil = ConseilFactory()
    MandatFactory(instance=conseil, siege=3, debut=dt.date(2024, 1, 1), fin=dt.date(2025, 12, 31))
    nouveau = UtilisateurFactory()

    reponse = client_de("agent").post(
        "/admin/conseil/mandat/add/",
        _mandat(conseil, nouveau, siege="3", designation="Élu par le Collège le 12 janvier 2026"),
    )

    assert reponse.status_code == 302
    mandat = Mandat.objects.get(personne=nouveau)
    assert (mandat.siege, mandat.debut, mandat.fin) == (3, dt.date(2026, 1, 1), None)
    evenement = Evenement.objects.get(verbe="conseil.mandat.cree")
    assert evenement.acteur == agent
    assert evenement.donnees["mandat"] == mandat.pk and evenement.donnees["siege"] == 3


def test_modifier_un_mandat_est_trace(client_de):
    mandat = MandatFactory(instance=ConseilFactory(), debut=dt.date(2025, 1, 1))

    reponse = client_de("agent").post(
        f"/admin/conseil/mandat/{mandat.pk}/change/",
        _mandat(mandat.instance, mandat.personne, debut="2025-01-01", fin="2026-12-31"),
    )

    assert reponse.status_code == 302
    mandat.refresh_from_db()
    assert mandat.fin == dt.date(2026, 12, 31)
    assert Evenement.objects.get(verbe="conseil.mandat.modifie").donnees["fin"] == "2026-12-31"


def test_un_suppleant_sans_siege_est_refuse_en_francais(client_de):
    conseil = ConseilFactory()
    reponse = client_de("agent").post(
        "/admin/conseil/mandat/add/", _mandat(conseil, UtilisateurFactory(), role=RoleMandat.SUPPLEANT)
    )
    assert "Un suppléant remplace le titulaire d'un siège" in _html(reponse)
    assert not Mandat.objects.exists()


# --- Sous-formulaires des mandats d'une instance ----------------------------------------------


def _instance_avec_mandats(instance: Instance, lignes: list[dict[str, object]]) -> dict[str, object]:
    """Les données postées par la page d'une instance : ses champs, puis ses mandats."""
    donnees: dict[str, object] = {
        "nom": instance.nom,
        "type_instance": instance.type_instance,
        "description": instance.description,
        "quorum_part": str(instance.quorum_part),
        "quorum_compte_procurations": "on",
        "procurations_autorisees": "on",
        "procurations_max_par_membre": "1",
        "vote_base_majorite": instance.vote_base_majorite,
        "vote_secret": "on",
        "vote_departage": instance.vote_departage,
        "active": "on",
        "mandats-TOTAL_FORMS": str(len(lignes)),
        "mandats-INITIAL_FORMS": str(sum(1 for ligne in lignes if ligne.get("id"))),
        "mandats-MIN_NUM_FORMS": "0",
        "mandats-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
    }
    for rang, ligne in enumerate(lignes):
        ligne = {**ligne, "instance": instance.pk}
        ligne.setdefault("id", "")
        for champ, valeur in ligne.items():
            donnees[f"mandats-{rang}-{champ}"] = valeur
    return donnees


def test_deux_lignes_de_la_meme_personne_qui_se_chevauchent_sont_refusees(client_de):
    conseil = ConseilFactory()
    personne = UtilisateurFactory(prenom="Léa", nom="Deux-Fois")
    lignes = [
        _mandat(conseil, personne, debut="2026-01-01"),
        _mandat(conseil, personne, role=RoleMandat.COPRESIDENT, debut="2026-03-01"),
    ]

    reponse = client_de("agent").post(
        f"/admin/conseil/instance/{conseil.pk}/change/", _instance_avec_mandats(conseil, lignes)
    )

    assert reponse.status_code == 200
    assert "Léa Deux-Fois figure deux fois parmi les mandats de cette instance" in _html(reponse)
    assert not Mandat.objects.exists()


def test_deux_lignes_sur_le_meme_siege_qui_se_chevauchent_sont_refusees(client_de):
    conseil = ConseilFactory()
    lignes = [
        _mandat(conseil, UtilisateurFactory(), siege="2", debut="2026-01-01"),
        _mandat(conseil, UtilisateurFactory(), siege="2", debut="2026-02-01"),
    ]

    reponse = client_de("agent").post(
        f"/admin/conseil/instance/{conseil.pk}/change/", _instance_avec_mandats(conseil, lignes)
    )

    assert reponse.status_code == 200
    assert "Le siège n°2 a deux mandats de membre titulaire" in _html(reponse)
    assert not Mandat.objects.exists()


def test_une_ligne_qui_chevauche_un_mandat_enregistre_est_refusee(client_de):
    conseil = ConseilFactory()
    existant = MandatFactory(instance=conseil, siege=1, debut=dt.date(2025, 1, 1))
    ligne_existante = {
        **_mandat(conseil, existant.personne, siege="1", debut="2025-01-01"),
        "id": existant.pk,
    }
    lignes = [ligne_existante, _mandat(conseil, UtilisateurFactory(), siege="1", debut="2026-01-01")]

    reponse = client_de("agent").post(
        f"/admin/conseil/instance/{conseil.pk}/change/", _instance_avec_mandats(conseil, lignes)
    )

    assert reponse.status_code == 200
    assert "Le siège n°1 a déjà un membre titulaire" in _html(reponse)
    assert Mandat.objects.count() == 1


def test_des_lignes_valides_sont_enregistrees_par_le_service(client_de, agent):
    conseil = ConseilFactory()
    lignes = [
        _mandat(conseil, UtilisateurFactory(), siege="1", debut="2024-01-01", fin="2025-12-31"),
        _mandat(conseil, UtilisateurFactory(), siege="1", debut="2026-01-01"),
        _mandat(conseil, UtilisateurFactory(), role=RoleMandat.SUPPLEANT, siege="1", debut="2026-01-01"),
    ]

    reponse = client_de("agent").post(
        f"/admin/conseil/instance/{conseil.pk}/change/", _instance_avec_mandats(conseil, lignes)
    )

    assert reponse.status_code == 302, _html(reponse)
    assert Mandat.objects.filter(instance=conseil).count() == 3
    assert Evenement.objects.filter(verbe="conseil.mandat.cree", acteur=agent).count() == 3


def test_les_mandats_se_saisissent_une_fois_l_instance_creee(client_de):
    html = _html(client_de("agent").get("/admin/conseil/instance/add/"))
    assert "mandats-TOTAL_FORMS" not in html
    html = _html(client_de("agent").get(f"/admin/conseil/instance/{ConseilFactory().pk}/change/"))
    assert "mandats-TOTAL_FORMS" in html


# --- Séances et programmes : l'état ne change que sur le portail --------------------------------


def test_une_seance_modifiee_dans_l_administration_passe_par_le_service(client_de, agent):
    reunion = ReunionFactory(statut=StatutReunion.CONVOQUEE)
    debut = timezone.localtime(reunion.debut)

    reponse = client_de("agent").post(
        f"/admin/conseil/reunion/{reunion.pk}/change/",
        {
            "titre": reunion.titre,
            "debut_0": debut.strftime("%d/%m/%Y"),
            "debut_1": debut.strftime("%H:%M:%S"),
            "fin_0": "",
            "fin_1": "",
            "lieu": "Salle Paul Eluard, Cherbourg-en-Cotentin",
            "lien_visio": "",
            "statut": StatutReunion.CLOSE,  # en lecture seule : ignoré
            "points-TOTAL_FORMS": "0",
            "points-INITIAL_FORMS": "0",
            "points-MIN_NUM_FORMS": "0",
            "points-MAX_NUM_FORMS": "1000",
        },
    )

    assert reponse.status_code == 302, _html(reponse)
    reunion.refresh_from_db()
    assert reunion.lieu == "Salle Paul Eluard, Cherbourg-en-Cotentin"
    assert reunion.statut == StatutReunion.CONVOQUEE
    evenement = Evenement.objects.get(verbe="conseil.reunion.modifiee")
    assert evenement.acteur == agent
    assert list(evenement.donnees["modifications"]) == ["lieu"]


def test_une_seance_sans_lieu_ni_visio_est_refusee_en_francais(client_de):
    reunion = ReunionFactory()
    debut = timezone.localtime(reunion.debut)
    reponse = client_de("agent").post(
        f"/admin/conseil/reunion/{reunion.pk}/change/",
        {
            "titre": reunion.titre,
            "debut_0": debut.strftime("%d/%m/%Y"),
            "debut_1": debut.strftime("%H:%M:%S"),
            "lieu": "",
            "lien_visio": "",
            "points-TOTAL_FORMS": "0",
            "points-INITIAL_FORMS": "0",
            "points-MIN_NUM_FORMS": "0",
            "points-MAX_NUM_FORMS": "1000",
        },
    )
    assert reponse.status_code == 200
    assert "Indiquez un lieu ou un lien de visioconférence." in _html(reponse)
    assert Reunion.objects.get(pk=reunion.pk).lieu == reunion.lieu


def test_la_page_d_une_seance_renvoie_au_portail_et_fige_son_etat(client_de):
    reunion = ReunionFactory(
        statut=StatutReunion.CLOSE, quorum_atteint=True, quorum_compte_procurations=True, quorum_membres=9
    )
    reponse = client_de("agent").get(f"/admin/conseil/reunion/{reunion.pk}/change/")
    html = _html(reponse)
    assert f'<a href="/conseil/seances/{reunion.pk}/">Ouvrir la séance sur le portail</a>' in html
    form = reponse.context["adminform"].form
    # Une séance close ne change plus : aucun champ modifiable.
    assert not form.fields
    assert client_de("agent").get("/admin/conseil/reunion/add/").status_code == 403


def test_un_programme_adopte_ne_change_plus_dans_l_administration(client_de):
    seance = ReunionFactory(instance=ConseilFactory(), statut=StatutReunion.TENUE)
    objectif = ObjectifFactory(programme=ProgrammeFactory(annee=2026, titre="Programme 2026"))
    ProgrammeDeTravail.objects.filter(pk=objectif.programme_id).update(
        statut=StatutProgramme.ADOPTE, adopte_en=seance, adopte_le=timezone.now()
    )

    reponse = client_de("agent").get(f"/admin/conseil/programmedetravail/{objectif.programme_id}/change/")

    assert reponse.status_code == 200
    assert not reponse.context["adminform"].form.fields
    assert "Ouvrir le programme sur le portail" in _html(reponse)


def test_les_jetons_de_calendrier_ne_sont_pas_dans_l_administration(client_de):
    jeton = jeton_calendrier_de(utilisateur=UtilisateurFactory())
    client = client_de("superutilisateur")
    assert client.get("/admin/conseil/jetoncalendrier/").status_code == 404
    assert jeton.jeton not in _html(client.get("/admin/"))


# --- Chaque page répond ---------------------------------------------------------------------------


@pytest.fixture
def conseil_complet(secretariat):
    conseil = ConseilFactory()
    mandat = MandatFactory(instance=conseil, siege=1)
    reunion = ReunionFactory(instance=conseil, statut=StatutReunion.CONVOQUEE)
    PointFactory(reunion=reunion)
    ParticipationFactory(reunion=reunion, personne=mandat.personne, mandat=mandat)
    close = ReunionFactory(
        instance=conseil,
        statut=StatutReunion.CLOSE,
        quorum_atteint=True,
        quorum_compte_procurations=True,
        debut=timezone.now() - dt.timedelta(days=9),
    )
    mandant = MandatFactory(instance=conseil).personne
    procuration = Procuration.objects.create(reunion=close, mandant=mandant, mandataire=mandat.personne)
    pv = ProcesVerbal.objects.create(reunion=close, texte="Procès-verbal de la séance.")
    groupe = GroupeFactory()
    LivrableFactory(groupe=groupe)
    objectif = ObjectifFactory(groupe=groupe)
    return {
        "instance": conseil.pk,
        "mandat": mandat.pk,
        "reunion": reunion.pk,
        "participation": reunion.participations.get().pk,
        "procuration": procuration.pk,
        "procesverbal": pv.pk,
        "groupedetravail": groupe.pk,
        "programmedetravail": objectif.programme_id,
    }


MODELES = [
    "instance",
    "mandat",
    "reunion",
    "participation",
    "procuration",
    "procesverbal",
    "groupedetravail",
    "programmedetravail",
]


@pytest.mark.parametrize("modele", MODELES)
def test_chaque_page_de_l_administration_repond(client_de, conseil_complet, modele):
    client = client_de("agent")
    assert client.get(f"/admin/conseil/{modele}/").status_code == 200
    assert client.get(f"/admin/conseil/{modele}/{conseil_complet[modele]}/change/").status_code == 200


@pytest.mark.parametrize("modele", ["instance", "mandat", "groupedetravail", "programmedetravail"])
def test_les_pages_d_ajout_repondent(client_de, modele):
    assert client_de("agent").get(f"/admin/conseil/{modele}/add/").status_code == 200


@pytest.mark.parametrize("modele", ["participation", "procuration", "procesverbal", "reunion"])
def test_les_registres_ne_s_ajoutent_pas_dans_l_administration(client_de, modele):
    assert client_de("agent").get(f"/admin/conseil/{modele}/add/").status_code == 403


def test_l_index_de_l_administration_du_conseil_repond(client_de):
    html = _html(client_de("agent").get("/admin/conseil/"))
    assert "Mandats" in html and "Séances" in html


@pytest.mark.parametrize("modele", ["mandat", "reunion", "participation", "procuration"])
def test_les_listes_de_l_administration_ne_grandissent_pas(client_de, modele):
    client = client_de("agent")
    conseil = ConseilFactory()

    def ajouter(nombre: int) -> None:
        for _ in range(nombre):
            mandat = MandatFactory(instance=conseil)
            reunion = ReunionFactory(instance=conseil, statut=StatutReunion.CONVOQUEE)
            ParticipationFactory(reunion=reunion, personne=mandat.personne, mandat=mandat)
            Procuration.objects.create(
                reunion=reunion, mandant=mandat.personne, mandataire=UtilisateurFactory()
            )

    ajouter(1)
    avant = compter_requetes(client, f"/admin/conseil/{modele}/")
    ajouter(4)
    assert compter_requetes(client, f"/admin/conseil/{modele}/") == avant


def test_seul_le_personnel_entre_dans_l_administration_du_conseil(client_de):
    assert client_de("membre_college").get("/admin/conseil/mandat/").status_code == 302
