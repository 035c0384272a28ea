# Development settings no deployment runs: a default here is meant.
import environ

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-dev-only")
JWT_SECRET = env.str("JWT_SECRET", default="local-dev-only")
