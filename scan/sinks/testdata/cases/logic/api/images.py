from fastapi import APIRouter, HTTPException, UploadFile

router = APIRouter()
MAX_BYTES = 1 << 20


@router.post("/images")
async def image(file: UploadFile):
    if file.content_type not in ("image/png", "image/jpeg"):
        raise HTTPException(415)
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413)
    return {"size": len(data)}
