import hmac

import stripe
from flask import Blueprint, request

from ..extensions import csrf

hooks = Blueprint("hooks", __name__)


@hooks.post("/webhook/stripe")  # want: POST /webhook/stripe [signature]
@csrf.exempt
def stripe_webhook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], "whsec")
    return {"id": event["id"]}


@hooks.post("/webhook/github")  # want: POST /webhook/github [signature]
@csrf.exempt
def github_webhook():
    if not hmac.compare_digest(expected(), request.headers.get("X-Hub-Signature-256", "")):
        return "", 401
    return ""


@hooks.route("/dev/reset", methods=["POST"])  # want: POST /dev/reset [csrf] #dev
def reset():
    return ""


def expected():
    return ""
