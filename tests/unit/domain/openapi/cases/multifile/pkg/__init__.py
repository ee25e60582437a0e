from cog import BaseModel


class Box(BaseModel):
    x: int
    y: int
