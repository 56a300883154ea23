"""Ce que les vues partagent autour des formulaires."""

from django import forms
from django.core.exceptions import ValidationError


def erreurs_du_service(form: forms.BaseForm, erreur: ValidationError) -> None:
    """Place les refus d'un service (ValidationError) sur le champ qu'ils nomment, s'il est
    dans le formulaire ; les autres en tête du formulaire. La saisie reste dans le formulaire."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)
