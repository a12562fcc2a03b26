from django.core.exceptions import ValidationError

CLASSES = (str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum())


class CharacterClassValidator:
    """At least three of: upper case, lower case, digits, symbols (等保 2.0 password rule)."""

    def validate(self, password: str, user: object = None) -> None:
        used = sum(any(test(c) for c in password) for test in CLASSES)
        if used < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"
