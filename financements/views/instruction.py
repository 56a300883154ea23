"""Les pages de l'agglomération : liste, exports, instruction, décision, convention, versements."""


urlpatterns: list = []  # type: ignore[type-arg]
