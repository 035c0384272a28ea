from typing import Annotated

from fastapi import APIRouter, Depends

router = APIRouter()


@router.get("/users/", tags=["users"])  # want: GET /users/ [rate-limit]
async def read_users():
    return [{"username": "Rick"}, {"username": "Morty"}]


@router.get("/users/me", tags=["users"])  # want: GET /users/me [auth,rate-limit]
async def read_user_me(current_user: Annotated[dict, Depends(get_current_user)]):
    return current_user


@router.post("/users/{username}/avatar")  # want: POST /users/{username}/avatar [auth,rate-limit]
async def upload(username: str, user=Depends(get_current_active_user)):
    return {}


def get_current_user():
    pass


def get_current_active_user():
    pass


from ..dependencies import CurrentUser


@router.get("/users/me/items")  # want: GET /users/me/items [auth,rate-limit]
async def my_items(user: CurrentUser):
    return []
