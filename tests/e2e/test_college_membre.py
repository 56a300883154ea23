"""Un membre du Collège dans un vrai navigateur : Anne détient la procuration de Bruno pour
une délibération secrète ouverte ; elle vote pour elle puis pour lui et note les deux codes
de reçu ; le secrétariat clôt le scrutin ; Anne ouvre l'urne publiée, vérifie son reçu et y
retrouve son choix. axe sur chaque page visitée."""

import re

import pytest
from playwright.sync_api import expect

from college import services
from college.models import Bulletin, Emargement
from comptes.roles import Role
from tests.college.factories import ScrutinFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import CollegeFactory, MandatFactory
from tests.e2e.conftest import connecter

pytestmark = pytest.mark.django_db(transaction=True)

FORMAT_RECU = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def test_un_membre_vote_par_procuration_et_verifie_son_recu_apres_la_cloture(
    onglet, django_capture_on_commit_callbacks
):
    secretariat = UtilisateurFactory(roles=(Role.SECRETARIAT,), is_staff=True, totp=True)
    college = CollegeFactory()
    anne, bruno, _claire = (
        MandatFactory(instance=college, personne=UtilisateurFactory(prenom=prenom, nom=nom)).personne
        for prenom, nom in (("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier"))
    )
    scrutin = ScrutinFactory(
        instance=college, titre="Adoption de la charte du Collège", question="Adoptez-vous la charte ?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.procuration_vote_donner(scrutin=scrutin, mandant=bruno, mandataire=anne, acteur=bruno)
        services.scrutin_ouvrir(scrutin=scrutin, acteur=secretariat)

    connecter(onglet, anne)
    page = onglet.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Scrutins", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrutins")
    ligne = page.get_by_role("row", name=re.compile("Adoption de la charte du Collège"))
    expect(ligne).to_contain_text("Pas encore voté")
    expect(ligne).to_contain_text("Pour Bruno Bernard (procuration) : pas encore voté")
    onglet.verifier_accessibilite()

    page.get_by_role("link", name="Adoption de la charte du Collège").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adoption de la charte du Collège")
    expect(page.get_by_text("Secret : l'urne publiée ne dit pas qui a voté quoi.")).to_be_visible()
    onglet.verifier_accessibilite()

    # Son propre bulletin : pour.
    le_sien = page.get_by_role("form", name="Votre bulletin")
    le_sien.get_by_role("group", name="Votre vote").get_by_label("Pour", exact=True).check()
    le_sien.get_by_role("button", name="Déposer mon bulletin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre bulletin est dans l'urne")
    recu_anne = page.locator("#code-recu").inner_text().strip()
    assert FORMAT_RECU.match(recu_anne)
    expect(
        page.get_by_text(
            re.compile(
                "Notez ce code maintenant : la page du scrutin le redonnera sur cet appareil"
                " jusqu.à .+, puis plus jamais."
            )
        )
    ).to_be_visible()
    onglet.verifier_accessibilite()

    # Celui de Bruno, par procuration : contre.
    page.get_by_role("link", name="Déposer un autre bulletin (procuration)").click()
    expect(page.get_by_text("Vous avez voté.", exact=True)).to_be_visible()
    pour_bruno = page.get_by_role("form", name="Voter pour Bruno Bernard (procuration)")
    pour_bruno.get_by_role("group", name="Vote de Bruno Bernard").get_by_label("Contre").check()
    onglet.verifier_accessibilite()
    pour_bruno.get_by_role("button", name="Déposer le bulletin de Bruno Bernard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le bulletin de Bruno Bernard est dans l'urne")
    recu_bruno = page.locator("#code-recu").inner_text().strip()
    assert FORMAT_RECU.match(recu_bruno) and recu_bruno != recu_anne
    onglet.verifier_accessibilite()

    page.get_by_role("link", name="Revenir au scrutin").click()
    expect(page.get_by_text("Vous avez voté pour Bruno Bernard (procuration).")).to_be_visible()
    # Le reçu de secours : les deux codes, sur cet appareil, jusqu'à ce qu'Anne les efface.
    secours = page.get_by_role("region", name="Vos codes de reçu")
    expect(secours).to_contain_text(recu_anne)
    expect(secours).to_contain_text(recu_bruno)
    onglet.verifier_accessibilite()
    secours.get_by_role("button", name="J'ai noté mon code : l'effacer de cet appareil").click()
    expect(page.get_by_text("Le code de reçu n'est plus gardé sur cet appareil.")).to_be_visible()
    expect(page.get_by_role("region", name="Vos codes de reçu")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Déposer"))).to_have_count(0)
    assert recu_anne not in page.content() and recu_bruno not in page.content()
    assert Emargement.objects.get(scrutin=scrutin, personne=bruno).vote_par_id == anne.pk

    # Avant la clôture, l'urne est scellée.
    onglet.aller(f"/college/scrutins/{scrutin.pk}/urne/")
    expect(page.get_by_text(re.compile("L'urne est scellée jusqu'à la clôture du vote"))).to_be_visible()
    onglet.verifier_accessibilite()

    with django_capture_on_commit_callbacks(execute=True):
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous les électeurs ont voté.")
    assert Bulletin.objects.filter(scrutin=scrutin).count() == 2

    page = onglet.aller(f"/college/scrutins/{scrutin.pk}/")
    expect(page.get_by_role("region", name="Résultat")).to_be_visible()
    onglet.verifier_accessibilite()
    page.get_by_role("link", name="Consulter l'urne publiée et vérifier mon reçu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Urne du scrutin")
    expect(page.get_by_role("row", name=re.compile(recu_anne))).to_contain_text("Pour")
    expect(page.get_by_role("row", name=re.compile(recu_bruno))).to_contain_text("Contre")
    expect(page.get_by_text("Le recomptage confirme le résultat publié.")).to_be_visible()
    onglet.verifier_accessibilite()

    page.get_by_label("Code de reçu").fill(recu_anne.lower())
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Le bulletin {recu_anne} est dans l'urne, compté avec le choix : Pour."
    )
    onglet.verifier_accessibilite()
