from django.utils import timezone

from .models import ReceptionDay


def section_context(request) -> dict:
    """Each branch's next reception day, for the home page (one query)."""
    return {"next_days": list(ReceptionDay.objects.next_per_branch(timezone.localdate()))}
