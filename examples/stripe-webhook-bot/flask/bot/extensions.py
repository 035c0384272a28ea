import logging

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

log = logging.getLogger("stripe-webhook-bot")

# No default limits: each route opts in, which is how the legacy endpoint
# ended up with none.
limiter = Limiter(get_remote_address)
