"""Un membre du Conseil dans un vrai navigateur : il ouvre son espace, son instance, la
séance à laquelle il est convoqué, répond qu'il sera présent, se ravise et donne procuration
à un autre membre, puis télécharge le document d'un point de l'ordre du jour. axe sur chaque
page visitée."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from comptes.roles import Role
from conseil import services
from conseil.models import NaturePoint, Presence, Procuration, Reponse
from socle.services import document_deposer
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import ConseilFactory, MandatFactory, ReunionFactory
from tests.e2e.conftest import connecter
from tests.socle import fichiers

pytestmark = pytest.mark.django_db(transaction=True)


def _seance_convoquee(django_capture_on_commit_callbacks):
    secretariat = UtilisateurFactory(roles=(Role.SECRETARIAT,), is_staff=True, totp=True)
    conseil = ConseilFactory()
    membres = [
        MandatFactory(
            instance=conseil, personne=UtilisateurFactory(prenom=prenom, nom=nom), siege=siege
        ).personne
        for siege, (prenom, nom) in enumerate(
            [("Anne", "Aubert"), ("Bruno", "Bernard"), ("Claire", "Chevalier")], start=1
        )
    ]
    reunion = ReunionFactory(instance=conseil, titre="Séance plénière de printemps")
    point = services.point_ajouter(
        reunion=reunion, acteur=secretariat, titre="Diagnostic local de santé", nature=NaturePoint.DEBAT
    )
    document_deposer(
        fichier=fichiers.fichier("diagnostic.pdf", fichiers.pdf(pages=2), "application/pdf"),
        acteur=secretariat,
        titre="Diagnostic local de santé 2026",
        objet=point,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.convocation_envoyer(reunion=reunion, acteur=secretariat)
    return conseil, reunion, membres


def test_un_membre_repond_donne_procuration_et_telecharge_un_document(
    onglet, django_capture_on_commit_callbacks
):
    conseil, reunion, (anne, bruno, _claire) = _seance_convoquee(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in (anne, bruno, _claire))

    connecter(onglet, anne)
    page = onglet.aller("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Conseil de santé", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace Conseil")
    expect(page.get_by_role("cell", name="Membre titulaire")).to_be_visible()
    expect(page.get_by_role("row", name="Séance plénière de printemps")).to_contain_text(
        "Répondre à la convocation"
    )
    onglet.verifier_accessibilite()

    contenu = page.get_by_role("main")
    contenu.get_by_role("link", name="Conseil de santé du Cotentin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conseil de santé du Cotentin")
    expect(page.get_by_role("table", name="Membres en cours de mandat")).to_contain_text("Bruno Bernard")
    onglet.verifier_accessibilite()

    contenu.get_by_role("link", name="Séance plénière de printemps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Séance plénière de printemps")
    expect(page.get_by_text("Vous n'avez pas encore répondu.")).to_be_visible()
    onglet.verifier_accessibilite()

    reponse = page.get_by_role("group", name="Serez-vous présent à la séance ?")
    reponse.get_by_label("Je serai présent").check()
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_role("status")).to_have_text("C'est noté : vous serez présent à la séance.")
    expect(page.get_by_label("Je serai présent")).to_be_checked()
    onglet.verifier_accessibilite()

    # Elle se ravise : elle ne pourra pas venir et confie sa voix à Bruno.
    page.get_by_label("Je donne procuration à").select_option(label="Bruno Bernard")
    page.get_by_role("button", name="Donner procuration").click()
    expect(page.get_by_role("status")).to_have_text(
        "Vous avez donné procuration à Bruno Bernard pour cette séance."
    )
    expect(page.get_by_text("Vous avez donné procuration à Bruno Bernard.")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer ma procuration")).to_be_visible()
    onglet.verifier_accessibilite()
    procuration = Procuration.objects.get(reunion=reunion)
    assert (procuration.mandant, procuration.mandataire) == (anne, bruno)
    assert reunion.participations.get(personne=anne).reponse == Reponse.PROCURATION

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Diagnostic local de santé 2026").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == "diagnostic.pdf"
    with open(fichier.path(), "rb") as octets:
        assert octets.read(5) == b"%PDF-"

    contenu.get_by_role("link", name="Mon espace Conseil").click()
    expect(page.get_by_role("row", name="Séance plénière de printemps")).to_contain_text(
        "Procuration à Bruno Bernard"
    )


def test_un_refus_de_procuration_s_affiche_sur_la_page_de_la_seance(
    onglet, django_capture_on_commit_callbacks
):
    _conseil, reunion, (anne, _bruno, _claire) = _seance_convoquee(django_capture_on_commit_callbacks)
    # Le secrétariat a déjà relevé sa présence à l'ouverture de la séance.
    reunion.participations.filter(personne=anne).update(presence=Presence.PRESENT)

    connecter(onglet, anne)
    page = onglet.aller(f"/conseil/seances/{reunion.pk}/")
    page.get_by_label("Je donne procuration à").select_option(label="Claire Chevalier")
    page.get_by_role("button", name="Donner procuration").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Anne Aubert est présent à la séance : un membre présent ne donne pas procuration."
    )
    expect(page.get_by_label("Je donne procuration à")).to_have_value(str(_claire.pk))
    onglet.verifier_accessibilite()
    assert not Procuration.objects.exists()


def test_le_secretariat_voit_toutes_les_instances(onglet, django_capture_on_commit_callbacks):
    conseil, reunion, _membres = _seance_convoquee(django_capture_on_commit_callbacks)
    ReunionFactory(instance=conseil, titre="Séance plénière d'automne")
    secretariat = UtilisateurFactory(roles=(Role.SECRETARIAT,), is_staff=True, totp=True)
    connecter(onglet, secretariat)
    page = onglet.aller("/conseil/")
    expect(page.get_by_role("row", name="Séance plénière d'automne")).to_contain_text("Planifiée")
    expect(
        page.get_by_role("link", name="Planifier une séance — Conseil de santé du Cotentin")
    ).to_be_visible()
    onglet.verifier_accessibilite()
    onglet.aller(f"/conseil/instances/{conseil.pk}/")
    onglet.verifier_accessibilite()
    # La séance, avec le bloc du secrétariat ; il n'y est pas convoqué.
    page = onglet.aller(f"/conseil/seances/{reunion.pk}/")
    expect(page.get_by_role("heading", name="Secrétariat de la séance")).to_be_visible()
    expect(page.get_by_role("heading", name="Votre réponse à la convocation")).to_have_count(0)
    onglet.verifier_accessibilite()
