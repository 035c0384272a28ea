from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from ..dependencies import get_token_header
from ..auth import get_current_user

router = APIRouter(
    prefix="/items",
    tags=["items"],
    dependencies=[Depends(get_token_header)],
)


@router.get("/")  # want: GET /items/ [auth,rate-limit]
async def read_items():
    return {}


@router.put("/{item_id}", dependencies=[Depends(require_owner)])  # want: PUT /items/{item_id} [auth,rate-limit]
async def update_item(item_id: str):
    return {}


def require_owner():
    pass
