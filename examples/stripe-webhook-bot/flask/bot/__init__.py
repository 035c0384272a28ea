"""Flask twin of the Go stripe-webhook-bot (source only)."""
import os

from flask import Flask

from .admin import admin_bp
from .extensions import limiter
from .webhooks import webhooks_bp


def create_app():
    app = Flask(__name__)
    app.config["STRIPE_WEBHOOK_SECRET"] = os.environ["STRIPE_WEBHOOK_SECRET"]
    app.config["BOT_MODE"] = os.environ.get("BOT_MODE", "hardened")
    limiter.init_app(app)

    app.register_blueprint(webhooks_bp, url_prefix="/webhook")
    app.register_blueprint(admin_bp)

    @app.get("/healthz")
    def healthz():
        return "ok\n"

    if app.config["BOT_MODE"] == "vulnerable":
        from .legacy import dev_bp, legacy_bp

        app.register_blueprint(legacy_bp, url_prefix="/api/legacy")
        app.register_blueprint(dev_bp)
    return app
