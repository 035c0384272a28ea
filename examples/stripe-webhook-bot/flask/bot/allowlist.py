import functools
import ipaddress

from flask import abort, request

from .extensions import log

# Stripe's published webhook source addresses (data; refresh from
# https://stripe.com/files/ips/ips_webhooks.txt).
STRIPE_WEBHOOK_IPS = [
    "3.18.12.63", "3.130.192.231", "13.235.14.237", "13.235.122.149",
    "18.211.135.69", "35.154.171.200", "52.15.183.38", "54.88.130.119",
    "54.88.130.237", "54.187.174.169", "54.187.205.235", "54.187.216.72",
]
ALLOWED_NETWORKS = [ipaddress.ip_network(ip) for ip in STRIPE_WEBHOOK_IPS]


def stripe_ip_allowlist(view):
    """Answer 403 to any caller outside Stripe's webhook ranges."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        addr = ipaddress.ip_address(request.remote_addr)
        if not any(addr in net for net in ALLOWED_NETWORKS):
            log.warning("webhook from %s refused: not in allowlist", addr)
            abort(403)
        return view(*args, **kwargs)

    return wrapper
