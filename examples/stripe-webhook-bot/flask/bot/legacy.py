from flask import Blueprint, jsonify

from . import webhooks

legacy_bp = Blueprint("legacy", __name__)
dev_bp = Blueprint("dev", __name__, url_prefix="/dev")

# The hard-coded key the seed warns about (fake, format-valid).
STRIPE_KEY = "sk_live_ZK7zOPqn00BvMAq8eJpYT3jE"


@legacy_bp.route("/sync", methods=["POST"])
def legacy_sync():
    # Forgotten batch endpoint: no limit, no auth, expensive on every call.
    return jsonify(synced=True, key_scope=STRIPE_KEY[:8])


@dev_bp.get("/reset")
def reset():
    webhooks._seen.clear()
    return jsonify(reset=True)
