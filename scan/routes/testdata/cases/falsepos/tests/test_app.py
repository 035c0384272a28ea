from flask import Flask

app = Flask(__name__)


# A test app's routes are not surfaces of the product.
@app.route("/test-only", methods=["POST"])
def only_in_tests():
    return ""
