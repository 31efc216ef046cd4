"""Text blocks → the article body, without comments, forms, share bars, banners and repeats."""

from newsbot import stages
from pipelines.base import StagePipeline


class BoilerplatePipeline(StagePipeline):
    stage = staticmethod(stages.strip_boilerplate)
    name = "boilerplate"
