"""Les discussions du Collège : les services (fil à un niveau, historique des modifications,
masquage motivé, suivi, notifications des suiveurs et des mentions), qui lit et écrit, le
rendu sûr du texte (aucun HTML de l'auteur ne passe), et le nombre de requêtes des pages."""

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from college import rendu, services
from college.models import Commentaire, Discussion, SuiviDiscussion, VersionCommentaire
from comptes.roles import Role
from conseil.models import RoleMandat
from socle.models import Evenement, Notification
from tests.college.factories import CommentaireFactory, TexteFactory
from tests.comptes.factories import UtilisateurFactory
from tests.conseil.factories import (
    CollegeFactory,
    InstanceFactory,
    MandatFactory,
    PointFactory,
    ReunionFactory,
    seance_convoquee,
)
from tests.outils import compter_requetes

pytestmark = pytest.mark.django_db


@pytest.fixture
def college():
    return CollegeFactory()


def _membre(instance: Any, prenom: str, nom: str, **champs: Any) -> Any:
    return MandatFactory(
        instance=instance, personne=UtilisateurFactory(prenom=prenom, nom=nom), **champs
    ).personne


@pytest.fixture
def helene(college):
    return _membre(college, "Hélène", "Lefèvre")


@pytest.fixture
def bruno(college):
    return _membre(college, "Bruno", "Bernard")


@pytest.fixture
def claire(college):
    return _membre(college, "Claire", "Chevalier")


@pytest.fixture
def discussion(college, helene):
    return services.discussion_ouvrir(instance=college, titre="Charte du Collège", acteur=helene)


def _notifications(personne: Any) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(destinataire=personne).values_list("verbe", "url"))


# --- Services ------------------------------------------------------------------------------


def test_ouvrir_une_discussion_la_fait_suivre_et_publie_le_premier_message(college, helene):
    discussion = services.discussion_ouvrir(
        instance=college, titre="  Charte  ", acteur=helene, texte="Premier message"
    )
    assert discussion.titre == "Charte"
    assert discussion.cree_par == helene
    assert list(discussion.suivis.values_list("utilisateur", flat=True)) == [helene.pk]
    assert [c.texte for c in discussion.commentaires.all()] == ["Premier message"]
    assert Evenement.objects.filter(verbe="college.discussion.ouverte", cible_id=str(discussion.pk)).exists()


def test_ouvrir_une_discussion_sur_un_sujet_d_une_autre_instance_est_refuse(college, helene):
    texte = TexteFactory(instance=InstanceFactory())
    with pytest.raises(ValidationError, match="autre instance"):
        services.discussion_ouvrir(instance=college, titre="Charte", objet=texte, acteur=helene)
    assert not Discussion.objects.exists()


def test_une_personne_hors_de_l_instance_n_ouvre_ni_ne_commente(college, discussion):
    etranger = _membre(InstanceFactory(), "Paul", "Durand")
    with pytest.raises(ValidationError, match="membres de l'instance"):
        services.discussion_ouvrir(instance=college, titre="Intrus", acteur=etranger)
    with pytest.raises(ValidationError, match="membres de l'instance"):
        services.commentaire_publier(discussion=discussion, auteur=etranger, texte="Bonjour")
    assert not discussion.commentaires.exists()


def test_un_ancien_membre_participe_encore_un_futur_membre_pas_encore(college, discussion):
    aujourd_hui = timezone.localdate()
    ancien = _membre(
        college,
        "Ancien",
        "Membre",
        debut=aujourd_hui - dt.timedelta(days=800),
        fin=aujourd_hui - dt.timedelta(days=400),
    )
    futur = _membre(college, "Futur", "Membre", debut=aujourd_hui + dt.timedelta(days=10))
    services.commentaire_publier(discussion=discussion, auteur=ancien, texte="Je me souviens…")
    with pytest.raises(ValidationError):
        services.commentaire_publier(discussion=discussion, auteur=futur, texte="Déjà là ?")


def test_le_secretariat_et_un_copresident_participent_sans_mandat(discussion, secretariat, copresident):
    services.commentaire_publier(discussion=discussion, auteur=secretariat, texte="Le secrétariat")
    services.commentaire_publier(discussion=discussion, auteur=copresident, texte="La co-présidence")
    assert discussion.commentaires.count() == 2


def test_repondre_a_une_reponse_rattache_au_commentaire_de_premier_niveau(discussion, helene, bruno, claire):
    premier = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Premier")
    reponse = services.commentaire_publier(
        discussion=discussion, auteur=bruno, texte="Réponse", parent=premier
    )
    sous_reponse = services.commentaire_publier(
        discussion=discussion, auteur=claire, texte="Réponse à la réponse", parent=reponse
    )
    assert reponse.parent == premier
    assert sous_reponse.parent == premier
    assert list(premier.reponses.order_by("id")) == [reponse, sous_reponse]


def test_on_ne_repond_pas_a_un_commentaire_d_une_autre_discussion(college, discussion, helene):
    autre = services.discussion_ouvrir(instance=college, titre="Autre", acteur=helene, texte="Ailleurs")
    ailleurs = autre.commentaires.get()
    with pytest.raises(ValidationError, match="même discussion"):
        services.commentaire_publier(discussion=discussion, auteur=helene, texte="Ici", parent=ailleurs)


def test_un_commentaire_vide_est_refuse(discussion, helene):
    with pytest.raises(ValidationError) as erreur:
        services.commentaire_publier(discussion=discussion, auteur=helene, texte="   \n ")
    assert "texte" in erreur.value.error_dict


def test_modifier_garde_la_version_precedente(discussion, helene):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Version 1")
    assert Commentaire.objects.get(pk=commentaire.pk).modifie_le is None
    services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte="Version 2")
    services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte="Version 3")
    modifie = Commentaire.objects.get(pk=commentaire.pk)
    assert modifie.texte == "Version 3"
    assert modifie.modifie_le is not None
    assert list(commentaire.versions.order_by("id").values_list("texte", flat=True)) == [
        "Version 1",
        "Version 2",
    ]
    assert (
        Evenement.objects.filter(verbe="college.commentaire.modifie", cible_id=str(commentaire.pk)).count()
        == 2
    )


def test_modifier_sans_changement_ne_cree_pas_de_version(discussion, helene):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Même texte")
    services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte="Même texte  ")
    commentaire.refresh_from_db()
    assert commentaire.modifie_le is None
    assert not VersionCommentaire.objects.exists()


def test_seul_l_auteur_modifie_son_commentaire(discussion, helene, bruno, secretariat):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="À moi")
    for autre in (bruno, secretariat):
        with pytest.raises(ValidationError, match="Seul son auteur"):
            services.commentaire_modifier(commentaire=commentaire, acteur=autre, texte="Réécrit")
    commentaire.refresh_from_db()
    assert commentaire.texte == "À moi"


def test_masquer_exige_un_motif_et_l_ecrit_au_journal(discussion, helene, secretariat):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Propos déplacés")
    with pytest.raises(ValidationError) as erreur:
        services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="  ")
    assert "motif" in erreur.value.error_dict
    services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="Propos hors charte")
    commentaire.refresh_from_db()
    assert commentaire.masque
    assert commentaire.masque_par == secretariat
    assert commentaire.motif_masquage == "Propos hors charte"
    assert commentaire.texte == "Propos déplacés"
    evenement = Evenement.objects.get(verbe="college.commentaire.masque")
    assert (evenement.acteur, evenement.cible_id, evenement.motif) == (
        secretariat,
        str(commentaire.pk),
        "Propos hors charte",
    )
    with pytest.raises(ValidationError, match="déjà masqué"):
        services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="Encore")


def test_seul_le_secretariat_masque(discussion, helene, bruno, copresident):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Texte")
    for personne in (helene, bruno, copresident):
        with pytest.raises(ValidationError, match="Seul le secrétariat"):
            services.commentaire_masquer(commentaire=commentaire, acteur=personne, motif="Non")
    commentaire.refresh_from_db()
    assert not commentaire.masque


def test_un_commentaire_masque_ne_se_modifie_plus_et_ne_recoit_plus_de_reponse(
    discussion, helene, bruno, secretariat
):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Texte")
    services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="Hors sujet")
    with pytest.raises(ValidationError, match="masqué"):
        services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte="Corrigé")
    with pytest.raises(ValidationError, match="masqué"):
        services.commentaire_publier(discussion=discussion, auteur=bruno, texte="Réponse", parent=commentaire)


def test_suivre_et_ne_plus_suivre(discussion, bruno):
    assert services.discussion_suivre(discussion=discussion, utilisateur=bruno, suivre=True) is True
    services.discussion_suivre(discussion=discussion, utilisateur=bruno, suivre=True)
    assert discussion.suivis.filter(utilisateur=bruno).count() == 1
    assert services.discussion_suivre(discussion=discussion, utilisateur=bruno, suivre=False) is False
    assert not discussion.suivis.filter(utilisateur=bruno).exists()


def test_l_auteur_d_un_commentaire_suit_la_discussion(discussion, bruno):
    services.commentaire_publier(discussion=discussion, auteur=bruno, texte="Je participe")
    services.commentaire_publier(discussion=discussion, auteur=bruno, texte="Encore moi")
    assert SuiviDiscussion.objects.filter(discussion=discussion, utilisateur=bruno).count() == 1


def test_les_suiveurs_et_les_mentionnes_sont_notifies_une_fois_jamais_l_auteur(
    discussion, helene, bruno, claire, django_capture_on_commit_callbacks
):
    # Hélène a ouvert la discussion (elle la suit) ; Bruno la suit aussi ; Claire ne la suit pas.
    services.discussion_suivre(discussion=discussion, utilisateur=bruno, suivre=True)
    with django_capture_on_commit_callbacks(execute=True):
        commentaire = services.commentaire_publier(
            discussion=discussion,
            auteur=helene,
            texte="@claire.chevalier et @bruno.bernard, qu'en pensez-vous ? @claire.chevalier ? "
            "@helene.lefevre",
        )
    ancre = commentaire.get_absolute_url()
    assert _notifications(claire) == [("college.commentaire.mention", ancre)]
    assert _notifications(bruno) == [("college.commentaire.mention", ancre)]
    assert _notifications(helene) == []

    with django_capture_on_commit_callbacks(execute=True):
        reponse = services.commentaire_publier(
            discussion=discussion, auteur=claire, texte="D'accord.", parent=commentaire
        )
    # Claire suit désormais la discussion ; Hélène et Bruno la suivent : ils sont notifiés.
    assert ("college.commentaire.publie", reponse.get_absolute_url()) in _notifications(helene)
    assert ("college.commentaire.publie", reponse.get_absolute_url()) in _notifications(bruno)
    assert _notifications(claire) == [("college.commentaire.mention", ancre)]
    message = Notification.objects.get(destinataire=helene).message
    assert "Claire Chevalier a commenté la discussion « Charte du Collège »" in message


def test_une_mention_inconnue_ou_hors_de_l_instance_ne_notifie_personne(discussion, helene):
    etranger = _membre(InstanceFactory(), "Paul", "Durand")
    services.commentaire_publier(
        discussion=discussion, auteur=helene, texte="@paul.durand @personne.inconnue helene@exemple.fr"
    )
    assert not Notification.objects.exclude(destinataire=helene).exists()
    assert _notifications(etranger) == []


def test_modifier_notifie_seulement_les_nouvelles_mentions(discussion, helene, bruno, claire):
    commentaire = services.commentaire_publier(
        discussion=discussion, auteur=helene, texte="Avis de @bruno.bernard ?"
    )
    Notification.objects.all().delete()
    services.commentaire_modifier(
        commentaire=commentaire, acteur=helene, texte="Avis de @bruno.bernard et de @claire.chevalier ?"
    )
    assert _notifications(bruno) == []
    assert _notifications(claire) == [("college.commentaire.mention", commentaire.get_absolute_url())]


# --- Mentions et rendu sûr --------------------------------------------------------------


@pytest.mark.parametrize(
    ("prenom", "nom", "identifiant"),
    [
        ("Hélène", "Lefèvre", "helene.lefevre"),
        ("Marie-Noëlle", "Le Gall", "marie-noelle.le-gall"),
        ("Éric", "D'Ornano", "eric.d-ornano"),
    ],
)
def test_identifiant_de_mention(prenom, nom, identifiant):
    personne = UtilisateurFactory.build(prenom=prenom, nom=nom)
    assert rendu.identifiant_de(personne) == identifiant


def test_une_mention_connue_est_en_gras_une_inconnue_reste_du_texte(helene):
    annuaire = rendu.annuaire_des_mentions([helene])
    html = rendu.markdown_leger("Merci @helene.lefevre et @inconnu.x, écrivez à a@helene.lefevre", annuaire)
    assert html == "<p>Merci <strong>Hélène Lefèvre</strong> et @inconnu.x, écrivez à a@helene.lefevre</p>\n"


def test_une_mention_dans_du_code_n_en_est_pas_une(helene):
    annuaire = rendu.annuaire_des_mentions([helene])
    assert rendu.markdown_leger("`@helene.lefevre`", annuaire) == "<p><code>@helene.lefevre</code></p>\n"
    assert rendu.mentionnes("`@helene.lefevre`", [helene]) == []


def test_le_markdown_leger_garde_la_mise_en_forme_permise():
    html = rendu.markdown_leger(
        "**gras** *italique*\nligne\n\n- un\n- deux\n\n> citation\n\n[lien](https://exemple.fr) `code`"
    )
    assert html == (
        "<p><strong>gras</strong> <em>italique</em><br>\nligne</p>\n<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n"
        "<blockquote>\n<p>citation</p>\n</blockquote>\n"
        '<p><a href="https://exemple.fr" rel="nofollow noopener">lien</a> <code>code</code></p>\n'
    )


def test_titres_images_et_tableaux_restent_du_texte():
    html = rendu.markdown_leger(
        "# Titre\n\n![image](https://exemple.fr/i.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1" not in html and "<img" not in html and "<table" not in html
    assert "# Titre" in html


def test_une_adresse_ecrite_telle_quelle_devient_un_lien():
    html = rendu.markdown_leger(
        "Voir https://exemple.fr/compte-rendu.pdf, rapport.fr, javascript:alert(1) et `https://code.fr`"
    )
    assert html == (
        '<p>Voir <a href="https://exemple.fr/compte-rendu.pdf" rel="nofollow noopener">'
        "https://exemple.fr/compte-rendu.pdf</a>, rapport.fr, javascript:alert(1) et "
        "<code>https://code.fr</code></p>\n"
    )


ATTAQUES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD4=)",
    "[clic](vbscript:msgbox(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    '<svg onload="alert(1)">',
    "<iframe src='https://exemple.fr'></iframe>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '[a](https://exemple.fr "titre" onmouseover="alert(1)")',
    '<https://exemple.fr/"onmouseover=alert(1)>',
]


class _Balises(HTMLParser):
    """Les balises et attributs d'un fragment, tels qu'un navigateur les lirait."""

    def __init__(self) -> None:
        super().__init__()
        self.balises: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balises.append((tag, attrs))


def _balises(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    lecteur = _Balises()
    lecteur.feed(html)
    return lecteur.balises


def _sans_danger(balises: list[tuple[str, list[tuple[str, str | None]]]]) -> None:
    for balise, attributs in balises:
        assert balise not in {"script", "img", "svg", "iframe", "style", "object", "embed"}, balise
        for nom, valeur in attributs:
            assert not nom.startswith("on"), (balise, nom)
            if nom in {"href", "src"}:
                assert re.match(r"(https?|mailto):", valeur or "", re.IGNORECASE), (balise, nom, valeur)


@pytest.mark.parametrize("attaque", ATTAQUES)
def test_aucune_attaque_ne_passe_le_rendu(attaque):
    html = rendu.markdown_leger(attaque)
    _sans_danger(_balises(html))
    for balise, attributs in _balises(html):
        assert balise in rendu.BALISES
        assert {nom for nom, _valeur in attributs} <= {"href", "rel"}


def test_une_mention_dont_le_nom_contient_du_html_est_echappee(college):
    pirate = _membre(college, '<img src=x onerror="alert(1)">', "<script>alert(2)</script>")
    identifiant = rendu.identifiant_de(pirate)
    html = rendu.markdown_leger(f"Bonjour @{identifiant}", rendu.annuaire_des_mentions([pirate]))
    assert html == (
        '<p>Bonjour <strong>&lt;img src=x onerror="alert(1)"&gt; '
        "&lt;script&gt;alert(2)&lt;/script&gt;</strong></p>\n"
    )
    _sans_danger(_balises(html))


def test_la_page_de_la_discussion_rend_les_attaques_inertes(client, college, discussion, helene):
    pirate = _membre(college, '<img src=x onerror="alert(1)">', "<script>alert(2)</script>")
    for attaque in ATTAQUES:
        services.commentaire_publier(discussion=discussion, auteur=helene, texte=attaque)
    services.commentaire_publier(
        discussion=discussion, auteur=helene, texte=f"Mention de @{rendu.identifiant_de(pirate)}"
    )
    Discussion.objects.filter(pk=discussion.pk).update(titre="<script>alert(3)</script>")
    client.force_login(helene)
    reponse = client.get(reverse("college:discussion_detail", args=[discussion.pk]))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    balises = _balises(html)
    # Les seuls scripts de la page sont ceux du portail, servis depuis /static/.
    scripts = [dict(attributs) for balise, attributs in balises if balise == "script"]
    assert scripts and all((s.get("src") or "").startswith("/static/") for s in scripts)
    assert html.count("<script") == len(scripts)
    assert not re.search(r"<script[^>]*>[^<]", html)
    # Le texte des attaques reste lisible, échappé : aucune balise ne porte d'attribut `on…`
    # ni de lien `javascript:` / `data:`.
    assert not re.search(r"<[^<>]*\son\w+\s*=", html)
    assert not re.search(r"<[^<>]*\shref\s*=\s*[\"']?\s*(javascript|data|vbscript):", html, re.IGNORECASE)
    for balise, attributs in balises:
        assert balise not in {"img", "svg", "iframe", "object", "embed"}, balise
        for nom, valeur in attributs:
            assert not nom.startswith("on"), (balise, nom)
            assert not re.match(r"\s*(javascript|data|vbscript):", valeur or "", re.IGNORECASE), (nom, valeur)
    assert "<img" not in html and "<svg" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html


# --- Qui lit et qui écrit ------------------------------------------------------------------


def _urls(discussion: Discussion, commentaire: Commentaire) -> dict[str, str]:
    return {
        "detail": reverse("college:discussion_detail", args=[discussion.pk]),
        "historique": reverse("college:commentaire_historique", args=[commentaire.pk]),
        "modifier": reverse("college:commentaire_modifier", args=[commentaire.pk]),
    }


@pytest.mark.parametrize(
    ("persona", "attendu"),
    [
        ("professionnel", 404),
        ("membre_college", 404),  # le rôle sans mandat dans l'instance de la discussion
        ("membre_d_une_autre_instance", 404),
        ("membre", 200),
        ("ancien_membre", 200),
        ("secretariat", 200),
        ("copresident", 200),
    ],
)
def test_qui_lit_une_discussion(client, request, college, discussion, helene, persona, attendu):
    personnes = {
        "membre": lambda: _membre(college, "Bruno", "Bernard"),
        "ancien_membre": lambda: _membre(
            college,
            "Ancien",
            "Membre",
            debut=timezone.localdate() - dt.timedelta(days=800),
            fin=timezone.localdate() - dt.timedelta(days=400),
        ),
        "membre_d_une_autre_instance": lambda: _membre(InstanceFactory(), "Paul", "Durand"),
    }
    personne = personnes[persona]() if persona in personnes else request.getfixturevalue(persona)
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Bonjour")
    client.force_login(personne)
    urls = _urls(discussion, commentaire)
    assert client.get(urls["detail"]).status_code == attendu
    assert client.get(urls["historique"]).status_code == attendu
    reponse = client.post(urls["detail"], {"texte": "Je passe"})
    assert reponse.status_code == (302 if attendu == 200 else 404)
    assert discussion.commentaires.filter(auteur=personne).exists() == (attendu == 200)
    assert client.post(reverse("college:suivre", args=[discussion.pk]), {"suivre": "1"}).status_code == (
        302 if attendu == 200 else 404
    )
    # La liste : refusée à qui ne siège nulle part ; sans cette discussion pour un membre d'ailleurs.
    liste = client.get(reverse("college:discussion_liste"))
    assert liste.status_code == (403 if persona in ("professionnel", "membre_college") else 200)
    assert (discussion.titre in liste.content.decode()) == (attendu == 200)


def test_un_anonyme_est_renvoye_a_la_connexion(client, discussion):
    reponse = client.get(reverse("college:discussion_detail", args=[discussion.pk]))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("account_login"))


def test_modifier_la_page_est_reservee_a_l_auteur(client, discussion, helene, bruno, secretariat):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Version 1")
    url = reverse("college:commentaire_modifier", args=[commentaire.pk])
    for autre in (bruno, secretariat):
        client.force_login(autre)
        assert client.get(url).status_code == 403
        assert client.post(url, {"texte": "Piraté"}).status_code == 403
    client.force_login(helene)
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"texte": "Version 2"})
    assert reponse.status_code == 302
    assert reponse["Location"].endswith(f"#commentaire-{commentaire.pk}")
    commentaire.refresh_from_db()
    assert commentaire.texte == "Version 2"
    historique = client.get(reverse("college:commentaire_historique", args=[commentaire.pk])).content.decode()
    assert "Version 1" in historique and "Version 2" in historique


def test_masquer_la_page_est_reservee_au_secretariat(
    client, discussion, helene, bruno, copresident, secretariat
):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Propos vifs")
    url = reverse("college:commentaire_masquer", args=[commentaire.pk])
    for personne in (helene, bruno, copresident):
        client.force_login(personne)
        assert client.post(url, {"motif": "Non"}).status_code == 403
    client.force_login(secretariat)
    assert client.post(url, {"motif": ""}).status_code == 302
    commentaire.refresh_from_db()
    assert not commentaire.masque
    assert client.post(url, {"motif": "Hors charte"}).status_code == 302
    commentaire.refresh_from_db()
    assert commentaire.motif_masquage == "Hors charte"


def test_un_commentaire_masque_n_est_lu_que_de_son_auteur_et_du_secretariat(
    client, discussion, helene, bruno, secretariat
):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Texte secret XYZ")
    services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte="Texte secret XYZ corrigé")
    services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="Propos hors charte")
    pages = [
        reverse("college:discussion_detail", args=[discussion.pk]),
        reverse("college:commentaire_historique", args=[commentaire.pk]),
    ]
    for personne, lit in ((bruno, False), (helene, True), (secretariat, True)):
        client.force_login(personne)
        for url in pages:
            html = client.get(url).content.decode()
            assert "Commentaire masqué par le secrétariat : Propos hors charte" in html
            assert ("Texte secret XYZ" in html) == lit, (personne, url)


def test_la_page_montre_auteur_date_modification_et_mentions_possibles(client, discussion, helene, bruno):
    commentaire = services.commentaire_publier(
        discussion=discussion, auteur=bruno, texte="Bonjour @helene.lefevre"
    )
    services.commentaire_modifier(commentaire=commentaire, acteur=bruno, texte="Bonjour @helene.lefevre !")
    client.force_login(helene)
    html = client.get(reverse("college:discussion_detail", args=[discussion.pk])).content.decode()
    assert 'aria-label="Commentaire de Bruno Bernard"' in html
    assert "<strong>Hélène Lefèvre</strong> !" in html
    assert reverse("college:commentaire_historique", args=[commentaire.pk]) in html
    assert "<code>@bruno.bernard</code> — Bruno Bernard" in html
    assert "Ne plus suivre la discussion" in html


def test_ouvrir_une_discussion_depuis_un_point_de_l_ordre_du_jour(client, college, helene, secretariat):
    reunion = seance_convoquee(instance=college, acteur=secretariat)
    point = reunion.points.get()
    reference = f"conseil.pointordredujour:{point.pk}"
    client.force_login(helene)
    formulaire = client.get(reverse("college:discussion_creer"), {"objet": reference})
    assert formulaire.status_code == 200
    assert str(point) in formulaire.content.decode()
    reponse = client.post(
        reverse("college:discussion_creer"),
        {"objet": reference, "instance": college.pk, "titre": "Sur ce point", "texte": "Mon avis"},
    )
    discussion = Discussion.objects.get()
    assert reponse["Location"] == discussion.get_absolute_url()
    assert (discussion.objet, discussion.instance, discussion.cree_par) == (point, college, helene)
    assert discussion.commentaires.get().texte == "Mon avis"

    liste = client.get(
        reverse("college:discussion_liste"), {"objet_type": "conseil.pointordredujour", "objet_id": point.pk}
    )
    assert list(liste.context["page"].object_list) == [discussion]
    autre = client.get(
        reverse("college:discussion_liste"),
        {"objet_type": "conseil.pointordredujour", "objet_id": point.pk + 1},
    )
    assert list(autre.context["page"].object_list) == []


def test_on_n_ouvre_pas_de_discussion_sur_un_sujet_qu_on_ne_voit_pas(client, college, helene):
    point_d_ailleurs = PointFactory(reunion=ReunionFactory(instance=InstanceFactory()))
    client.force_login(helene)
    for reference in (
        f"conseil.pointordredujour:{point_d_ailleurs.pk}",
        "comptes.utilisateur:1",
        "n'importe quoi",
    ):
        assert client.get(reverse("college:discussion_creer"), {"objet": reference}).status_code == 404
    assert not Discussion.objects.exists()


def test_ouvrir_une_discussion_dans_une_instance_qui_n_est_pas_la_sienne_est_refuse(client, college, helene):
    autre = InstanceFactory()
    client.force_login(helene)
    reponse = client.post(
        reverse("college:discussion_creer"), {"instance": autre.pk, "titre": "Intrus", "texte": "Bonjour"}
    )
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["instance"]
    assert not Discussion.objects.exists()


def test_sans_instance_on_n_ouvre_pas_de_discussion(client, professionnel):
    client.force_login(professionnel)
    assert client.get(reverse("college:discussion_creer")).status_code == 403


def test_la_liste_met_la_discussion_la_plus_active_en_tete(client, college, helene):
    ancienne = services.discussion_ouvrir(instance=college, titre="Ancienne", acteur=helene, texte="1")
    recente = services.discussion_ouvrir(instance=college, titre="Récente", acteur=helene, texte="1")
    Discussion.objects.filter(pk=ancienne.pk).update(cree_le=timezone.now() - dt.timedelta(days=3))
    Commentaire.objects.filter(discussion=ancienne).update(cree_le=timezone.now() - dt.timedelta(days=3))
    Discussion.objects.filter(pk=recente.pk).update(cree_le=timezone.now() - dt.timedelta(days=2))
    Commentaire.objects.filter(discussion=recente).update(cree_le=timezone.now() - dt.timedelta(days=2))
    client.force_login(helene)
    assert [d.titre for d in client.get(reverse("college:discussion_liste")).context["page"].object_list] == [
        "Récente",
        "Ancienne",
    ]
    services.commentaire_publier(discussion=ancienne, auteur=helene, texte="Relance")
    lignes = list(client.get(reverse("college:discussion_liste")).context["page"].object_list)
    assert [(d.titre, d.nb_commentaires) for d in lignes] == [("Ancienne", 2), ("Récente", 1)]


def test_suivre_depuis_la_page(client, discussion, bruno):
    client.force_login(bruno)
    url = reverse("college:suivre", args=[discussion.pk])
    client.post(url, {"suivre": "1"})
    assert discussion.suivis.filter(utilisateur=bruno).exists()
    client.post(url, {"suivre": "0"})
    assert not discussion.suivis.filter(utilisateur=bruno).exists()
    assert client.get(url).status_code == 405


def test_repondre_depuis_la_page(client, discussion, helene, bruno):
    premier = services.commentaire_publier(discussion=discussion, auteur=helene, texte="Premier")
    client.force_login(bruno)
    url = reverse("college:discussion_detail", args=[discussion.pk])
    reponse = client.post(url, {"texte": "Ma réponse", "parent": premier.pk})
    nouveau = Commentaire.objects.get(auteur=bruno)
    assert nouveau.parent == premier
    assert reponse["Location"].endswith(f"#commentaire-{nouveau.pk}")
    erreur = client.post(url, {"texte": "", "parent": premier.pk})
    assert erreur.status_code == 200
    assert erreur.context["parent_en_erreur"] == premier.pk


# --- Nombre de requêtes --------------------------------------------------------------------


def _remplir(discussion: Discussion, auteurs: list[Any], nombre: int, secretariat: Any) -> None:
    """`nombre` commentaires de premier niveau, chacun avec une réponse ; un sur trois modifié,
    un sur cinq masqué, des mentions."""
    for numero in range(nombre):
        auteur = auteurs[numero % len(auteurs)]
        commentaire = CommentaireFactory(
            discussion=discussion,
            auteur=auteur,
            texte=f"**N°{numero}** pour @{rendu.identifiant_de(auteurs[0])}",
        )
        CommentaireFactory(discussion=discussion, auteur=auteurs[-1], parent=commentaire, texte="Réponse")
        if numero % 3 == 0:
            Commentaire.objects.filter(pk=commentaire.pk).update(modifie_le=timezone.now())
        if numero % 5 == 0:
            services.commentaire_masquer(commentaire=commentaire, acteur=secretariat, motif="Hors charte")


@pytest.mark.parametrize("persona", ["membre", "secretariat"])
def test_la_page_d_une_discussion_ne_grandit_pas_avec_les_commentaires(
    client, college, helene, bruno, secretariat, persona
):
    lecteur = helene if persona == "membre" else secretariat
    client.force_login(lecteur)
    comptes = []
    for nombre in (1, 30):
        discussion = services.discussion_ouvrir(instance=college, titre=f"{nombre}", acteur=helene)
        _remplir(discussion, [helene, bruno], nombre, secretariat)
        comptes.append(compter_requetes(client, reverse("college:discussion_detail", args=[discussion.pk])))
    assert comptes[0] == comptes[1]


def test_la_liste_des_discussions_ne_grandit_pas_avec_les_discussions(
    client, college, helene, bruno, secretariat
):
    reunion = seance_convoquee(instance=college, acteur=secretariat, points=2)
    client.force_login(helene)
    comptes = []
    # Les sujets se chargent en une requête par type (textes, points) : deux types dès le départ.
    for nombre in (2, 15):
        for numero in range(nombre):
            objet = reunion.points.first() if numero % 2 else TexteFactory(instance=college)
            discussion = services.discussion_ouvrir(
                instance=college, titre=f"D{numero}", objet=objet, acteur=helene
            )
            _remplir(discussion, [helene, bruno], 2, secretariat)
        comptes.append(compter_requetes(client, reverse("college:discussion_liste")))
    assert comptes[0] == comptes[1]


def test_l_historique_ne_grandit_pas_avec_les_versions(client, discussion, helene):
    commentaire = services.commentaire_publier(discussion=discussion, auteur=helene, texte="v0")
    client.force_login(helene)
    url = reverse("college:commentaire_historique", args=[commentaire.pk])
    comptes = []
    for fin in (1, 10):
        for numero in range(fin):
            services.commentaire_modifier(commentaire=commentaire, acteur=helene, texte=f"v{fin}-{numero}")
        comptes.append(compter_requetes(client, url))
    assert comptes[0] == comptes[1]


def test_un_membre_sans_role_ne_voit_pas_le_menu_des_discussions(client, professionnel, college):
    client.force_login(professionnel)
    assert reverse("college:discussion_liste") not in client.get(reverse("accueil")).content.decode()
    membre = UtilisateurFactory(roles=(Role.MEMBRE_COLLEGE,))
    MandatFactory(instance=college, personne=membre, role=RoleMandat.TITULAIRE)
    client.force_login(membre)
    assert reverse("college:discussion_liste") in client.get(reverse("accueil")).content.decode()
