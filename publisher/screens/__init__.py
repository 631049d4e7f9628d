"""Which screens are alive: read the CDN's access logs for the screens' manifest
polls, and list each screen with when it was last seen, what it holds and how long
it has been silent during its school's hours.

Every module here is pure but `sources`, which opens the logs (files, folders,
S3). The command line (`publisher screens`) reads the database and the clock,
and passes what it found down.
"""

from publisher.screens.hours import school_hours, silence_in_hours
from publisher.screens.polls import BadLine, Poll
from publisher.screens.report import Gathered, School, ScreenRow, gather, screen_rows
from publisher.screens.sources import read_logs

__all__ = [
    "BadLine",
    "Gathered",
    "Poll",
    "School",
    "ScreenRow",
    "gather",
    "read_logs",
    "school_hours",
    "screen_rows",
    "silence_in_hours",
]
