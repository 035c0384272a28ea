from fastapi import FastAPI

from .plugins import load_router

app = FastAPI()
app.include_router(load_router())  # unresolved: the router comes from a call


@app.get("/")  # want: GET / []
def index():
    return {}
