import os
from os import environ, getenv

from decouple import config
import environ as django_environ

env = django_environ.Env()

SECRET_KEY = os.getenv('SECRET_KEY', 'secret string')  # want "secret-default-fallback"
JWT_SECRET = os.environ.get("JWT_SECRET", "dev")  # want "secret-default-fallback"
SESSION_SECRET = environ.get("SESSION_SECRET", default="change-me")  # want "secret-default-fallback"
APP_KEY = config('SECRET_KEY', default='django-insecure-x8')  # want "secret-default-fallback"
SIGNING = env('SIGNING_KEY', default="k3y")  # want "secret-default-fallback"
ENC = env.str("ENCRYPTION_KEY", default="0123456789abcdef")  # want "secret-default-fallback"
TOKEN_SECRET = os.environ.get("TOKEN_SECRET") or "tok"  # want "secret-default-fallback"
COOKIE = getenv("cookieSecret", "c00kie")  # want "secret-default-fallback"

# Silent: an empty default or None (the app fails or runs unsigned).
EMPTY = os.getenv("SECRET_KEY", "")
NONE = os.environ.get("JWT_SECRET", None)
NO_DEFAULT = config("SECRET_KEY")
# Silent: names that are not signing secrets.
DEBUG = os.getenv("DEBUG", "true")
DB = os.getenv("DATABASE_URL", "sqlite:///dev.db")
STRIPE = os.getenv("STRIPE_SECRET_KEY", "sk_test_x")
GH = os.getenv("GITHUB_CLIENT_SECRET", "gh")
AWS = os.getenv("AWS_SECRET_ACCESS_KEY", "aws")
API = os.getenv("API_KEY", "dev-key")
KEY_PATH = os.getenv("SECRET_KEY_FILE", "/run/secrets/key")
# Silent: the default is read from another variable, or not a literal.
FROM_OTHER = os.getenv("SECRET_KEY", os.getenv("FALLBACK_SECRET"))
FROM_NAME = os.environ.get("JWT_SECRET", SECRET_KEY)
FORMATTED = os.getenv("SECRET_KEY", f"{SECRET_KEY}-x")
OTHER_GET = settings.get("SECRET_KEY", "not-env")
