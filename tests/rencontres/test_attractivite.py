"""L'accord pour le vivier donné à l'inscription (texte gardé, retrait depuis la page de
l'inscription) et l'attractivité des rencontres : de l'inscription à l'installation, compté
parmi les seuls accords, avec de vraies candidatures du recrutement ; page des agents seulement,
requêtes constantes ; les totaux de l'année dans le bilan."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recrutement import services as recrutement
from recrutement.models import Candidature, EtapeCandidature, StatutOffre
from rencontres import services
from rencontres.attractivite import Entonnoir, attractivite, entonnoirs
from rencontres.bilan import lire_rencontres
from rencontres.jetons import jeton_de
from rencontres.models import TypeRencontre
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS
from tests.outils import compter_requetes
from tests.recrutement.factories import Gcs, candidature, gcs_et_recruteurs, offre
from tests.rencontres.factories import inscrire, rencontre, saisie

pytestmark = pytest.mark.django_db


def _hier() -> object:
    return timezone.now() - timedelta(days=1)


# --- L'accord ---------------------------------------------------------------------------------


def test_l_accord_est_garde_avec_son_texte_et_se_retire():
    r = rencontre(propose_le_vivier=True)
    oui = inscrire(r, 1, accord_vivier=True)
    non = inscrire(r, 2)
    assert oui.accord_vivier_le is not None and oui.accord_vivier_retire_le is None
    assert oui.accord_vivier_texte == services.texte_accord_vivier()
    assert "pendant 2 ans" in oui.accord_vivier_texte and "retirer cet accord" in oui.accord_vivier_texte
    assert non.accord_vivier_le is None and non.accord_vivier_texte == ""
    assert Evenement.objects.filter(verbe=services.ACCORD_VIVIER_DONNE.code, cible_id=oui.pk).count() == 1
    retiree = services.accord_vivier_retirer(inscription=oui)
    assert retiree.accord_vivier_retire_le is not None and not services.accord_vivier_actif(retiree)
    # Le texte accepté reste : il dit ce qui avait été accepté, et quand.
    assert retiree.accord_vivier_texte == oui.accord_vivier_texte
    services.accord_vivier_retirer(inscription=oui)  # rejoué : rien de plus
    assert Evenement.objects.filter(verbe=services.ACCORD_VIVIER_RETIRE.code, cible_id=oui.pk).count() == 1
    with pytest.raises(ValidationError, match="pas donné d'accord"):
        services.accord_vivier_retirer(inscription=non)


def test_pas_d_accord_si_la_rencontre_ne_le_propose_pas():
    r = rencontre(titre="Formation", type=TypeRencontre.FORMATION)
    inscription = inscrire(r, 1, accord_vivier=True)
    assert inscription.accord_vivier_le is None and inscription.accord_vivier_texte == ""


def test_le_formulaire_propose_la_case_seulement_si_la_rencontre_le_propose(client):
    avec = rencontre(propose_le_vivier=True, foyer_max=1)
    sans = rencontre(titre="Soirée")
    texte = services.texte_accord_vivier()
    page = client.get(reverse("rencontres:inscrire", args=[avec.pk])).content.decode()
    assert 'name="accord_vivier"' in page and "me proposent des offres" in page
    assert "checked" not in _case(page)
    assert (
        'name="accord_vivier"'
        not in client.get(reverse("rencontres:inscrire", args=[sans.pk])).content.decode()
    )
    activite = avec.activites.get()
    donnees = {
        "nom": "Martin",
        "prenom": "",
        "email": "lea.martin@exemple.fr",
        "activites": [str(activite.pk)],
        "accord_vivier": "on",
    }
    # Ce que le navigateur envoie : la gestion du formulaire du foyer (vide, une personne).
    page_html = client.get(reverse("rencontres:inscrire", args=[avec.pk])).content.decode()
    for nom, valeur in re.findall(r'name="(foyer-[A-Z_]+)" value="(\d+)"', page_html):
        donnees[nom] = valeur
    assert "foyer-TOTAL_FORMS" in donnees
    # Une saisie refusée garde la case cochée et ce qui a été tapé.
    refus = client.post(reverse("rencontres:inscrire", args=[avec.pk]), donnees)
    html = refus.content.decode()
    assert refus.status_code == 200 and 'value="Martin"' in html
    assert "checked" in _case(html)
    donnees["prenom"] = "Léa"
    reponse = client.post(reverse("rencontres:inscrire", args=[avec.pk]), donnees)
    assert reponse.status_code == 302
    inscription = avec.inscriptions.get()
    assert inscription.accord_vivier_texte == texte and inscription.accord_vivier_le is not None


def _case(html: str) -> str:
    """La balise de la case de l'accord."""
    trouvee = re.search(r'<input[^>]*name="accord_vivier"[^>]*>', html)
    assert trouvee is not None
    return trouvee.group(0)


def test_la_personne_retire_son_accord_depuis_sa_page(client):
    r = rencontre(propose_le_vivier=True)
    inscription = inscrire(r, 1, accord_vivier=True)
    jeton = jeton_de(inscription)
    page = client.get(reverse("rencontres:inscription", args=[jeton])).content.decode()
    assert "Mon accord pour le vivier du recrutement" in page and "Retirer mon accord" in page
    reponse = client.post(reverse("rencontres:accord_vivier_retirer", args=[jeton]), follow=True)
    html = reponse.content.decode()
    assert "Votre accord est retiré" in html and "Retirer mon accord" not in html and "retiré le" in html
    inscription.refresh_from_db()
    assert inscription.accord_vivier_retire_le is not None
    assert client.post(reverse("rencontres:accord_vivier_retirer", args=["faux:jeton"])).status_code == 404
    assert client.get(reverse("rencontres:accord_vivier_retirer", args=[jeton])).status_code == 405
    # Sans accord donné : la page n'en parle pas, et le retrait est refusé en français.
    sans = inscrire(r, 2)
    autre = jeton_de(sans)
    assert "vivier" not in client.get(reverse("rencontres:inscription", args=[autre])).content.decode()
    refus = client.post(reverse("rencontres:accord_vivier_retirer", args=[autre]), follow=True)
    assert "pas donné d&#x27;accord pour le vivier" in refus.content.decode()


# --- L'entonnoir ------------------------------------------------------------------------------


@pytest.fixture
def recrutement_ouvert():
    g = gcs_et_recruteurs()
    return g, offre(g, StatutOffre.PUBLIEE)


def _retenir(c: Candidature, g: Gcs) -> Candidature:
    recrutement.candidature_etape_changer(
        candidature=c, vers=EtapeCandidature.EN_ETUDE, acteur=g.recruteur_chpc
    )
    return recrutement.candidature_etape_changer(
        candidature=c, vers=EtapeCandidature.RETENUE, acteur=g.recruteur_chpc
    )


def test_l_entonnoir_ne_suit_que_les_accords(recrutement_ouvert):
    g, o = recrutement_ouvert
    r = rencontre(propose_le_vivier=True, capacites=(3,))
    hier = _hier()
    # Installée : accord, présente, candidature retenue à la même adresse écrite autrement.
    installee = inscrire(r, 1, accord_vivier=True, maintenant=hier, email="Lea.Martin@Exemple.fr")
    services.pointer(rencontre=r, code=installee.code, acteur=None)
    _retenir(candidature(o, email="lea.martin@exemple.fr"), g)
    # Accord, par son compte (une autre adresse à l'inscription), candidature reçue.
    compte = UtilisateurFactory(email="hugo.compte@exemple.fr")
    services.inscrire(
        rencontre=r,
        saisie=saisie(r, 2, email="hugo.perso@exemple.fr", accord_vivier=True),
        compte=compte,
        maintenant=hier,
    )
    candidature(o, compte=compte)
    # Sans accord : sa candidature n'est pas reliée.
    inscrire(r, 3, maintenant=hier)
    candidature(o, email="interne3@exemple.fr")
    # Accord retiré : plus suivi.
    retire = inscrire(r, 4, accord_vivier=True, maintenant=hier)  # liste d'attente (3 places)
    candidature(o, email="interne4@exemple.fr")
    services.accord_vivier_retirer(inscription=retire)
    # Candidature déposée avant l'inscription : la rencontre n'y est pour rien.
    candidature(o, email="interne5@exemple.fr")
    inscrire(r, 5, accord_vivier=True)
    # Candidature déposée après les deux ans de l'accord : plus suivie.
    ancienne = inscrire(r, 7, accord_vivier=True, maintenant=hier)
    tardive = candidature(o, email="interne7@exemple.fr")
    Candidature.objects.filter(pk=tardive.pk).update(deposee_le=ancienne.cree_le + timedelta(days=731))
    # Une inscription annulée ne compte pas.
    annulee = inscrire(r, 6, accord_vivier=True, maintenant=hier)
    services.annuler(inscription=annulee)

    assert entonnoirs([r.pk]) == {
        r.pk: Entonnoir(inscrits=6, presents=1, accords=4, candidats=2, installes=1)
    }
    e = entonnoirs([r.pk])[r.pk]
    assert e.taux_presents == 1 / 6 and e.taux_candidats == 0.5 and e.taux_installes == 0.5


def test_les_rencontres_suivies_et_le_total():
    promotion = rencontre()
    formation_vivier = rencontre(titre="Formation", type=TypeRencontre.FORMATION, propose_le_vivier=True)
    rencontre(titre="Congrès", type=TypeRencontre.CONGRES)
    rencontre(titre="Brouillon", statut="brouillon")
    inscrire(promotion, 1)
    inscrire(formation_vivier, 2, accord_vivier=True)
    lu = attractivite()
    assert {ligne.rencontre.titre for ligne in lu.lignes} == {"Les Paradis du Cotentin", "Formation"}
    assert lu.total == Entonnoir(inscrits=2, presents=0, accords=1, candidats=0, installes=0)
    assert Entonnoir().taux_presents is None


# --- La page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrice_des_droits(client_de, persona):
    r = rencontre(propose_le_vivier=True)
    inscrire(r, 1, accord_vivier=True, nom="Confidentiel")
    statut = client_de(persona).get(reverse("rencontres:attractivite")).status_code
    agent = persona in ("agent", "superutilisateur")
    assert statut == (200 if agent else 302 if persona == "anonyme" else 404), (persona, statut)


def test_un_partenaire_n_y_a_pas_acces_meme_de_cette_rencontre(client_de, professionnel):
    r = rencontre(propose_le_vivier=True)
    services.confier(rencontre=r, compte=professionnel, acteur=None)
    partenaire = client_de("professionnel")
    assert partenaire.get(reverse("rencontres:organisation")).status_code == 200
    assert "Attractivité" not in partenaire.get(reverse("rencontres:organisation")).content.decode()
    assert partenaire.get(reverse("rencontres:attractivite")).status_code == 404


def test_la_page_montre_des_nombres_sans_noms_en_requetes_constantes(client_de, recrutement_ouvert):
    g, o = recrutement_ouvert
    r = rencontre(propose_le_vivier=True, capacites=(50,))
    inscrire(r, 1, accord_vivier=True, nom="Confidentiel", maintenant=_hier())
    candidature(o, email="interne1@exemple.fr")
    agent = client_de("agent")
    assert "Attractivité des rencontres" in agent.get(reverse("rencontres:organisation")).content.decode()
    url = reverse("rencontres:attractivite")
    html = agent.get(url).content.decode()
    assert "Les Paradis du Cotentin" in html and "Confidentiel" not in html and "interne1@" not in html
    assert "100,0" in html  # 1 candidature sur 1 accord
    avant = compter_requetes(agent, url)
    for numero in range(2, 10):
        inscrire(r, numero, accord_vivier=numero % 2 == 0)
    autre = rencontre(titre="Soirée d'accueil", propose_le_vivier=True)
    inscrire(autre, 20, accord_vivier=True)
    assert compter_requetes(agent, url) == avant
    assert avant == 10


def test_le_bilan_compte_l_entonnoir_de_l_annee():
    maintenant = timezone.now()
    debut = maintenant.replace(month=6, day=10, hour=9, minute=0)
    r = rencontre(
        debut=debut, inscriptions_du=debut - timedelta(days=60), inscriptions_au=debut, propose_le_vivier=True
    )
    venue = inscrire(r, 1, accord_vivier=True, maintenant=debut - timedelta(days=1))
    inscrire(r, 2, maintenant=debut - timedelta(days=1))
    services.pointer(rencontre=r, code=venue.code, acteur=None)
    donnees = lire_rencontres(debut.year)
    assert donnees.rencontres_suivies == 1
    assert donnees.attractivite == Entonnoir(inscrits=2, presents=1, accords=1, candidats=0, installes=0)


def test_l_administration_ne_modifie_pas_l_accord(client_de):
    r = rencontre(propose_le_vivier=True)
    inscription = inscrire(r, 1, accord_vivier=True)
    page = client_de("superutilisateur").get(
        reverse("admin:rencontres_inscription_change", args=[inscription.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200 and "me proposent des offres" in html
    assert 'name="accord_vivier_texte"' not in html and 'name="accord_vivier_retire_le' not in html
