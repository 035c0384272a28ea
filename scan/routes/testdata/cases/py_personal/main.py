from typing import List

from fastapi import APIRouter, Depends, FastAPI, HTTPException

from . import crud, models, schemas

app = FastAPI()
router = APIRouter(prefix="/users")


@router.get("/{id}", response_model=schemas.UserOut)  # want: GET /users/{id} [] #personal-record
def get_user(id: int, db=Depends(crud.get_db)):
    return db.query(models.User).filter(models.User.id == id).first()


@router.get("/", response_model=List[schemas.CustomerPublic])  # want: GET /users/ [] #personal-record
def list_customers(db=Depends(crud.get_db)):
    return []


@router.get("/{id}/profile")  # want: GET /users/{id}/profile [] #personal-record
def profile(id: int) -> schemas.ProfileOut:
    return None


@router.get("/{id}/card")  # want: GET /users/{id}/card [] #personal-record
def card(id: int, db=Depends(crud.get_db)):
    return crud.find_member(db, id)


@app.get("/products/{id}")  # want: GET /products/{id} []
def product(id: int, db=Depends(crud.get_db)):
    item = db.query(models.Product).get(id)
    if item is None:
        raise UserNotFoundError()
    return item


@app.get("/roles/{id}")  # want: GET /roles/{id} []
def role(id: int):
    return models.UserRole(id=id)


app.include_router(router)
