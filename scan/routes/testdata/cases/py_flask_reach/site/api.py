from flask import Blueprint
from flask_jwt_extended import jwt_required

api_bp = Blueprint("api", __name__)


@api_bp.route("/articles")  # want: GET /api/v1/articles [auth-optional]
@jwt_required(optional=True)
def articles():
    return []


@api_bp.route("/articles", methods=["POST"])  # want: POST /api/v1/articles [auth]
@jwt_required()
def create_article():
    return {}


@api_bp.route("/articles/<slug>", methods=["GET"])  # want: GET /api/v1/articles/{slug} []
def article(slug):
    # Using the caller's identity is no check of it.
    if current_user.is_authenticated and current_user.can_edit(slug):
        return {"editable": True}
    return {}
