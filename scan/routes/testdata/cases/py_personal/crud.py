from . import models


def get_db():
    yield None


def find_member(db, id):
    return db.get(models.Member, id)
