"""Readers of other blogs' exports, one module per format, each producing the same neutral records.

A reader is a function ``read(stream, warn) -> Iterator[Record]`` (records.py): the terms and authors
first, then each entry (post or page) with its comments. The import service (transfer/services.py)
knows nothing of the format beyond its name.
"""
