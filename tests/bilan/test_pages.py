"""Les pages du bilan annuel : la page publique (les versions adoptées seulement, la dernière
de chaque année), la page d'une année (avancement, erreur et relance, formulaires d'adoption
et de transmission pour le secrétariat), un formulaire refusé qui revient avec la saisie et
rien d'écrit, le fragment d'avancement pour htmx, le téléchargement du PDF et
l'administration en lecture seule."""

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bilan.models import EtatGeneration, StatutBilan, VersionBilan
from socle.models import Evenement
from tests.bilan import factories as b
from tests.conseil.factories import ReunionFactory

pytestmark = pytest.mark.django_db


def texte(reponse: Any) -> str:
    """Le HTML de la réponse, entités décodées et espaces ramenés à un seul."""
    return re.sub(r"\s+", " ", unescape(reponse.content.decode()))


def connecte(utilisateur: Any) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


def etat_en_base(version: VersionBilan) -> dict[str, Any]:
    return VersionBilan.objects.filter(pk=version.pk).values().get()


# --- La page publique ----------------------------------------------------------------------


def test_la_page_publique_montre_la_derniere_version_adoptee_de_chaque_annee(client):
    seance = b.seance_du_conseil(titre="Séance plénière du 12 mars")
    b.adoptee(2024, reunion=seance)
    b.transmise_cc(2024, reunion=seance, deliberation="DEL2025_017")
    b.version_prete(2024)  # la version 3 : un brouillon
    b.version_prete(2025)  # une année sans version adoptée
    b.version(2025, etat=EtatGeneration.ECHOUEE)

    reponse = client.get("/bilans/")
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Bilans annuels du Conseil de santé" in page
    assert "Bilan 2024" in page
    assert "délibération DEL2025_017" in page
    assert "Séance plénière du 12 mars" in page
    assert 'href="/bilans/2024/versions/2/pdf/"' in page
    assert "Télécharger le bilan 2024 (PDF, 1 pages)" in page
    # Ni l'ancienne version adoptée, ni le brouillon, ni l'année sans version adoptée.
    assert "/bilans/2024/versions/1/" not in page
    assert "/bilans/2024/versions/3/" not in page
    assert "Bilan 2025" not in page and "/bilans/2025/" not in page


def test_la_page_publique_sans_bilan_adopte(client):
    b.version_prete(2025)
    reponse = client.get("/bilans/")
    assert reponse.status_code == 200
    assert "Aucun bilan n'a encore été adopté." in texte(reponse)


def test_le_public_ne_voit_que_les_versions_adoptees_d_une_annee(client):
    b.adoptee(2024)
    brouillon = b.version_prete(2024, demandee_par=None)
    b.version(2024, etat=EtatGeneration.ECHOUEE)
    page = texte(client.get("/bilans/2024/"))
    assert "Version 1 — Adopté en séance" in page
    assert "Version adoptée : figée, elle ne change plus." in page
    assert "Version 2" not in page and "Version 3" not in page
    assert "a échoué" not in page
    assert "Générer une nouvelle version" not in page
    assert "<form" not in page.split('id="contenu"')[1]
    assert client.get(f"/bilans/2024/versions/{brouillon.numero}/pdf/").status_code == 404
    # Une année sans version adoptée n'existe pas pour le public.
    b.version_prete(2025)
    assert client.get("/bilans/2025/").status_code == 404


# --- La page d'une année, pour le secrétariat ----------------------------------------------


@pytest.fixture
def annee_2025(secretariat):
    """2025 : la version 1 adoptée, la 2 échouée, la 3 en cours de génération."""
    return {
        "adoptee": b.adoptee(2025, demandee_par=secretariat),
        "echouee": b.version(2025, etat=EtatGeneration.ECHOUEE, demandee_par=secretariat),
        "en_cours": b.version(2025, etat=EtatGeneration.EN_COURS, demandee_par=secretariat),
    }


def test_le_secretariat_voit_l_avancement_l_erreur_et_la_relance(secretariat, annee_2025):
    page = texte(connecte(secretariat).get("/bilans/2025/"))
    # La génération en cours : son étape, son pourcentage, le rafraîchissement par htmx.
    assert "Rassemblement : Le Conseil de santé — 35 %" in page
    assert '<progress class="w-100" max="100" value="35"' in page
    assert 'hx-get="/bilans/2025/versions/3/avancement/"' in page
    assert 'hx-trigger="every 2s"' in page
    # Une seule génération à la fois : le bouton est désactivé.
    assert re.search(
        r'<button type="submit" class="btn btn-primary" disabled>Générer une nouvelle version', page
    )
    assert "Une génération est en cours." in page
    # La version échouée : son erreur et le bouton de relance.
    assert '<div class="alert alert-danger mb-0" role="alert">' in page
    assert "la section du Conseil n'a pas pu être lue." in page
    assert 'action="/bilans/2025/versions/2/relancer/"' in page
    assert "Relancer la génération" in page
    assert page.count("Relancer la génération") == 1
    # La version adoptée : son PDF, son empreinte, ses chiffres clés, et la transmission.
    adoptee = annee_2025["adoptee"]
    assert "Télécharger la version 1 (PDF/A, 1 pages)" in page
    assert adoptee.empreinte in page
    assert "Chiffres clés de cette version" in page and "25 000,00 €" in page
    assert "Transmission au Conseil communautaire" in page
    assert 'action="/bilans/2025/versions/1/transmettre-conseil-communautaire/"' in page
    for champ in ("v1-le", "v1-deliberation", "v1-pris_acte"):
        assert f'name="{champ}"' in page
    assert f"Demandée par {secretariat}" in page


def test_les_formulaires_d_adoption_et_de_transmission_au_conseil_de_developpement(secretariat):
    seance = b.seance_du_conseil()
    b.transmise_cc(2024, reunion=seance)
    b.version_prete(2024)
    page = texte(connecte(secretariat).get("/bilans/2024/"))
    assert "Enregistrer l'adoption en séance" in page
    assert 'action="/bilans/2024/versions/2/adopter/"' in page
    assert f'<option value="{seance.pk}">{seance}</option>' in page
    assert "— 1. Adoption du bilan annuel</option>" in page
    assert 'name="v2-adopte_le"' in page
    assert "Transmission au Conseil de développement" in page
    assert 'action="/bilans/2024/versions/1/transmettre-conseil-developpement/"' in page
    assert 'name="v1-le"' in page
    assert "a pris acte le" in page and "(délibération DEL2026_045)" in page


def test_le_co_president_lit_sans_rien_pouvoir_faire(copresident, annee_2025):
    page = texte(connecte(copresident).get("/bilans/2025/"))
    assert "Version 3 — Brouillon" in page and "Version 2 — Brouillon" in page
    assert "la section du Conseil n'a pas pu être lue" in page
    assert "Rassemblement : Le Conseil de santé — 35 %" in page
    for action in ("Relancer la génération", "Générer une nouvelle version", "Enregistrer la délibération"):
        assert action not in page
    gestion = texte(connecte(copresident).get("/bilans/gestion/"))
    assert "Générer le bilan" not in gestion
    assert "version 3 — Brouillon (En cours)" in gestion


def test_la_page_de_gestion(secretariat, annee_2025):
    b.version_prete(2024)
    page = texte(connecte(secretariat).get("/bilans/gestion/"))
    assert "Générer un bilan" in page
    annee = timezone.localdate().year
    assert f'<option value="{annee - 1}" selected>{annee - 1}</option>' in page
    assert '<option value="2024">2024</option>' in page or 'value="2024" selected' in page
    assert '<option value="2023"' not in page
    assert "version 3 — Brouillon (En cours)" in page
    assert "version 1 — Brouillon (Prête)" in page


# --- Les formulaires ------------------------------------------------------------------------


def test_demander_le_bilan_depuis_la_page(secretariat, django_capture_on_commit_callbacks):
    client = connecte(secretariat)
    with django_capture_on_commit_callbacks() as rappels:
        reponse = client.post("/bilans/generer/", {"annee": "2025"}, follow=True)
    assert len(rappels) == 1
    assert reponse.redirect_chain == [("/bilans/2025/#version-1", 302)]
    page = texte(reponse)
    assert "La génération de la version 1 est demandée : suivez son avancement ci-dessous." in page
    assert "En attente du worker…" in page
    with django_capture_on_commit_callbacks() as rappels:
        reponse = client.post("/bilans/generer/", {"annee": "2025"}, follow=True)
    assert rappels == []
    assert "Une génération du bilan 2025 est déjà en cours (version 1) : aucune autre n'est lancée." in texte(
        reponse
    )
    assert VersionBilan.objects.count() == 1


def test_une_annee_invalide_revient_avec_le_message(secretariat):
    reponse = connecte(secretariat).post("/bilans/generer/", {"annee": "2023"})
    assert reponse.status_code == 400
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert not VersionBilan.objects.exists()


def test_une_adoption_refusee_revient_avec_la_saisie(secretariat):
    seance = b.seance_du_conseil()
    version = b.version_prete(2025)
    avant = etat_en_base(version)
    demain = timezone.localdate() + dt.timedelta(days=1)
    point = seance.points.get()
    reponse = connecte(secretariat).post(
        "/bilans/2025/versions/1/adopter/",
        {"v1-reunion": seance.pk, "v1-point": point.pk, "v1-adopte_le": demain.isoformat()},
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "La date d'adoption ne peut pas être dans le futur." in page
    assert "Rien n'a été enregistré : corrigez le formulaire de la version 1." in page
    assert f'value="{demain.isoformat()}"' in page
    assert f'<option value="{seance.pk}" selected>' in page
    assert f'<option value="{point.pk}" selected>' in page
    assert etat_en_base(version) == avant
    assert not Evenement.objects.filter(verbe="bilan.version.adoptee").exists()


def test_une_seance_qui_n_est_pas_tenue_ne_se_choisit_pas(secretariat):
    planifiee = ReunionFactory()  # la séance du Conseil dans un mois, pas encore tenue
    version = b.version_prete(2025)
    avant = etat_en_base(version)
    reponse = connecte(secretariat).post(
        "/bilans/2025/versions/1/adopter/",
        {"v1-reunion": planifiee.pk, "v1-adopte_le": timezone.localdate().isoformat()},
    )
    assert reponse.status_code == 400
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert etat_en_base(version) == avant


def test_une_transmission_sans_prise_d_acte_revient_avec_la_saisie(secretariat):
    version = b.adoptee(2025)
    avant = etat_en_base(version)
    reponse = connecte(secretariat).post(
        "/bilans/2025/versions/1/transmettre-conseil-communautaire/",
        {"v1-le": timezone.localdate().isoformat(), "v1-deliberation": "DEL2026_045"},
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "Ce champ est obligatoire." in page
    assert 'value="DEL2026_045"' in page
    assert "Rien n'a été enregistré : corrigez le formulaire de la version 1." in page
    assert etat_en_base(version) == avant


def test_l_adoption_depuis_la_page(secretariat):
    seance = b.seance_du_conseil()
    version = b.version_prete(2025)
    le = timezone.localtime(seance.debut).date()
    reponse = connecte(secretariat).post(
        "/bilans/2025/versions/1/adopter/",
        {"v1-reunion": seance.pk, "v1-point": seance.points.get().pk, "v1-adopte_le": le.isoformat()},
        follow=True,
    )
    assert reponse.redirect_chain == [("/bilans/2025/#version-1", 302)]
    assert "La version est adoptée et publiée ; elle est désormais figée." in texte(reponse)
    version.refresh_from_db()
    assert (version.statut, version.reunion_id, version.adopte_le) == (StatutBilan.ADOPTE, seance.pk, le)


def test_la_relance_depuis_la_page(secretariat, django_capture_on_commit_callbacks):
    b.version(2025, etat=EtatGeneration.ECHOUEE)
    b.version_prete(2025)
    client = connecte(secretariat)
    with django_capture_on_commit_callbacks() as rappels:
        reponse = client.post("/bilans/2025/versions/1/relancer/", follow=True)
    assert len(rappels) == 1
    assert "La génération est relancée." in texte(reponse)
    assert VersionBilan.objects.get(numero=1).etat == EtatGeneration.EN_ATTENTE
    # Une version prête ne se relance pas : le message, et rien d'écrit.
    reponse = client.post("/bilans/2025/versions/2/relancer/", follow=True)
    assert reponse.redirect_chain == [("/bilans/2025/#version-2", 302)]
    assert "Seule une génération échouée, ou en attente depuis trop longtemps, peut être relancée." in texte(
        reponse
    )
    assert VersionBilan.objects.get(numero=2).etat == EtatGeneration.PRETE


# --- Le fragment d'avancement, le PDF -------------------------------------------------------


def test_le_fragment_d_avancement_recharge_la_page_une_fois_fini(secretariat):
    version = b.version(2025, etat=EtatGeneration.EN_COURS)
    client = connecte(secretariat)
    adresse = "/bilans/2025/versions/1/avancement/"
    htmx = {"HX-Request": "true"}

    reponse = client.get(adresse, headers=htmx)
    assert reponse.status_code == 200
    assert "HX-Refresh" not in reponse
    fragment = texte(reponse)
    assert fragment.startswith('<div class="avancement-bilan" id="avancement-1" hx-get=')
    assert "Rassemblement : Le Conseil de santé — 35 %" in fragment
    assert "<html" not in fragment

    VersionBilan.objects.filter(pk=version.pk).update(
        etat=EtatGeneration.ECHOUEE, erreur="La génération a échoué : panne."
    )
    reponse = client.get(adresse, headers=htmx)
    assert reponse["HX-Refresh"] == "true"
    assert "La génération a échoué : panne." in texte(reponse)
    assert "hx-get" not in texte(reponse)

    prete = b.version_prete(2025)
    reponse = client.get(f"/bilans/2025/versions/{prete.numero}/avancement/", headers=htmx)
    assert reponse["HX-Refresh"] == "true"
    assert "Prête : 1 pages, générée le" in texte(reponse)
    # Sans htmx (lien ouvert à la main), pas d'en-tête.
    assert "HX-Refresh" not in client.get(f"/bilans/2025/versions/{prete.numero}/avancement/")


def test_le_telechargement_sert_le_pdf(secretariat):
    version = b.version_prete(2025)
    reponse = connecte(secretariat).get("/bilans/2025/versions/1/pdf/")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="bilan-conseil-sante-cotentin-2025-v1.pdf"'
    contenu = b"".join(reponse.streaming_content)
    assert contenu.startswith(b"%PDF-")
    version.document.fichier.open("rb")
    assert contenu == version.document.fichier.read()
    lire = connecte(secretariat).get("/bilans/2025/versions/1/pdf/?lire=1")
    assert lire["Content-Disposition"] == 'inline; filename="bilan-conseil-sante-cotentin-2025-v1.pdf"'
    # Une version sans PDF (échouée) n'a rien à télécharger.
    b.version(2025, etat=EtatGeneration.ECHOUEE)
    assert connecte(secretariat).get("/bilans/2025/versions/2/pdf/").status_code == 404


# --- L'administration -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretariat", "superutilisateur"])
def test_l_administration_du_bilan_est_en_lecture_seule(request, persona):
    version = b.adoptee(2025)
    client = connecte(request.getfixturevalue(persona))
    assert client.get("/admin/bilan/versionbilan/").status_code == 200
    assert client.get("/admin/bilan/bilanannuel/").status_code == 200
    page = texte(client.get(f"/admin/bilan/versionbilan/{version.pk}/change/"))
    assert 'class="readonly"' in page
    assert "Adopté en séance" in page
    for champ in ("statut", "etat", "reunion", "adopte_le", "empreinte", "document"):
        assert not re.search(rf'<(input|select|textarea)[^>]* name="{champ}"', page), champ
    bilan = texte(client.get(f"/admin/bilan/bilanannuel/{version.bilan_id}/change/"))
    assert not re.search(r'<(input|select|textarea)[^>]* name="(annee|versions-0-statut)"', bilan)
    assert client.get("/admin/bilan/versionbilan/add/").status_code == 403
    assert client.get("/admin/bilan/bilanannuel/add/").status_code == 403
