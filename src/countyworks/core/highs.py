"""One HiGHS solver instance for every program's linear programs (dispatch, order allocation)."""

from __future__ import annotations

import highspy


class QuietHighs(highspy.Highs):
    """A Highs instance silent from its creation: highspy prints a banner on stdout when its
    callbacks are enabled in the constructor, which would corrupt a command's ``--json`` output."""

    def enableCallbacks(self) -> None:
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()
