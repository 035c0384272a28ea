from fastapi import APIRouter

router = APIRouter()


@router.delete("/users/{user_id}")  # want: DELETE /admin/users/{user_id} [auth,permission] #admin
def delete_user(user_id: int):
    return {}
