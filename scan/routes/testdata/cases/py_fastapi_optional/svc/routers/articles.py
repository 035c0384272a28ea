from typing import Annotated, Optional

from fastapi import APIRouter, Depends

from ..security import get_current_user, get_current_user_optional, get_current_user_or_none, get_user, get_viewer, load_article

router = APIRouter(prefix="/articles")


@router.get("")  # want: GET /{prefix}/articles [auth-optional]
def list_articles(user: Optional[dict] = Depends(get_current_user_optional)):
    return []


@router.get("/{slug}")  # want: GET /{prefix}/articles/{slug} [auth-optional]
def get_article(article=Depends(load_article)):
    return article


@router.get("/{slug}/related")  # want: GET /{prefix}/articles/{slug}/related [auth-optional]
def related(user=Depends(get_user(required=False))):
    return []


@router.get("/{slug}/views")  # want: GET /{prefix}/articles/{slug}/views [auth-optional]
def views(viewer=Depends(get_viewer)):
    return []


@router.post("")  # want: POST /{prefix}/articles [auth]
def create_article(user=Depends(get_current_user)):
    return {}


MaybeUser = Annotated[dict, Depends(get_current_user_or_none)]


@router.get("/{slug}/likes")  # want: GET /{prefix}/articles/{slug}/likes [auth-optional]
def likes(user: MaybeUser):
    return []
