"""Le dépôt d'une candidature : tout ou rien, consentements par employeur, visibilité."""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from recrutement import services
from recrutement.models import (
    Candidat,
    Candidature,
    Consentement,
    NaturePiece,
    ObjetConsentement,
    StatutOffre,
)
from recrutement.selectors import candidatures_visibles_par, employeurs_a_choisir, get_candidature_pour
from socle.models import Document, Evenement, Notification
from tests.recrutement.factories import (
    candidature,
    cv,
    gcs_et_recruteurs,
    offre,
    saisie_candidature,
    saisie_mixte,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return gcs_et_recruteurs()


def test_une_candidature_confiee_au_chpc_seulement(g):
    o = offre(g, StatutOffre.PUBLIEE)
    c = candidature(o)
    assert c.pieces.get().nature == NaturePiece.CV
    consentement = c.consentements.get()
    assert consentement.employeur == g.chpc
    assert "CH public du Cotentin" in consentement.texte
    assert list(candidatures_visibles_par(g.recruteur_chpc)) == [c]
    assert list(candidatures_visibles_par(g.recruteur_pcc)) == []
    assert list(candidatures_visibles_par(g.agent)) == []
    with pytest.raises(Http404):
        get_candidature_pour(g.recruteur_pcc, c.pk)
    assert Notification.objects.filter(destinataire=g.recruteur_chpc).exists()
    assert not Notification.objects.filter(destinataire=g.recruteur_pcc).exists()


def test_confiee_au_gcs_elle_est_vue_des_membres(g):
    o = offre(g, StatutOffre.PUBLIEE)
    obligatoires, facultatifs = employeurs_a_choisir(o, timezone.localdate())
    assert obligatoires == [g.chpc]
    assert set(facultatifs) == {g.gcs, g.pcc}
    c = candidature(o, [g.chpc, g.gcs])
    assert get_candidature_pour(g.recruteur_pcc, c.pk) == c
    texte_gcs = c.consentements.get(employeur=g.gcs).texte
    assert "Polyclinique du Cotentin" in texte_gcs


def test_l_employeur_de_l_offre_est_obligatoire(g):
    o = offre(g, StatutOffre.PUBLIEE)
    with pytest.raises(ValidationError) as refus:
        candidature(o, [g.pcc])
    assert "employeurs" in refus.value.message_dict
    assert not Candidature.objects.exists() and not Candidat.objects.exists()


def test_une_offre_mixte_demande_ses_deux_employeurs(g):
    o = services.offre_creer(acteur=g.recruteur_chpc, saisie=saisie_mixte(g))
    o = services.offre_transition(offre=o, vers=StatutOffre.SOUMISE, acteur=g.recruteur_chpc)
    o = services.offre_transition(offre=o, vers=StatutOffre.PUBLIEE, acteur=g.moderateur)
    obligatoires, _facultatifs = employeurs_a_choisir(o, timezone.localdate())
    assert set(obligatoires) == {g.chpc, g.msp}
    with pytest.raises(ValidationError):
        candidature(o, [g.chpc])


@pytest.mark.parametrize("statut", [StatutOffre.POURVUE, StatutOffre.EXPIREE, StatutOffre.RETIREE])
def test_une_offre_close_refuse_toute_candidature(g, statut):
    o = offre(g, statut)
    with pytest.raises(ValidationError, match="n'accepte plus"):
        candidature(o)


def test_une_offre_echue_refuse_avant_meme_d_expirer(g):
    o = offre(g, StatutOffre.PUBLIEE)
    with pytest.raises(ValidationError, match="n'accepte plus"):
        services.candidature_deposer(
            offre=o,
            saisie=saisie_candidature([g.chpc]),
            email_confirme="camille.lefevre@exemple.fr",
            maintenant=timezone.now() + timedelta(days=90),
        )


def test_un_fichier_refuse_n_ecrit_rien(g):
    o = offre(g, StatutOffre.PUBLIEE)
    faux = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 pas un pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refus:
        candidature(o, cv=faux)
    assert "cv" in refus.value.message_dict
    assert not Document.objects.exists() and not Candidature.objects.exists()


def test_pas_de_cv_pas_de_candidature(g):
    o = offre(g, StatutOffre.PUBLIEE)
    with pytest.raises(ValidationError) as refus:
        candidature(o, cv=None)
    assert "cv" in refus.value.message_dict


def test_deux_fois_la_meme_offre(g):
    o = offre(g, StatutOffre.PUBLIEE)
    candidature(o)
    with pytest.raises(ValidationError, match="déjà postulé"):
        candidature(o, cv=cv())


def test_le_vivier_garde_deux_ans(g):
    o = offre(g, StatutOffre.PUBLIEE)
    c = candidature(o, vivier=True)
    vivier = Consentement.objects.get(candidat=c.candidat, objet=ObjetConsentement.VIVIER)
    assert vivier.echeance is not None
    assert vivier.echeance - vivier.donne_le == services.DUREE_VIVIER


def test_la_visiteuse_retrouve_sa_fiche(g):
    premiere = candidature(offre(g, StatutOffre.PUBLIEE))
    seconde = candidature(
        offre(g, StatutOffre.PUBLIEE, titre="Anesthésiste"), email="Camille.Lefevre@exemple.fr"
    )
    assert premiere.candidat_id == seconde.candidat_id


def test_anonymiser_efface_la_personne_et_garde_les_chiffres(g):
    o = offre(g, StatutOffre.PUBLIEE)
    c = candidature(
        o, vivier=True, aide_logement=True, aide_precisions="Un T3 près de Valognes", cv=cv("CV_Lefèvre.pdf")
    )
    document = c.pieces.get().document
    chemin = document.fichier.path
    services.candidat_anonymiser(candidat=c.candidat, motif=services.Motif.DEMANDE)
    c.refresh_from_db()
    candidat = c.candidat
    assert candidat.anonymise_le is not None
    assert (candidat.nom, candidat.prenom, candidat.telephone) == ("", "", "")
    assert "lefevre" not in candidat.email
    assert not Document.objects.filter(pk=document.pk).exists()

    assert not os.path.exists(chemin)
    assert c.aide_precisions == "" and c.anonymisee_le is not None
    assert not Consentement.objects.filter(candidat=candidat, retire_le__isnull=True).exists()
    assert list(candidatures_visibles_par(g.recruteur_chpc)) == []
    # Gardé pour les statistiques : l'offre, la source, l'étape, les dates.
    assert (c.offre_id, c.source, c.etape) == (o.pk, "portail", "recue")
    # Le journal garde les actions, sans la personne ni le nom de ses fichiers.
    journal = Evenement.objects.filter(cible_id__in=[str(c.pk), str(candidat.pk)])
    assert journal.filter(verbe="recrutement.candidature.deposee").exists()
    assert journal.filter(verbe="socle.document.depose").exists()
    assert not any("Lefèvre" in str(e.cible_libelle) + str(e.donnees) for e in Evenement.objects.all())
    # Rejouée : rien de plus.
    services.candidat_anonymiser(candidat=candidat, motif=services.Motif.DEMANDE)
