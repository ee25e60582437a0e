import pkg.shared
from cog import BasePredictor
from output_types import Caption as Result
from pkg import Box


class Predictor(BasePredictor):
    def predict(self, prompt: str) -> Result:
        raise NotImplementedError


class Boxes(BasePredictor):
    def predict(self, count: int) -> list[Box]:
        raise NotImplementedError


class Inherited(pkg.shared.SharedPredictor):
    pass
