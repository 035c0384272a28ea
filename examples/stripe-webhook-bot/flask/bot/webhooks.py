import stripe
from flask import Blueprint, abort, current_app, jsonify, request

from .allowlist import stripe_ip_allowlist
from .extensions import limiter, log

webhooks_bp = Blueprint("webhooks", __name__)
_seen = set()


@webhooks_bp.post("/stripe")
@limiter.limit("100/minute")
@stripe_ip_allowlist
def stripe_webhook():
    try:
        event = stripe.Webhook.construct_event(
            request.get_data(),
            request.headers.get("Stripe-Signature", ""),
            current_app.config["STRIPE_WEBHOOK_SECRET"],
            tolerance=300,
        )
    except (ValueError, stripe.error.SignatureVerificationError) as exc:
        log.warning("webhook from %s rejected: %s", request.remote_addr, exc)
        abort(400)
    if event["id"] in _seen:
        return jsonify(id=event["id"], status="duplicate")
    _seen.add(event["id"])
    return jsonify(id=event["id"], status="processed")
