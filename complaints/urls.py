app_name = "complaints"

urlpatterns = []
