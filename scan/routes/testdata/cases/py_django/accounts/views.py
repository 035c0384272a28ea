import stripe
from django.contrib.auth.decorators import login_required
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST


@login_required
def profile(request):
    return None


@require_GET
def archive(request, year):
    return None


@csrf_exempt
@require_POST
def stripe_hook(request):
    stripe.Webhook.construct_event(request.body, request.META["HTTP_STRIPE_SIGNATURE"], "whsec")
    return None


def about(request, lang=None):
    return None
