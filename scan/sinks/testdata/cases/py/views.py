from django.db import connection
from django.http import FileResponse
from pymongo import MongoClient

db = MongoClient().shop


def order(request, order_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orders WHERE id = %s" % order_id)  # want "sql-string-built"
        cursor.execute("SELECT * FROM orders WHERE id = %s", [order_id])
    return FileResponse(open(request.GET["file"], "rb"))  # want "path-traversal"


def search(request):
    db.products.find(request.GET)  # want "nosql-injection"
    db.products.find({"$where": "this.price < " + request.GET["max"]})  # want "nosql-injection"
    db.users.find_one({"name": request.json["name"]})  # want "nosql-injection"
    db.users.find_one({"name": str(request.json["name"])})
    return db.products.find({"name": request.GET["name"]})


def start(request, name):
    chal = Challenge.objects.get(name=name)
    return open("/srv/images/" + chal.image).read()
