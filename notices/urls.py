app_name = "notices"

urlpatterns = []
