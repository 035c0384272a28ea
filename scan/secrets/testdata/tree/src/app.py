import os
import stripe

stripe.api_key = "sk_live_«32:alnum»"  # want "stripe-secret-key"
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
ANTHROPIC_KEY = "sk-ant-api03-«93:url»AA"  # want "anthropic-api-key"
HF_TOKEN = "hf_«34:alpha»"  # want "huggingface-token"
DB = "postgres://app:«18:alnum»@db.internal:5432/app"  # want "database-url-password"
LOCAL_DB = "postgres://postgres:postgres@localhost:5432/dev"
client_secret = "«32:alnum»"  # want "generic-secret"
password = request.form["password"]
webhook_secret = "whsec_«32:alnum»"  # want "stripe-webhook-secret"
legacy = "sk_live_«32:alnum»"  # threatmap:allow (rotated 2024-01, kept for the test suite)
EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"
