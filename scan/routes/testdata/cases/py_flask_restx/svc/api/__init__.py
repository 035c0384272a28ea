from flask import Blueprint
from flask_restx import Api

from .dto import AuthDto
from . import auth  # noqa: F401
from .items import ItemResource, ItemList
from .users import api as users_ns

blueprint = Blueprint("api", __name__, url_prefix="/api")
api = Api(blueprint, doc="/doc")

api.add_namespace(users_ns, path="/people")
api.add_namespace(AuthDto.api)
api.add_resource(ItemList, "/items")  # want: GET /api/items []; POST /api/items [auth]
api.add_resource(ItemResource, "/items/<int:item_id>")  # want: GET /api/items/{item_id} []; DELETE /api/items/{item_id} [auth]
