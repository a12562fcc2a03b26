class ApplicationError(Exception):
    """A domain rule was broken; `message` is shown to the user (Chinese)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
