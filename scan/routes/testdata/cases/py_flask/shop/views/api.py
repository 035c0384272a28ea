from flask import Blueprint
from flask_login import login_required

from ..extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
items = Blueprint("items", __name__, url_prefix="/items")


@bp.get("/me")  # want: GET /api/v2/me [auth,csrf]
@login_required
def me():
    return {}


@items.route("/<int:item_id>", methods=["DELETE"])  # want: DELETE /api/v2/items/{item_id} [auth,rate-limit,csrf]
@login_required
@limiter.limit("10/minute")
def delete_item(item_id):
    return {}


bp.register_blueprint(items)
