"""Item pipelines, one module per stage, enabled in order through ITEM_PIPELINES."""
