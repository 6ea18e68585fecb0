"""`manage.py check --deploy`: production must not send its texts to the console or nowhere."""

from django.conf import settings
from django.core import checks

from . import catalogue
from .sms import TencentSMSBackend, get_backend


@checks.register(checks.Tags.compatibility, deploy=True)
def check_sms_backend(app_configs=None, **kwargs):
    try:
        backend = get_backend()
    except Exception as error:  # an unknown name or a class that fails to start
        return [checks.Error(f"PORTAL_SMS_BACKEND cannot be loaded: {error}", id="portal.E101")]
    if not backend.delivers:
        return [
            checks.Warning(
                f"PORTAL_SMS_BACKEND is {settings.PORTAL_SMS_BACKEND!r}: texts reach no phone.",
                hint="Set PORTAL_SMS_BACKEND=tencent and its PORTAL_SMS_* settings (docs/messages.md).",
                id="portal.W101",
            )
        ]
    problems = []
    if isinstance(backend, TencentSMSBackend):
        config = settings.PORTAL_SMS_TENCENT
        missing = [name for name in ("secret_id", "secret_key", "app_id") if not config.get(name)]
        if missing or not settings.PORTAL_SMS_SIGN_NAME:
            names = [f"PORTAL_SMS_TENCENT_{name.upper()}" for name in missing]
            names += [] if settings.PORTAL_SMS_SIGN_NAME else ["PORTAL_SMS_SIGN_NAME"]
            problems.append(checks.Error(f"Tencent Cloud SMS needs {', '.join(names)}.", id="portal.E102"))
        keys = [key for key in catalogue.TEMPLATES if key != "staff.alert"]
        without = [key for key in keys if not settings.PORTAL_SMS_TEMPLATES.get(key)]
        if without:
            problems.append(
                checks.Error(
                    f"PORTAL_SMS_TEMPLATES has no template id for: {', '.join(without)}.",
                    hint="Register each message of docs/messages.md with Tencent Cloud and name its id.",
                    id="portal.E103",
                )
            )
    return problems
