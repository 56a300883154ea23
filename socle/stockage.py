from django.core.files.storage import FileSystemStorage


class StockagePrive(FileSystemStorage):
    """Stockage des documents déposés : aucune URL publique, jamais.

    Un document ne se télécharge que par la vue `socle:document`, après contrôle d'accès.
    """

    def url(self, name: str | None) -> str:
        raise ValueError("Document privé : il n'a pas d'URL publique, passez par socle:document.")
