"""Le tableau partagé des recruteurs : étapes d'une candidature (table des transitions), décision
annoncée au candidat, notes réservées ou partagées, pièces ouvertes, doublons et fusion de deux
fiches, offre proposée au vivier."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from recrutement import services
from recrutement.models import (
    Candidat,
    Candidature,
    ConsultationPiece,
    EtapeCandidature,
    NaturePiece,
    NoteCandidature,
    ObjetConsentement,
    PieceCandidature,
    PorteeNote,
    PropositionVivier,
    StatutOffre,
)
from recrutement.selectors import (
    candidats_du_vivier_pour,
    chiffres_du_telephone,
    doublons_possibles,
    notes_visibles,
)
from recrutement.services import Motif
from socle.models import Evenement
from tests.comptes.factories import UtilisateurFactory
from tests.recrutement import factories as f
from tests.territoire.factories import PoleFactory, ProfessionFactory

pytestmark = pytest.mark.django_db

E = EtapeCandidature


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


@pytest.fixture
def partagee(g):
    """Une candidature à une offre du CHPC, confiée au CHPC et à la Polyclinique."""
    return f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc, g.pcc])


# --- Étapes ---------------------------------------------------------------------------------

# (chemin suivi depuis « reçue », étape demandée, acceptée ?)
TRANSITIONS = [
    ([], E.EN_ETUDE, True),
    ([], E.ENTRETIEN, True),
    ([], E.NON_RETENUE, True),
    ([], E.RETENUE, False),  # on ne retient pas sans avoir étudié
    ([], E.RECUE, False),
    ([], E.RETIREE, False),  # le retrait est l'affaire du candidat
    ([E.EN_ETUDE], E.ENTRETIEN, True),
    ([E.EN_ETUDE], E.RETENUE, True),
    ([E.EN_ETUDE], E.RECUE, False),
    ([E.ENTRETIEN], E.RETENUE, True),
    ([E.ENTRETIEN], E.NON_RETENUE, True),
    ([E.ENTRETIEN], E.EN_ETUDE, False),
    ([E.EN_ETUDE, E.RETENUE], E.NON_RETENUE, False),
    ([E.NON_RETENUE], E.ENTRETIEN, False),
]


@pytest.mark.parametrize(("chemin", "vers", "acceptee"), TRANSITIONS)
def test_la_table_des_etapes(g, partagee, chemin, vers, acceptee):
    for etape in chemin:
        services.candidature_etape_changer(candidature=partagee, vers=etape, acteur=g.recruteur_chpc)
    if acceptee:
        c = services.candidature_etape_changer(candidature=partagee, vers=vers, acteur=g.recruteur_pcc)
        assert c.etape == vers
        assert (c.close_le is not None) == (vers in (E.RETENUE, E.NON_RETENUE))
        evenement = Evenement.objects.filter(cible_id=str(c.pk), etat_apres=vers).get()
        assert evenement.acteur == g.recruteur_pcc
    else:
        avant = Candidature.objects.get(pk=partagee.pk).etape
        with pytest.raises(ValidationError):
            services.candidature_etape_changer(candidature=partagee, vers=vers, acteur=g.recruteur_chpc)
        assert Candidature.objects.get(pk=partagee.pk).etape == avant


def test_seuls_les_employeurs_choisis_changent_l_etape(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))  # confiée au CHPC seulement
    for intrus in (g.recruteur_pcc, g.moderateur, g.agent):
        with pytest.raises(ValidationError):
            services.candidature_etape_changer(candidature=c, vers=E.EN_ETUDE, acteur=intrus)
    assert Candidature.objects.get(pk=c.pk).etape == E.RECUE


def test_rouvrir_demande_un_motif_et_efface_la_cloture(g, partagee):
    services.candidature_etape_changer(candidature=partagee, vers=E.NON_RETENUE, acteur=g.recruteur_chpc)
    with pytest.raises(ValidationError):
        services.candidature_etape_changer(candidature=partagee, vers=E.EN_ETUDE, acteur=g.recruteur_chpc)
    c = services.candidature_etape_changer(
        candidature=partagee, vers=E.EN_ETUDE, acteur=g.recruteur_chpc, motif="Décision prise par erreur."
    )
    assert c.etape == E.EN_ETUDE and c.close_le is None


def test_la_decision_est_annoncee_au_candidat_une_fois(g, partagee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.candidature_etape_changer(candidature=partagee, vers=E.NON_RETENUE, acteur=g.recruteur_chpc)
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["camille.lefevre@exemple.fr"]
    assert "n'a pas été retenue" in courriel.body
    from recrutement.tasks import annoncer_la_decision

    annoncer_la_decision(partagee.pk)  # rejouée : rien de plus
    assert len(mail.outbox) == 1


def test_une_etape_intermediaire_n_ecrit_pas_au_candidat(g, partagee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.candidature_etape_changer(candidature=partagee, vers=E.ENTRETIEN, acteur=g.recruteur_chpc)
    assert mail.outbox == []


# --- Notes ----------------------------------------------------------------------------------


def test_notes_reservees_et_partagees(g, partagee):
    services.note_ecrire(
        candidature=partagee, auteur=g.recruteur_chpc, texte="Réservée au CHPC", portee=PorteeNote.EMPLOYEUR
    )
    services.note_ecrire(
        candidature=partagee, auteur=g.recruteur_chpc, texte="Pour tous", portee=PorteeNote.PARTAGEE
    )
    services.note_ecrire(
        candidature=partagee, auteur=g.recruteur_pcc, texte="Réservée à la PCC", portee=PorteeNote.EMPLOYEUR
    )
    assert [n.texte for n in notes_visibles(partagee, g.recruteur_chpc)] == ["Réservée au CHPC", "Pour tous"]
    assert [n.texte for n in notes_visibles(partagee, g.recruteur_pcc)] == ["Pour tous", "Réservée à la PCC"]
    assert NoteCandidature.objects.get(texte="Réservée au CHPC").structure == g.chpc
    # Le journal dit qu'une note est écrite, jamais ce qu'elle dit.
    assert not Evenement.objects.filter(donnees__icontains="Réservée").exists()


def test_une_note_sur_une_candidature_qui_n_est_pas_confiee_est_refusee(g):
    c = f.candidature(f.offre(g, StatutOffre.PUBLIEE))
    with pytest.raises(ValidationError):
        services.note_ecrire(
            candidature=c, auteur=g.recruteur_pcc, texte="Intrus", portee=PorteeNote.PARTAGEE
        )
    assert not NoteCandidature.objects.exists()


def test_le_recruteur_de_deux_structures_dit_pour_laquelle_il_ecrit(g, partagee):
    services.recruteur_ajouter(structure=g.pcc, compte=g.recruteur_chpc, acteur=None)
    g.recruteur_chpc = type(g.recruteur_chpc).objects.get(pk=g.recruteur_chpc.pk)  # rôles relus
    with pytest.raises(ValidationError) as refus:
        services.note_ecrire(candidature=partagee, auteur=g.recruteur_chpc, texte="Pour qui ?")
    assert "structure" in refus.value.message_dict
    with pytest.raises(ValidationError):
        services.note_ecrire(
            candidature=partagee, auteur=g.recruteur_chpc, texte="Ailleurs", structure_id=g.msp.pk
        )
    note = services.note_ecrire(
        candidature=partagee, auteur=g.recruteur_chpc, texte="Pour la PCC", structure_id=g.pcc.pk
    )
    assert note.structure == g.pcc
    assert [n.texte for n in notes_visibles(partagee, g.recruteur_pcc)] == ["Pour la PCC"]


def test_une_note_vide_est_refusee(g, partagee):
    with pytest.raises(ValidationError) as refus:
        services.note_ecrire(candidature=partagee, auteur=g.recruteur_chpc, texte="   ")
    assert "texte" in refus.value.message_dict


def test_ouvrir_une_piece_est_retenu(g, partagee):
    piece = partagee.pieces.get()
    services.piece_consulter(piece=piece, acteur=g.recruteur_pcc)
    consultation = ConsultationPiece.objects.get()
    assert (consultation.compte, consultation.structure) == (g.recruteur_pcc, g.pcc)


# --- Doublons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("0033 6 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("", ""),
    ],
)
def test_chiffres_du_telephone(saisi, attendu):
    assert chiffres_du_telephone(saisi) == attendu


def test_doublons_par_adresse_telephone_rpps_et_nom(g):
    o1 = f.offre(g, StatutOffre.PUBLIEE, titre="Urgentiste")
    o2 = f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre")
    o3 = f.offre(g, StatutOffre.PUBLIEE, titre="Gériatre")
    o4 = f.offre(g, StatutOffre.PUBLIEE, titre="Radiologue")
    camille = f.candidature(o1, rpps="10003456789").candidat
    # La même adresse, avec un compte cette fois (une visiteuse à la même adresse reprend sa fiche).
    compte = UtilisateurFactory(email="Camille.Lefevre@EXEMPLE.fr")
    meme_adresse = f.candidature(o2, compte=compte, nom="Martin", prenom="Claude", telephone="")
    meme_telephone = f.candidature(
        o3, email="autre@exemple.fr", nom="Durand", prenom="Alix", telephone="+33 6 12 34 56 78"
    )
    nom_semblable = f.candidature(
        o4, email="c.lefevre@exemple.fr", nom="Lefevre", prenom="Camille", telephone=""
    )
    sans_rapport = f.candidature(
        o4, email="zoe@exemple.fr", nom="Zhang", prenom="Zoé", telephone="07 00 00 00 00"
    )
    trouves = {d.candidat.pk: d.raisons for d in doublons_possibles(camille, g.recruteur_chpc)}
    assert trouves[meme_adresse.candidat.pk] == ["même adresse électronique"]
    assert trouves[meme_telephone.candidat.pk] == ["même téléphone"]
    assert "nom semblable" in trouves[nom_semblable.candidat.pk]
    assert sans_rapport.candidat.pk not in trouves
    # La Polyclinique ne voit aucune de ces candidatures : aucun doublon pour elle.
    assert doublons_possibles(camille, g.recruteur_pcc) == []


def test_doublon_par_rpps(g):
    camille = f.candidature(f.offre(g, StatutOffre.PUBLIEE), rpps="10003456789").candidat
    autre = f.candidature(
        f.offre(g, StatutOffre.PUBLIEE),
        email="x@exemple.fr",
        nom="Ygrec",
        prenom="Xavier",
        telephone="",
        rpps="10003456789",
    ).candidat
    assert [(d.candidat, d.raisons) for d in doublons_possibles(camille, g.recruteur_chpc)] == [
        (autre, ["même numéro RPPS"])
    ]


# --- Fusion ---------------------------------------------------------------------------------


def test_fusion_de_deux_fiches(g):
    o1 = f.offre(g, StatutOffre.PUBLIEE, titre="Urgentiste")
    o2 = f.offre(g, StatutOffre.PUBLIEE, titre="Pédiatre")
    gardee = f.candidature(o1, vivier=True)
    doublon = f.candidature(o2, email="camille.l@exemple.fr", telephone="", rpps="10003456789", vivier=True)
    garde, absorbe = gardee.candidat, doublon.candidat
    plus_loin = timezone.now() + timedelta(days=900)
    absorbe.consentements.filter(objet=ObjetConsentement.VIVIER).update(echeance=plus_loin)
    PropositionVivier.objects.create(offre=o1, candidat=absorbe)
    services.note_ecrire(candidature=doublon, auteur=g.recruteur_chpc, texte="Vue au salon")

    services.candidats_fusionner(garde=garde, absorbe=absorbe, acteur=g.recruteur_chpc)

    garde.refresh_from_db()
    absorbe.refresh_from_db()
    assert set(garde.candidatures.values_list("pk", flat=True)) == {gardee.pk, doublon.pk}
    assert garde.rpps == "10003456789"  # ce qui manquait à la fiche gardée
    assert NoteCandidature.objects.get().candidature_id == doublon.pk
    vivier = garde.consentements.get(objet=ObjetConsentement.VIVIER, retire_le__isnull=True)
    assert vivier.echeance == plus_loin
    assert garde.consentements.filter(objet=ObjetConsentement.VIVIER).count() == 2  # la preuve reste
    assert PropositionVivier.objects.get().candidat == garde
    assert absorbe.fusionne_dans == garde and absorbe.est_anonymise
    assert absorbe.nom == "" and not absorbe.candidatures.exists()
    assert Evenement.objects.filter(verbe="recrutement.candidat.fusionne", cible_id=str(garde.pk)).exists()
    assert Evenement.objects.filter(
        verbe="recrutement.candidat.anonymise", donnees__motif=Motif.FUSION
    ).exists()


def test_fusion_de_deux_candidatures_a_la_meme_offre(g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    gardee = f.candidature(o, [g.chpc])
    doublon = f.candidature(o, [g.chpc, g.pcc], email="camille.l@exemple.fr", aide_logement=True)
    services.note_ecrire(candidature=doublon, auteur=g.recruteur_pcc, texte="Note de la PCC")
    services.piece_consulter(piece=doublon.pieces.get(), acteur=g.recruteur_chpc)

    services.candidats_fusionner(garde=gardee.candidat, absorbe=doublon.candidat, acteur=g.recruteur_chpc)

    assert not Candidature.objects.filter(pk=doublon.pk).exists()
    gardee.refresh_from_db()
    natures = sorted(gardee.pieces.values_list("nature", flat=True))
    assert natures == [NaturePiece.AUTRE, NaturePiece.CV]  # un seul CV par candidature
    assert PieceCandidature.objects.count() == 2
    assert ConsultationPiece.objects.get().piece.candidature == gardee
    assert NoteCandidature.objects.get().candidature == gardee
    actifs = gardee.consentements.filter(retire_le__isnull=True)
    assert sorted(actifs.values_list("employeur__nom", flat=True)) == [g.chpc.nom, g.pcc.nom]
    assert gardee.consentements.count() == 3  # le second consentement au CHPC, clos, reste en preuve
    assert gardee.aide_logement
    assert Candidat.objects.get(pk=doublon.candidat.pk).est_anonymise


def test_fusion_refusee_a_qui_ne_voit_pas_les_deux(g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    a = f.candidature(o, [g.chpc, g.pcc]).candidat
    b = f.candidature(f.offre(g, StatutOffre.PUBLIEE), [g.chpc], email="b@exemple.fr").candidat
    with pytest.raises(ValidationError):
        services.candidats_fusionner(garde=a, absorbe=b, acteur=g.recruteur_pcc)
    with pytest.raises(ValidationError):
        services.candidats_fusionner(garde=a, absorbe=a, acteur=g.recruteur_chpc)
    assert not Candidat.objects.filter(fusionne_dans__isnull=False).exists()


# --- Vivier ---------------------------------------------------------------------------------


def test_l_offre_proposee_au_vivier_une_fois(g, django_capture_on_commit_callbacks):
    medecin = ProfessionFactory()
    pole = PoleFactory()
    g.chpc.commune.pole = pole
    g.chpc.commune.save()
    ancienne = f.offre(g, StatutOffre.PUBLIEE, profession=medecin, titre="Ancienne")
    partout = f.candidature(ancienne, vivier=True).candidat
    ici = f.candidature(ancienne, email="ici@exemple.fr", vivier=True, poles_souhaites=[pole]).candidat
    ailleurs = f.candidature(
        ancienne, email="ailleurs@exemple.fr", vivier=True, poles_souhaites=[PoleFactory()]
    ).candidat
    f.candidature(ancienne, email="sans-vivier@exemple.fr")
    echu = f.candidature(ancienne, email="echu@exemple.fr", vivier=True).candidat
    echu.consentements.filter(objet=ObjetConsentement.VIVIER).update(
        echeance=timezone.now() - timedelta(days=1)
    )
    autre_metier = f.offre(
        g,
        StatutOffre.PUBLIEE,
        titre="Autre métier",
        profession=ProfessionFactory(code="60", libelle="Infirmier"),
    )
    f.candidature(autre_metier, email="autre@exemple.fr", vivier=True)

    nouvelle = f.offre(g, StatutOffre.PUBLIEE, profession=medecin, titre="Nouvelle")
    assert {c.email for c in candidats_du_vivier_pour(nouvelle, timezone.now())} == {partout.email, ici.email}
    assert ailleurs not in candidats_du_vivier_pour(nouvelle, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.vivier_proposer(offre=nouvelle, acteur=g.recruteur_chpc) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["camille.lefevre@exemple.fr", "ici@exemple.fr"]
    assert f"/offres/{nouvelle.pk}/?source=vivier" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.vivier_proposer(offre=nouvelle, acteur=g.recruteur_chpc) == 0
    assert len(mail.outbox) == 2
    assert PropositionVivier.objects.filter(offre=nouvelle).count() == 2
    from recrutement.tasks import envoyer_la_proposition

    envoyer_la_proposition(PropositionVivier.objects.first().pk)  # rejouée : rien de plus
    assert len(mail.outbox) == 2


def test_seuls_les_recruteurs_de_l_offre_la_proposent(g):
    o = f.offre(g, StatutOffre.PUBLIEE)
    for intrus in (g.recruteur_pcc, g.agent):
        with pytest.raises(ValidationError):
            services.vivier_proposer(offre=o, acteur=intrus)
    brouillon = f.offre(g)
    with pytest.raises(ValidationError):
        services.vivier_proposer(offre=brouillon, acteur=g.recruteur_chpc)


# --- Le tableau (vue) -----------------------------------------------------------------------


def test_le_tableau_par_etape_et_ses_filtres(g):
    from tests.conftest import client_connecte

    offre_chpc = f.offre(g, StatutOffre.PUBLIEE, titre="Urgentiste au CHPC")
    secrete = f.offre(g, StatutOffre.PUBLIEE, titre="Offre que la PCC ne voit pas")
    c = f.candidature(offre_chpc, [g.chpc, g.pcc], aide_logement=True)
    f.candidature(offre_chpc, [g.chpc, g.pcc], email="b@exemple.fr", nom="Bernard")
    f.candidature(secrete, [g.chpc], email="c@exemple.fr", nom="Chevalier")
    services.candidature_etape_changer(candidature=c, vers=E.EN_ETUDE, acteur=g.recruteur_chpc)
    pcc = client_connecte(g.recruteur_pcc)

    page = pcc.get("/recrutement/candidatures/").content.decode()
    assert "Reçue" in page and "En étude" in page
    assert page.index("Bernard") < page.index("Lefèvre")  # reçue avant en étude
    assert "Chevalier" not in page

    # Une offre d'un autre employeur, dont une candidature lui est confiée, atteinte par un lien.
    page = pcc.get(f"/recrutement/candidatures/?offre={offre_chpc.pk}&aide=on").content.decode()
    assert "Lefèvre" in page and "Bernard" not in page
    # Une offre dont il ne voit aucune candidature : refusée, et son intitulé n'apparaît pas.
    page = pcc.get(f"/recrutement/candidatures/?offre={secrete.pk}").content.decode()
    assert "Offre que la PCC ne voit pas" not in page and "Chevalier" not in page
    page = pcc.get("/recrutement/candidatures/?etape=en_etude").content.decode()
    assert "Lefèvre" in page and "Bernard" not in page


def test_la_page_demande_pour_quelle_structure_ecrit_un_recruteur_de_deux(g, partagee):
    from tests.conftest import client_connecte

    services.recruteur_ajouter(structure=g.pcc, compte=g.recruteur_chpc, acteur=None)
    client = client_connecte(g.recruteur_chpc)
    page = client.get(f"/recrutement/candidatures/{partagee.pk}/").content.decode()
    assert "J&#x27;écris pour" in page or "J'écris pour" in page
    url = f"/recrutement/candidatures/{partagee.pk}/notes/"
    reponse = client.post(url, {"texte": "Sans structure", "portee": "employeur"})
    assert reponse.status_code == 400 and not NoteCandidature.objects.exists()
    assert "Sans structure" in reponse.content.decode()  # la saisie reste
    reponse = client.post(url, {"texte": "Pour la PCC", "portee": "employeur", "structure": g.pcc.pk})
    assert reponse.status_code == 302
    assert NoteCandidature.objects.get().structure == g.pcc
