from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from .views import admin, api
from .views.webhooks import hooks

csrf = CSRFProtect()
limiter = Limiter(get_remote_address)


def create_app():
    app = Flask(__name__)
    csrf.init_app(app)
    limiter.init_app(app)

    @app.route("/")  # want: GET / [csrf]
    def index():
        return "ok"

    @app.route("/login", methods=["GET", "POST"])  # want: GET /login [csrf] #auth-endpoint ; POST /login [csrf] #auth-endpoint
    def login():
        return "login"

    app.register_blueprint(api.bp, url_prefix="/api/v2")
    app.register_blueprint(admin.bp)
    app.register_blueprint(hooks)
    app.add_url_rule("/health", view_func=health)  # want: GET /health [csrf]
    return app


def health():
    return "ok"
