import os

import firebase_admin
from firebase_admin import credentials

# SUPABASE_SERVICE_ROLE_KEY is read below; this comment is not a read.
SUPABASE_URL = os.environ["SUPABASE_URL"]
SUPABASE_SERVICE_ROLE_KEY = os.environ["SUPABASE_SERVICE_ROLE_KEY"]  # want "privileged-key-server"
HASURA_ADMIN = os.getenv("HASURA_GRAPHQL_ADMIN_SECRET")  # want "privileged-key-server"

# A policy that names the role is not the key.
POLICY = "create policy p on posts using (auth.role() = 'service_role')"

firebase_admin.initialize_app(credentials.Certificate("service-account.json"))  # want "privileged-key-server"
