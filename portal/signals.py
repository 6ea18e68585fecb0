from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Branch, SiteProfile
from .profile import forget_profile


@receiver([post_save, post_delete], sender=SiteProfile)
@receiver([post_save, post_delete], sender=Branch)
def profile_changed(**kwargs):
    forget_profile()
