from flask_jwt_extended import jwt_required
from flask_restx import Resource

from .dto import UserDto

api = UserDto.api


@api.route("/")  # want: GET /api/people/ [auth]
class UserList(Resource):
    method_decorators = [jwt_required()]

    def get(self):
        return []


@api.route("/<public_id>")  # want: GET /api/people/{public_id} []; PUT /api/people/{public_id} [auth]
class User(Resource):
    method_decorators = {"put": [jwt_required()]}

    def get(self, public_id):
        return {}

    def put(self, public_id):
        return {}
