"""Raw date candidates → published/modified as timezone-aware datetimes (UTC in storage)."""

from newsbot import stages
from pipelines.base import StagePipeline


class DatesPipeline(StagePipeline):
    stage = staticmethod(stages.normalise_dates)
    name = "dates"
