from typing import Optional

from fastapi import Depends, HTTPException
from fastapi.security import HTTPBearer, OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/login")
optional_bearer = HTTPBearer(auto_error=False)


def get_current_user(token: str = Depends(oauth2_scheme)):
    if not token:
        raise HTTPException(status_code=401)
    return {"name": "x"}


def get_current_user_optional(token: Optional[str] = Depends(optional_bearer)):
    return None


def get_viewer(credentials=Depends(optional_bearer)):
    return credentials


def get_user(required: bool = True):
    return get_current_user


def load_article(slug: str, user=Depends(get_current_user_optional)):
    return {"slug": slug}


def require_admin(user=Depends(get_current_user)):
    return user


def get_current_user_or_none(token: Optional[str] = Depends(optional_bearer)):
    return None


def get_auth_service():
    return object()
