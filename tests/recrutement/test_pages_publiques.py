"""Les pages publiques des offres : liste filtrée, page d'une offre et son JSON-LD (règles de
Google, tout ce qu'il dit écrit sur la page), 410 d'une offre partie, flux Atom et calendrier
des remplacements."""

import json
import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar

from recrutement import services
from recrutement.cartes import carte_des_offres
from recrutement.models import StatutOffre, TypeContrat
from recrutement.selectors import offres_en_ligne_par_commune
from socle.francais import date_longue
from territoire.models import Commune
from tests.recrutement import factories as f
from tests.territoire.factories import ProfessionFactory

pytestmark = pytest.mark.django_db

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


def publier(g: f.Gcs, saisie) -> object:
    offre = services.offre_creer(acteur=g.recruteur_chpc, saisie=saisie)
    services.offre_transition(offre=offre, vers=StatutOffre.SOUMISE, acteur=g.recruteur_chpc)
    return services.offre_transition(offre=offre, vers=StatutOffre.PUBLIEE, acteur=g.moderateur)


def job_posting(client, offre) -> tuple[dict, str]:
    reponse = client.get(f"/offres/{offre.pk}/")
    assert reponse.status_code == 200
    html = reponse.content.decode()
    blocs = JSONLD.findall(html)
    assert len(blocs) == 1
    return json.loads(blocs[0]), html


def texte_visible(html: str) -> str:
    """Le texte de la page, hors de l'en-tête (où est le JSON-LD)."""
    corps = html.split("<body", 1)[1]
    return " ".join(strip_tags(corps).split())


def test_le_job_posting_suit_les_regles_de_google_et_dit_ce_que_montre_la_page(client, g):
    offre = publier(
        g,
        f.saisie_mixte(
            g, remuneration_min=5000, remuneration_max=7000, debut=timezone.localdate() + timedelta(days=90)
        ),
    )
    donnees, html = job_posting(client, offre)
    visible = texte_visible(html)

    assert donnees["@context"] == "https://schema.org/"
    assert donnees["@type"] == "JobPosting"
    for requis in ("title", "description", "datePosted", "validThrough", "hiringOrganization", "jobLocation"):
        assert donnees[requis], requis
    # Offre mixte : plusieurs types d'emploi, en liste.
    assert donnees["employmentType"] == ["PART_TIME", "CONTRACTOR"]
    assert donnees["hiringOrganization"]["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "FINESS",
        "value": g.chpc.finess,
    }
    assert donnees["validThrough"].startswith(offre.date_limite.isoformat() + "T23:59:59")

    # Tout est écrit sur la page.
    assert donnees["title"] in visible
    for ligne in donnees["description"].splitlines():
        assert ligne in visible
    assert donnees["hiringOrganization"]["name"] in visible
    assert f"FINESS {g.chpc.finess}" in visible
    assert date_longue(offre.date_limite) in visible
    assert date_longue(timezone.localdate(offre.publiee_le)) == date_longue(
        date.fromisoformat(donnees["datePosted"])
    )
    assert date_longue(timezone.localdate(offre.publiee_le)) in visible
    assert "5 000,00 €" in visible and "7 000,00 €" in visible
    assert date_longue(offre.debut) in visible
    assert len(donnees["jobLocation"]) == 2
    for lieu in donnees["jobLocation"]:
        adresse = lieu["address"]
        assert (adresse["addressRegion"], adresse["addressCountry"]) == ("Normandie", "FR")
        assert adresse["addressLocality"] in visible
        assert adresse["postalCode"] in visible
    assert "Normandie, France" in visible
    assert "50 % en salarié — CH public du Cotentin" in visible
    assert "50 % en libéral — MSP de la Hague" in visible


@pytest.mark.parametrize(
    ("type_contrat", "quotite", "attendu"),
    [
        (TypeContrat.SALARIE, 100, "FULL_TIME"),
        (TypeContrat.SALARIE, 80, "PART_TIME"),
        (TypeContrat.LIBERAL, 100, "CONTRACTOR"),
        (TypeContrat.ASSOCIATION, 100, "CONTRACTOR"),
        (TypeContrat.SUCCESSION, 100, "CONTRACTOR"),
    ],
)
def test_type_d_emploi(client, g, type_contrat, quotite, attendu):
    offre = publier(g, f.saisie(g.chpc, type_contrat=type_contrat, quotite=quotite))
    assert job_posting(client, offre)[0]["employmentType"] == attendu


def test_sans_finess_l_employeur_est_identifie_par_son_siret(client, g):
    g.chpc.finess = None
    g.chpc.siret = "26500090700012"
    g.chpc.save()
    offre = publier(g, f.saisie(g.chpc))
    donnees, html = job_posting(client, offre)
    assert donnees["hiringOrganization"]["identifier"]["propertyID"] == "SIRET"
    assert "SIRET 26500090700012" in texte_visible(html)


def test_le_json_ld_ne_ferme_jamais_sa_balise(client, g):
    titre = "Urgentiste </script><script>alert(1)</script> & co"
    offre = publier(g, f.saisie(g.chpc, titre=titre))
    reponse = client.get(f"/offres/{offre.pk}/")
    html = reponse.content.decode()
    assert "<script>alert(1)" not in html
    assert job_posting(client, offre)[0]["title"] == titre
    # Un bloc de données : la CSP n'a pas à l'autoriser, il n'est pas exécuté.
    assert "application/ld+json" in html


def test_le_json_ld_n_est_que_sur_la_page_de_l_offre(client, g):
    publier(g, f.saisie(g.chpc))
    assert "application/ld+json" not in client.get("/offres/").content.decode()


def test_une_offre_echue_quitte_la_liste_et_sa_page_repond_410(client, g, monkeypatch):
    echue = publier(
        g, f.saisie(g.chpc, titre="Anesthésiste", date_limite=timezone.localdate() + timedelta(days=1))
    )
    semblable = publier(g, f.saisie(g.chpc, titre="Anesthésiste de nuit"))
    assert "Anesthésiste</a>" in client.get("/offres/").content.decode()
    apres_demain = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: apres_demain)
    liste = client.get("/offres/").content.decode()
    assert "Anesthésiste</a>" not in liste and "Anesthésiste de nuit" in liste
    # Avant même que la tâche ne l'expire : l'offre est encore « publiée » en base.
    echue.refresh_from_db()
    assert echue.statut == StatutOffre.PUBLIEE
    reponse = client.get(f"/offres/{echue.pk}/")
    assert reponse.status_code == 410
    page = reponse.content.decode()
    assert "Cette offre n&#x27;est plus en ligne" in page or "Cette offre n'est plus en ligne" in page
    assert f'href="/offres/{semblable.pk}/"' in page
    assert "application/ld+json" not in page


@pytest.mark.parametrize("statut", [StatutOffre.POURVUE, StatutOffre.RETIREE, StatutOffre.EXPIREE])
def test_une_offre_close_repond_410(client, g, statut):
    offre = f.offre(g, statut)
    assert client.get(f"/offres/{offre.pk}/").status_code == 410


@pytest.mark.parametrize("statut", [StatutOffre.BROUILLON, StatutOffre.SOUMISE])
def test_une_offre_pas_encore_publiee_n_existe_pas_pour_le_public(client, g, statut):
    offre = f.offre(g, statut)
    assert client.get(f"/offres/{offre.pk}/").status_code == 404


def test_les_filtres_de_la_liste(client, g):
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    urgentiste = publier(g, f.saisie(g.chpc))
    infirmiere = publier(g, f.saisie(g.chpc, titre="Infirmier de bloc", profession=infirmier))
    hague = publier(
        g, f.saisie(g.chpc, titre="Généraliste à la Hague", structures=[], communes=[g.msp.commune])
    )
    mixte = publier(g, f.saisie_mixte(g))

    def titres(requete: str) -> set[str]:
        page = client.get("/offres/" + requete).content.decode()
        return {o.titre for o in (urgentiste, infirmiere, hague, mixte) if f'href="/offres/{o.pk}/"' in page}

    assert titres("") == {urgentiste.titre, infirmiere.titre, hague.titre, mixte.titre}
    assert titres(f"?profession={infirmier.pk}") == {infirmiere.titre}
    assert titres("?type_contrat=mixte") == {mixte.titre}
    assert titres(f"?commune={g.msp.commune_id}") == {hague.titre, mixte.titre}
    assert titres(f"?pole={g.msp.commune.pole_id}") == {hague.titre, mixte.titre}
    assert titres(f"?employeur={g.chpc.pk}") == {urgentiste.titre, infirmiere.titre, hague.titre, mixte.titre}


def test_la_liste_est_paginee(client, g):
    for rang in range(23):
        publier(g, f.saisie(g.chpc, titre=f"Poste {rang}"))
    premiere = client.get("/offres/").content.decode()
    assert "23 offres en ligne" in premiere and "Page 1 sur 2" in premiere
    assert "Poste 2</a>" in client.get("/offres/?page=2").content.decode()


def test_le_flux_atom_des_offres_en_ligne(client, g):
    en_ligne = publier(g, f.saisie(g.chpc, titre="Cardiologue"))
    f.offre(g, StatutOffre.POURVUE, titre="Pourvue")
    f.offre(g, StatutOffre.SOUMISE, titre="En modération")
    reponse = client.get("/offres/flux.atom")
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    racine = ElementTree.fromstring(reponse.content)  # noqa: S314 (notre propre flux, pas une entrée extérieure)
    entrees = racine.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entrees] == ["Cardiologue — CH public du Cotentin"]
    assert entrees[0].find(f"{atom}link").get("href").endswith(f"/offres/{en_ligne.pk}/")


def test_le_calendrier_des_remplacements(client, g):
    debut = timezone.localdate() + timedelta(days=30)
    remplacement = publier(
        g,
        f.saisie(
            g.chpc,
            titre="Remplacement en médecine générale",
            type_contrat=TypeContrat.REMPLACEMENT,
            debut=debut,
            fin=debut + timedelta(days=13),
        ),
    )
    publier(g, f.saisie(g.chpc, titre="Poste salarié"))
    reponse = client.get("/offres/remplacements.ics")
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/calendar")
    evenements = Calendar.from_ical(reponse.content).walk("VEVENT")
    assert len(evenements) == 1
    evenement = evenements[0]
    assert str(evenement["summary"]) == "Remplacement en médecine générale — CH public du Cotentin"
    assert evenement.decoded("dtstart") == debut
    assert evenement.decoded("dtend") == debut + timedelta(days=14)  # fin incluse : jour entier
    assert str(evenement["url"]).endswith(f"/offres/{remplacement.pk}/")
    assert "Cherbourg-en-Cotentin" in str(evenement["location"])


def test_la_carte_compte_les_offres_a_leurs_lieux(client, g):
    """Une offre compte dans chaque commune où elle fait exercer (ses communes, celles de ses
    établissements), une fois par commune ; la commune de l'employeur n'y est pour rien."""
    a_cherbourg = publier(g, f.saisie(g.chpc, titre="Urgentiste"))
    a_la_hague = publier(g, f.saisie(g.chpc, titre="Consultations avancées", structures=[g.msp]))
    partout = publier(
        g, f.saisie(g.chpc, titre="Deux sites", structures=[g.chpc, g.msp], communes=[g.msp.commune])
    )

    def titres(requete: str) -> set[str]:
        page = client.get("/offres/" + requete).content.decode()
        return {o.titre for o in (a_cherbourg, a_la_hague, partout) if f'href="/offres/{o.pk}/"' in page}

    assert titres(f"?commune={g.msp.commune_id}") == {a_la_hague.titre, partout.titre}
    assert titres(f"?commune={g.chpc.commune_id}") == {a_cherbourg.titre, partout.titre}
    assert offres_en_ligne_par_commune(timezone.localdate()) == {g.msp.commune_id: 2, g.chpc.commune_id: 2}


def test_la_carte_des_offres(client, g):
    carre = [[-1.6, 49.6], [-1.5, 49.6], [-1.5, 49.65], [-1.6, 49.65], [-1.6, 49.6]]
    Commune.objects.filter(pk=g.chpc.commune_id).update(contour={"type": "Polygon", "coordinates": [carre]})
    a_cote = [[x + 0.2, y] for x, y in carre]
    Commune.objects.filter(pk=g.msp.commune_id).update(contour={"type": "Polygon", "coordinates": [a_cote]})
    publier(g, f.saisie(g.chpc, titre="Urgentiste"))
    # La liste la charge après elle (htmx) ; sans script, un lien y mène.
    liste = client.get("/offres/").content.decode()
    assert 'hx-get="/offres/carte/"' in liste and 'href="/offres/carte/"' in liste
    fragment = client.get("/offres/carte/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="carte-offres-tableau"' in fragment
    page = client.get("/offres/carte/").content.decode()
    assert "<h1>Les offres d'emploi sur la carte du Cotentin</h1>" in page
    assert 'id="carte-offres-tableau"' in page
    # Cherbourg mène à la liste filtrée sur elle ; la Hague, sans offre, ne mène nulle part.
    assert f'href="/offres/?commune={g.chpc.commune_id}"' in page
    assert f'href="/offres/?commune={g.msp.commune_id}"' not in page
    carte = carte_des_offres(timezone.localdate())
    tableau = {ligne.cellules[0].texte: ligne.cellules[-1].texte for ligne in carte.tableau.lignes}
    assert tableau["Cherbourg-en-Cotentin"] == "1 offre en ligne"
    assert tableau["La Hague"].startswith("0 offre")
