from django.contrib import admin
from django.urls import include, path, re_path

from accounts import views as account_views

urlpatterns = [
    path("polls/", include("polls.urls")),
    path("admin/", admin.site.urls),  # want: ANY /admin/* [auth,csrf] #admin
    path("accounts/profile/", account_views.profile),  # want: ANY /accounts/profile/ [auth,csrf]
    re_path(r"^archive/(?P<year>[0-9]{4})/$", account_views.archive),  # want: GET /archive/{year}/ [csrf]
]

urlpatterns += [
    path("hooks/stripe/", account_views.stripe_hook),  # want: POST /hooks/stripe/ [signature]
]

from django.conf.urls.i18n import i18n_patterns

urlpatterns += i18n_patterns(
    path("about/", account_views.about),  # want: ANY /about/ [csrf]
    re_path(r"^coc/(?:(?P<lang>[a-z-]+)/)?$", account_views.about),  # want: ANY /coc/{lang}/ [csrf]
)
