"""Le programme d'une rencontre hors de l'administration : créer, modifier (activités et
questions), publier, annuler (les inscrits prévenus, l'agenda à jour), la confier à un
partenaire qui n'organise qu'elle."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rencontres import services
from rencontres.models import (
    Activite,
    EtatInscription,
    Organisateur,
    Question,
    Rencontre,
    StatutRencontre,
    TypeQuestion,
)
from rencontres.services import SaisieActivite, SaisieQuestion
from rencontres.services.programme import CHAMPS_DE_LA_RENCONTRE
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import PERSONAS
from tests.outils import compter_requetes
from tests.rencontres.factories import inscrire, rencontre

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def _champs(**en_plus):
    debut = timezone.now() + timedelta(days=30)
    champs = {
        "titre": "Soirée d'accueil des internes",
        "type": "promotion",
        "description": "Un verre, les structures du territoire, les maîtres de stage.",
        "public": "Internes du semestre",
        "debut": debut,
        "fin": debut + timedelta(hours=3),
        "lieu": "Salle Chantereyne",
        "inscriptions_du": timezone.now(),
        "inscriptions_au": debut - timedelta(days=1),
        "foyer_max": 2,
        "delai_de_confirmation": timedelta(hours=48),
        "rappel_dans_l_agenda": timedelta(hours=24),
    }
    champs.update(en_plus)
    return champs


def _activite(debut, titre="Soirée", capacite=None, pk=None, supprimer=False):
    return SaisieActivite(
        titre=titre,
        debut=debut,
        fin=debut + timedelta(hours=2),
        capacite=capacite,
        pk=pk,
        supprimer=supprimer,
    )


def test_creer_publier_annuler(agent, mailoutbox, django_capture_on_commit_callbacks):
    champs = _champs()
    r = services.rencontre_creer(
        acteur=agent,
        champs=champs,
        activites=[_activite(champs["debut"], capacite=40)],
        questions=[SaisieQuestion(libelle="Faculté", type=TypeQuestion.TEXTE, obligatoire=False)],
    )
    assert r.statut == StatutRencontre.BROUILLON and r.cree_par == agent
    assert r.activites.get().capacite == 40 and r.questions.get().libelle == "Faculté"
    services.rencontre_publier(rencontre=r, acteur=agent)
    r.refresh_from_db()
    assert r.statut == StatutRencontre.PUBLIEE
    inscription = inscrire(r)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_annuler(rencontre=r, acteur=agent, motif="Tempête annoncée")
    r.refresh_from_db()
    assert r.statut == StatutRencontre.ANNULEE and r.sequence == 1
    [courriel] = mailoutbox
    assert courriel.to == [inscription.email] and "Rencontre annulée" in courriel.subject
    assert "Tempête annoncée" in courriel.body
    [(nom, contenu, type_mime)] = courriel.attachments
    assert "method=CANCEL" in type_mime
    [evenement] = Calendar.from_ical(contenu).walk("VEVENT")
    assert evenement["status"] == "CANCELLED" and int(evenement["sequence"]) == 1
    assert Evenement.objects.filter(verbe="rencontres.rencontre.annulee", motif="Tempête annoncée").exists()


def test_publier_refuse_sans_activite_et_annuler_sans_motif(agent):
    r = services.rencontre_creer(acteur=agent, champs=_champs())
    with pytest.raises(ValidationError, match="au moins une activité"):
        services.rencontre_publier(rencontre=r, acteur=agent)
    with pytest.raises(ValidationError, match="motif"):
        services.rencontre_annuler(rencontre=r, acteur=agent, motif=" ")


def test_creer_refuse_a_qui_n_est_pas_agent(professionnel):
    with pytest.raises(ValidationError, match="pas le droit"):
        services.rencontre_creer(acteur=professionnel, champs=_champs())
    with pytest.raises(ValidationError) as erreur:
        services.rencontre_creer(acteur=None, champs=_champs())
    assert erreur.value.code == "non_autorise"


def test_modifier_une_rencontre_publiee(agent, mailoutbox, django_capture_on_commit_callbacks):
    r = rencontre(capacites=(2,))
    activite = r.activites.get()
    premiere = inscrire(r, 1)
    deuxieme = inscrire(r, 2)
    attente = inscrire(r, 3)
    assert attente.etat == EtatInscription.LISTE_D_ATTENTE
    base = {f: getattr(r, f) for f in CHAMPS_DE_LA_RENCONTRE if f not in ("commune", "organisateur")}
    # Descendre sous les places prises : refusé, rien ne change.
    with pytest.raises(ValidationError, match="déjà 2 places prises"):
        services.rencontre_modifier(
            rencontre=r,
            acteur=agent,
            champs=base,
            activites=[_activite(activite.debut, capacite=1, pk=activite.pk)],
            questions=[],
        )
    # Supprimer une activité qui a des inscrits : refusé.
    with pytest.raises(ValidationError, match="ne peut pas être supprimée"):
        services.rencontre_modifier(
            rencontre=r,
            acteur=agent,
            champs=base,
            activites=[_activite(activite.debut, pk=activite.pk, supprimer=True)],
            questions=[],
        )
    activite.refresh_from_db()
    assert activite.capacite == 2
    # Changer le lieu et ouvrir une place : l'agenda monte d'une version, la liste d'attente avance.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=r,
            acteur=agent,
            champs={**base, "lieu": "Hôpital Pasteur"},
            activites=[_activite(activite.debut, titre="Dîner", capacite=3, pk=activite.pk)],
            questions=[],
        )
    r.refresh_from_db()
    attente.refresh_from_db()
    assert r.lieu == "Hôpital Pasteur" and r.sequence == 1
    assert attente.etat == EtatInscription.PLACE_PROPOSEE
    changements = [m for m in mailoutbox if "a changé" in m.subject]
    assert sorted(m.to[0] for m in changements) == sorted([premiere.email, deuxieme.email, attente.email])
    [evenement] = Calendar.from_ical(changements[0].attachments[0][1]).walk("VEVENT")
    assert int(evenement["sequence"]) == 1 and "Hôpital Pasteur" in str(evenement["location"])
    # Sans changement de l'agenda (une question ajoutée) : pas de version, pas de courriel.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rencontre_modifier(
            rencontre=r,
            acteur=agent,
            champs={**base, "lieu": "Hôpital Pasteur"},
            activites=[_activite(activite.debut, titre="Dîner", capacite=3, pk=activite.pk)],
            questions=[
                SaisieQuestion(libelle="Régime alimentaire", type=TypeQuestion.TEXTE, obligatoire=False)
            ],
        )
    r.refresh_from_db()
    assert r.sequence == 1 and not [m for m in mailoutbox if "a changé" in m.subject]
    assert Question.objects.filter(rencontre=r, libelle="Régime alimentaire").exists()


def test_une_question_qui_a_des_reponses_ne_se_supprime_pas(agent):
    r = rencontre()
    question = Question.objects.create(rencontre=r, libelle="Faculté", type=TypeQuestion.TEXTE)
    inscrire(r, reponses={question.pk: "Caen"})
    base = {f: getattr(r, f) for f in CHAMPS_DE_LA_RENCONTRE if f not in ("commune", "organisateur")}
    activites = [_activite(a.debut, titre=a.titre, capacite=a.capacite, pk=a.pk) for a in r.activites.all()]
    with pytest.raises(ValidationError, match="déjà des réponses"):
        services.rencontre_modifier(
            rencontre=r,
            acteur=agent,
            champs=base,
            activites=activites,
            questions=[
                SaisieQuestion(libelle="Faculté", type=TypeQuestion.TEXTE, pk=question.pk, supprimer=True)
            ],
        )


def _partenaire(r=None, email="urps@exemple.fr"):
    compte = UtilisateurFactory(email=email)
    if r is not None:
        services.confier(rencontre=r, compte=compte, acteur=None)
    return compte


def test_un_partenaire_n_organise_que_ses_rencontres(client):
    sienne = rencontre(statut=StatutRencontre.BROUILLON)
    autre = rencontre(titre="Congrès des kinés")
    partenaire = _partenaire(sienne)
    client.force_login(partenaire)
    page = client.get(reverse("rencontres:organisation")).content.decode()
    assert sienne.titre in page and "Congrès des kinés" not in page and "Nouvelle rencontre" not in page
    for nom in ("inscriptions", "programme", "accueil", "organisateurs"):
        assert client.get(reverse(f"rencontres:{nom}", args=[sienne.pk])).status_code == 200, nom
        assert client.get(reverse(f"rencontres:{nom}", args=[autre.pk])).status_code == 404, nom
    # Ce que seule l'agglomération fait : créer, publier, annuler.
    assert client.get(reverse("rencontres:nouvelle")).status_code == 404
    assert client.get(reverse("rencontres:annuler_rencontre", args=[sienne.pk])).status_code == 404
    client.post(reverse("rencontres:publier", args=[sienne.pk]))
    sienne.refresh_from_db()
    assert sienne.statut == StatutRencontre.BROUILLON
    # Publiée, son programme ne se modifie plus par le partenaire.
    Rencontre.objects.filter(pk=sienne.pk).update(statut=StatutRencontre.PUBLIEE)
    page = client.get(reverse("rencontres:programme", args=[sienne.pk])).content.decode()
    assert "lecture seule" in page
    avant = sienne.titre
    client.post(reverse("rencontres:programme", args=[sienne.pk]), {"titre": "Pirate"})
    sienne.refresh_from_db()
    assert sienne.titre == avant


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrice_des_droits_du_programme(client_de, persona):
    r = rencontre()
    client = client_de(persona)
    agent = persona in ("agent", "superutilisateur")
    for url in (
        reverse("rencontres:nouvelle"),
        reverse("rencontres:programme", args=[r.pk]),
        reverse("rencontres:annuler_rencontre", args=[r.pk]),
        reverse("rencontres:organisateurs", args=[r.pk]),
    ):
        statut = client.get(url).status_code
        attendu = 200 if agent else (302 if persona == "anonyme" else 404)
        assert statut == attendu, (persona, url, statut)
    reponse = client.post(reverse("rencontres:annuler_rencontre", args=[r.pk]), {"motif": "essai"})
    r.refresh_from_db()
    assert (r.statut == StatutRencontre.ANNULEE) == agent, persona
    assert reponse.status_code in ((302,) if agent else (302, 404))


def _formulaire(champs, activites=(), questions=()):
    donnees = {
        "titre": champs["titre"],
        "type": champs["type"],
        "description": champs["description"],
        "public": champs["public"],
        "debut": champs["debut"].astimezone().strftime(FORMAT),
        "fin": champs["fin"].astimezone().strftime(FORMAT),
        "lieu": champs["lieu"],
        "inscriptions_du": champs["inscriptions_du"].astimezone().strftime(FORMAT),
        "inscriptions_au": champs["inscriptions_au"].astimezone().strftime(FORMAT),
        "foyer_max": "1",
        "heures_par_demi_journee": "3,5",
        "delai_heures": "48",
        "alarme_heures": "24",
        "activites-TOTAL_FORMS": str(len(activites)),
        "activites-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
    }
    for rang, activite in enumerate(activites):
        for cle, valeur in activite.items():
            donnees[f"activites-{rang}-{cle}"] = valeur
    for rang, question in enumerate(questions):
        for cle, valeur in question.items():
            donnees[f"questions-{rang}-{cle}"] = valeur
    return donnees


def test_creer_par_la_page_puis_publier(client_de):
    client = client_de("agent")
    champs = _champs()
    debut = champs["debut"].astimezone().strftime(FORMAT)
    fin = (champs["debut"] + timedelta(hours=2)).astimezone().strftime(FORMAT)
    donnees = _formulaire(
        champs,
        activites=[{"titre": "Apéritif", "debut": debut, "fin": fin, "capacite": "60"}, {"titre": ""}],
        questions=[
            {"libelle": "Année d'internat", "type": "choix", "choix": "1re\n2e\n3e", "obligatoire": "on"}
        ],
    )
    reponse = client.post(reverse("rencontres:nouvelle"), donnees)
    assert reponse.status_code == 302, [
        (f.errors, f.non_field_errors())
        for f in [reponse.context["form"], *reponse.context["activites"], *reponse.context["questions"]]
    ]
    r = Rencontre.objects.get(titre=champs["titre"])
    assert list(r.activites.values_list("titre", "capacite")) == [("Apéritif", 60)]
    assert r.questions.get().choix == ["1re", "2e", "3e"]
    page = client.get(reponse["Location"]).content.decode()
    assert "Publier la rencontre" in page
    client.post(reverse("rencontres:publier", args=[r.pk]))
    r.refresh_from_db()
    assert r.statut == StatutRencontre.PUBLIEE
    assert client.get(r.get_absolute_url()).status_code == 200


def test_une_saisie_refusee_garde_ce_qui_a_ete_tape(client_de):
    client = client_de("agent")
    champs = _champs()
    debut = champs["debut"].astimezone().strftime(FORMAT)
    donnees = _formulaire(
        {**champs, "fin": champs["debut"] - timedelta(hours=1)},
        activites=[{"titre": "Atelier échographie", "debut": debut}],
        questions=[{"libelle": "Choisissez", "type": "choix", "choix": "un seul"}],
    )
    page = client.post(reverse("rencontres:nouvelle"), donnees).content.decode()
    assert "La fin de la rencontre doit suivre son début" in page
    assert "Donnez le début et la fin de « Atelier échographie »" in page
    assert "Proposez au moins deux choix" in page
    assert 'value="Soirée d&#x27;accueil des internes"' in page and "Atelier échographie" in page
    assert not Rencontre.objects.filter(titre=champs["titre"]).exists()


def test_capacite_sous_les_places_prises_refusee_par_la_page(client_de):
    r = rencontre(capacites=(2,))
    inscrire(r, 1)
    inscrire(r, 2)
    activite = r.activites.get()
    champs = {
        f: getattr(r, f)
        for f in (
            "titre",
            "type",
            "description",
            "public",
            "debut",
            "fin",
            "lieu",
            "inscriptions_du",
            "inscriptions_au",
        )
    }
    donnees = _formulaire(champs)
    donnees.update(
        {
            "activites-TOTAL_FORMS": "1",
            "activites-INITIAL_FORMS": "1",
            "activites-0-pk": str(activite.pk),
            "activites-0-titre": activite.titre,
            "activites-0-debut": activite.debut.astimezone().strftime(FORMAT),
            "activites-0-fin": activite.fin.astimezone().strftime(FORMAT),
            "activites-0-capacite": "1",
        }
    )
    page = client_de("agent").post(reverse("rencontres:programme", args=[r.pk]), donnees)
    assert page.status_code == 200, [
        (f.errors, f.non_field_errors()) for f in [page.context["form"], *page.context["activites"]]
    ]
    assert "déjà 2 places prises" in page.content.decode()
    assert Activite.objects.get(pk=activite.pk).capacite == 2


def test_confier_et_retirer_un_partenaire(client_de):
    r = rencontre()
    partenaire = _partenaire()
    client = client_de("agent")
    page = client.post(reverse("rencontres:organisateurs", args=[r.pk]), {"email": "inconnu@exemple.fr"})
    assert (
        "Aucun compte actif" in page.content.decode()
        and 'value="inconnu@exemple.fr"' in page.content.decode()
    )
    client.post(reverse("rencontres:organisateurs", args=[r.pk]), {"email": "URPS@exemple.fr"})
    organisateur = Organisateur.objects.get(rencontre=r)
    assert organisateur.compte == partenaire
    assert partenaire.notifications.filter(titre__contains=r.titre).exists()
    deja = client.post(reverse("rencontres:organisateurs", args=[r.pk]), {"email": "urps@exemple.fr"})
    assert "organise déjà" in deja.content.decode()
    client.post(reverse("rencontres:organisateur_retirer", args=[r.pk, organisateur.pk]))
    assert not Organisateur.objects.filter(rencontre=r).exists()


def test_requetes_constantes_du_programme(client_de):
    client = client_de("agent")
    r = rencontre(capacites=(5, 5))
    url = reverse("rencontres:programme", args=[r.pk])
    avant = compter_requetes(client, url)
    for rang in range(4):
        Activite.objects.create(
            rencontre=r, titre=f"Atelier {rang}", debut=r.debut, fin=r.fin, capacite=3, ordre=10 + rang
        )
        Question.objects.create(rencontre=r, libelle=f"Question {rang}", type=TypeQuestion.TEXTE)
        _partenaire(r, email=f"p{rang}@exemple.fr")
    assert compter_requetes(client, url) == avant
    assert compter_requetes(client, reverse("rencontres:organisateurs", args=[r.pk])) <= avant
