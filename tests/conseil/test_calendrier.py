"""Les calendriers des séances : la page et le flux publics, l'adresse privée de chaque membre
(relue avec icalendar), son renouvellement, et la séance jointe à la convocation."""

import datetime as dt
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from conseil.calendrier import uid_de
from conseil.models import JetonCalendrier, RoleMandat, StatutReunion
from conseil.services import jeton_calendrier_de
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    ConseilFactory,
    InstanceFactory,
    MandatFactory,
    PointFactory,
    ReunionFactory,
    seance_convoquee,
)
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _a_18h(jours: int) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=jours)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )


def _evenements(contenu: bytes) -> dict[str, Any]:
    """Les VEVENT d'un calendrier, par titre (SUMMARY)."""
    calendrier = Calendar.from_ical(contenu)
    return {str(e["SUMMARY"]): e for e in calendrier.walk("VEVENT")}


def _client(utilisateur) -> Client:
    client = Client()
    client.force_login(utilisateur)
    return client


@pytest.fixture
def seances():
    """Les séances du Conseil (public) et d'un groupe de travail (pas public)."""
    conseil = ConseilFactory()
    groupe = InstanceFactory(nom="Groupe attractivité")
    prochaine = ReunionFactory(
        instance=conseil, titre="Séance plénière d'automne", statut=StatutReunion.CONVOQUEE, debut=_a_18h(20)
    )
    PointFactory(reunion=prochaine, ordre=1, titre="Adoption du programme de travail")
    PointFactory(reunion=prochaine, ordre=2, titre="Bilan des aides à l'installation")
    annulee = ReunionFactory(
        instance=conseil, titre="Séance extraordinaire", statut=StatutReunion.ANNULEE, debut=_a_18h(40)
    )
    passee = ReunionFactory(
        instance=conseil,
        titre="Séance plénière de printemps",
        statut=StatutReunion.CLOSE,
        quorum_atteint=True,
        quorum_compte_procurations=True,
        debut=_a_18h(-90),
        lieu="Salle du conseil, Valognes",
    )
    return {
        "conseil": conseil,
        "groupe": groupe,
        "prochaine": prochaine,
        "annulee": annulee,
        "passee": passee,
        "planifiee": ReunionFactory(instance=conseil, titre="Séance en préparation", debut=_a_18h(60)),
        "ancienne": ReunionFactory(
            instance=conseil,
            titre="Séance d'il y a deux ans",
            statut=StatutReunion.CLOSE,
            quorum_atteint=False,
            quorum_compte_procurations=True,
            debut=_a_18h(-730),
        ),
        "de_groupe": ReunionFactory(
            instance=groupe, titre="Réunion du groupe", statut=StatutReunion.CONVOQUEE, debut=_a_18h(10)
        ),
    }


# --- Calendrier public ----------------------------------------------------------------------


def test_le_calendrier_public_montre_les_seances_plenieres(client_de, seances):
    reponse = client_de("anonyme").get("/calendrier/")

    assert reponse.status_code == 200
    html = unescape(reponse.content.decode())
    assert [r.titre for r in reponse.context["a_venir"]] == [
        "Séance plénière d'automne",
        "Séance extraordinaire",
    ]
    assert [r.titre for r in reponse.context["passees"]] == ["Séance plénière de printemps"]
    for absente in ("Séance en préparation", "Séance d'il y a deux ans", "Réunion du groupe"):
        assert absente not in html
    assert "Adoption du programme de travail" in html and "Bilan des aides à l'installation" in html
    assert "Annulée" in html
    debut = timezone.localtime(seances["prochaine"].debut)
    assert f"{debut.day} " in html and "à 18\xa0h" in html
    assert "Salle du conseil, Valognes" in html
    assert 'href="/calendrier/seances.ics"' in html
    assert "http://testserver/calendrier/seances.ics" in html


def test_le_calendrier_public_au_format_icalendar(client_de, seances):
    reponse = client_de("anonyme").get("/calendrier/seances.ics")

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    assert reponse["Content-Disposition"] == 'inline; filename="seances-conseil-de-sante-du-cotentin.ics"'
    evenements = _evenements(reponse.content)
    conseil = seances["conseil"].nom
    assert set(evenements) == {
        f"{conseil} — Séance plénière d'automne",
        f"{conseil} — Séance extraordinaire",
        f"{conseil} — Séance plénière de printemps",
    }
    automne = evenements[f"{conseil} — Séance plénière d'automne"]
    assert str(automne["UID"]) == uid_de(seances["prochaine"])
    assert "Adoption du programme de travail" in str(automne["DESCRIPTION"])
    assert str(evenements[f"{conseil} — Séance extraordinaire"]["STATUS"]) == "CANCELLED"


def test_le_calendrier_public_ne_grandit_pas_avec_les_seances(client_de, seances):
    client = client_de("anonyme")
    avant = compter_requetes(client, "/calendrier/"), compter_requetes(client, "/calendrier/seances.ics")
    for jours in (5, 15, 25):
        reunion = ReunionFactory(
            instance=seances["conseil"], statut=StatutReunion.CONVOQUEE, debut=_a_18h(jours)
        )
        PointFactory(reunion=reunion)
    assert (
        compter_requetes(client, "/calendrier/"),
        compter_requetes(client, "/calendrier/seances.ics"),
    ) == avant


# --- Flux privé -------------------------------------------------------------------------------


@pytest.fixture
def membre(seances):
    """Un membre titulaire du Conseil, sans mandat dans le groupe."""
    membre = UtilisateurFactory(prenom="Anne", nom="Titulaire")
    MandatFactory(instance=seances["conseil"], personne=membre, debut=dt.date(2000, 1, 1))
    return membre


def test_le_flux_prive_donne_les_seances_du_membre(client_de, seances, membre):
    jeton = jeton_calendrier_de(utilisateur=membre).jeton

    reponse = client_de("anonyme").get(f"/conseil/calendrier/{jeton}.ics")

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in reponse["Cache-Control"] and "private" in reponse["Cache-Control"]
    evenements = _evenements(reponse.content)
    conseil = seances["conseil"].nom
    # Les séances convoquées (ou passées) du Conseil depuis un an ; ni la séance encore en
    # préparation, ni celle d'il y a deux ans, ni celles d'une instance où il ne siège pas.
    assert set(evenements) == {
        f"{conseil} — Séance plénière d'automne",
        f"{conseil} — Séance extraordinaire",
        f"{conseil} — Séance plénière de printemps",
    }
    automne = evenements[f"{conseil} — Séance plénière d'automne"]
    assert str(automne["UID"]) == uid_de(seances["prochaine"])
    debut = automne["DTSTART"].dt
    assert isinstance(debut, dt.datetime) and debut.tzinfo is not None
    assert debut == seances["prochaine"].debut
    assert debut.astimezone(PARIS).hour == 18
    assert str(automne["LOCATION"]) == "Hôtel communautaire, Cherbourg-en-Cotentin"
    assert str(automne["STATUS"]) == "CONFIRMED"
    assert "1. Adoption du programme de travail" in str(automne["DESCRIPTION"])
    assert str(evenements[f"{conseil} — Séance extraordinaire"]["STATUS"]) == "CANCELLED"
    assert (
        str(evenements[f"{conseil} — Séance plénière de printemps"]["LOCATION"])
        == "Salle du conseil, Valognes"
    )
    assert "Groupe attractivité" not in reponse.content.decode()


def test_le_flux_prive_d_un_membre_de_groupe_donne_ses_reunions(client_de, seances):
    membre_du_groupe = UtilisateurFactory()
    MandatFactory(instance=seances["groupe"], personne=membre_du_groupe, role=RoleMandat.TITULAIRE)
    jeton = jeton_calendrier_de(utilisateur=membre_du_groupe).jeton

    evenements = _evenements(client_de("anonyme").get(f"/conseil/calendrier/{jeton}.ics").content)

    assert set(evenements) == {"Groupe attractivité — Réunion du groupe"}


def test_un_jeton_inconnu_donne_404(client_de, membre):
    jeton_calendrier_de(utilisateur=membre)
    assert client_de("anonyme").get("/conseil/calendrier/pas-un-jeton.ics").status_code == 404


def test_le_flux_d_un_compte_desactive_donne_404(client_de, membre):
    jeton = jeton_calendrier_de(utilisateur=membre).jeton
    membre.is_active = False
    membre.save(update_fields=["is_active"])
    assert client_de("anonyme").get(f"/conseil/calendrier/{jeton}.ics").status_code == 404


def test_le_flux_prive_ne_grandit_pas_avec_les_seances(client_de, seances, membre):
    jeton = jeton_calendrier_de(utilisateur=membre).jeton
    client = client_de("anonyme")
    avant = compter_requetes(client, f"/conseil/calendrier/{jeton}.ics")
    for jours in (5, 15, 25):
        reunion = ReunionFactory(
            instance=seances["conseil"], statut=StatutReunion.CONVOQUEE, debut=_a_18h(jours)
        )
        PointFactory(reunion=reunion, ordre=1)
        PointFactory(reunion=reunion, ordre=2)
    assert compter_requetes(client, f"/conseil/calendrier/{jeton}.ics") == avant


# --- Page d'abonnement --------------------------------------------------------------------------


def test_la_page_d_abonnement_donne_l_adresse_privee(membre):
    reponse = _client(membre).get("/conseil/calendrier/")

    assert reponse.status_code == 200
    jeton = JetonCalendrier.objects.get(utilisateur=membre).jeton
    html = unescape(reponse.content.decode())
    assert f'value="http://testserver/conseil/calendrier/{jeton}.ics"' in html
    for agenda in ("Thunderbird", "Outlook", "Téléphone"):
        assert agenda in html
    assert "Changer d'adresse" in html


def test_changer_d_adresse_coupe_l_ancienne(client_de, membre):
    ancienne = jeton_calendrier_de(utilisateur=membre).jeton
    client = _client(membre)

    reponse = client.post("/conseil/calendrier/", follow=True)

    nouvelle = JetonCalendrier.objects.get(utilisateur=membre).jeton
    assert nouvelle != ancienne
    html = unescape(reponse.content.decode())
    assert "L'ancienne ne fonctionne plus" in html
    assert f"/conseil/calendrier/{nouvelle}.ics" in html
    anonyme = client_de("anonyme")
    assert anonyme.get(f"/conseil/calendrier/{ancienne}.ics").status_code == 404
    assert anonyme.get(f"/conseil/calendrier/{nouvelle}.ics").status_code == 200
    assert Evenement.objects.filter(verbe="conseil.calendrier.jeton_renouvele", acteur=membre).exists()


@pytest.mark.parametrize("persona", ["professionnel", "membre_college"])
def test_l_abonnement_est_reserve_aux_membres(client_de, persona):
    client = client_de(persona)
    assert client.get("/conseil/calendrier/").status_code == 403
    assert client.post("/conseil/calendrier/").status_code == 403
    assert not JetonCalendrier.objects.exists()


def test_le_secretariat_a_aussi_son_adresse(client_de):
    assert client_de("secretariat").get("/conseil/calendrier/").status_code == 200


# --- Convocation -------------------------------------------------------------------------------


def test_la_convocation_joint_la_seance_au_format_icalendar(
    secretariat, django_capture_on_commit_callbacks, mailoutbox
):
    conseil = ConseilFactory()
    membres = [MandatFactory(instance=conseil).personne, MandatFactory(instance=conseil).personne]

    with django_capture_on_commit_callbacks(execute=True):
        reunion = seance_convoquee(instance=conseil, acteur=secretariat, points=2, titre="Séance d'hiver")

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in membres)
    for message in mailoutbox:
        [piece] = [p for p in message.attachments if p[0] == "seance.ics"]
        nom, contenu, type_mime = piece
        assert type_mime.startswith("text/calendar")
        [evenement] = Calendar.from_ical(contenu).walk("VEVENT")
        assert str(evenement["UID"]) == uid_de(reunion)
        assert str(evenement["SUMMARY"]) == f"{conseil.nom} — Séance d'hiver"
        assert str(evenement["STATUS"]) == "CONFIRMED"
        assert evenement["DTSTART"].dt == reunion.debut
        assert evenement["DTSTART"].dt.astimezone(PARIS).hour == 18
        assert "Point n°1 de Séance d'hiver" in str(evenement["DESCRIPTION"])
        assert str(evenement["URL"]) == f"http://testserver/conseil/seances/{reunion.pk}/"


@pytest.mark.parametrize("persona", ["anonyme", "membre_college"])
def test_le_plan_du_site_mene_au_calendrier_et_aux_programmes(client_de, persona):
    html = client_de(persona).get("/plan-du-site/").content.decode()
    assert '<a href="/calendrier/">Calendrier des séances</a>' in html
    assert '<a href="/programmes/">Programmes de travail</a>' in html
