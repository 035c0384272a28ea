import os

API_PREFIX = os.getenv("API_PREFIX", "/api")
VERSION = "/v2"
