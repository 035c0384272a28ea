from typing import Annotated

from fastapi import Depends, Header, HTTPException


async def get_token_header(x_token: str = Header()):
    if x_token != "fake-super-secret-token":
        raise HTTPException(status_code=400, detail="X-Token header invalid")


async def get_query_token(token: str):
    pass


def get_current_user():
    pass


CurrentUser = Annotated[dict, Depends(get_current_user)]
