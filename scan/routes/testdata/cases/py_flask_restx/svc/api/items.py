from flask_restful import Resource

from .auth_utils import token_required


class ItemList(Resource):
    def get(self):
        return []

    @token_required
    def post(self):
        return {}


class ItemResource(Resource):
    def get(self, item_id):
        return {}

    @token_required
    def delete(self, item_id):
        return {}
