from pydantic import BaseModel


class Caption(BaseModel):
    text: str
    score: float
    tags: list[str]
