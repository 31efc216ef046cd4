"""HTML → title, authors, lead, language, canonical URL, date candidates, text blocks."""

from newsbot import stages
from pipelines.base import StagePipeline


class ExtractPipeline(StagePipeline):
    stage = staticmethod(stages.extract)
    name = "extract"
