import os

from flask import Flask

from .api import api_bp
from .auth import auth_bp

API_ROOT = "/api"


def create_app():
    app = Flask(__name__)
    app.register_blueprint(api_bp, url_prefix=API_ROOT + "/v1")
    app.register_blueprint(auth_bp, url_prefix=os.environ["AUTH_PREFIX"])

    @app.route(f"{API_ROOT}/health")  # want: GET /api/health []
    def health():
        return "ok"

    @app.route(app.config["STATUS_PATH"])  # unresolved: a path from configuration
    def status():
        return "ok"

    return app
