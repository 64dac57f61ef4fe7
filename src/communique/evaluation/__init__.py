"""The golden-file eval suite: scoring, running, reports, regression gate."""
