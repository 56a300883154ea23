"""Les pages des membres pour un scrutin, par de vraies requêtes : la liste, le détail, le
vote (pour soi et par procuration) avec son reçu montré une seule fois, les refus (double
vote, hors des dates, membre écarté pour intérêt), la candidature, l'intérêt déclaré, la
procuration, l'urne scellée jusqu'à la clôture puis publiée, la vérification d'un reçu et le
recomptage ; et qui voit quoi."""

import datetime as dt
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from college import services
from college.models import (
    Bulletin,
    BulletinScelle,
    Candidature,
    Choix,
    DeclarationInteret,
    Emargement,
    ProcurationVote,
    Scrutin,
    TypeScrutin,
)
from comptes.models import Utilisateur
from conseil.models import RoleMandat
from socle.models import Evenement, Notification
from tests.college.factories import (
    CandidatureFactory,
    DiscussionFactory,
    ScrutinFactory,
    TexteFactory,
    urne_ouverte,
)
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, InstanceFactory, MandatFactory

pytestmark = pytest.mark.django_db

RECU = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


def client_pour(utilisateur: Utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def url(nom: str, scrutin: Scrutin) -> str:
    return reverse(f"college:{nom}", kwargs={"pk": scrutin.pk})


@pytest.fixture
def college():
    return CollegeFactory()


@pytest.fixture
def membres(college):
    """Anne, Bruno, Claire : titulaires du Collège (le futur corps électoral)."""
    return [
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=prenom, nom=nom)).personne
        for prenom, nom in (("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier"))
    ]


def ouvrir(scrutin: Scrutin, acteur: Utilisateur) -> Scrutin:
    return services.scrutin_ouvrir(scrutin=scrutin, acteur=acteur)


def clore(scrutin: Scrutin, acteur: Utilisateur) -> Scrutin:
    return services.scrutin_clore(scrutin=scrutin, acteur=acteur, motif="Tout le monde a voté.")


@pytest.fixture
def deliberation(college, membres, secretariat):
    return ouvrir(ScrutinFactory(instance=college, titre="Adoption de la charte"), secretariat)


def voter(client: Client, scrutin: Scrutin, **donnees):
    return client.post(url("voter", scrutin), donnees)


# --- Liste -----------------------------------------------------------------------------------


def test_la_liste_est_refusee_a_un_professionnel_sans_mandat(client_de):
    assert client_de("professionnel").get(reverse("college:scrutin_liste")).status_code == 403


def test_la_liste_dit_a_chacun_ou_il_en_est(deliberation, membres, secretariat, college):
    anne, bruno, claire = membres
    services.procuration_vote_donner(scrutin=deliberation, mandant=bruno, mandataire=anne, acteur=bruno)
    services.bulletin_deposer(scrutin=deliberation, votant=anne, choix=Choix.POUR)
    en_preparation = ScrutinFactory(instance=college, titre="Avis sur le projet de MSP")
    close = ouvrir(ScrutinFactory(instance=college, titre="Ancienne délibération"), secretariat)
    services.bulletin_deposer(scrutin=close, votant=claire, choix=Choix.CONTRE)
    services.bulletin_deposer(scrutin=close, votant=anne, choix=Choix.CONTRE)
    clore(close, secretariat)

    page = texte(client_pour(anne).get(reverse("college:scrutin_liste")))
    assert "Adoption de la charte" in page
    assert "Vous avez voté" in page
    assert "Pour Bruno Bernard (procuration) : pas encore voté" in page
    assert str(en_preparation.titre) in page
    assert "Ancienne délibération" in page and "Rejeté" in page

    assert "Procuration à Anne Aubert" in texte(client_pour(bruno).get(reverse("college:scrutin_liste")))
    assert "Pas encore voté" in texte(client_pour(claire).get(reverse("college:scrutin_liste")))


def test_la_liste_ne_montre_pas_les_scrutins_d_une_autre_instance(deliberation, membres):
    groupe = InstanceFactory()
    membre_du_groupe = MandatFactory(instance=groupe).personne
    reponse = client_pour(membre_du_groupe).get(reverse("college:scrutin_liste"))
    assert reponse.status_code == 200
    assert deliberation.titre not in texte(reponse)


# --- Accès -----------------------------------------------------------------------------------


def test_un_non_membre_recoit_404_partout(deliberation, membres):
    groupe = InstanceFactory()
    etranger = client_pour(MandatFactory(instance=groupe).personne)
    for nom in ("scrutin_detail", "urne"):
        assert etranger.get(url(nom, deliberation)).status_code == 404
    for nom in ("voter", "candidature", "procuration", "interet"):
        assert etranger.post(url(nom, deliberation), {"choix": Choix.POUR}).status_code == 404
    assert not Bulletin.objects.exists()
    assert (
        client_pour(membres[0]).get(reverse("college:scrutin_detail", kwargs={"pk": 999999})).status_code
        == 404
    )


def test_le_secretariat_voit_le_scrutin_et_la_participation_jamais_les_choix(
    deliberation, membres, secretariat
):
    services.bulletin_deposer(scrutin=deliberation, votant=membres[0], choix=Choix.POUR)
    reponse = client_pour(secretariat).get(url("scrutin_detail", deliberation))
    assert reponse.status_code == 200
    assert reponse.context["gestionnaire"] is True
    assert reponse.context["participation"]["votants"] == 1
    assert reponse.context["resultat"] is None
    assert reponse.context["form_bulletin"] is None


def test_chaque_heure_du_scrutin_dit_ce_qu_elle_est(deliberation, membres, secretariat):
    """L'ouverture prévue, l'ouverture réelle quand elle diffère, la clôture prévue et le
    dépouillement : chacune sous son intitulé, jamais deux heures côte à côte sans nom."""
    from socle.francais import jour_date_et_heure

    def entrees(scrutin: Scrutin) -> dict[str, str]:
        page = texte(client_pour(membres[0]).get(url("scrutin_detail", scrutin)))
        return {
            dt_.strip(): dd.strip()
            for dt_, dd in re.findall(r"<dt[^>]*>([^<]*)</dt>\s*<dd[^>]*>([^<]*)</dd>", page)
        }

    plus_tard = deliberation.ouvert_le + dt.timedelta(hours=2)
    Scrutin.objects.filter(pk=deliberation.pk).update(ouverture=plus_tard)
    deliberation.refresh_from_db()
    vues = entrees(deliberation)
    assert vues["Ouverture prévue"] == jour_date_et_heure(deliberation.ouverture)
    assert vues["Vote ouvert le"] == jour_date_et_heure(deliberation.ouvert_le)
    assert vues["Clôture"] == jour_date_et_heure(deliberation.cloture)
    assert "Dépouillé le" not in vues
    clos = clore(deliberation, secretariat)
    vues = entrees(clos)
    assert vues["Clôture prévue"] == jour_date_et_heure(clos.cloture)
    assert vues["Dépouillé le"] == jour_date_et_heure(clos.clos_le)


# --- Voter -----------------------------------------------------------------------------------


def test_voter_montre_le_recu_et_la_page_du_scrutin_le_redonne_jusqu_a_l_effacer(deliberation, membres):
    anne = membres[0]
    client = client_pour(anne)
    page = client.get(url("scrutin_detail", deliberation))
    assert page.context["form_bulletin"] is not None
    assert "Déposer mon bulletin" in texte(page)

    reponse = voter(client, deliberation, choix=Choix.POUR)
    assert reponse.status_code == 200  # rendu, pas de redirection qui porterait le code
    assert [t.name for t in reponse.templates][0] == "college/recu.html"
    assert "no-store" in reponse["Cache-Control"]
    codes = set(RECU.findall(texte(reponse)))
    assert not Bulletin.objects.filter(scrutin=deliberation).exists()  # scellé jusqu'à la clôture
    [bulletin] = urne_ouverte(deliberation)
    assert codes == {bulletin.recu}
    assert "Notez ce code" in texte(reponse)
    assert bulletin.choix == Choix.POUR
    assert Emargement.objects.filter(scrutin=deliberation, personne=anne, vote_par=None).exists()

    # Ensuite : « Vous avez voté », plus de formulaire ; le code n'est redonné que par le reçu
    # de secours (tests/college/test_recu_de_secours.py), et plus nulle part une fois effacé.
    apres = client.get(url("scrutin_detail", deliberation))
    assert "Vous avez voté." in texte(apres)
    assert apres.context["form_bulletin"] is None
    assert [garde.recu for garde in apres.context["recus_de_secours"]] == [bulletin.recu]
    client.post(url("recu_oublier", deliberation))
    apres = client.get(url("scrutin_detail", deliberation))
    assert bulletin.recu not in texte(apres)
    assert messages_de(apres) == ["Le code de reçu n'est plus gardé sur cet appareil."]
    assert not Evenement.objects.filter(donnees__icontains=bulletin.recu).exists()
    assert not Notification.objects.filter(titre__icontains=bulletin.recu).exists()
    assert bulletin.recu not in str(list(Evenement.objects.values_list("donnees", flat=True)))


def test_un_second_bulletin_est_refuse_avec_un_message_clair(deliberation, membres):
    anne = membres[0]
    client = client_pour(anne)
    voter(client, deliberation, choix=Choix.POUR)
    reponse = voter(client, deliberation, choix=Choix.CONTRE)
    assert reponse.status_code == 200
    assert (
        "Un bulletin a déjà été déposé pour Anne Aubert dans ce scrutin : il ne peut être ni remplacé ni "
        "modifié." in texte(reponse)
    )
    assert not RECU.search(texte(reponse))
    assert [b.choix for b in urne_ouverte(deliberation)] == [Choix.POUR]


def test_un_bulletin_sans_choix_est_refuse_et_rien_n_est_depose(deliberation, membres):
    reponse = voter(client_pour(membres[0]), deliberation)
    assert "Choisissez l'une des réponses proposées." in texte(reponse)
    assert reponse.context["form_bulletin"].is_bound
    assert not Bulletin.objects.exists()


def test_voter_par_procuration(deliberation, membres):
    anne, bruno, _claire = membres
    reponse = client_pour(bruno).post(url("procuration", deliberation), {"mandataire": anne.pk})
    assert messages_de(reponse) == ["Vous avez confié votre vote à Anne Aubert pour ce scrutin."]
    assert ProcurationVote.objects.get(scrutin=deliberation, mandant=bruno).mandataire == anne

    client = client_pour(anne)
    page = client.get(url("scrutin_detail", deliberation))
    assert "Voter pour Bruno Bernard (procuration)" in texte(page)
    assert len(page.context["forms_procurations"]) == 1

    pour_bruno = voter(client, deliberation, choix=Choix.CONTRE, pour=bruno.pk)
    assert "Le bulletin de Bruno Bernard est dans l'urne" in texte(pour_bruno)
    assert "Déposer un autre bulletin (procuration)" in texte(pour_bruno)
    pour_elle = voter(client, deliberation, choix=Choix.POUR)
    assert "Votre bulletin est dans l'urne" in texte(pour_elle)
    assert RECU.findall(texte(pour_bruno)) != RECU.findall(texte(pour_elle))
    assert Emargement.objects.get(scrutin=deliberation, personne=bruno).vote_par == anne
    assert sorted(b.choix for b in urne_ouverte(deliberation)) == [Choix.CONTRE, Choix.POUR]

    apres = texte(client.get(url("scrutin_detail", deliberation)))
    assert "Vous avez voté pour Bruno Bernard (procuration)." in apres
    assert "Anne Aubert a voté pour vous, par procuration." in texte(
        client_pour(bruno).get(url("scrutin_detail", deliberation))
    )


def test_le_mandant_ne_vote_plus_lui_meme_et_un_tiers_ne_vote_pas_pour_lui(deliberation, membres):
    anne, bruno, claire = membres
    services.procuration_vote_donner(scrutin=deliberation, mandant=bruno, mandataire=anne, acteur=bruno)
    page = client_pour(bruno).get(url("scrutin_detail", deliberation))
    assert page.context["form_bulletin"] is None
    assert (
        "Vous avez confié votre vote à <strong>Anne Aubert</strong> : c'est lui qui vote pour vous."
        in texte(page)
    )
    reponse = voter(client_pour(bruno), deliberation, choix=Choix.POUR)
    assert "Vous avez donné procuration à Anne Aubert : c'est lui qui vote pour vous." in texte(reponse)
    reponse = voter(client_pour(claire), deliberation, choix=Choix.POUR, pour=bruno.pk)
    assert "Vous ne détenez pas la procuration de Bruno Bernard." in texte(reponse)
    reponse = voter(client_pour(claire), deliberation, choix=Choix.POUR, pour=987654)
    assert "Vous ne détenez pas cette procuration." in texte(reponse)
    assert not Bulletin.objects.exists()


def test_aucun_bulletin_hors_des_dates_du_vote(college, membres, secretariat):
    scrutin = ouvrir(ScrutinFactory(instance=college), secretariat)
    maintenant = timezone.now()
    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=maintenant - dt.timedelta(hours=2), cloture=maintenant - dt.timedelta(minutes=1)
    )
    client = client_pour(membres[0])
    page = client.get(url("scrutin_detail", scrutin))
    assert page.context["form_bulletin"] is None
    assert "aucun bulletin n'est accepté en dehors de ses dates" in texte(page)
    reponse = voter(client, scrutin, choix=Choix.POUR)
    assert "Le vote est clos depuis le" in texte(reponse)

    Scrutin.objects.filter(pk=scrutin.pk).update(
        ouverture=maintenant + dt.timedelta(hours=1), cloture=maintenant + dt.timedelta(days=1)
    )
    assert "Le vote ouvre le" in texte(voter(client, scrutin, choix=Choix.POUR))
    assert not Bulletin.objects.exists()


def test_un_scrutin_en_preparation_ou_clos_ne_prend_pas_de_bulletin(college, membres, secretariat):
    en_preparation = ScrutinFactory(instance=college)
    reponse = voter(client_pour(membres[0]), en_preparation, choix=Choix.POUR)
    assert "Le scrutin n'est pas ouvert : aucun bulletin n'est accepté." in texte(reponse)
    assert not Bulletin.objects.exists()


def test_un_membre_ecarte_pour_interet_n_a_pas_de_bulletin(college, membres, secretariat):
    anne, _bruno, claire = membres
    charte = TexteFactory(instance=college, titre="Charte du Collège")
    scrutin = services.scrutin_creer(
        acteur=secretariat,
        instance=college,
        type_scrutin=TypeScrutin.DELIBERATION,
        titre="Adoption de la charte",
        ouverture=timezone.now() - dt.timedelta(minutes=5),
        cloture=timezone.now() + dt.timedelta(days=7),
        objet=charte,
    )
    reponse = client_pour(claire).post(url("interet", scrutin), {"nature": "J'ai rédigé cette charte."})
    assert messages_de(reponse) == ["Votre intérêt est déclaré : vous ne prendrez pas part à ce vote."]
    declaration = DeclarationInteret.objects.get(personne=claire)
    assert declaration.objet == charte  # sur le sujet du scrutin, pas sur le scrutin
    ouvrir(scrutin, secretariat)

    page = client_pour(claire).get(url("scrutin_detail", scrutin))
    assert page.context["form_bulletin"] is None
    assert "vous ne prenez pas part à ce vote" in texte(page)
    reponse = voter(client_pour(claire), scrutin, choix=Choix.POUR)
    assert "Un intérêt déclaré dans ce sujet écarte Claire Chevalier de ce vote." in texte(reponse)
    assert not Bulletin.objects.exists()

    voter(client_pour(anne), scrutin, choix=Choix.POUR)
    clore(scrutin, secretariat)
    resultat = texte(client_pour(anne).get(url("scrutin_detail", scrutin)))
    assert "Écartés pour intérêt déclaré" in resultat and "Claire Chevalier" in resultat


# --- Urne --------------------------------------------------------------------------------


def test_l_urne_est_scellee_jusqu_a_la_cloture_pour_tous(
    deliberation, membres, secretariat, superutilisateur
):
    voter(client_pour(membres[0]), deliberation, choix=Choix.POUR)
    [bulletin] = urne_ouverte(deliberation)
    recu = bulletin.recu
    for qui in (membres[0], membres[1], secretariat, superutilisateur):
        reponse = client_pour(qui).post(url("urne", deliberation), {"recu": recu})
        assert reponse.status_code == 200
        assert reponse.context["scellee"] is True
        assert "L'urne est scellée jusqu'à la clôture du vote" in texte(reponse)
        assert recu not in texte(reponse)
        assert "lignes" not in reponse.context
        detail = client_pour(qui).get(url("scrutin_detail", deliberation))
        assert detail.context["resultat_presente"] is None
        assert "scellés jusqu'à la clôture" in texte(detail)


def test_l_urne_d_un_scrutin_annule_reste_scellee(deliberation, membres, secretariat):
    voter(client_pour(membres[0]), deliberation, choix=Choix.POUR)
    [bulletin] = urne_ouverte(deliberation)
    services.scrutin_annuler(scrutin=deliberation, acteur=secretariat, motif="Erreur")
    reponse = client_pour(membres[0]).get(url("urne", deliberation))
    assert "son urne n'est pas publiée" in texte(reponse)
    assert bulletin.recu not in texte(reponse)
    # Annulé, il ne sera jamais dépouillé : bulletins scellés et clé enveloppée effacés.
    deliberation.refresh_from_db()
    assert deliberation.cle_privee_enveloppee is None
    assert not BulletinScelle.objects.exists() and not Bulletin.objects.exists()


def test_l_urne_publiee_verifie_un_recu_et_se_recompte(deliberation, membres, secretariat):
    anne, bruno, claire = membres
    recus = {}
    for membre, choix in ((anne, Choix.POUR), (bruno, Choix.POUR), (claire, Choix.ABSTENTION)):
        recus[membre.pk] = RECU.search(texte(voter(client_pour(membre), deliberation, choix=choix))).group()
    clore(deliberation, secretariat)

    client = client_pour(anne)
    urne = client.get(url("urne", deliberation))
    page = texte(urne)
    assert urne.context["scellee"] is False
    assert all(recu in page for recu in recus.values())
    assert [ligne.bulletin.recu for ligne in urne.context["lignes"]] == sorted(recus.values())
    assert "Anne Aubert" not in page.split("bulletins dans l'urne")[-1]  # secret : pas de noms

    # Le reçu d'Anne, saisi en minuscules et sans tirets, envoyé par un formulaire POST : la
    # réponse vient sur la même page (ni redirection ni adresse qui porterait le code), pas
    # mise en cache.
    saisie = recus[anne.pk].replace("-", "").lower()
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in page
    trouve = client.post(url("urne", deliberation), {"recu": saisie})
    assert trouve.status_code == 200 and "no-store" in trouve["Cache-Control"]
    assert f"Le bulletin {recus[anne.pk]} est dans l'urne, compté avec le choix : Pour." in texte(trouve)
    absent = client.post(url("urne", deliberation), {"recu": "AAAA-BBBB-CCCC"})
    assert "Aucun bulletin de l'urne ne porte le code AAAA-BBBB-CCCC." in texte(absent)
    # Une adresse qui porte un reçu n'est pas lue.
    par_l_adresse = texte(client.get(url("urne", deliberation), {"recu": saisie}))
    assert "compté avec le choix" not in par_l_adresse and "Aucun bulletin" not in par_l_adresse
    # Sans jeton CSRF, refusé.
    sans_jeton = Client(enforce_csrf_checks=True)
    sans_jeton.force_login(anne)
    assert sans_jeton.post(url("urne", deliberation), {"recu": saisie}).status_code == 403

    # Le recomptage refait le résultat publié à partir des seuls bulletins listés.
    deliberation.refresh_from_db()
    assert urne.context["concorde"] is True
    lignes = {ligne.libelle: (ligne.publie, ligne.recompte) for ligne in urne.context["recompte"]}
    assert lignes["Pour"] == (2, 2) == (deliberation.resultat["decompte"]["pour"],) * 2
    assert lignes["Abstention"] == (1, 1)
    assert lignes["Bulletins dans l'urne"] == (3, 3)
    assert lignes["Issue"] == ("adopté", "adopté")
    assert "Le recomptage confirme le résultat publié." in page

    # Le résultat sur la page du scrutin, en toutes lettres, avec les liens.
    detail = texte(client.get(url("scrutin_detail", deliberation)))
    assert "Adopté" in detail
    assert reverse("college:urne", kwargs={"pk": deliberation.pk}) in detail
    assert reverse("college:resultat_csv", kwargs={"pk": deliberation.pk}) in detail
    assert reverse("college:resultat_pdf", kwargs={"pk": deliberation.pk}) in detail
    assert "Vous avez voté." in detail


def test_l_urne_nominative_montre_les_noms_et_les_procurations(college, membres, secretariat):
    anne, bruno, claire = membres
    scrutin = ouvrir(
        ScrutinFactory(instance=college, secret=False, type_scrutin=TypeScrutin.AVIS), secretariat
    )
    services.procuration_vote_donner(scrutin=scrutin, mandant=bruno, mandataire=anne, acteur=bruno)
    client = client_pour(anne)
    voter(client, scrutin, choix=Choix.FAVORABLE, motivation="Projet attendu par les patients.")
    voter(client, scrutin, choix=Choix.FAVORABLE, pour=bruno.pk)
    voter(client_pour(claire), scrutin, choix=Choix.RESERVE, motivation="Financement fragile.")
    clore(scrutin, secretariat)
    page = texte(client.get(url("urne", scrutin)))
    assert "Anne Aubert" in page and "Projet attendu par les patients." in page
    assert "Bruno Bernard" in page and "par procuration, voté par Anne Aubert" in page
    assert "Avis favorable" in texte(client.get(url("scrutin_detail", scrutin)))


# --- Élection et candidatures ---------------------------------------------------------------


def test_se_porter_candidat_puis_retirer_sa_candidature(college, membres):
    anne = membres[0]
    election = ScrutinFactory(
        instance=college, type_scrutin=TypeScrutin.ELECTION, titre="Élection du représentant"
    )
    client = client_pour(anne)
    page = client.get(url("scrutin_detail", election))
    assert "Me porter candidat" in texte(page)
    assert "départager une égalité" in texte(page)

    reponse = client.post(
        url("candidature", election), {"presentation": "Médecin à Valognes.", "date_naissance": "1970-03-14"}
    )
    assert messages_de(reponse) == ["Votre candidature est enregistrée."]
    candidature = Candidature.objects.get(scrutin=election)
    assert (candidature.personne, candidature.date_naissance) == (anne, dt.date(1970, 3, 14))
    apres = texte(client.get(url("scrutin_detail", election)))
    assert "Médecin à Valognes." in apres and "Retirer ma candidature" in apres
    assert "1970" not in apres  # la date de naissance n'est pas affichée

    assert "Anne Aubert est déjà candidat." in texte(client.post(url("candidature", election), {}))
    reponse = client.post(url("candidature", election), {"retirer": "1"})
    assert messages_de(reponse) == ["Votre candidature est retirée."]
    assert not Candidature.objects.exists()


def test_les_refus_de_candidature(college, membres, secretariat):
    suppleant = MandatFactory(instance=college, role=RoleMandat.SUPPLEANT).personne
    election = ScrutinFactory(instance=college, type_scrutin=TypeScrutin.ELECTION)
    reponse = client_pour(suppleant).post(url("candidature", election), {"date_naissance": "pas une date"})
    assert "Saisissez une date valide" in texte(reponse)
    reponse = client_pour(suppleant).post(url("candidature", election), {})
    assert "n'est pas membre de Collège des professionnels : pas de candidature possible." in texte(reponse)
    deliberation = ScrutinFactory(instance=college)
    reponse = client_pour(membres[0]).post(url("candidature", deliberation), {})
    assert "On ne se porte candidat qu'à une élection." in texte(reponse)
    assert not Candidature.objects.exists()


def test_voter_a_une_election(college, membres, secretariat):
    anne, bruno, claire = membres
    election = ScrutinFactory(instance=college, type_scrutin=TypeScrutin.ELECTION, sieges=1)
    candidats = [
        CandidatureFactory(scrutin=election, personne=p, presentation=f"Je suis {p}") for p in (anne, bruno)
    ]
    ouvrir(election, secretariat)
    client = client_pour(claire)
    page = client.get(url("scrutin_detail", election))
    assert "Cochez au plus 1 candidat" in texte(page) and "Je suis Anne Aubert" in texte(page)

    trop = voter(client, election, candidats=[c.pk for c in candidats])
    assert "Choisissez au plus 1 candidat." in texte(trop)
    assert trop.context["form_bulletin"]["candidats"].value() == [str(c.pk) for c in candidats]
    assert not Bulletin.objects.exists()

    assert "Votre bulletin est dans l'urne" in texte(voter(client, election, candidats=[candidats[1].pk]))
    voter(client_pour(anne), election)  # aucun coché : vote blanc
    assert sorted(b.choix for b in urne_ouverte(election)) == [Choix.BLANC, Choix.CANDIDATS]
    clore(election, secretariat)
    detail = texte(client.get(url("scrutin_detail", election)))
    assert "Élu : Bruno Bernard" in detail
    urne = client.get(url("urne", election))
    assert urne.context["concorde"] is True
    assert "Bruno Bernard" in texte(urne)


# --- Intérêt et procuration ----------------------------------------------------------------


def test_les_refus_d_interet(deliberation, membres, secretariat):
    anne = membres[0]
    client = client_pour(anne)
    assert "Dites en quelques mots la nature de l'intérêt." in texte(
        client.post(url("interet", deliberation), {})
    )
    reponse = client.post(url("interet", deliberation), {"nature": "Je dirige la structure."})
    assert "prévenez le secrétariat" in messages_de(reponse)[0]  # déclaré après l'ouverture
    assert DeclarationInteret.objects.get(personne=anne).objet == deliberation  # sans sujet : le scrutin
    assert "Cet intérêt est déjà déclaré." in texte(
        client.post(url("interet", deliberation), {"nature": "Encore"})
    )
    clore(deliberation, secretariat)
    reponse = client_pour(membres[1]).post(url("interet", deliberation), {"nature": "Trop tard"})
    assert "Le scrutin est clos : un intérêt ne se déclare plus ici." in texte(reponse)
    assert DeclarationInteret.objects.count() == 1


def test_les_refus_de_procuration(college, membres, secretariat):
    anne, bruno, claire = membres
    scrutin = ouvrir(ScrutinFactory(instance=college), secretariat)
    etranger = UtilisateurFactory(prenom="Éric", nom="Étranger")
    reponse = client_pour(anne).post(url("procuration", scrutin), {"mandataire": etranger.pk})
    assert "Éric Étranger ne vote pas à ce scrutin : la procuration ne peut lui être donnée." in texte(
        reponse
    )
    assert reponse.context["form_procuration"]["mandataire"].value() == str(etranger.pk)
    assert "Choisissez le membre qui votera pour vous." in texte(
        client_pour(anne).post(url("procuration", scrutin))
    )

    services.bulletin_deposer(scrutin=scrutin, votant=bruno, choix=Choix.POUR)
    reponse = client_pour(bruno).post(url("procuration", scrutin), {"mandataire": claire.pk})
    assert "Le bulletin de Bruno Bernard est déjà dans l'urne." in texte(reponse)

    college.procurations_autorisees = False
    college.save()
    sans = ouvrir(ScrutinFactory(instance=college), secretariat)
    page = client_pour(anne).get(url("scrutin_detail", sans))
    assert page.context["form_procuration"] is None
    reponse = client_pour(anne).post(url("procuration", sans), {"mandataire": claire.pk})
    assert "Ce scrutin n'admet pas de procuration." in texte(reponse)
    assert not ProcurationVote.objects.exists()


def test_donner_procuration_avant_l_ouverture(college, membres, secretariat):
    anne, bruno, _claire = membres
    scrutin = ScrutinFactory(instance=college)
    page = client_pour(bruno).get(url("scrutin_detail", scrutin))
    assert {p.pk for p in page.context["mandataires"]} == {anne.pk, membres[2].pk}
    client_pour(bruno).post(url("procuration", scrutin), {"mandataire": anne.pk})
    ouvrir(scrutin, secretariat)
    assert "Voter pour Bruno Bernard (procuration)" in texte(
        client_pour(anne).get(url("scrutin_detail", scrutin))
    )


# --- Texte -------------------------------------------------------------------------------------


def test_la_page_d_un_texte(college, membres, secretariat):
    charte = TexteFactory(instance=college, titre="Charte du Collège", corps="Article premier.")
    scrutin = services.scrutin_creer(
        acteur=secretariat,
        instance=college,
        type_scrutin=TypeScrutin.DELIBERATION,
        titre="Adoption de la charte",
        ouverture=timezone.now() + dt.timedelta(days=1),
        cloture=timezone.now() + dt.timedelta(days=8),
        objet=charte,
    )
    DiscussionFactory(instance=college, titre="Relecture de la charte", objet=charte)
    reponse = client_pour(membres[0]).get(charte.get_absolute_url())
    page = texte(reponse)
    assert "Article premier." in page and "Adoption de la charte" in page and "Relecture de la charte" in page
    assert "objet_type=college.texte&objet_id=" in page
    assert "Charte du Collège" in texte(client_pour(membres[0]).get(url("scrutin_detail", scrutin)))
    assert client_pour(secretariat).get(charte.get_absolute_url()).status_code == 200
    etranger = MandatFactory(instance=InstanceFactory()).personne
    assert client_pour(etranger).get(charte.get_absolute_url()).status_code == 404
