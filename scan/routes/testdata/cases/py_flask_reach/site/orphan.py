from flask import Blueprint

# A blueprint nothing registers: its routes are not served.
orphan_bp = Blueprint("orphan", __name__, url_prefix="/old")


@orphan_bp.route("/export")  # want: GET /old/export [] #unmounted
def export():
    return []
